r"""Compiled batch mode: trace one sample's graph once, replay it over a batch with numpy.

The scalar engine builds, for one sample, a DAG of ``Value`` nodes. Replaying that DAG
over a batch keeps every node and every edge, but a node now holds one row of a matrix
with one column per sample:

    forward:   V[node] = op.evaluate_batch(V[parents])           (the op table's batch version)
    backward:  G[parent] += ∂node/∂parent · G[node]               (each edge, every sample at once)

so the same dynamic program runs once for the whole batch instead of once per sample.
A compile pass (``pathgrad.engine.grouping``) then regroups the nodes into vector units — the
nodes of one op at one depth replayed by one numpy call, a layer's ``linear`` nodes by
one matrix product — so a replay costs one call per unit rather than one per node.
``CompiledGraph.describe()`` lists which scalar nodes became which unit.
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
variant. A variant may hold variant 0's very nodes where the target plays no part (the
model, traced once, under a loss traced per target): only its own nodes are compared.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from itertools import chain, repeat
from operator import attrgetter, is_

import numpy as np

from .graph import numbered_in_order
from .grouping import OpNode, Plan, Unit, as_block, group_into_units
from .ops import DomainError
from .value import Constant, Value, _failure, check_operands

__all__ = ["Trace", "CompiledGraph", "Replay"]

_DATA, _PARENTS = attrgetter("data"), attrgetter("parents")
_RAISE_ON_BAD_NUMBERS = {"over": "raise", "divide": "raise", "invalid": "raise", "under": "ignore"}


@dataclass(frozen=True)
class Trace:
    """One sample's graph: its input leaves (in the order of X's columns) and the nodes
    whose values a replay returns, the first being the one ``backward`` starts from."""

    inputs: Sequence[Value]
    outputs: Sequence[Value]


def _name(node: Value, row: int) -> str:
    return node.label or f"#{row} {node.op}"


def _describe(node: Value, row: int) -> str:
    return (
        f"node {row} {node.label!r} ({node.op or 'leaf'})"
        if node.label
        else f"node {row} ({node.op or 'leaf'})"
    )


@dataclass(frozen=True)
class _Layout:
    """The compile pass's plan and, in its rows, where the leaves and outputs of the replay are."""

    plan: Plan
    slots: slice | np.ndarray  # the slots' shared leaves: a slice of the shared values when they are in order
    input_rows: slice | np.ndarray  # where X's columns go ...
    input_columns: slice | np.ndarray  # ... taken in this order
    shared_read: np.ndarray  # the shared leaves read row by row (the others only in the slots)
    shared_rows: slice | np.ndarray  # ... and their rows
    traced_rows: slice | np.ndarray
    traced_values: np.ndarray  # each traced row's value per variant, in the order of traced_rows
    output_rows: np.ndarray


