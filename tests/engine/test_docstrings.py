"""Every public method and operator of Value says what it computes and its local derivative."""

from __future__ import annotations

from pathgrad.engine import Value


def test_every_public_method_and_operator_of_value_has_a_docstring():
    undocumented = [
        name
        for name, member in vars(Value).items()
        if callable(member)
        and (
            not name.startswith("_")
            or (name.startswith("__") and name not in ("__init__", "__init_subclass__"))
        )
        and not (member.__doc__ or "").strip()
    ]
    assert undocumented == []
