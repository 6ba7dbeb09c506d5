"""The model file: what ``Module.save`` writes and the checks ``Module.load`` makes before it changes anything.

A model file is UTF-8 JSON (never pickle), one object of exactly these keys::

    {"format": "pathgrad.nn", "version": 1, "kind": "MLP", "shape": "2-4-1",
     "activations": {"L1.N1": "relu", …}, "parameters": {"L1.N1.w1": 0.25, …}}

Every parameter is a finite number written with ``repr``, so it reads back bit for bit;
``save`` refuses a model holding NaN or ±inf (naming the parameter) rather than write a
file that is not JSON and could never be loaded. Reading refuses, with a ``StateError``
naming the file and what is wrong: a file over ``MAX_FILE_BYTES``, bytes that are not
UTF-8, text that is not JSON or nests too deeply, a number out of a float's range, an
unknown or missing version, a missing or unknown key, and any kind, shape, activation
or parameter name that differs from the module it is loaded into.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Mapping
from numbers import Real
from pathlib import Path
from typing import TYPE_CHECKING

from pathgrad.engine.files import write_atomically

if TYPE_CHECKING:
    from .module import Module

__all__ = [
    "StateError",
    "FILE_FORMAT",
    "FILE_VERSION",
    "MAX_FILE_BYTES",
    "finite_number",
    "check_state",
    "write",
    "read",
]

FILE_FORMAT = "pathgrad.nn"
FILE_VERSION = 1
KEYS = ("format", "version", "kind", "shape", "activations", "parameters")
"""The keys of a version-1 file, all required."""

MAX_FILE_BYTES = 64 * 2**20
"""The largest model file ``load`` reads (and ``save`` writes): 64 MiB, about 1.5 million parameters."""

_MAX_INTEGER_DIGITS = 309
"""An integer with more digits is beyond a float's range (about 1.8·10³⁰⁸)."""

_SIGNATURES = (
    (b"\xff\xfe", "UTF-16 text"),
    (b"\xfe\xff", "UTF-16 text"),
    (b"\x80", "a Python pickle"),
    (b"PK\x03\x04", "a zip archive (a PyTorch .pt file?)"),
)
"""First bytes of files people mistake for a model file, and what they are."""


class StateError(ValueError):
    """A state dict or saved file does not fit the module it is loaded into."""


class _Refused(Exception):
    """A number the JSON reader met that a model file never holds."""


def _shown(number: object) -> str:
    """``repr`` of a value for a message, short even for a 5,000-digit integer or a huge string."""
    if isinstance(number, int) and not isinstance(number, bool) and abs(number) >= 10**20:
        return f"an integer of {len(str(abs(number))) if number.bit_length() < 14_000 else 'thousands of'} digits"
    text = repr(number)
    return text if len(text) <= 60 else f"{text[:50]}… ({len(text)} characters)"


def _plain(text: object) -> str:
    """A short printable text as it is (``2-4-1``), anything else as ``_shown`` gives it."""
    return text if isinstance(text, str) and text.isprintable() and len(text) <= 60 else _shown(text)


def finite_number(name: str, number: object) -> float:
    """``number`` as a float, or ``StateError`` naming the parameter when it is not a finite real number."""
    if isinstance(number, bool) or not isinstance(number, Real):
        raise StateError(f"parameter {name!r}: needs a finite number, got {_shown(number)}")
    try:
        value = float(number)
    except OverflowError:
        raise StateError(f"parameter {name!r}: {_shown(number)} is out of the range of a float") from None
    if not math.isfinite(value):
        raise StateError(f"parameter {name!r}: needs a finite number, got {value!r}")
    return value


# ------------------------------------------------------------------ writing


def write(module: Module, path: str | os.PathLike) -> None:
    """Save ``module`` to ``path`` atomically; refuses (writing nothing) what ``read`` would refuse."""
    path = Path(path)
    try:
        parameters = {name: finite_number(name, value) for name, value in module.state_dict().items()}
    except StateError as error:
        raise StateError(
            f"cannot save {path}: {error}; a model file holds finite numbers only (JSON has no NaN or ±inf)"
        ) from None
    document = {
        "format": FILE_FORMAT,
        "version": FILE_VERSION,
        "kind": type(module).__name__,
        "shape": module.describe_shape(),
        "activations": module.activation_names(),
        "parameters": parameters,
    }
    content = json.dumps(document, indent=1, allow_nan=False).encode("utf-8")
    if len(content) > MAX_FILE_BYTES:
        raise StateError(
            f"cannot save {path}: the file would be {len(content):,} bytes, more than the "
            f"{MAX_FILE_BYTES:,} a model file may be"
        )
    write_atomically(path, content)


# ------------------------------------------------------------------ reading


def _integer(text: str) -> int:
    if len(text.lstrip("-")) > _MAX_INTEGER_DIGITS:
        raise _Refused(f"a number of {len(text.lstrip('-'))} digits is out of the range of a float")
    return int(text)


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 40 else f"{text[:30]}… ({len(text)} characters)"
        raise _Refused(f"the number {shown} is out of the range of a float")
    return value


def _constant(name: str) -> float:
    raise _Refused(f"{name} is not a JSON number; a model file holds finite numbers only")


