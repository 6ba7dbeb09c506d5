"""Model files: a file loads into exactly the architecture it describes, or is refused by name; saves never lose work."""

from __future__ import annotations

import json
import math
import os
import pickle
import random
import signal
import struct
import time

import pytest

from pathgrad.engine.files import temporary_files
from pathgrad.nn import MLP, StateError, model_file


def _saved(tmp_path, **options):
    """A tanh 2-3-1 network saved to a file, and the file's JSON document."""
    path = tmp_path / "net.json"
    MLP(2, [3, 1], activation="tanh", rng=random.Random(7), **options).save(path)
    return path, json.loads(path.read_text())


def _refused(model, path, message):
    """Loading ``path`` raises a StateError naming the file and matching ``message``, and changes nothing."""
    before = model.state_dict()
    with pytest.raises(StateError, match=message) as error:
        model.load(path)
    assert str(error.value).startswith(f"{path}: ")
    assert model.state_dict() == before
    return str(error.value)


def _edited(document, key, value):
    edited = dict(document)
    if value is _REMOVED:
        del edited[key]
    else:
        edited[key] = value
    return edited


_REMOVED = object()


@pytest.mark.parametrize(
    ("key", "value", "message"),
    [
        ("activations", _REMOVED, r'has no "activations"'),
        ("activations", None, r'"activations" must be an object of neuron: activation name, got None'),
        ("activations", ["tanh"], r'"activations" must be an object.*got \[\'tanh\'\]'),
        ("activations", {}, r"neuron 'L1\.N1' has no saved activation; this MLP uses relu"),
        ("version", _REMOVED, r'has no "version"; this pathgrad reads version 1'),
        ("version", 999, r"version 999 is not one this pathgrad reads \(it reads version 1\)"),
        ("version", "1", r"version '1' is not one this pathgrad reads"),
        ("version", True, r"version True is not one this pathgrad reads"),
        ("shape", _REMOVED, r'has no "shape"'),
        ("shape", "2-9-1", r"holds a MLP of shape 2-9-1, this MLP has shape 2-3-1"),
        ("kind", _REMOVED, r'has no "kind"'),
        ("parameters", [], r'"parameters" must be an object of name: number, got \[\]'),
        ("comment", "hi", r"unknown key 'comment'; a version 1 file has format, version, kind"),
    ],
)
def test_a_file_missing_or_contradicting_a_key_is_refused_by_name(tmp_path, key, value, message):
    path, document = _saved(tmp_path)
    path.write_text(json.dumps(_edited(document, key, value)))
    _refused(MLP(2, [3, 1], rng=random.Random(1)), path, message)


def test_an_activation_saved_for_a_neuron_the_model_lacks_is_refused(tmp_path):
    path, document = _saved(tmp_path)
    document["activations"]["L9.N1"] = "tanh"
    path.write_text(json.dumps(document))
    _refused(
        MLP(2, [3, 1], activation="tanh"), path, "an activation is saved for 'L9.N1', which is not a neuron"
    )


def test_tanh_weights_never_load_into_a_relu_network(tmp_path):
    path, _ = _saved(tmp_path)
    _refused(MLP(2, [3, 1]), path, "neuron 'L1.N1' was saved with activation tanh, this MLP uses relu")


@pytest.mark.parametrize(
    ("number", "message"),
    [
        ("1" * 400, "a number of 400 digits is out of the range of a float"),
        ("-" + "9" * 5000, "a number of 5000 digits is out of the range of a float"),
        ("1e400", "the number 1e400 is out of the range of a float"),
        ("-1e999", "the number -1e999 is out of the range of a float"),
        ("NaN", "NaN is not a JSON number; a model file holds finite numbers only"),
        ("-Infinity", "-Infinity is not a JSON number"),
        ('"0.5"', r"parameter 'L1\.N1\.w1': needs a finite number, got '0\.5'"),
        ("true", r"parameter 'L1\.N1\.w1': needs a finite number, got True"),
    ],
)
def test_a_number_out_of_range_or_not_a_number_is_refused(tmp_path, number, message):
    path, document = _saved(tmp_path)
    text = json.dumps(document).replace(json.dumps(document["parameters"]["L1.N1.w1"]), number, 1)
    path.write_text(text)
    _refused(MLP(2, [3, 1], activation="tanh"), path, message)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[" * 100_000 + b"]" * 100_000, "nested too deeply for a model file"),
        (b'{"format": "pathgrad.nn", "a": ' + b"[" * 100_000, "nested too deeply"),
        (b'{"format": \xff}', r"not UTF-8 text \(byte 0xff at offset 11\)"),
        ('{"format": "pathgrad.nn"}'.encode("utf-16"), r"not UTF-8 text \(looks like UTF-16 text\)"),
        (pickle.dumps({"L1.N1.w1": 0.5}), r"not UTF-8 text \(looks like a Python pickle\)"),
        (b"{not json", r"not a JSON file \(Expecting property name"),
        (b"", "not a JSON file"),
        (b"[1, 2]", 'not a saved pathgrad module \\(no "format": "pathgrad.nn"\\)'),
    ],
)
def test_a_file_that_is_not_a_model_file_is_refused_with_what_it_is(tmp_path, content, message):
    path = tmp_path / "net.json"
    path.write_bytes(content)
    _refused(MLP(2, [3, 1]), path, message)


