"""``MLP``: layers in sequence, h_{r+1} = Φ(W_{r+1}ᵀ h_r); layers are named ``L1 … Lk``.

``MLP(nin, nouts)`` keeps micrograd's defaults and call convention: ReLU hidden layers,
a linear output layer, and a network with one output returns one ``Value``.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from pathgrad.engine import Value

from .activations import Activation, get_activation
from .inputs import Inputs
from .layer import Layer
from .module import Module

__all__ = ["MLP"]


class MLP(Module):
    """A multilayer perceptron of scalar neurons.

    Args:
        nin: number of inputs.
        nouts: number of neurons in each layer, the last being the output layer.
        activation: the hidden layers' activation, one name for all or one per hidden layer.
        output_activation: the output layer's activation (default: linear).
        bias: whether the neurons have biases (the lecture's figures (a) and (b)).
        **neuron_options: passed to every neuron (``expanded``, ``rng``).
    """

    def __init__(
        self,
        nin: int,
        nouts: Sequence[int],
        activation: str | Activation | None | Sequence[str | Activation | None] = "relu",
        output_activation: str | Activation | None = "identity",
        *,
        bias: bool = True,
        **neuron_options,
    ) -> None:
        nouts = list(nouts)
        if not nouts:
            raise ValueError("MLP: nouts needs at least one layer size")
        hidden = len(nouts) - 1
        if isinstance(activation, (list, tuple)):
            if len(activation) != hidden:
                raise ValueError(f"MLP: {len(activation)} activations given for {hidden} hidden layers")
            per_layer = [get_activation(a) for a in activation]
        else:
            per_layer = [get_activation(activation)] * hidden
        per_layer.append(get_activation(output_activation))
        sizes = [nin, *nouts]
        self.layers = [
            Layer(sizes[i], sizes[i + 1], activation=per_layer[i], bias=bias, **neuron_options)
            for i in range(len(nouts))
        ]
        self.label_parameters()

    @property
    def sizes(self) -> list[int]:
        """Units per layer, inputs first: ``[2, 16, 16, 1]``."""
        return [self.layers[0].nin, *(layer.nout for layer in self.layers)]

    @property
    def activations(self) -> list[Activation]:
        """Each layer's activation Φ, the output layer's last."""
        return [layer.activation for layer in self.layers]

    @property
    def bias(self) -> bool:
        """Whether the neurons have biases b (all or none do)."""
        return self.layers[0].neurons[0].b is not None

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The layers, named ``L1 … Lk`` from the input side."""
        for index, layer in enumerate(self.layers, start=1):
            yield f"L{index}", layer

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """The output layer's values: one ``Value`` if it has one neuron, else a list."""
        for layer in self.layers:
            x = layer.outputs(x)
        return x[0] if len(x) == 1 else x

    def describe_shape(self) -> str:
        """The ``sizes`` joined by dashes: ``"2-16-16-1"``."""
        return "-".join(map(str, self.sizes))

    def extra_repr(self) -> str:
        """The shape, as ``describe_shape``: ``MLP(2-16-16-1)`` above its layers."""
        return self.describe_shape()

    def to_torch(self):
        """A ``torch.nn.Sequential`` (float64) with the same weights; see ``pathgrad.nn.torch_bridge``."""
        from .torch_bridge import to_torch

        return to_torch(self)

    @classmethod
    def from_torch(cls, module) -> MLP:
        """An MLP with the weights of a ``torch.nn.Sequential`` of Linear and activation layers."""
        from .torch_bridge import from_torch

        return from_torch(module)
