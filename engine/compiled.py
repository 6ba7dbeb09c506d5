r"""Compiled batch mode: trace one sample's graph once, replay it over a batch with numpy.

The scalar engine builds, for one sample, a DAG of ``Value`` nodes. Replaying that DAG
over a batch keeps every node and every edge, but a node now holds one row of a matrix
with one column per sample:

    forward:   V[node] = op.evaluate_batch(V[parents])           (the op table's batch version)
    backward:  G[parent] += ∂node/∂parent · G[node]               (each edge, every sample at once)

so the same dynamic program runs once for the whole batch instead of once per sample.
The leaves of the traced graph are of three kinds:

* **inputs**, the ``Value``s given as the sample's inputs: their rows are columns of X;
* **shared leaves**, the same ``Value`` in every trace (the parameters): their rows are
  their current ``.data``; after ``backward`` each one's ``.grad`` receives
  Σ over the batch of its per-sample gradients, so diagrams and the step-through show
  the batch gradient on the very parameter nodes of the traced graph;
* **traced numbers**, constants and leaves that each trace made anew: their rows hold
  the value they had when traced.

A sample's target can change the graph's numbers (the y in max(0, 1 − y·s)) or an op's
parameter (the class of ``cross_entropy_loss(y)``), but not its shape. So the graph is
traced once per distinct target value (a *variant*: two for ±1 labels, ten for digits),
the variants are checked to have one shape, and whatever differs between them — a
traced number, an op's parameter — becomes a per-sample row chosen by each sample's
variant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from operator import attrgetter

import numpy as np

from .graph import topological_order
from .ops import DomainError, Op
from .value import Constant, Value, check_operands

__all__ = ["Trace", "CompiledGraph", "Replay"]

_DATA = attrgetter("data")
_RAISE_ON_BAD_NUMBERS = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}


@dataclass(frozen=True)
class Trace:
    """One sample's graph: its input leaves (in the order of X's columns) and the nodes
    whose values a replay returns, the first being the one ``backward`` starts from."""

    inputs: Sequence[Value]
    outputs: Sequence[Value]


@dataclass(frozen=True)
class _Step:
    """One op node of the replay: its row, its op, the rows of its operands."""

    row: int
    op: Op
    parents: np.ndarray
    repeated_parent: bool  # e.g. a*a: the backward push must add twice into one row
    param: object  # op.param, or an array of one param per variant
    ops_by_variant: tuple[Op, ...]  # one op per variant where the params differ, else empty


def _nodes_in_order(outputs: Sequence[Value]) -> list[Value]:
    """Every node the outputs depend on, parents before children, each once."""
    order: list[Value] = []
    seen: set[Value] = set()
    for output in outputs:
        for node in topological_order(output):
            if node not in seen:
                seen.add(node)
                order.append(node)
    return order


def _describe(node: Value, row: int) -> str:
    return (
        f"node {row} {node.label!r} ({node.op or 'leaf'})"
        if node.label
        else f"node {row} ({node.op or 'leaf'})"
    )


class CompiledGraph:
    """Traces of one sample's graph, one per variant, ready to replay over batches.

    Args:
        traces: one ``Trace`` per variant; all must have the same shape (same ops
            wired the same way, the same shared leaves).

    Raises:
        ValueError: the traces differ in shape, naming the variant and the node.
    """

    def __init__(self, traces: Sequence[Trace]) -> None:
        if not traces:
            raise ValueError("CompiledGraph: needs at least one trace")
        orders = [_nodes_in_order(trace.outputs) for trace in traces]
        first, first_trace = orders[0], traces[0]
        for variant, order in enumerate(orders):
            if len(order) != len(first):
                raise ValueError(
                    f"CompiledGraph: variant {variant} has {len(order)} nodes, variant 0 has {len(first)}; "
                    "the graph's shape must not depend on the target"
                )
        self.nodes = first
        """The first variant's nodes, in replay order (row i of a replay is nodes[i])."""
        position = {node: row for row, node in enumerate(first)}
        self._position = position
        self.output_rows = np.array([position[node] for node in first_trace.outputs])
        inputs = [{node: column for column, node in enumerate(trace.inputs)} for trace in traces]
        self._first_inputs = inputs[0]
        self._sort_leaves(orders, inputs[0])
        self.input_count = len(first_trace.inputs)
        for variant, order in enumerate(orders[1:], start=1):
            self._check_same_shape(variant, order, inputs, position)
        self.steps = [
            self._step(row, [order[row] for order in orders], position)
            for row, node in enumerate(first)
            if node.parents
        ]
        self.variants = len(traces)

    def add(self, trace: Trace) -> None:
        """Append one more variant without re-reading the others; its index is ``variants - 1``.

        A leaf taken for shared (with a single variant every leaf looks shared) that this
        trace holds as a Value of its own becomes a traced number: its value in the earlier
        variants is the one Value they all held.

        Raises:
            ValueError: the trace differs in shape from variant 0, naming the node.
        """
        order = _nodes_in_order(trace.outputs)
        variant = self.variants
        if len(order) != len(self.nodes):
            raise ValueError(
                f"CompiledGraph: variant {variant} has {len(order)} nodes, variant 0 has {len(self.nodes)}; "
                "the graph's shape must not depend on the target"
            )
        own_inputs = {node: column for column, node in enumerate(trace.inputs)}
        self._check_same_shape(variant, order, {0: self._first_inputs, variant: own_inputs}, self._position)
        # the steps may still refuse the trace: build them before changing anything
        steps = [self._extend_step(step, order[step.row]) for step in self.steps]
        self._unshare(
            [row for row, leaf in zip(self.shared_rows.tolist(), self.shared) if order[row] is not leaf]
        )
        column = [[order[row].data] for row in self.traced_rows.tolist()]
        self.traced_values = np.hstack((self.traced_values, np.array(column, dtype=float).reshape(-1, 1)))
        self.steps = steps
        self.variants += 1

    def _unshare(self, rows: list[int]) -> None:
        """Move shared leaves at ``rows`` to the traced numbers, with their value in every variant so far."""
        if not rows:
            return
        moving = set(rows)
        kept = [(row, leaf) for row, leaf in zip(self.shared_rows.tolist(), self.shared) if row not in moving]
        values = [
            [leaf.data] * self.variants
            for row, leaf in zip(self.shared_rows.tolist(), self.shared)
            if row in moving
        ]
        self.shared = [leaf for _, leaf in kept]
        self.shared_rows = np.array([row for row, _ in kept], int)
        self.traced_rows = np.concatenate((self.traced_rows, np.array(rows, int)))
        self.traced_values = np.vstack((self.traced_values, np.array(values, dtype=float)))

    def _extend_step(self, step: _Step, node: Value) -> _Step:
        """``step`` with one more variant's op (the same batch version; its parameter may differ)."""
        op = node.operation
        if op.evaluate_batch is not step.op.evaluate_batch:
            raise ValueError(
                f"CompiledGraph: variants use different ops at {_describe(self.nodes[step.row], step.row)}"
            )
        if not isinstance(step.param, np.ndarray):
            if op.param == step.param:
                return step
            step = replace(
                step, param=np.array([step.param] * self.variants), ops_by_variant=(step.op,) * self.variants
            )
        return replace(step, param=np.append(step.param, op.param), ops_by_variant=(*step.ops_by_variant, op))

    def _sort_leaves(self, orders: list[list[Value]], inputs: dict[Value, int]) -> None:
        """Each leaf's kind: an input (a column of X), shared (the same Value in every
        variant: a parameter) or traced (its value per variant: constants, targets)."""
        input_rows, input_columns, shared_rows, traced_rows = [], [], [], []
        self.shared: list[Value] = []
        traced_values: list[list[float]] = []
        for row, node in enumerate(orders[0]):
            if node in inputs:
                input_rows.append(row)
                input_columns.append(inputs[node])
            elif node.parents:
                continue
            elif not isinstance(node, Constant) and all(order[row] is node for order in orders):
                shared_rows.append(row)
                self.shared.append(node)
            else:
                traced_rows.append(row)
                traced_values.append([order[row].data for order in orders])
        self.input_rows, self.input_columns = np.array(input_rows, int), np.array(input_columns, int)
        self.shared_rows, self.traced_rows = np.array(shared_rows, int), np.array(traced_rows, int)
        self.traced_values = np.array(traced_values, dtype=float).reshape(len(traced_rows), len(orders))

    def _check_same_shape(
        self, variant: int, order: list[Value], inputs: Sequence[dict] | dict[int, dict], position: dict
    ) -> None:
        def differ(row: int, what: str) -> ValueError:
            return ValueError(
                f"CompiledGraph: the graph of variant {variant} differs from variant 0 at "
                f"{_describe(self.nodes[row], row)}: {what}; the graph's shape must not depend on the target"
            )

        own_position = {node: row for row, node in enumerate(order)}
        for row, (node, mine) in enumerate(zip(self.nodes, order)):
            if (inputs[variant].get(mine), mine.op) != (inputs[0].get(node), node.op):
                raise differ(row, f"{mine.op or 'leaf'} instead of {node.op or 'leaf'}")
            if [own_position[p] for p in mine.parents] != [position[p] for p in node.parents]:
                raise differ(row, "its operands come from other nodes")

    def _step(self, row: int, versions: list[Value], position: dict) -> _Step:
        node = versions[0]
        ops = tuple(version.operation for version in versions)
        if node.operation.evaluate_batch is None:
            raise ValueError(
                f"CompiledGraph: op {node.op!r} has no batch version in the op table ({_describe(node, row)})"
            )
        if any(op.evaluate_batch is not node.operation.evaluate_batch for op in ops):
            raise ValueError(f"CompiledGraph: variants use different ops at {_describe(node, row)}")
        params = [op.param for op in ops]
        param = params[0] if all(p == params[0] for p in params) else np.array(params)
        parents = np.array([position[p] for p in node.parents], dtype=int)
        by_variant = ops if isinstance(param, np.ndarray) else ()
        return _Step(
            row, node.operation, parents, len(set(parents.tolist())) < len(parents), param, by_variant
        )

    # ------------------------------------------------------------------ replay

    def forward(self, X: np.ndarray, variants: np.ndarray | None = None) -> Replay:
        """Every node's value for every row of X (sample i traced as ``variants[i]``).

        Raises:
            ValueError: X has the wrong number of columns or a variant is out of range.
            DomainError: an op is outside its domain for some sample, naming it.
        """
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.input_count:
            raise ValueError(
                f"CompiledGraph.forward: X must have shape (samples, {self.input_count}), got {X.shape}"
            )
        samples = len(X)
        variants = np.zeros(samples, dtype=int) if variants is None else np.asarray(variants, dtype=int)
        if variants.shape != (samples,) or (
            samples and not 0 <= variants.min() <= variants.max() < self.variants
        ):
            raise ValueError(
                f"CompiledGraph.forward: variants must be {samples} integers in [0, {self.variants})"
            )
        values = np.empty((len(self.nodes), samples))
        values[self.input_rows] = X.T[self.input_columns]
        shared = np.fromiter(map(_DATA, self.shared), float, len(self.shared))
        if not np.isfinite(shared).all():
            self._refuse_non_finite(shared)
        values[self.shared_rows] = shared[:, np.newaxis]
        values[self.traced_rows] = self.traced_values[:, variants]
        local_grads = []
        with np.errstate(**_RAISE_ON_BAD_NUMBERS):
            for step in self.steps:
                operands = values[step.parents]
                try:
                    if step.param is None:
                        out, local = step.op.evaluate_batch(operands)
                    else:
                        param = step.param[variants] if isinstance(step.param, np.ndarray) else step.param
                        out, local = step.op.evaluate_batch(operands, param)
                except (ArithmeticError, ValueError) as error:
                    raise self._domain_error(step, operands, variants, error) from None
                values[step.row] = out
                local_grads.append(local)
        return Replay(self, values, local_grads)

    def _refuse_non_finite(self, shared: np.ndarray) -> None:
        """Raise the scalar engine's own ``DomainError`` for the first op with a NaN or ±inf parameter.

        A replay would pass such a number on as the scalar engine never does
        (relu(nan) = 0, tanh(inf) = 1), so it is refused before any op runs.
        """
        bad = set(np.asarray(self.shared_rows)[~np.isfinite(shared)].tolist())
        for step in self.steps:
            if bad.intersection(step.parents.tolist()):
                check_operands(step.op, self.nodes[step.row].parents)
        leaf = self.shared[int(np.flatnonzero(~np.isfinite(shared))[0])]
        raise DomainError(
            f"replay: the shared leaf {leaf.label or '(unlabelled)'} is {leaf.data!r}, not finite"
        )

    def _domain_error(
        self, step: _Step, operands: np.ndarray, variants: np.ndarray, error: Exception
    ) -> DomainError:
        """The scalar op's own message for the first sample that fails, or numpy's."""
        for sample in range(operands.shape[1]):
            op = step.ops_by_variant[variants[sample]] if step.ops_by_variant else step.op
            numbers = operands[:, sample].tolist()
            try:
                out, local = op.evaluate(*numbers)
                bad = not np.isfinite([out, *local]).all()
                detail = f"the result {out!r} or a local derivative {local!r} is not finite"
            except (ArithmeticError, ValueError) as scalar_error:
                bad, detail = True, str(scalar_error)
            if bad:
                shown = ", ".join(f"{x:g}" for x in numbers)
                node = _describe(self.nodes[step.row], step.row)
                return DomainError(f"{op.name}: {detail} [sample {sample}, {node}, operands: {shown}]")
        return DomainError(f"{step.op.name}: {error} [{_describe(self.nodes[step.row], step.row)}]")