def test_files_have_a_size_bound_on_load_and_on_save(tmp_path, monkeypatch):
    path, _ = _saved(tmp_path)
    size = path.stat().st_size
    monkeypatch.setattr(model_file, "MAX_FILE_BYTES", size - 1)
    _refused(
        MLP(2, [3, 1], activation="tanh"), path, f"larger than {size - 1:,} bytes, the most a model file"
    )
    with pytest.raises(StateError, match=f"cannot save .*: the file would be {size:,} bytes, more than"):
        MLP(2, [3, 1], activation="tanh", rng=random.Random(7)).save(tmp_path / "other.json")
    assert not (tmp_path / "other.json").exists()


def test_load_state_dict_refuses_a_huge_integer_by_name_not_with_overflow():
    model = MLP(1, [1])
    state = dict(model.state_dict(), **{"L1.N1.w1": 10**400})
    with pytest.raises(
        StateError, match=r"parameter 'L1\.N1\.w1': an integer of 401 digits is out of the range"
    ):
        model.load_state_dict(state)


def test_a_model_with_a_nan_weight_is_not_saved_and_the_old_file_stays(tmp_path):
    path, _ = _saved(tmp_path)
    before = path.read_bytes()
    model = MLP(2, [3, 1], activation="tanh")
    model.layers[1].neurons[0].w[2].data = math.nan
    with pytest.raises(
        StateError, match=rf"cannot save {path}: parameter 'L2\.N1\.w3': needs a finite number, got nan"
    ):
        model.save(path)
    model.layers[1].neurons[0].w[2].data = -math.inf
    with pytest.raises(StateError, match=r"'L2\.N1\.w3': needs a finite number, got -inf"):
        model.save(path)
    assert path.read_bytes() == before
    assert list(tmp_path.iterdir()) == [path]


def test_every_saved_number_reads_back_bit_for_bit(tmp_path):
    model = MLP(2, [3, 1], rng=random.Random(5))
    extremes = [-0.0, 5e-324, -1.7976931348623157e308, 0.1, 1 / 3, 2.0**-1074 * 3, 123456789.123456789]
    for p, number in zip(model.parameters(), extremes):
        p.data = number
    model.save(tmp_path / "net.json")
    loaded = MLP(2, [3, 1]).load(tmp_path / "net.json")
    bits = [struct.pack("<d", p.data) for p in loaded.parameters()]
    assert bits == [struct.pack("<d", p.data) for p in model.parameters()]


# ---------------------------------------------------------------- kill -9 while saving

_KILLS = 25


def _save_until_killed(path, first, second, slow_disk_seconds):
    """In a forked child: save alternately ``first`` and ``second`` forever, on a disk whose fsync is slow."""
    try:
        real_fsync = os.fsync

        def slow_fsync(descriptor):  # widens the window between writing and renaming, as a slow disk does
            time.sleep(slow_disk_seconds)
            real_fsync(descriptor)

        os.fsync = slow_fsync
        while True:
            first.save(path)
            second.save(path)
    finally:
        os._exit(1)


@pytest.mark.skipif(not hasattr(os, "fork"), reason="forks a process to kill it")
def test_killing_a_saving_process_never_loses_the_file_and_leaves_at_most_one_temporary(tmp_path):
    path = tmp_path / "net.json"
    first, second = (MLP(2, [16, 16, 1], rng=random.Random(seed)) for seed in (1, 2))
    first.save(path)
    states = [first.state_dict(), second.state_dict()]
    rng, left_behind = random.Random(0), 0
    for _ in range(_KILLS):
        child = os.fork()
        if child == 0:
            _save_until_killed(path, first, second, slow_disk_seconds=0.01)
        time.sleep(rng.uniform(0.0, 0.1))
        os.kill(child, signal.SIGKILL)
        os.waitpid(child, 0)
        assert MLP(2, [16, 16, 1]).load(path).state_dict() in states
        stale = temporary_files(path)
        assert len(stale) <= 1
        left_behind += len(stale)
    assert left_behind > 0  # the kills did land mid-save, so the clean-up was exercised
    first.save(path)
    assert temporary_files(path) == [] and sorted(tmp_path.iterdir()) == [path]
