r"""The compiled mode's compile pass: the scalar nodes of a traced graph, regrouped into vector units.

A traced sample graph has one node per scalar operation. Nodes that apply the same op
at the same depth,

    depth(leaf) = 0,    depth(node) = 1 + max_{parents p} depth(p),

never depend on one another, so all of them can be replayed, for every sample at once,
by ONE numpy operation — the lecture's Figure (c) → (d), scalar units regrouped into
vector units, found from the graph itself rather than from knowing which model made it:

* an **elementwise unit**: G nodes of one op with k operands each. Forward gathers the
  operands into a (k, G·S) block for S samples, evaluates the op's batch version once
  and scatters the results into the G rows; backward pushes local · Δ into the k·G
  parent rows, adding up the pushes into a parent read several times (a shared input):

      Δ(p) += Σ_{(node, slot) that read p} ∂node/∂operand_slot · Δ(node);

* a **matrix unit**: G ``linear`` nodes a_j = Σ_i w_ji·x_i + b_j whose weights are
  shared leaves (parameters) and which read the same n inputs x_1 … x_n. Over the batch
  that is one matrix product, the lecture's vector unit:

      A = W X + B,    Δ(X) += Wᵀ δ,    ∂L/∂W = δ Xᵀ (summed over the samples),    Δ(B) += δ,

  with X the n × S inputs, δ = Δ(A) the G × S gradients and W the G × n weights (and,
  when the biases are parameters, ∂L/∂b = Σ_samples δ).

Units run in order of depth, so every operand is ready before it is read, and in
reverse for backward, so every Δ is final before it is pushed. Only the shared leaves'
Δ are wanted, so nothing is pushed into the rows of the inputs and the traced numbers
(the first layer computes no Wᵀδ). The units hold only row numbers: the replay
(``pathgrad.engine.compiled``) owns the value and gradient matrices.

Where each node's row is, is the pass's choice too: the leaves first (the inputs in the
order of X's columns), then each unit's nodes one after the other. A unit then reads a
whole earlier unit, or X, as one block of rows — a view of the matrix rather than a
copy — and writes its own block. The weights of the matrix units live apart, in one
vector of *slots*: each unit's nodes one after the other, a node's weights followed by
its bias when the biases are parameters (a neuron's own parameters, in their order).
W and b are views of the slots and ∂L/∂W, ∂L/∂b go straight into them; a leaf used in
several slots (tied weights) receives the sum of their gradients. When the slots hold
the shared leaves in their own order (a model's parameters, as ``pathgrad.nn`` traces
them), the slots are the vector of shared values itself.

A unit whose nodes pass an operand on unchanged,

    identity(a) = a,    Σ(a) = a (one term),    a / 1 = a,    a · 1 = 1 · a = a
    (1 a traced number that is 1 in every variant, as the mean of a one-sample loss divides by),

has nothing to replay: each node shares its operand's row, so its value is there and
the Δ its readers push lands on the operand at once (∂node/∂a = 1). Such a unit stays
in ``units`` (the figure and ``describe()`` show it) but not in ``replayed``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .ops import DIV, IDENTITY, LINEAR, MUL, SUM, Op

__all__ = ["OpNode", "ElementwiseUnit", "MatrixUnit", "Unit", "Plan", "group_into_units", "as_block"]


@dataclass(frozen=True)
class OpNode:
    """One op node of the traced graph: its row, its op, the rows of its operands."""

    row: int
    op: Op
    parents: np.ndarray
    param: object  # op.param, or an array of one param per variant
    ops_by_variant: tuple[Op, ...]  # one op per variant where the params differ, else empty


def as_block(rows: np.ndarray) -> slice | np.ndarray:
    """``rows`` as a slice when they are consecutive and ascending (indexing with it is a
    view, not a copy), else as they are."""
    rows = np.asarray(rows, dtype=int)
    if rows.ndim == 1 and len(rows) and (len(rows) == 1 or (np.diff(rows) == 1).all()):
        return slice(int(rows[0]), int(rows[0]) + len(rows))
    return rows


class _ScatterAdd:
    """``target[rows] += pushed`` where rows may repeat: repeated rows' pushes are summed first."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = as_block(rows)
        unique = rows if isinstance(self.rows, slice) else np.unique(rows)  # (a block has no repeats)
        self.repeats = len(unique) < len(rows)
        if self.repeats:
            self.order = np.argsort(rows, kind="stable")
            self.unique = unique
            self.starts = np.searchsorted(rows[self.order], unique)

    def __call__(self, target: np.ndarray, pushed: np.ndarray) -> None:
        if self.repeats:
            target[self.unique] += np.add.reduceat(pushed[self.order], self.starts, axis=0)
        else:
            target[self.rows] += pushed


