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

  with X the n × S inputs, δ = Δ(A) the G × S gradients and W the G × n weights.

Units run in order of depth, so every operand is ready before it is read, and in
reverse for backward, so every Δ is final before it is pushed. The units hold only
row numbers: the replay (``pathgrad.engine.compiled``) owns the value and gradient matrices.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .ops import LINEAR, Op

__all__ = ["OpNode", "ElementwiseUnit", "MatrixUnit", "Unit", "Plan", "group_into_units"]


@dataclass(frozen=True)
class OpNode:
    """One op node of the traced graph: its row, its op, the rows of its operands."""

    row: int
    op: Op
    parents: np.ndarray
    param: object  # op.param, or an array of one param per variant
    ops_by_variant: tuple[Op, ...]  # one op per variant where the params differ, else empty

    def param_for(self, variants: np.ndarray) -> object:
        """The op's parameter for each sample (one number when no variant changes it)."""
        return self.param[variants] if isinstance(self.param, np.ndarray) else self.param


class _ScatterAdd:
    """``target[rows] += pushed`` where rows may repeat: repeated rows' pushes are summed first."""

    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        unique = np.unique(rows)
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

    def __init__(self, nodes: Sequence[OpNode], depth: int, row_of: np.ndarray) -> None:
        self.nodes, self.depth, self.op = tuple(nodes), depth, nodes[0].op
        self.rows = row_of[[node.row for node in nodes]]
        self.parents = row_of[np.stack([node.parents for node in nodes], axis=1)]  # operands × G
        self.first = nodes[0]  # its param stands for all (the grouping keys on it)
        self._push = _ScatterAdd(self.parents.reshape(-1))

    def operands(self, member: int, values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The operands of the unit's node ``member`` for every sample (one row each)."""
        return values[self.parents[:, member]]

    def forward(self, values: np.ndarray, weights: np.ndarray, variants: np.ndarray):
        operands, group = self.parents.shape
        samples = values.shape[1]
        xs = values[self.parents].reshape(operands, group * samples)
        param = self.first.param_for(variants)
        out, local = self.op.evaluate_batch(xs) if param is None else self.op.evaluate_batch(xs, param)
        values[self.rows] = out.reshape(group, samples)
        local = np.asarray(local)
        return local.reshape(operands, group, samples) if local.shape[1] > 1 else local[:, :, np.newaxis]

    def backward(self, grads: np.ndarray, local: np.ndarray, weight_grads: np.ndarray) -> None:
        operands, group = self.parents.shape
        pushed = local * grads[self.rows]
        self._push(grads, pushed.reshape(operands * group, -1))


class MatrixUnit:
    """G ``linear`` nodes with parameter weights reading the same inputs: A = W X + B."""

    kind = "matrix"

    def __init__(
        self, nodes: Sequence[OpNode], depth: int, row_of: np.ndarray, weight_index: dict[int, int]
    ) -> None:
        self.nodes, self.depth, self.op = tuple(nodes), depth, LINEAR
        n = len(nodes[0].parents) // 2
        self.rows = row_of[[node.row for node in nodes]]
        self.inputs = row_of[nodes[0].parents[n : 2 * n]]
        self.weights = np.array([[weight_index[row] for row in node.parents[:n].tolist()] for node in nodes])
        self.biases = row_of[[node.parents[-1] for node in nodes]]
        self._push_weights = _ScatterAdd(self.weights.reshape(-1))
        self._push_biases = _ScatterAdd(self.biases)

    def operands(self, member: int, values: np.ndarray, weights: np.ndarray) -> np.ndarray:
        """The operands (w_1..w_n, x_1..x_n, b) of the unit's node ``member`` for every sample."""
        samples = values.shape[1]
        w = np.repeat(weights[self.weights[member]][:, np.newaxis], samples, axis=1)
        return np.vstack((w, values[self.inputs], values[self.biases[member : member + 1]]))

    @property
    def shape(self) -> tuple[int, int]:
        """(G, n): the weight matrix W of the unit."""
        return self.weights.shape

    def forward(self, values: np.ndarray, weights: np.ndarray, variants: np.ndarray):
        W, X = weights[self.weights], values[self.inputs]
        values[self.rows] = W @ X + values[self.biases]
        return W, X

    def backward(self, grads: np.ndarray, saved, weight_grads: np.ndarray) -> None:
        W, X = saved
        delta = grads[self.rows]
        grads[self.inputs] += W.T @ delta
        self._push_weights(weight_grads, (delta @ X.T).reshape(-1))
        self._push_biases(grads, delta)


Unit = ElementwiseUnit | MatrixUnit


def _depths(count: int, nodes: Sequence[OpNode]) -> list[int]:
    """depth(leaf) = 0, depth(node) = 1 + max over its parents; ``nodes`` in topological order."""
    depth = [0] * count
    for node in nodes:
        depth[node.row] = 1 + max(depth[p] for p in node.parents.tolist())
    return depth


def _is_matrix_row(node: OpNode, weight_index: dict[int, int]) -> bool:
    """A linear node whose weights are parameters and whose inputs are distinct rows."""
    if node.op.evaluate_batch is not LINEAR.evaluate_batch or len(node.parents) < 3:
        return False
    n = len(node.parents) // 2
    inputs = node.parents[n : 2 * n].tolist()
    return all(row in weight_index for row in node.parents[:n].tolist()) and len(set(inputs)) == n


@dataclass(frozen=True)
class Plan:
    """The compile pass's result: the units, and where each node's row is in the replay.

    ``row_of[node]`` is the node's row in the value and gradient matrices, or −1 for a
    shared leaf that only matrix units read (it lives in the vector of shared values).
    """

    units: list[Unit]
    row_of: np.ndarray
    rows: int


def group_into_units(
    count: int, nodes: Sequence[OpNode], shared_rows: Sequence[int], outputs: Sequence[int]
) -> Plan:
    """The vector units of a graph of ``count`` nodes whose op nodes are ``nodes``.

    Args:
        count: nodes of the traced graph (leaves and op nodes), numbered in topological order.
        nodes: the op nodes, parents before children.
        shared_rows: the shared leaves, in the order of the vector of shared values.
        outputs: the nodes a replay returns.

    Returns:
        The units in an order that replays forward correctly (by depth; a node whose
        op's parameter differs per variant keeps a unit of its own), and the rows.
    """
    depth = _depths(count, nodes)
    weight_index = {row: index for index, row in enumerate(shared_rows)}
    groups: dict[tuple, list[OpNode]] = {}
    for node in nodes:
        if _is_matrix_row(node, weight_index):
            n = len(node.parents) // 2
            key = (depth[node.row], "matrix", tuple(node.parents[n : 2 * n].tolist()))
        else:
            param = ("own", node.row) if isinstance(node.param, np.ndarray) else node.param
            key = (depth[node.row], node.op.evaluate_batch, len(node.parents), param)
        groups.setdefault(key, []).append(node)
    ordered = sorted(groups.items(), key=lambda item: (item[0][0], item[1][0].row))
    # a shared leaf read only as a weight of matrix units needs no row of the replay
    read_as_weight = {
        row
        for key, members in ordered
        if key[1] == "matrix"
        for m in members
        for row in m.parents[: len(m.parents) // 2].tolist()
    }
    read_as_row = set(outputs)
    for key, members in ordered:
        for member in members:
            n = len(member.parents) // 2
            read_as_row.update(member.parents[n:].tolist() if key[1] == "matrix" else member.parents.tolist())
    dropped = (read_as_weight - read_as_row) & set(weight_index)
    keep = np.array([row not in dropped for row in range(count)])
    row_of = np.where(keep, np.cumsum(keep) - 1, -1)
    units: list[Unit] = [
        MatrixUnit(members, key[0], row_of, weight_index)
        if key[1] == "matrix"
        else ElementwiseUnit(members, key[0], row_of)
        for key, members in ordered
    ]
    return Plan(units, row_of, int(keep.sum()))
