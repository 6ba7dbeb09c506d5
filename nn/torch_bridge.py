"""Between ``pathgrad.nn.MLP`` and PyTorch: the same network as a ``torch.nn.Sequential`` and back.

torch is imported inside the functions, so ``import pathgrad.nn`` never needs it. The torch
network is float64 so losses and gradients can be compared to 1e-10.

Layer r of the MLP becomes ``torch.nn.Linear(p_{r−1}, p_r)`` whose ``weight[j, i]`` is
``Lr.N(j+1).w(i+1)`` and ``bias[j]`` is ``Lr.N(j+1).b``, followed by the activation's
module (none for a linear layer).
"""

from __future__ import annotations

from .activations import ACTIVATIONS, Activation
from .mlp import MLP

__all__ = ["to_torch", "from_torch"]


def to_torch(mlp: MLP):
    """A float64 ``torch.nn.Sequential`` computing the same function with the same weights."""
    import torch

    modules = []
    for layer in mlp.layers:
        linear = torch.nn.Linear(layer.nin, layer.nout, bias=mlp.bias, dtype=torch.float64)
        with torch.no_grad():
            linear.weight.copy_(
                torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64)
            )
            if mlp.bias:
                linear.bias.copy_(torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
        modules.append(linear)
        if layer.activation.name != "identity":
            modules.append(getattr(torch.nn, layer.activation.torch_module)())
    return torch.nn.Sequential(*modules)


def _activation_of(module, index: int) -> Activation:
    """The activation a torch module computes, or a ``ValueError`` naming the module."""
    kind = type(module).__name__
    for activation in ACTIVATIONS.values():
        if activation.torch_module == kind:
            if kind == "Hardtanh" and (module.min_val, module.max_val) != (-1.0, 1.0):
                raise ValueError(
                    f"from_torch: module {index} is Hardtanh({module.min_val}, {module.max_val}); only (−1, 1) is supported"
                )
            return activation
    known = ", ".join(a.torch_module for a in ACTIVATIONS.values())
    raise ValueError(f"from_torch: module {index} is a {kind}; expected Linear or one of {known}")


def from_torch(module) -> MLP:
    """An ``MLP`` with the weights of a Sequential of ``Linear`` layers, each followed by at most one activation.

    Raises:
        ValueError: for any other module (naming its position and type), two activations
            in a row, mismatched layer sizes, or some layers with bias and some without.
    """
    import torch

    parts = [module] if isinstance(module, torch.nn.Linear) else list(module.children())
    linears: list = []
    activations: list[Activation] = []
    after_linear = False
    for index, part in enumerate(parts):
        if isinstance(part, torch.nn.Linear):
            if linears and part.in_features != linears[-1].out_features:
                raise ValueError(
                    f"from_torch: module {index} takes {part.in_features} inputs "
                    f"but the previous Linear gives {linears[-1].out_features}"
                )
            linears.append(part)
            activations.append(ACTIVATIONS["identity"])
            after_linear = True
            continue
        activation = _activation_of(part, index)
        if not after_linear:
            raise ValueError(
                f"from_torch: module {index} ({type(part).__name__}) does not follow a Linear layer"
            )
        activations[-1] = activation
        after_linear = False
    if not linears:
        raise ValueError("from_torch: the module holds no Linear layer")
    has_bias = {linear.bias is not None for linear in linears}
    if len(has_bias) > 1:
        raise ValueError(
            "from_torch: some Linear layers have a bias and some do not; an MLP has one or the other"
        )
    mlp = MLP(
        linears[0].in_features,
        [linear.out_features for linear in linears],
        activation=activations[:-1],
        output_activation=activations[-1],
        bias=has_bias.pop(),
    )
    state = {}
    for r, linear in enumerate(linears, start=1):
        weight = linear.weight.detach().double().tolist()
        for j, row in enumerate(weight, start=1):
            state.update({f"L{r}.N{j}.w{i}": w for i, w in enumerate(row, start=1)})
            if linear.bias is not None:
                state[f"L{r}.N{j}.b"] = float(linear.bias.detach()[j - 1])
    mlp.load_state_dict(state)
    return mlp