class ElementwiseUnit:
    """G nodes of one op, one depth and one operand count, replayed as one batch call."""

    kind = "elementwise"

    def __init__(self, nodes: Sequence[OpNode], depth: int, row_of: np.ndarray, no_delta: np.ndarray) -> None:
        self.nodes, self.depth, self.op = tuple(nodes), depth, nodes[0].op
        self.rows = as_block(row_of[[node.row for node in nodes]])
        self.parents = row_of[np.stack([node.parents for node in nodes], axis=1)]  # operands × G
        self._operands = as_block(self.parents.reshape(-1))
        self.first = nodes[0]  # its param stands for all (the grouping keys on it)
        self._per_sample = isinstance(self.first.param, np.ndarray)  # a param per variant
        # operands that are all inputs or traced numbers take no Δ: backward has nothing to do
        self._push = None if no_delta[self.parents].all() else _ScatterAdd(self.parents.reshape(-1))

    def operands(self, member: int, values: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """The operands of the unit's node ``member`` for every sample (one row each)."""
        return values[self.parents[:, member]]

    def forward(self, values: np.ndarray, slots: np.ndarray, variants: np.ndarray):
        operands, group = self.parents.shape
        xs = values[self._operands].reshape(operands, -1)  # (k, G·S)
        param = self.first.param[variants] if self._per_sample else self.first.param
        out, local = self.op.evaluate_batch(xs) if param is None else self.op.evaluate_batch(xs, param)
        values[self.rows] = out.reshape(group, -1)
        return local.reshape(operands, group, -1) if local.shape[1] > 1 else local[:, :, np.newaxis]

    def backward(self, grads: np.ndarray, local: np.ndarray, slot_grads: np.ndarray) -> None:
        if self._push is not None:
            pushed = local * grads[self.rows]
            self._push(grads, pushed.reshape(-1, grads.shape[1]))


class MatrixUnit:
    """G ``linear`` nodes with parameter weights reading the same inputs: A = W X + B.

    Its slots are one block, a row per node: the node's n weights, then its bias when
    the biases are parameters (a neuron's own parameters in their order), so W and b
    are views of the block and so are ∂L/∂W and ∂L/∂b of the slots' gradients.
    """

    kind = "matrix"

    def __init__(
        self,
        nodes: Sequence[OpNode],
        depth: int,
        row_of: np.ndarray,
        weight_of: np.ndarray,
        first_slot: int,
        no_delta: np.ndarray,
    ) -> None:
        self.nodes, self.depth, self.op = tuple(nodes), depth, LINEAR
        n = len(nodes[0].parents) // 2
        self.rows = as_block(row_of[[node.row for node in nodes]])
        inputs = row_of[nodes[0].parents[n : 2 * n]]
        self.inputs = as_block(inputs)
        # the first layer's X (the inputs) takes no Δ; two inputs may share a row
        self._push_inputs = None if no_delta[inputs].all() else _ScatterAdd(inputs)
        own = np.stack([node.parents for node in nodes])  # G × (2n + 1): w, x, b of each node
        self.bias_slots = _biases_are_parameters(nodes, weight_of)
        if self.bias_slots:  # b is slots too, each after its node's weights
            self.slot_leaves = weight_of[np.delete(own, np.s_[n : 2 * n], axis=1)].reshape(-1)
        else:  # a traced number or a computed node: b is rows of the replay
            self.slot_leaves = weight_of[own[:, :n]].reshape(-1)
            self.bias_rows = row_of[own[:, -1]]
            self._push_biases = None if no_delta[self.bias_rows].all() else _ScatterAdd(self.bias_rows)
        self.shape = (len(nodes), n)
        """(G, n): the weight matrix W of the unit."""
        self.slots = slice(first_slot, first_slot + self.slot_leaves.size)
        """The unit's block of slots: G rows of n weights (and the bias, with ``bias_slots``)."""

    def _block(self, slots: np.ndarray) -> np.ndarray:
        """The unit's slots as G rows: W in the first n columns, b in the last with ``bias_slots``."""
        return slots[self.slots].reshape(self.shape[0], -1)

    def operands(self, member: int, values: np.ndarray, slots: np.ndarray) -> np.ndarray:
        """The operands (w_1..w_n, x_1..x_n, b) of the unit's node ``member`` for every sample."""
        samples = values.shape[1]
        W, b = self._weights_and_biases(values, slots)
        return np.vstack(
            (
                np.repeat(W[member][:, np.newaxis], samples, axis=1),
                values[self.inputs],
                np.broadcast_to(b[member], (1, samples)),
            )
        )

    def _weights_and_biases(self, values: np.ndarray, slots: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """W (G × n) and b, a column (G × 1) of slots or rows of the replay (G × samples)."""
        block = self._block(slots)
        n = self.shape[1]
        return block[:, :n], (block[:, n:] if self.bias_slots else values[self.bias_rows])

    def forward(self, values: np.ndarray, slots: np.ndarray, variants: np.ndarray):
        (W, b), X = self._weights_and_biases(values, slots), values[self.inputs]
        values[self.rows] = W @ X + b
        return W, X

    def backward(self, grads: np.ndarray, saved, slot_grads: np.ndarray) -> None:
        W, X = saved
        delta = grads[self.rows]
        if self._push_inputs is not None:
            self._push_inputs(grads, W.T @ delta)
        block = self._block(slot_grads)
        block[:, : self.shape[1]] = delta @ X.T
        if self.bias_slots:
            block[:, -1] = delta.sum(axis=1)
        elif self._push_biases is not None:
            self._push_biases(grads, delta)


Unit = ElementwiseUnit | MatrixUnit


def _depths(count: int, nodes: Sequence[OpNode]) -> list[int]:
    """depth(leaf) = 0, depth(node) = 1 + max over its parents; ``nodes`` in topological order."""
    depth = np.zeros(count, dtype=int)
    for node in nodes:
        depth[node.row] = depth[node.parents].max() + 1
    return depth.tolist()


def _biases_are_parameters(nodes: Sequence[OpNode], weight_of: np.ndarray) -> bool:
    """Whether every ``linear`` node of a matrix unit adds a shared leaf as its b."""
    return bool((weight_of[[node.parents[-1] for node in nodes]] >= 0).all())


def _matrix_inputs(node: OpNode, is_weight: np.ndarray) -> tuple[int, ...] | None:
    """The input rows of a linear node whose weights are parameters and whose inputs are
    distinct rows (a row of a matrix unit), else None."""
    if node.op.evaluate_batch is not LINEAR.evaluate_batch or len(node.parents) < 3:
        return None
    n = len(node.parents) // 2
    inputs = tuple(node.parents[n : 2 * n].tolist())
    return inputs if len(set(inputs)) == n and is_weight[node.parents[:n]].all() else None


@dataclass(frozen=True)
class Plan:
    """The compile pass's result: the units, where each node's row is in the replay, and
    which shared leaf each slot of the matrix units' weights holds.

    ``row_of[node]`` is the node's row in the value and gradient matrices, or −1 for a
    shared leaf that only matrix units read (it lives in the slots); a node that passes
    its operand on has the operand's row.
    """

    units: list[Unit]
    replayed: list[Unit]  # the units that compute: all but those passing their operands on
    row_of: np.ndarray
    rows: int
    slot_leaves: np.ndarray


def group_into_units(
    count: int,
    nodes: Sequence[OpNode],
    shared_rows: Sequence[int],
    outputs: Sequence[int],
    input_rows: Sequence[int] = (),
    ones: Sequence[int] = (),
) -> Plan:
    """The vector units of a graph of ``count`` nodes whose op nodes are ``nodes``.

    Args:
        count: nodes of the traced graph (leaves and op nodes), numbered in topological order.
        nodes: the op nodes, parents before children.
        shared_rows: the shared leaves, in the order of the vector of shared values.
        outputs: the nodes a replay returns.
        input_rows: the input leaves in the order of X's columns (the replay's first rows).
        ones: the traced numbers that are 1 in every variant.

    Returns:
        The units in an order that replays forward correctly (by depth; a node whose
        op's parameter differs per variant keeps a unit of its own), the rows and the slots.
    """
    depth = _depths(count, nodes)
    weight_of = np.full(count, -1)  # each shared leaf's place in the vector of shared values
    weight_of[np.asarray(shared_rows, dtype=int)] = np.arange(len(shared_rows))
    groups: dict[tuple, list[OpNode]] = {}
    is_weight = weight_of >= 0
    for node in nodes:
        inputs = _matrix_inputs(node, is_weight)
        if inputs is not None:
            key = (depth[node.row], "matrix", inputs)
        else:
            param = ("own", node.row) if isinstance(node.param, np.ndarray) else node.param
            key = (depth[node.row], node.op.evaluate_batch, len(node.parents), param)
        groups.setdefault(key, []).append(node)
    ordered = sorted(groups.items(), key=lambda item: (item[0][0], item[1][0].row))
    one_rows = frozenset(ones)
    passing_on = [  # each unit's operand per node when all of its nodes pass one on, else None
        None
        if key[1] == "matrix" or None in (passed := [_passed_on(m, one_rows) for m in members])
        else passed
        for key, members in ordered
    ]
    is_leaf = np.ones(count, dtype=bool)
    is_leaf[[node.row for node in nodes]] = False
    row_of = _rows_by_block(ordered, weight_of, is_leaf, shared_rows, outputs, input_rows, passing_on)
    rows = int(row_of.max(initial=-1)) + 1
    no_delta = np.zeros(rows, dtype=bool)  # the inputs' and traced numbers' rows: no Δ of theirs is read
    no_delta[row_of[is_leaf & (weight_of < 0)]] = True
    units: list[Unit] = []
    slots = 0
    for key, members in ordered:
        if key[1] == "matrix":
            units.append(MatrixUnit(members, key[0], row_of, weight_of, slots, no_delta))
            slots += units[-1].slot_leaves.size
        else:
            units.append(ElementwiseUnit(members, key[0], row_of, no_delta))
    slot_leaves = np.concatenate([u.slot_leaves for u in units if u.kind == "matrix"] or [np.zeros(0, int)])
    replayed = [unit for unit, passed in zip(units, passing_on) if passed is None]
    return Plan(units, replayed, row_of, rows, slot_leaves.astype(int))


def _passed_on(node: OpNode, ones: frozenset[int]) -> int | None:
    """The operand a node passes on unchanged, value and Δ alike, or None (see the module docstring)."""
    op, parents = node.op.evaluate_batch, node.parents.tolist()
    if op is IDENTITY.evaluate_batch or (op is SUM.evaluate_batch and len(parents) == 1):
        return parents[0]
    if op is DIV.evaluate_batch and parents[1] in ones:
        return parents[0]
    if op is MUL.evaluate_batch and (parents[0] in ones or parents[1] in ones):
        return parents[0] if parents[1] in ones else parents[1]
    return None


def _rows_by_block(
    ordered: list[tuple[tuple, list[OpNode]]],
    weight_of: np.ndarray,
    is_leaf: np.ndarray,
    shared_rows: Sequence[int],
    outputs: Sequence[int],
    input_rows: Sequence[int],
    passing_on: list[list[int] | None],
) -> np.ndarray:
    """Each node's row: the inputs (by column), the shared and the traced leaves read as
    rows, then every unit's nodes in turn, those passing an operand on at its row; −1 for
    a shared leaf that only matrix units read, as a weight or a bias."""
    count = len(is_leaf)
    read = np.zeros(count, dtype=bool)  # the nodes some unit reads as a row
    read[list(outputs)] = True
    for key, members in ordered:
        if key[1] != "matrix":
            read[np.concatenate([member.parents for member in members])] = True
            continue
        read[members[0].parents[len(members[0].parents) // 2 : -1]] = True  # X
        if not _biases_are_parameters(members, weight_of):
            read[[member.parents[-1] for member in members]] = True
    inputs = np.asarray(input_rows, dtype=int)
    leaf = is_leaf.copy()  # the leaves other than the inputs
    leaf[inputs] = False
    own_rows = [m.row for (_, members), passed in zip(ordered, passing_on) if passed is None for m in members]
    shared = np.asarray(shared_rows, dtype=int)  # in the order of the vector of shared values
    order = np.concatenate(
        (inputs, shared[leaf[shared] & read[shared]], np.flatnonzero(leaf & (weight_of < 0)), own_rows)
    ).astype(int)
    row_of = np.full(count, -1)
    row_of[order] = np.arange(len(order))
    for (_, members), passed in zip(ordered, passing_on):  # in depth order: an operand's row is known
        if passed is not None:
            row_of[[m.row for m in members]] = row_of[passed]
    return row_of
