"""``Layer``: ``nout`` neurons reading the same inputs; one neuron returns a Value, as in micrograd."""

from __future__ import annotations

from collections.abc import Iterator

from pathgrad.engine import Value

from .activations import Activation
from .inputs import Inputs, as_inputs
from .module import Module
from .neuron import Neuron

__all__ = ["Layer"]


class Layer(Module):
    """h_1 … h_nout with h_j = Φ(Σ_i w_ji·x_i + b_j); neurons are named ``N1 … Nnout``.

    Args:
        nin: inputs per neuron.
        nout: number of neurons.
        **neuron_options: passed to every ``Neuron`` (``activation``, ``bias``,
            ``expanded``, ``rng``, or micrograd's ``nonlin``).
    """

    def __init__(self, nin: int, nout: int, **neuron_options) -> None:
        if isinstance(nout, bool) or not isinstance(nout, int) or nout < 1:
            raise ValueError(f"Layer: nout must be a positive int, got {nout!r}")
        self.neurons = [Neuron(nin, **neuron_options) for _ in range(nout)]
        self.label_parameters()

    @property
    def nin(self) -> int:
        """Inputs per neuron: the length of each neuron's ``w``."""
        return len(self.neurons[0].w)

    @property
    def nout(self) -> int:
        """Number of neurons, so the number of outputs h_1 … h_nout."""
        return len(self.neurons)

    @property
    def activation(self) -> Activation:
        """The activation of the layer's neurons (all alike)."""
        return self.neurons[0].activation

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The neurons, named ``N1 … Nnout``."""
        for index, neuron in enumerate(self.neurons, start=1):
            yield f"N{index}", neuron

    def __call__(self, x: Inputs) -> Value | list[Value]:
        """The neurons' outputs: a list, or the one ``Value`` of a one-neuron layer (micrograd's rule).

        Which of the two is fixed when the layer is made (by ``nout``), never by the input;
        ``outputs(x)`` always gives the list.
        """
        outputs = self.outputs(x)
        return outputs[0] if len(outputs) == 1 else outputs

    def outputs(self, x: Inputs) -> list[Value]:
        """The list of the neurons' outputs, ``[h_1, …, h_nout]``, whatever ``nout`` is."""
        xs = as_inputs(x, self.nin, self.label or "Layer")
        return [neuron.forward(xs) for neuron in self.neurons]

    def describe_shape(self) -> str:
        """Inputs and outputs: ``"3→4"``."""
        return f"{self.nin}→{self.nout}"

    def extra_repr(self) -> str:
        """``nin → nout, activation=…`` and ``bias=False`` when the neurons have none."""
        bias = "" if self.neurons[0].b is not None else ", bias=False"
        return f"{self.nin} → {self.nout}, activation={self.activation.name}{bias}"

    def repr_children(self) -> list[tuple[str, Module]]:
        """None: ``extra_repr`` summarises the neurons, which are all alike, on one line."""
        return []
