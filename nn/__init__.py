"""pathgrad's neural networks, built from scalar ``pathgrad.engine.Value`` nodes.

>>> import random
>>> from pathgrad.nn import MLP
>>> random.seed(0)
>>> model = MLP(2, [3, 1])
>>> y = model([1.0, -2.0])
>>> [p.label for p in model.parameters()][:3]
['L1.N1.w1', 'L1.N1.w2', 'L1.N1.b']
"""

from . import datasets, losses
from .activations import ACTIVATIONS, Activation, get_activation
from .layer import Layer
from .mlp import MLP
from .module import Module, StateError
from .neuron import Neuron
from .optim import SGD, Adam, Optimizer, linear_decay
from .training import History, StepRecord, fit

__all__ = [
    "Module",
    "StateError",
    "Neuron",
    "Layer",
    "MLP",
    "Activation",
    "ACTIVATIONS",
    "get_activation",
    "Optimizer",
    "SGD",
    "Adam",
    "linear_decay",
    "fit",
    "History",
    "StepRecord",
    "losses",
    "datasets",
]
