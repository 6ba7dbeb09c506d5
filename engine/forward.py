r"""``forward(root)``: run the forward pass again after a leaf's ``data`` changed.

Every node ``root`` depends on is recomputed from its parents, in topological order,
through its op (the same ``Op.evaluate`` that built it), so the graph keeps its shape,
its nodes and their ids, and only the numbers change:

    node.data, node.local_grads = node.operation.evaluate(*(parent.data for parent in node.parents))

This is what a live view does when a slider moves a weight: the layout stays, every
value and local derivative downstream is new. Grads are not touched (run ``backward``).
"""

from __future__ import annotations

from math import isfinite

from .graph import topological_order
from .ops import DomainError
from .value import Value

__all__ = ["forward"]


def forward(root: Value) -> None:
    """Recompute ``data`` and ``local_grads`` of every non-leaf node ``root`` depends on.

    Raises:
        DomainError: an op's input left its domain (``log`` of a negative, say) or a result
            is not finite; every node then holds what it held before the call.
    """
    order = [node for node in topological_order(root) if node.parents]
    before = [(node.data, node.local_grads) for node in order]
    try:
        for node in order:
            try:
                data, local_grads = node.operation.evaluate(*[parent.data for parent in node.parents])
            except (ArithmeticError, ValueError) as error:
                detail = str(error) if isinstance(error, DomainError) else f"{type(error).__name__}: {error}"
                raise DomainError(f"{node.operation.name}: {detail}") from None
            if not (isfinite(data) and isfinite(sum(local_grads))):
                raise DomainError(f"{node.operation.name}: the result {data!r} is not finite")
            node.data, node.local_grads = data, local_grads
    except DomainError:
        for node, (data, local_grads) in zip(order, before):
            node.data, node.local_grads = data, local_grads
        raise
