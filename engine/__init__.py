"""pathgrad's engine: scalar ``Value`` nodes and reverse-mode dynamic programming.

>>> from pathgrad.engine import Value
>>> x, w = Value(2.0, "x"), Value(-3.0, "w")
>>> y = (x * w).tanh()
>>> y.backward()
>>> round(w.grad, 6)
0.019732
"""

from .check import GradcheckReport, gradcheck
from .graph import (
    BackwardStep,
    Contribution,
    Path,
    TooManyPathsError,
    backward,
    backward_steps,
    count_edges,
    count_paths,
    path_sum,
    paths,
    topological_order,
)
from .ops import FUNCTIONS, OPS, DomainError, Op
from .value import Constant, Value, apply
from .vector import cross_entropy, log_softmax, logsumexp, softmax

__all__ = [
    "Value",
    "Constant",
    "apply",
    "Op",
    "OPS",
    "FUNCTIONS",
    "DomainError",
    "topological_order",
    "backward",
    "backward_steps",
    "BackwardStep",
    "Contribution",
    "Path",
    "paths",
    "count_paths",
    "count_edges",
    "path_sum",
    "TooManyPathsError",
    "gradcheck",
    "GradcheckReport",
    "softmax",
    "log_softmax",
    "logsumexp",
    "cross_entropy",
]