class CompiledGraph:
    """Traces of one sample's graph, one per variant, ready to replay over batches.

    Args:
        traces: one ``Trace`` per variant; all must have the same shape (same ops
            wired the same way, the same shared leaves).
        parameters: shared leaves to number first in ``shared``, in this order (a
            model's parameters, so that a caller keeping them in an array needs no
            reordering); the others follow in the order of the graph.

    Raises:
        ValueError: the traces differ in shape, naming the variant and the node.
    """

    def __init__(self, traces: Sequence[Trace], parameters: Sequence[Value] = ()) -> None:
        if not traces:
            raise ValueError("CompiledGraph: needs at least one trace")
        first = traces[0]
        self.nodes, self._position = numbered_in_order(first.outputs)
        """The first variant's nodes, parents first; ``OpNode.row`` and the plan's ``row_of`` number them."""
        self.output_rows = np.array([self._position[node] for node in first.outputs])
        self.input_count = len(first.inputs)
        self._first_input_list = list(first.inputs)  # as given: an input listed twice is in it twice
        op_rows = [row for row, node in enumerate(self.nodes) if node.parents]
        op_nodes = list(map(self.nodes.__getitem__, op_rows))
        counts = list(map(len, map(_PARENTS, op_nodes)))
        operands = chain.from_iterable(map(_PARENTS, op_nodes))
        operand_rows = np.fromiter(map(self._position.__getitem__, operands), int, sum(counts))
        self.steps = list(map(self._step, op_rows, op_nodes, np.split(operand_rows, np.cumsum(counts)[:-1])))
        self._step_of = dict(zip(op_rows, range(len(op_rows))))  # row → its step
        self._sort_leaves({node: column for column, node in enumerate(first.inputs)}, parameters, op_rows)
        # (consumer, operand) rows of every edge, to find who reads a row
        self._edges = np.repeat(np.array(op_rows, int), counts), operand_rows
        self.variants = 1
        self._layout_made: _Layout | None = None
        for trace in traces[1:]:
            self.add(trace)

    def add(self, trace: Trace) -> None:
        """Append one more variant without re-reading the others; its index is ``variants - 1``.

        Only the trace's own nodes are read: where it holds variant 0's very nodes (the
        model's part of the graph, when only the loss was traced again) nothing is walked.
        A leaf taken for shared (with a single variant every leaf looks shared) that this
        trace holds as a Value of its own becomes a traced number: its value in the earlier
        variants is the one Value they all held.

        Raises:
            ValueError: the trace differs in shape from variant 0, naming the node.
        """
        own = self._own_nodes(trace, self.variants)
        # the steps may still refuse the trace: build them before changing anything. Only the
        # trace's own op nodes, and those with a parameter per variant already, gain a variant
        steps = list(self.steps)
        per_variant = {index for index, step in enumerate(steps) if isinstance(step.param, np.ndarray)}
        for index in {self._step_of[row] for row in own if row in self._step_of} | per_variant:
            steps[index] = self._extend_step(
                steps[index], own.get(steps[index].row, self.nodes[steps[index].row])
            )
        self._unshare([row for row in own if self._is_shared[row]])
        column = [[own.get(row, self.nodes[row]).data] for row in self.traced_rows.tolist()]
        self.traced_values = np.hstack((self.traced_values, np.array(column, dtype=float).reshape(-1, 1)))
        self.steps = steps
        self.variants += 1
        self._layout_made = None  # a leaf may have become a traced number: group again

    def _own_nodes(self, trace: Trace, variant: int) -> dict[int, Value]:
        """The rows where ``trace`` holds a node of its own, and those nodes.

        Every other row holds variant 0's very node. The walk starts at the outputs,
        pairs each of the trace's own nodes with the row of variant 0 in the same place
        and goes on into its operands; it stops at variant 0's nodes, whose operands
        are variant 0's already.

        Raises:
            ValueError: the trace's graph is not variant 0's shape, naming the node.
        """

        def differ(row: int, what: str) -> ValueError:
            where = _describe(self.nodes[row], row) if row >= 0 else "an output"
            return ValueError(
                f"CompiledGraph: the graph of variant {variant} differs from variant 0 at {where}: "
                f"{what}; the graph's shape must not depend on the target"
            )

        if len(trace.outputs) != len(self.output_rows) or len(trace.inputs) != self.input_count:
            raise ValueError(
                f"CompiledGraph: variant {variant} has {len(trace.outputs)} outputs and {len(trace.inputs)} "
                f"inputs, variant 0 has {len(self.output_rows)} and {self.input_count}"
            )
        same_inputs = len(trace.inputs) == self.input_count and all(
            map(is_, trace.inputs, self._first_input_list)
        )
        inputs = (
            self._first_inputs if same_inputs else {node: column for column, node in enumerate(trace.inputs)}
        )
        own: dict[int, Value] = {}
        row_of_own: dict[Value, int] = {}
        kept: set[int] = set()  # rows where the walk met variant 0's node
        walk = [(node, row, -1) for node, row in zip(trace.outputs, self.output_rows.tolist())]
        while walk:
            mine, row, reader = walk.pop()
            theirs = self.nodes[row]
            if mine is theirs:
                kept.add(row)
                continue
            if own.get(row, mine) is not mine or row_of_own.get(mine, row) != row or mine in self._position:
                raise differ(reader, "its operands come from other nodes")
            if row in own:
                continue
            if (
                (mine.operation is None) != (theirs.operation is None)
                or mine.op != theirs.op
                or len(mine.parents) != len(theirs.parents)
                or inputs.get(mine) != self._first_inputs.get(theirs)
            ):
                raise differ(row, f"{mine.op or 'leaf'} instead of {theirs.op or 'leaf'}")
            own[row], row_of_own[mine] = mine, row
            walk.extend((parent, self._position[p], row) for parent, p in zip(mine.parents, theirs.parents))
        is_own = np.zeros(len(self.nodes), dtype=bool)
        is_own[list(own)] = True
        consumers, operands = self._edges
        readers = consumers[is_own[operands]]
        kept_reader = readers[~is_own[readers]]  # variant 0's node reading a row of this trace's own
        if len(kept_reader) or kept.intersection(own):
            raise differ(
                int(kept_reader[0]) if len(kept_reader) else -1, "its operands come from other nodes"
            )
        if same_inputs and not is_own[self.input_rows].any():
            return own  # variant 0's very inputs, in the same places
        for row, column in zip(self.input_rows.tolist(), self.input_columns.tolist()):
            if own.get(row, self.nodes[row]) is not trace.inputs[column]:
                raise differ(row, f"it is not input {column} of this trace")
        return own

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
        self._is_shared[rows] = False
        self.traced_rows = np.concatenate((self.traced_rows, np.array(rows, int)))
        self.traced_values = np.vstack((self.traced_values, np.array(values, dtype=float)))

    def _extend_step(self, step: OpNode, node: Value) -> OpNode:
        """``step`` with one more variant's op (the same batch version; its parameter may differ)."""
        op = node.operation
        if op.evaluate_batch is not step.op.evaluate_batch:
            raise ValueError(
                f"CompiledGraph: variants use different ops at {_describe(self.nodes[step.row], step.row)}"
            )
        if not isinstance(step.param, np.ndarray):
            if op.param == step.param:
                return step
            step = OpNode(
                step.row,
                step.op,
                step.parents,
                np.array([step.param] * self.variants),
                (step.op,) * self.variants,
            )
        return OpNode(
            step.row, step.op, step.parents, np.append(step.param, op.param), (*step.ops_by_variant, op)
        )

    def _sort_leaves(self, inputs: dict[Value, int], parameters: Sequence[Value], op_rows: list[int]) -> None:
        """Each leaf's kind: an input (a column of X), shared (the same Value in every
        variant: a parameter) or traced (its value per variant: constants, targets).
        With one variant every leaf but the constants looks shared; ``add`` corrects that.
        The shared leaves are numbered ``parameters`` first (those of them that are leaves of
        the graph, and not inputs, each once), then the others in the order of the graph."""
        self._first_inputs = inputs
        nodes, count = self.nodes, len(self.nodes)
        position = self._position
        input_rows = np.fromiter(map(position.get, inputs, repeat(-1)), int, len(inputs))
        input_columns = np.fromiter(inputs.values(), int, len(inputs))
        in_graph = input_rows >= 0  # an input the outputs do not depend on has no row
        order = np.argsort(input_rows[in_graph], kind="stable")
        self.input_rows, self.input_columns = input_rows[in_graph][order], input_columns[in_graph][order]
        leaf = np.ones(count, dtype=bool)
        leaf[op_rows] = leaf[self.input_rows] = False
        parameters = list(parameters)
        first = np.fromiter(map(position.get, parameters, repeat(-1)), int, len(parameters))
        first = first[first >= 0]
        first = first[leaf[first]]
        # each once: a leaf listed twice is one shared leaf, at its first place
        first = first[np.sort(np.unique(first, return_index=True)[1])]
        rest = leaf.copy()
        rest[first] = False  # the other leaves: constants, and shared leaves in graph order
        traced = [row for row in np.flatnonzero(rest).tolist() if isinstance(nodes[row], Constant)]
        self.traced_rows = np.array(traced, int)
        rest[self.traced_rows] = False
        others = np.flatnonzero(rest)
        self.shared_rows = np.concatenate((first, others))
        self.shared: list[Value] = (
            [*parameters, *map(nodes.__getitem__, others.tolist())]
            if len(first) == len(parameters)  # every parameter is a leaf of the graph, each once, in order
            else list(map(nodes.__getitem__, self.shared_rows.tolist()))
        )
        leaf[self.traced_rows] = False
        self._is_shared = leaf  # row → is it a shared leaf
        self.traced_values = np.array([nodes[row].data for row in traced], dtype=float).reshape(-1, 1)

    def _step(self, row: int, node: Value, parents: np.ndarray) -> OpNode:
        """The op node at ``row``, whose operands are at ``parents``."""
        if node.operation.evaluate_batch is None:
            raise ValueError(
                f"CompiledGraph: op {node.op!r} has no batch version in the op table ({_describe(node, row)})"
            )
        return OpNode(row, node.operation, parents, node.operation.param, ())

    # ------------------------------------------------------------------ grouping

    @property
    def units(self) -> list[Unit]:
        """The vector units of the replay (``pathgrad.engine.grouping``), made on first use."""
        return self._layout.plan.units

    @property
    def _layout(self) -> _Layout:
        if self._layout_made is None:
            by_column = np.argsort(self.input_columns, kind="stable")
            plan = group_into_units(
                len(self.nodes),
                self.steps,
                self.shared_rows.tolist(),
                self.output_rows.tolist(),
                self.input_rows[by_column].tolist(),
                self.traced_rows[(self.traced_values == 1.0).all(axis=1)].tolist(),
            )
            row_of = plan.row_of
            read = np.flatnonzero(row_of[self.shared_rows] >= 0)
            traced = np.argsort(row_of[self.traced_rows], kind="stable")
            self._layout_made = _Layout(
                plan,
                as_block(plan.slot_leaves),
                as_block(row_of[self.input_rows[by_column]]),
                as_block(self.input_columns[by_column]),
                read,
                as_block(row_of[self.shared_rows[read]]),
                as_block(row_of[self.traced_rows[traced]]),
                self.traced_values[traced],
                row_of[self.output_rows],
            )
        return self._layout_made

    def describe(self) -> str:
        """One line per vector unit: its depth, its kind and shape, the scalar nodes it replays."""
        lines = []
        replayed = {id(unit) for unit in self._layout.plan.replayed}
        for number, unit in enumerate(self.units, start=1):
            names = [_name(self.nodes[node.row], node.row) for node in unit.nodes]
            shown = ", ".join(names) if len(names) <= 4 else f"{names[0]}, {names[1]} … {names[-1]}"
            if unit.kind == "matrix":
                rows, columns = unit.shape
                what = f"matrix {rows}×{columns}: A = W X + b over {columns} inputs"
            else:
                what = f"{unit.op.name} × {len(names)}"
            passes = "" if id(unit) in replayed else " (each node passes its operand on: nothing to replay)"
            lines.append(f"unit {number} (depth {unit.depth}): {what} — {shown}{passes}")
        return "\n".join(lines)

    # ------------------------------------------------------------------ replay

    def forward(
        self, X: np.ndarray, variants: np.ndarray | None = None, shared: np.ndarray | None = None
    ) -> Replay:
        """Every node's value for every row of X (sample i traced as ``variants[i]``).

        ``shared`` holds the shared leaves' data in the order of ``self.shared``, for a
        caller that keeps them in an array; by default each leaf's ``.data`` is read.

        Raises:
            ValueError: X is not a table of finite real numbers, has the wrong number of
                columns, or a variant is out of range.
            DomainError: an op is outside its domain for some sample, naming it.
        """
        try:
            X = np.asarray(X, dtype=float)
        except (TypeError, ValueError, OverflowError) as error:
            raise ValueError(f"CompiledGraph.forward: X must be a table of real numbers: {error}") from None
        if X.ndim != 2 or X.shape[1] != self.input_count:
            raise ValueError(
                f"CompiledGraph.forward: X must have shape (samples, {self.input_count}), got {X.shape}"
            )
        if not np.isfinite(X).all():
            row, column = np.argwhere(~np.isfinite(X))[0]
            raise ValueError(
                f"CompiledGraph.forward: X[{row}, {column}] is {X[row, column]}, not a finite number"
            )
        samples = len(X)
        variants = np.zeros(samples, dtype=int) if variants is None else np.asarray(variants, dtype=int)
        if variants.shape != (samples,) or (
            samples and not 0 <= variants.min() <= variants.max() < self.variants
        ):
            raise ValueError(
                f"CompiledGraph.forward: variants must be {samples} integers in [0, {self.variants})"
            )
        layout = self._layout
        values = np.empty((layout.plan.rows, samples))
        values[layout.input_rows] = X.T[layout.input_columns]
        weights = np.fromiter(map(_DATA, self.shared), float, len(self.shared)) if shared is None else shared
        if not np.isfinite(weights).all():
            self._refuse_non_finite(weights)
        if len(layout.shared_read):  # shared leaves that units read as rows, not as slots
            values[layout.shared_rows] = weights[layout.shared_read, np.newaxis]
        if len(layout.traced_values):
            values[layout.traced_rows] = np.take(layout.traced_values, variants, axis=1)
        slots = weights[layout.slots]  # (a view when the slots are the shared values in order)
        saved = []
        with np.errstate(**_RAISE_ON_BAD_NUMBERS):
            for unit in layout.plan.replayed:
                try:
                    saved.append(unit.forward(values, slots, variants))
                except (ArithmeticError, ValueError) as error:
                    raise self._domain_error(unit, values, slots, variants, error) from None
        return Replay(self, values, weights, saved)

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
        self, unit: Unit, values: np.ndarray, slots: np.ndarray, variants: np.ndarray, error: Exception
    ) -> DomainError:
        """The scalar op's own message for the first sample (and node of ``unit``) that fails, or numpy's."""
        operands = [unit.operands(member, values, slots) for member in range(len(unit.nodes))]
        for sample in range(values.shape[1]):
            for step, rows in zip(unit.nodes, operands):
                op = step.ops_by_variant[variants[sample]] if step.ops_by_variant else step.op
                numbers = rows[:, sample].tolist()
                try:
                    out, local = op.evaluate(*numbers)
                    bad = not np.isfinite([out, *local]).all()
                    detail = f"the result {out!r} or a local derivative {local!r} is not finite"
                except (ArithmeticError, ValueError) as scalar_error:
                    bad, detail = True, _failure(scalar_error)
                if bad:
                    shown = ", ".join(f"{x:g}" for x in numbers)
                    node = _describe(self.nodes[step.row], step.row)
                    return DomainError(f"{op.name}: {detail} [sample {sample}, {node}, operands: {shown}]")
        return DomainError(f"{unit.op.name}: {error} [{_describe_unit(self, unit)}]")


