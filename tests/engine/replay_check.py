"""The compiled mode's reference check: a replay over a batch against one scalar run per sample."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pytest

from pathgrad.engine import Value
from pathgrad.engine.compiled import CompiledGraph, Trace

RTOL, ATOL = 1e-9, 1e-12


def replay_against_scalar(
    build: Callable[[list[Value]], Value],
    X: np.ndarray,
    leaves: list[Value],
    parameters: Sequence[Value] = (),
) -> CompiledGraph:
    """Replay ``build``'s graph over X; its outputs and Σ-over-samples leaf grads equal scalar runs.

    ``parameters`` goes to ``CompiledGraph`` (the shared leaves it numbers first)."""
    inputs = [Value(float(v), f"x{i + 1}") for i, v in enumerate(X[0])]
    graph = CompiledGraph([Trace(inputs, [build(inputs)])], parameters=parameters)
    for leaf in leaves:
        leaf.grad = None
    replay = graph.forward(X)
    replay.backward()
    compiled = [leaf.grad or 0.0 for leaf in leaves]
    want_out, want_grads = [], np.zeros(len(leaves))
    for row in X:
        for leaf in leaves:
            leaf.grad = None
        out = build([Value(float(v)) for v in row])
        out.backward()
        want_out.append(out.data)
        want_grads += [leaf.grad or 0.0 for leaf in leaves]
    assert replay.output().tolist() == pytest.approx(want_out, rel=RTOL, abs=ATOL)
    assert compiled == pytest.approx(want_grads.tolist(), rel=RTOL, abs=ATOL)
    return graph
