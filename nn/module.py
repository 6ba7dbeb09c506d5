"""``Module``: the PyTorch-style contract every network part follows.

A module owns parameters (leaf ``Value``s) and child modules, each under a name, so
every parameter has a dotted name from its place in the network (``L1.N3.w2``).
``label_parameters()`` writes those names into the parameters' labels, so diagrams
name each weight the way a lecture does.

State is saved as JSON (never pickle): a file names its kind, its shape and every
parameter by its dotted name, and loading checks all of it before changing anything.
"""

from __future__ import annotations

import json
import math
import os
from collections.abc import Iterator, Mapping
from pathlib import Path

from pathgrad.engine import Value
from pathgrad.engine.files import write_atomically

__all__ = ["Module", "StateError"]

FILE_FORMAT = "pathgrad.nn"
FILE_VERSION = 1


class StateError(ValueError):
    """A state dict or saved file does not fit the module it is loaded into."""


def _join(prefix: str, name: str) -> str:
    return f"{prefix}.{name}" if prefix else name


class Module:
    """Base class of neurons, layers and networks.

    Subclasses name their parts by overriding ``named_children()`` and
    ``named_own_parameters()``; by default both are found among the attributes
    (a ``Value``, a ``Module``, or a list of them, numbered from 0). Code written for
    micrograd that only overrides ``parameters()`` keeps working.
    """

    training: bool = True
    label: str = ""

    # ------------------------------------------------------------- structure

    def _attributes_of(self, kind: type) -> Iterator[tuple[str, object]]:
        """Attributes holding a ``kind``, or a non-empty list of them (numbered ``name.0`` …)."""
        for name, item in vars(self).items():
            if isinstance(item, kind):
                yield name, item
            elif isinstance(item, (list, tuple)) and item and all(isinstance(v, kind) for v in item):
                for index, element in enumerate(item):
                    yield f"{name}.{index}", element

    def named_own_parameters(self) -> Iterator[tuple[str, Value]]:
        """The parameters this module holds directly, with their local names."""
        return self._attributes_of(Value)

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The modules this module holds directly, with their local names."""
        return self._attributes_of(Module)

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every module inside it, each with its dotted name."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(_join(prefix, name))

    def named_parameters(self, prefix: str = "") -> Iterator[tuple[str, Value]]:
        """Every parameter with its dotted name, each ``Value`` once (its first name)."""
        seen: set[Value] = set()
        for module_name, module in self.named_modules(prefix):
            for name, value in module.named_own_parameters():
                if value not in seen:
                    seen.add(value)
                    yield _join(module_name, name), value

    def parameters(self) -> list[Value]:
        """All parameters, in the order of ``named_parameters()``."""
        return [value for _, value in self.named_parameters()]

    def label_parameters(self, prefix: str = "") -> None:
        """Set each parameter's label to its dotted name, and each module's ``label`` to its place."""
        for module_name, module in self.named_modules(prefix):
            module.label = module_name
            for name, value in module.named_own_parameters():
                value.label = _join(module_name, name)

    # ------------------------------------------------------------- training

    def zero_grad(self) -> None:
        """Set every parameter's grad to 0 (micrograd's convention) before a backward pass."""
        for p in self.parameters():
            p.grad = 0.0

    def train(self, mode: bool = True) -> Module:
        """Switch this module and all inside it to training mode; returns ``self``."""
        for _, module in self.named_modules():
            module.training = mode
        return self

    def eval(self) -> Module:
        """Switch to evaluation mode; returns ``self``."""
        return self.train(False)

    # ------------------------------------------------------------- state

    def describe_shape(self) -> str:
        """A short text of this module's shape, used in messages and saved files."""
        return f"{len(self.parameters())} parameters"

    def activation_names(self) -> dict[str, str]:
        """Each neuron's activation by dotted name (``{"L1.N1": "relu", …}``), saved with the weights.

        Weights trained behind one activation mean nothing behind another, so ``load``
        refuses a file whose neurons used different ones.
        """
        found = {}
        for name, module in self.named_modules():
            activation = vars(module).get("activation")
            if activation is not None:
                found[name] = getattr(activation, "name", str(activation))
        return found

    def state_dict(self) -> dict[str, float]:
        """Every parameter's value by dotted name."""
        return {name: value.data for name, value in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, object], *, source_shape: str | None = None) -> None:
        """Set every parameter from ``state``; checks everything first, so a failure changes nothing.

        Raises:
            StateError: a parameter is missing or extra (naming it and both shapes), or
                a value is not a finite number (naming the parameter).
        """
        mine = dict(self.named_parameters())
        theirs_shape = source_shape or f"{len(state)} parameters"
        for name in mine:
            if name not in state:
                raise StateError(
                    f"parameter {name!r} is missing from the state: it has shape {theirs_shape}, "
                    f"this {type(self).__name__} has shape {self.describe_shape()}"
                )
        for name in state:
            if name not in mine:
                raise StateError(
                    f"parameter {name!r} in the state is not in this {type(self).__name__}: the state has "
                    f"shape {theirs_shape}, this {type(self).__name__} has shape {self.describe_shape()}"
                )
        numbers = {}
        for name, number in state.items():
            if isinstance(number, bool) or not isinstance(number, (int, float)) or not math.isfinite(number):
                raise StateError(f"parameter {name!r}: needs a finite number, got {number!r}")
            numbers[name] = float(number)
        for name, value in mine.items():
            value.data = numbers[name]

    def save(self, path: str | os.PathLike) -> None:
        """Write kind, shape, activations and parameters to ``path`` as JSON (atomically: never half-written)."""
        path = Path(path)
        document = {
            "format": FILE_FORMAT,
            "version": FILE_VERSION,
            "kind": type(self).__name__,
            "shape": self.describe_shape(),
            "activations": self.activation_names(),
            "parameters": self.state_dict(),
        }
        write_atomically(path, json.dumps(document, indent=1).encode("utf-8"))

    def load(self, path: str | os.PathLike) -> Module:
        """Read parameters saved by ``save``; a file of another kind, shape or activation changes nothing.

        Returns:
            ``self``, for chaining (``MLP(2, [4, 1]).load("net.json")``).
        """
        path = Path(path)
        try:
            document = json.loads(path.read_text(encoding="utf-8"))
        except json.JSONDecodeError as error:
            raise StateError(f"{path}: not a JSON file ({error})") from None
        if not isinstance(document, dict) or document.get("format") != FILE_FORMAT:
            raise StateError(f'{path}: not a saved pathgrad module (no "format": "{FILE_FORMAT}")')
        kind, shape = document.get("kind"), document.get("shape")
        if kind != type(self).__name__:
            raise StateError(
                f"{path}: holds a {kind} of shape {shape}, cannot load it into a "
                f"{type(self).__name__} of shape {self.describe_shape()}"
            )
        saved_activations = document.get("activations")
        if isinstance(saved_activations, dict):
            mine = self.activation_names()
            for name, activation in mine.items():
                if saved_activations.get(name, activation) != activation:
                    raise StateError(
                        f"{path}: neuron {name!r} was saved with activation {saved_activations[name]}, "
                        f"this {type(self).__name__} uses {activation}"
                    )
        parameters = document.get("parameters")
        if not isinstance(parameters, dict):
            raise StateError(f'{path}: "parameters" must be an object of name: number')
        try:
            self.load_state_dict(parameters, source_shape=str(shape))
        except StateError as error:
            raise StateError(f"{path}: {error}") from None
        return self

    # ------------------------------------------------------------- display

    def extra_repr(self) -> str:
        """What goes between the parentheses of this module's repr."""
        return ""

    def repr_children(self) -> list[tuple[str, Module]]:
        """The children shown in the nested repr (a layer shows a summary instead)."""
        return list(self.named_children())

    def __repr__(self) -> str:
        children = self.repr_children()
        head = f"{type(self).__name__}({self.extra_repr()}"
        if not children:
            return head + ")"
        lines = [head]
        for name, child in children:
            text = repr(child).replace("\n", "\n  ")
            lines.append(f"  ({name}): {text}")
        return "\n".join(lines) + "\n)"