def _describe_unit(graph: CompiledGraph, unit: Unit) -> str:
    first = unit.nodes[0]
    others = f" and {len(unit.nodes) - 1} more of its vector unit" if len(unit.nodes) > 1 else ""
    return _describe(graph.nodes[first.row], first.row) + others


class Replay:
    """One forward pass over a batch: ``values[i]`` is node i's row (one column per sample)."""

    def __init__(
        self, graph: CompiledGraph, values: np.ndarray, leaf_values: np.ndarray, saved: list
    ) -> None:
        self.graph = graph
        self.values = values
        self.leaf_values = leaf_values  # the shared leaves' data, in the order of ``graph.shared``
        self.saved = saved  # what each unit's backward needs: its local derivatives, or its W and X

    def output(self, index: int = 0) -> np.ndarray:
        """The values of the traced graph's output ``index``, one per sample."""
        return self.values[self.graph._layout.output_rows[index]]

    def outputs(self, which: slice = slice(None)) -> np.ndarray:
        """The values of the outputs ``which`` (all by default), one row each, a column per sample."""
        return self.values[self.graph._layout.output_rows[which]]

    def leaf_gradients(self, seed: float | np.ndarray = 1.0, output: int = 0) -> np.ndarray:
        """Σ_samples ∂(seed · output)/∂leaf for every shared leaf, in the order of ``graph.shared``.

        The dynamic program runs over the vector units in reverse; ``seed`` is Δ of
        output ``output`` per sample (one number for all, or one per sample).
        """
        graph = self.graph
        grads = np.zeros(self.values.shape)
        layout = graph._layout
        grads[layout.output_rows[output]] = seed
        leaf_grads = np.zeros(len(graph.shared))
        in_order = isinstance(layout.slots, slice)
        slot_grads = leaf_grads[layout.slots] if in_order else np.zeros(len(layout.plan.slot_leaves))
        with np.errstate(**_RAISE_ON_BAD_NUMBERS):
            try:
                for unit, saved in zip(reversed(layout.plan.replayed), reversed(self.saved)):
                    unit.backward(grads, saved, slot_grads)  # (in order: into leaf_grads itself)
            except FloatingPointError as error:
                raise DomainError(
                    f"backward: a gradient is not finite ({error}) [{_describe_unit(graph, unit)}]"
                ) from None
        if not in_order:  # a leaf in several slots (tied weights) gets their sum
            leaf_grads += np.bincount(
                layout.plan.slot_leaves, weights=slot_grads, minlength=len(graph.shared)
            )
        if len(layout.shared_read):
            leaf_grads[layout.shared_read] += grads[layout.shared_rows].sum(axis=1)
        return leaf_grads

    def backward(self, seed: float | np.ndarray = 1.0, output: int = 0) -> None:
        """``leaf_gradients`` added to each shared leaf's ``.grad``, as ``Value.backward``
        accumulates into leaves."""
        for leaf, total in zip(self.graph.shared, self.leaf_gradients(seed, output).tolist()):
            leaf.grad += total
