"""Every crash the attack runs and the fuzz suite found, each as its own named test.

A new crash found by ``tests/fuzz`` gets a test here, named after what broke, before it
is fixed.
"""

from __future__ import annotations

import warnings
from fractions import Fraction

import pytest

from pathgrad.engine import Value
from pathgrad.engine.expression import ExpressionError, parse
from pathgrad.viz import draw, step
from pathgrad.viz.text import UnrepresentableTextWarning, format_number


def test_a_400_digit_value_in_parse_is_an_expression_error_naming_it():
    # was OverflowError: int too large to convert to float (135 fuzz inputs)
    with pytest.raises(ExpressionError, match=r"the value of 'x'.*an int of about 400 digits"):
        parse("x", {"x": 10**400})


def test_a_huge_fraction_in_parse_is_an_expression_error():
    # was OverflowError: integer division result too large for a float
    with pytest.raises(ExpressionError, match="a Fraction too large for a float"):
        parse("x + 1", {"x": Fraction(10**400, 3)})


def test_a_huge_int_value_is_a_value_error_not_overflow():
    with pytest.raises(ValueError, match=r"Value 'w' needs a number a float can hold"):
        Value(-(10**5000), "w")


def test_a_label_that_is_not_a_string_is_named():
    # was TypeError: 'int' object is not iterable (the int was taken for micrograd's children)
    with pytest.raises(TypeError, match="Value's label must be a str, got int 5"):
        Value(1.0, 5)


def test_a_constant_power_that_overflows_says_so():
    # was "10 ** 400: (34, 'Numerical result out of range')"
    with pytest.raises(ExpressionError, match=r"column 3: 10 \*\* 400 is too large for a float"):
        parse("10**400")


@pytest.mark.parametrize("at", [[1], {5: 1.0}, "x=1"])
def test_values_that_are_not_a_name_mapping_are_refused_at_the_door(at):
    # a list crashed in sorted(); an int key in ", ".join
    with pytest.raises(TypeError, match=r"parse: at= maps names"):
        parse("x", at)


def test_arabic_indic_digits_are_not_numbers_in_the_grammar():
    # "٣" parsed as 3.0 (re's \d is any Unicode digit) while "x١" was not a name
    with pytest.raises(ExpressionError, match="unexpected character '٣'"):
        parse("٣")


@pytest.mark.parametrize("spec", ["%", "<<9.2f", ".2%"])
def test_number_formats_whose_text_is_not_a_float_format_negative_numbers(spec: str):
    # was ValueError: could not convert string to float: '-600.000000%'
    assert format_number(-6.0, spec) == format(-6.0, spec).replace("-", "−")
    assert format_number(-0.0, spec) == format(0.0, spec)


def test_a_lone_surrogate_label_saves_a_step_page(tmp_path):
    # was UnicodeEncodeError mid-write
    out = Value(1.0, "x\udc80") * 2
    with pytest.warns(UnrepresentableTextWarning, match="U\\+DC80"):
        target = step(out).save(tmp_path / "page.html")
    assert "x\ufffd" in target.read_text(encoding="utf-8")


@pytest.mark.parametrize("label", ["\ufffe", "\uffff", "&" * 4000, "]", "]]", "a\n]"])
def test_labels_graphviz_refused_now_draw(label: str):
    # dot exited 1: "syntax error ... scanning a HTML string"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UnrepresentableTextWarning)
        assert draw(Value(1.0, label) * 2).svg().startswith("<?xml")


def test_a_ragged_batch_is_refused_by_the_compiled_mode_by_name():
    # was numpy's "setting an array element with a sequence" (fuzz: rows=[[], [0.0]])
    from pathgrad.engine.compiled import CompiledGraph, Trace

    x = Value(1.0, "x")
    graph = CompiledGraph([Trace(inputs=[x], outputs=[(x * 2).tanh()])])
    with pytest.raises(ValueError, match="CompiledGraph.forward: X must be a table of real numbers"):
        graph.forward([[], [0.0]])
    with pytest.raises(ValueError, match=r"CompiledGraph.forward: X\[1, 0\] is nan, not a finite number"):
        graph.forward([[0.5], [float("nan")]])


@pytest.mark.parametrize("command", ["draw", "step"])
def test_an_output_name_no_file_system_can_store_exits_2(tmp_path, capsys, command: str):
    # was UnicodeEncodeError from the file system, reported as an internal error (fuzz: -o 'a\ud800.dot')
    from pathgrad.viz.cli import main

    suffix = ".dot" if command == "draw" else ".html"
    assert main([command, "x*2", "--at", "x=1", "-o", str(tmp_path / f"a\ud800{suffix}")]) == 2
    assert "the file system cannot store '\\ud800' in a file name" in capsys.readouterr().err
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize(("option", "value"), [("number_format", []), ("fields", None), ("max_nodes", None),
                                               ("highlight", False), ("parameters", 1e-308)])  # fmt: skip
def test_draw_options_of_the_wrong_kind_name_the_option(option: str, value):
    # were "unhashable type: 'list'", "'NoneType' object is not iterable", "'>' not supported ..." (fuzz)
    with pytest.raises((TypeError, ValueError), match=option):
        draw(Value(1.0, "x") * 2, **{option: value})


def test_a_huge_int_operand_is_refused_by_name_not_overflow():
    # was OverflowError from the operand check's isfinite (fuzz: x * 10**400)
    x = Value(2.0, "x")
    for huge in (10**400, Fraction(10**400, 3)):
        with pytest.raises(ValueError, match="a constant operand needs a number a float can hold"):
            x * huge


@pytest.mark.parametrize(("option", "value"), [("digits", "3"), ("max_paths", ["data"]), ("modes", 10**30),
                                               ("nudges", "0.1"), ("view", ["x"]), ("max_nodes", None)])  # fmt: skip
def test_step_options_of_the_wrong_kind_name_the_option(option: str, value):
    # were "'<=' not supported between 'int' and 'str'", "unhashable type: 'list'", "Unknown format code 'g'" (fuzz)
    with pytest.raises((TypeError, ValueError), match=option):
        step(Value(1.0, "x") * 2, **{option: value})
