"""pathgrad's neural networks, built from scalar ``engine.Value`` nodes.

>>> import random
>>> from nn import MLP
>>> random.seed(0)
>>> model = MLP(2, [3, 1])
>>> y = model([1.0, -2.0])
>>> [p.label for p in model.parameters()][:3]
['L1.N1.w1', 'L1.N1.w2', 'L1.N1.b']
"""

from nn import datasets, losses
from nn.activations import ACTIVATIONS, Activation, get_activation
from nn.layer import Layer
from nn.mlp import MLP
from nn.module import Module, StateError
from nn.neuron import Neuron
from nn.optim import SGD, Adam, Optimizer, linear_decay
from nn.training import History, StepRecord, fit

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