class Replay:
    """One forward pass over a batch: ``values[i]`` is node i's row (one column per sample)."""

    def __init__(self, graph: CompiledGraph, values: np.ndarray, local_grads: list) -> None:
        self.graph = graph
        self.values = values
        self.local_grads = local_grads

    def output(self, index: int = 0) -> np.ndarray:
        """The values of the traced graph's output ``index``, one per sample."""
        return self.values[self.graph.output_rows[index]]

    def backward(self, seed: float | np.ndarray = 1.0, output: int = 0) -> np.ndarray:
        """Backpropagate from output ``output`` with Δ = ``seed`` per sample; return all grads.

        Every shared leaf's ``.grad`` (``None`` counts as 0) then grows by
        Σ_samples ∂(seed · output)/∂leaf, as ``Value.backward`` accumulates into leaves.
        The returned matrix holds every node's gradient per sample.
        """
        graph = self.graph
        grads = np.zeros_like(self.values)
        grads[graph.output_rows[output]] = seed
        with np.errstate(**_RAISE_ON_BAD_NUMBERS):
            try:
                for step, local in zip(reversed(graph.steps), reversed(self.local_grads)):
                    pushed = local * grads[step.row]
                    if step.repeated_parent:
                        np.add.at(grads, step.parents, pushed)
                    else:
                        grads[step.parents] += pushed
            except FloatingPointError as error:
                raise DomainError(
                    f"backward: a gradient is not finite ({error}) [{_describe(graph.nodes[step.row], step.row)}]"
                ) from None
        for leaf, total in zip(graph.shared, grads[graph.shared_rows].sum(axis=1).tolist()):
            leaf.grad = total if leaf.grad is None else leaf.grad + total
        return grads
