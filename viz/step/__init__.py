r"""``pathgrad.viz.step``: the step-through, and ``step(root)`` which makes one.

    >>> from pathgrad.engine import Value
    >>> from pathgrad.viz import step
    >>> x, w = Value(2.0, "x"), Value(-3.0, "w")
    >>> y = (x * w).tanh(); y.label = "y"
    >>> page = step(y)                  # the same as pathgrad.viz.step.step(y)
    >>> page.save("y.html")             # doctest: +SKIP

The package is callable: ``pathgrad.viz.step(root, ...)`` is ``step(root, ...)``, so
``from pathgrad.viz import step`` and ``import pathgrad.viz.step`` both give what a
lecture expects (the function to call, and the package whose ``Stepper`` and
``training_stepper`` it holds).
"""

from __future__ import annotations

import inspect
import sys
import types

from .stepper import Stepper, step
from .training import training_stepper

__all__ = ["step", "Stepper", "training_stepper"]


class _CallablePackage(types.ModuleType):
    """This package, callable as its ``step`` function."""

    def __call__(self, *args, **kwargs) -> Stepper:
        return step(*args, **kwargs)


__signature__ = inspect.signature(step)
sys.modules[__name__].__class__ = _CallablePackage
