"""``Module``: the PyTorch-style contract every network part follows.

A module owns parameters (leaf ``Value``s) and child modules, each under a name, so
every parameter has a dotted name from its place in the network (``L1.N3.w2``).
``label_parameters()`` writes those names into the parameters' labels, so diagrams
name each weight the way a lecture does.

State is saved as JSON (never pickle): a file names its kind, its shape, each neuron's
activation and every parameter by its dotted name, and loading checks all of it before
changing anything (``pathgrad.nn.model_file``).
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from itertools import chain

from pathgrad.engine import Value

from . import model_file
from .model_file import StateError, check_state

__all__ = ["Module", "StateError"]


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

    def own_parameters(self) -> list[Value]:
        """``named_own_parameters()`` without the names (a module may say it faster)."""
        return [value for _, value in self.named_own_parameters()]

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

    def modules(self) -> Iterator[Module]:
        """This module and every module inside it, in the order of ``named_modules()`` (without names)."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    def parameters(self) -> list[Value]:
        """All parameters, in the order of ``named_parameters()`` (without making their names)."""
        return list(dict.fromkeys(chain.from_iterable(module.own_parameters() for module in self.modules())))

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
        for module in self.modules():
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
        self._set_parameters(check_state(self, state, source_shape or f"{len(state)} parameters"))

    def _set_parameters(self, numbers: Mapping[str, float]) -> None:
        for name, value in self.named_parameters():
            value.data = numbers[name]

    def save(self, path: str | os.PathLike) -> None:
        """Write kind, shape, activations and parameters to ``path`` as JSON (see ``pathgrad.nn.model_file``).

        Atomic and durable: the old file stays whole until the new one is complete on disk.

        Raises:
            StateError: a parameter is NaN or ±inf (naming it); nothing is written, as
                JSON has no such numbers and the file could never be loaded.
        """
        model_file.write(self, path)

    def load(self, path: str | os.PathLike) -> Module:
        """Read parameters saved by ``save``; any file that does not describe exactly this module changes nothing.

        Returns:
            ``self``, for chaining (``MLP(2, [4, 1]).load("net.json")``).

        Raises:
            StateError: naming the file and what is wrong: too large, not UTF-8 or not JSON,
                nested too deeply, a number out of range, an unknown or missing version or
                key, or a kind, shape, activation or parameter that differs from this module's.
            OSError: the file cannot be read (``FileNotFoundError`` …).
        """
        self._set_parameters(model_file.read(self, path))
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
