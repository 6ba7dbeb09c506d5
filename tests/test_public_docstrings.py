"""Every public name of pathgrad.engine, pathgrad.nn and pathgrad.viz says what it is.

The public API is what each package lists in ``__all__`` (and, for an exported module
such as ``pathgrad.nn.losses``, what that module lists), plus every public method and property
of each exported class, including those it inherits from pathgrad's own base classes.
A method that overrides a documented one needs its own docstring: ``help(Layer.nin)``
and a notebook's Shift-Tab show the override, not the base class's words.
"""

from __future__ import annotations

import functools
import importlib
import inspect
from collections.abc import Iterator
from types import ModuleType

PACKAGES = ("pathgrad.engine", "pathgrad.nn", "pathgrad.viz")


def _has_doc(obj: object) -> bool:
    return bool((getattr(obj, "__doc__", None) or "").strip())


def _members(cls: type) -> Iterator[tuple[str, object]]:
    """Public methods and properties of ``cls`` and of its pathgrad base classes, by qualified name."""
    for klass in cls.__mro__:
        if not klass.__module__.startswith("pathgrad."):
            continue  # object, Exception, tuple …: their members are Python's, documented there
        for name, member in vars(klass).items():
            if name.startswith("_"):
                continue
            if isinstance(member, (staticmethod, classmethod)):
                member = member.__func__
            if inspect.isfunction(member) or isinstance(member, (property, functools.cached_property)):
                yield f"{klass.__module__}.{klass.__qualname__}.{name}", member


def public_api(module: ModuleType, prefix: str | None = None) -> Iterator[tuple[str, object]]:
    """Each documentable public object reachable from ``module.__all__``, by qualified name."""
    prefix = prefix or module.__name__
    for name in module.__all__:
        obj = getattr(module, name)
        qualified = f"{prefix}.{name}"
        if isinstance(obj, ModuleType):
            yield qualified, obj
            if obj is not module:
                yield from public_api(obj, qualified)
            continue
        if inspect.isclass(obj):
            yield qualified, obj
            yield from _members(obj)
        elif callable(obj):
            yield qualified, obj
        # other values (the OPS and ACTIVATIONS tables, type aliases) cannot carry a docstring


def undocumented(modules: list[ModuleType]) -> list[str]:
    """The qualified names of the public objects without a docstring, each once, in API order."""
    missing: dict[str, None] = {}
    for module in modules:
        for qualified, obj in public_api(module):
            if not _has_doc(obj):
                missing.setdefault(qualified)
    return list(missing)


def test_every_public_name_method_and_property_has_a_docstring():
    missing = undocumented([importlib.import_module(name) for name in PACKAGES])
    assert not missing, f"{len(missing)} public names have no docstring:\n  " + "\n  ".join(missing)


def test_the_walk_reaches_exported_modules_class_members_and_inherited_methods():
    names = {qualified for name in PACKAGES for qualified, _ in public_api(importlib.import_module(name))}
    assert {
        "pathgrad.nn.losses.mse",  # a function of an exported module
        "pathgrad.viz.step.training_stepper",  # the callable step package's own __all__
        "pathgrad.nn.layer.Layer.nin",  # a property
        "pathgrad.nn.optim.SGD.direction",  # an override
        "pathgrad.nn.module.Module.state_dict",  # inherited by every exported module class
        "pathgrad.nn.mlp.MLP.from_torch",  # a classmethod
        "pathgrad.engine.check.GradcheckReport.ok",
    } <= names


def test_an_undocumented_method_property_or_function_is_named_in_the_failure():
    fake = ModuleType("pathgrad.fake")

    class Base:
        """Documented."""

        def inherited(self):
            pass

    class Thing(Base):
        """Documented."""

        @property
        def size(self):
            return 1

        def documented(self):
            """Documented."""

        def _private(self):
            pass

    def helper():
        pass

    for cls in (Base, Thing):
        cls.__module__ = "pathgrad.fake"
    helper.__module__ = "pathgrad.fake"
    fake.Thing, fake.helper, fake.TABLE = Thing, helper, {}
    fake.__all__ = ["Thing", "helper", "TABLE"]
    assert undocumented([fake]) == [
        f"pathgrad.fake.{Thing.__qualname__}.size",
        f"pathgrad.fake.{Base.__qualname__}.inherited",
        "pathgrad.fake.helper",
    ]
