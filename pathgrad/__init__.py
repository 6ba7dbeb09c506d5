"""pathgrad: a scalar autograd engine and computational-graph visualizer for teaching backpropagation.

The three packages are ``pathgrad.engine`` (``Value`` and the reverse-mode dynamic program),
``pathgrad.nn`` (neurons, layers, MLPs, losses, optimizers, ``fit``) and ``pathgrad.viz``
(diagrams, network figures, the step-through). The everyday names are here too:

>>> import pathgrad
>>> x, w = pathgrad.Value(2.0, "x"), pathgrad.Value(-3.0, "w")
>>> y = (x * w).tanh()
>>> y.backward()
>>> round(w.grad, 6)
0.019732
"""

from importlib.metadata import PackageNotFoundError, version

from pathgrad.engine import Value, count_paths, gradcheck, path_sum, paths
from pathgrad.nn import MLP, SGD, Adam, fit
from pathgrad.viz import draw, draw_dot, step

try:
    __version__ = version("pathgrad")
except PackageNotFoundError:  # imported from a source tree that was never installed
    __version__ = "0+unknown"

__all__ = [
    "Value",
    "MLP",
    "SGD",
    "Adam",
    "fit",
    "draw",
    "draw_dot",
    "step",
    "paths",
    "count_paths",
    "path_sum",
    "gradcheck",
    "__version__",
]