def _parse(path: Path) -> object:
    """The JSON value in the file at ``path``, after the size, encoding and number checks."""
    with open(path, "rb") as stream:
        raw = stream.read(MAX_FILE_BYTES + 1)
    if len(raw) > MAX_FILE_BYTES:
        raise StateError(
            f"{path}: larger than {MAX_FILE_BYTES:,} bytes, the most a model file may be; "
            "save() never writes one so large"
        )
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as error:
        what = next((kind for start, kind in _SIGNATURES if raw.startswith(start)), None)
        detail = f"looks like {what}" if what else f"byte {raw[error.start]:#04x} at offset {error.start}"
        raise StateError(
            f"{path}: not UTF-8 text ({detail}); a model file is the UTF-8 JSON that save() writes"
        ) from None
    try:
        return json.loads(text, parse_int=_integer, parse_float=_float, parse_constant=_constant)
    except json.JSONDecodeError as error:
        raise StateError(f"{path}: not a JSON file ({error})") from None
    except RecursionError:
        raise StateError(
            f"{path}: nested too deeply for a model file, whose objects nest two levels"
        ) from None
    except _Refused as error:
        raise StateError(f"{path}: {error}") from None


def _require(document: Mapping[str, object], key: str, kind: type, meaning: str) -> object:
    if key not in document:
        raise StateError(f'has no "{key}" ({meaning})')
    value = document[key]
    if not isinstance(value, kind) or isinstance(value, bool):
        raise StateError(f'"{key}" must be {meaning}, got {_shown(value)}')
    return value


def _check_names(mine: list[str], theirs: Mapping[str, object], module: Module, their_shape: str) -> None:
    """Refuse a parameter missing from the file or extra in it, naming it and both shapes."""
    kind, my_shape = type(module).__name__, module.describe_shape()
    for name in mine:
        if name not in theirs:
            raise StateError(
                f"parameter {name!r} is missing from the state: it has shape {their_shape}, "
                f"this {kind} has shape {my_shape}"
            )
    known = set(mine)
    for name in theirs:
        if name not in known:
            raise StateError(
                f"parameter {_shown(name)} in the state is not in this {kind}: the state has "
                f"shape {their_shape}, this {kind} has shape {my_shape}"
            )


def check_state(module: Module, state: Mapping[str, object], their_shape: str) -> dict[str, float]:
    """Every parameter of ``module`` from ``state`` as a float; ``StateError`` if any is missing, extra or bad."""
    mine = [name for name, _ in module.named_parameters()]
    _check_names(mine, state, module, their_shape)
    return {name: finite_number(name, state[name]) for name in mine}


def _check_activations(module: Module, saved: Mapping[str, object]) -> None:
    kind, mine = type(module).__name__, module.activation_names()
    for name, activation in mine.items():
        if name not in saved:
            raise StateError(f"neuron {name!r} has no saved activation; this {kind} uses {activation}")
        if saved[name] != activation:
            theirs = saved[name]
            shown = (
                theirs
                if isinstance(theirs, str) and theirs.isprintable() and len(theirs) <= 40
                else _shown(theirs)
            )
            raise StateError(
                f"neuron {name!r} was saved with activation {shown}, this {kind} uses {activation}"
            )
    for name in saved:
        if name not in mine:
            raise StateError(
                f"an activation is saved for {_shown(name)}, which is not a neuron of this {kind}"
            )


def _check_document(module: Module, document: object) -> dict[str, float]:
    """The parameters of a parsed file, after every check of it against ``module``."""
    if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
        raise StateError(f'not a saved pathgrad module (no "format": "{FILE_FORMAT}")')
    if "version" not in document:
        raise StateError(f'has no "version"; this pathgrad reads version {FILE_VERSION}')
    version = document["version"]
    if type(version) is not int or version != FILE_VERSION:
        raise StateError(
            f"version {_shown(version)} is not one this pathgrad reads (it reads version {FILE_VERSION})"
        )
    unknown = [key for key in document if key not in KEYS]
    if unknown:
        raise StateError(
            f"unknown key {_shown(unknown[0])}; a version {FILE_VERSION} file has {', '.join(KEYS)}"
        )
    kind = _require(document, "kind", str, "the kind of module, a text")
    shape = _require(document, "shape", str, "the module's shape, a text")
    if kind != type(module).__name__:
        raise StateError(
            f"holds a {_plain(kind)} of shape {_plain(shape)}, cannot load it into a "
            f"{type(module).__name__} of shape {module.describe_shape()}"
        )
    parameters = _require(document, "parameters", dict, "an object of name: number")
    numbers = check_state(module, parameters, shape)
    if shape != module.describe_shape():
        raise StateError(
            f"holds a {kind} of shape {_plain(shape)}, this {kind} has shape {module.describe_shape()}"
        )
    _check_activations(
        module, _require(document, "activations", dict, "an object of neuron: activation name")
    )
    return numbers


def read(module: Module, path: str | os.PathLike) -> dict[str, float]:
    """The parameters saved at ``path``, checked against ``module`` (which this does not change)."""
    path = Path(path)
    document = _parse(path)
    try:
        return _check_document(module, document)
    except StateError as error:
        raise StateError(f"{path}: {error}") from None
