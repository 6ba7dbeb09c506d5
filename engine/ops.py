"""The op table: every operation a ``Value`` can record, defined once.

Each op knows four things and nothing about it lives anywhere else:

* how to compute its output from plain floats (the forward pass),
* the local derivative of the output with respect to each operand, computed in
  the same call (the lecture's "forward phase computes ... the local derivatives"),
* its domain: inputs where it is undefined raise ``DomainError`` naming the op,
* the formula text of each local derivative, which the diagrams show on edges.

An op's ``evaluate(*xs)`` returns ``(out, local_grads)`` with one local derivative
per operand. Its ``evaluate_batch(xs)`` is the same computation over a batch with
numpy, used by the compiled engine (``pathgrad.engine.compiled``): ``xs`` has one row per
operand and one column per sample, and the local derivatives come back as one row
per operand (a single column stands for a constant row). ``Value`` operators, the expression parser and the views only look
ops up in ``OPS``; adding an op is one entry here (and its tests run automatically,
because the tests iterate over ``OPS``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache

import numpy as np

__all__ = [
    "DomainError",
    "Op",
    "OPS",
    "FUNCTIONS",
    "power",
    "register",
    "LinearOperands",
    "linear_operands",
    "user_op",
]


class DomainError(ValueError):
    """An op was applied outside its domain (log of 0, division by zero, overflow ...)."""


@dataclass(frozen=True, eq=False, kw_only=True)
class Op:
    """One operation of the table, built with keyword arguments only (``Op(name="tanh", ...)``).

    Attributes:
        name: key in ``OPS`` and in the expression language, e.g. ``"tanh"``.
        symbol: what an op node shows, e.g. ``"+"``, ``"tanh"``, ``"**2"``.
        arity: number of operands, or ``None`` for a variable number (n-ary ops).
        evaluate: ``(*xs) -> (out, local_grads)``; raises on invalid input.
        formulas: text of ∂out/∂operand for each operand; the n-ary ops give a
            single pattern written with an index ``i``.
        expression: how the output reads in terms of its operands ``a``, ``b``.
        param: the constant that specialises a parametrised op (an exponent, a
            class index), else ``None``.
        sample_domain: where tests draw inputs from.
        formula_for: for an n-ary op, ``(operand_index, operand_count) -> text`` of
            that one operand's local derivative.
        evaluate_batch: ``(xs) -> (out, local_grads)`` over a batch (see the module
            docstring); a parametrised family's takes ``(xs, param)``, where ``param``
            may also hold one value per sample (a class index per sample, say).
        written: for an n-ary op, how it reads with its operands' texts (``sum``:
            ``a + b + c``); without it, ``symbol(a, b, …)`` (see ``write``).
    """

    name: str
    symbol: str
    arity: int | None
    evaluate: Callable[..., tuple[float, tuple[float, ...]]]
    formulas: tuple[str, ...]
    expression: str
    param: object = None
    sample_domain: tuple[float, float] = field(default=(-3.0, 3.0))
    evaluate_batch: Callable[..., tuple[np.ndarray, np.ndarray]] | None = None
    formula_for: Callable[[int, int], str] | None = None
    written: Callable[[Sequence[str]], str] | None = None

    def write(self, operands: Sequence[str]) -> str:
        """An n-ary op's expression with ``operands`` in place: ``Σ(x1, x2)`` unless the op says how it reads."""
        if self.written is not None:
            return self.written(operands)
        return f"{self.symbol}({', '.join(operands)})"

    def formula(self, operand_index: int, operand_count: int | None = None) -> str:
        """The local-derivative formula for one operand, e.g. ``b`` for ∂(a·b)/∂a.

        An n-ary op's formula may depend on where the operand sits among
        ``operand_count`` operands (``linear``: x₂ for w₂, w₂ for x₂, 1 for b); without
        the count it is the general pattern.
        """
        if self.arity is not None:
            return self.formulas[operand_index]
        if self.formula_for is not None and operand_count is not None:
            return self.formula_for(operand_index, operand_count)
        return self.formulas[0]

    def __repr__(self) -> str:
        return f"Op({self.name!r})"


OPS: dict[str, Op] = {}
"""Every fixed-arity op by name. Parametrised ops (``power``, softmax outputs,
cross-entropy) are built by functions below and share their family's name."""

FUNCTIONS: dict[str, Op] = {}
"""The ops callable by name in the expression language (``tanh(x)``)."""


def register(op: Op, *, callable_by_name: bool = False) -> Op:
    """Add ``op`` to the table (and to the expression language's functions)."""
    if op.name in OPS:
        raise ValueError(f"op {op.name!r} is already registered")
    OPS[op.name] = op
    if callable_by_name:
        FUNCTIONS[op.name] = op
    return op


def _require(condition: bool, message: str) -> None:
    if not condition:
        raise DomainError(message)


def _rows(*numbers: float) -> np.ndarray:
    """Constant local derivatives for a batch: one single-column row per operand."""
    return np.array(numbers, dtype=float).reshape(-1, 1)


# The batch versions below leave domain checks to numpy's floating-point flags (the
# compiled engine raises on overflow, division by zero and invalid results, then asks
# the scalar ``evaluate`` of the failing sample for the exact message).


# ---------------------------------------------------------------- binary ops


def _add(a: float, b: float):
    return a + b, (1.0, 1.0)


def _add_batch(xs: np.ndarray):
    return xs[0] + xs[1], _ONE_ONE


_ONE_ONE = _rows(1.0, 1.0)


def _sub(a: float, b: float):
    return a - b, (1.0, -1.0)


def _sub_batch(xs: np.ndarray):
    return xs[0] - xs[1], _ONE_MINUS_ONE


_ONE_MINUS_ONE = _rows(1.0, -1.0)


def _mul(a: float, b: float):
    return a * b, (b, a)


def _mul_batch(xs: np.ndarray):
    return xs[0] * xs[1], xs[::-1]


def _div(a: float, b: float):
    _require(b != 0.0, f"division by zero ({a!r} / 0)")
    return a / b, (1.0 / b, -a / (b * b))


def _div_batch(xs: np.ndarray):
    a, b = xs
    return a / b, np.array((1.0 / b, -a / (b * b)))


def _pow(a: float, b: float):
    """a**b with a Value exponent: ∂/∂a = b·a^(b−1), ∂/∂b = a^b·ln a (needs a > 0)."""
    _require(a > 0.0, f"a Value exponent needs a positive base, got base {a!r}")
    out = a**b
    return out, (b * a ** (b - 1.0), out * math.log(a))


def _pow_batch(xs: np.ndarray):
    a, b = xs
    if np.any(a <= 0.0):
        raise DomainError("a Value exponent needs a positive base")
    out = a**b
    return out, np.array((b * a ** (b - 1.0), out * np.log(a)))


ADD = register(
    Op(
        name="add",
        symbol="+",
        arity=2,
        evaluate=_add,
        formulas=("1", "1"),
        expression="a + b",
        evaluate_batch=_add_batch,
    )
)
SUB = register(
    Op(
        name="sub",
        symbol="−",
        arity=2,
        evaluate=_sub,
        formulas=("1", "−1"),
        expression="a − b",
        evaluate_batch=_sub_batch,
    )
)
MUL = register(
    Op(
        name="mul",
        symbol="×",
        arity=2,
        evaluate=_mul,
        formulas=("b", "a"),
        expression="a · b",
        evaluate_batch=_mul_batch,
    )
)
DIV = register(
    Op(
        name="div",
        symbol="÷",
        arity=2,
        evaluate=_div,
        formulas=("1/b", "−a/b²"),
        expression="a / b",
        evaluate_batch=_div_batch,
    )
)
POW = register(
    Op(
        name="pow",
        symbol="^",
        arity=2,
        evaluate=_pow,
        formulas=("b·a^(b−1)", "a^b·ln a"),
        expression="a ^ b",
        sample_domain=(0.2, 3.0),
        evaluate_batch=_pow_batch,
    ),
    callable_by_name=True,
)


@lru_cache(maxsize=256)
def power(exponent: float) -> Op:
    """The op ``a ** n`` for a constant exponent n: ∂(aⁿ)/∂a = n·aⁿ⁻¹."""
    n = float(exponent)
    shown = f"{n:g}"

    def evaluate(a: float):
        if a == 0.0 and n < 0:
            raise DomainError(f"0 cannot be raised to the negative power {shown}")
        if a < 0.0 and not n.is_integer():
            raise DomainError(f"a negative base ({a!r}) to the non-integer power {shown}")
        if a == 0.0 and n < 1 and n != 0:
            raise DomainError(f"the derivative of a^{shown} is undefined at a = 0")
        return a**n, ((n * a ** (n - 1.0)) if n != 0 else 0.0,)

    formula = (_power_derivative_text(n),)
    return Op(
        name="power",
        symbol=f"**{shown}",
        arity=1,
        evaluate=evaluate,
        formulas=formula,
        expression=f"a^{shown}",
        param=n,
        evaluate_batch=_power_batch,
    )


_SUPERSCRIPTS = str.maketrans("0123456789-.", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻·")


def _power_derivative_text(n: float) -> str:
    """n·aⁿ⁻¹ written out: ``2·a`` for n = 2, ``3·a²``, ``−1·a⁻²``, ``0.5·a^(−0.5)``."""
    k = n - 1.0
    if n == 0:
        return "0"
    if k == 0:
        return "1"
    factor = f"{n:g}".replace("-", "−")
    if k == 1:
        return f"{factor}·a"
    power = f"{k:g}".translate(_SUPERSCRIPTS) if k.is_integer() else f"^({k:g})".replace("-", "−")
    return f"{factor}·a{power}"


def _power_batch(xs: np.ndarray, n: float | np.ndarray):
    """aⁿ and n·aⁿ⁻¹ over a batch; n may differ per sample."""
    a = xs[0]
    if np.ndim(n) == 0 and n == 0:
        return np.ones_like(a), np.zeros_like(xs)
    return a**n, (n * a ** (n - 1.0))[np.newaxis]


# ----------------------------------------------------------------- unary ops


def _neg(a: float):
    return -a, (-1.0,)


def _neg_batch(xs: np.ndarray):
    return -xs[0], _MINUS_ONE


def _identity(a: float):
    return a, (1.0,)


def _identity_batch(xs: np.ndarray):
    return xs[0].copy(), _ONE


_ONE, _MINUS_ONE = _rows(1.0), _rows(-1.0)


def _exp(a: float):
    _require(a < 709.78, f"exp({a!r}) overflows a float")
    e = math.exp(a)
    return e, (e,)


def _exp_batch(xs: np.ndarray):
    e = np.exp(xs[0])
    return e, e[np.newaxis]


def _log(a: float):
    _require(a > 0.0, f"log needs a positive input, got {a!r}")
    return math.log(a), (1.0 / a,)


def _log_batch(xs: np.ndarray):
    a = xs[0]
    return np.log(a), (1.0 / a)[np.newaxis]


def _sqrt(a: float):
    _require(a >= 0.0, f"sqrt needs a non-negative input, got {a!r}")
    _require(a > 0.0, "the derivative of sqrt is undefined at 0")
    s = math.sqrt(a)
    return s, (0.5 / s,)


def _sqrt_batch(xs: np.ndarray):
    s = np.sqrt(xs[0])
    return s, (0.5 / s)[np.newaxis]


def _tanh(a: float):
    t = math.tanh(a)
    return t, (1.0 - t * t,)


def _tanh_batch(xs: np.ndarray):
    t = np.tanh(xs[0])
    return t, (1.0 - t * t)[np.newaxis]


def _sigmoid(a: float):
    if a >= 0:
        s = 1.0 / (1.0 + math.exp(-a))
    else:  # same value, without overflowing exp(-a) for very negative a
        e = math.exp(a)
        s = e / (1.0 + e)
    return s, (s * (1.0 - s),)


def _sigmoid_batch(xs: np.ndarray):
    a = xs[0]
    e = np.exp(-np.abs(a))  # never overflows; the two branches of the scalar version at once
    s = np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))
    return s, (s * (1.0 - s))[np.newaxis]


def _relu(a: float):
    return (a, (1.0,)) if a > 0.0 else (0.0, (0.0,))


def _relu_batch(xs: np.ndarray):
    on = xs[0] > 0.0
    return np.where(on, xs[0], 0.0), on[np.newaxis].astype(float)


def _hardtanh(a: float):
    if a <= -1.0:
        return -1.0, (0.0,)
    if a >= 1.0:
        return 1.0, (0.0,)
    return a, (1.0,)


def _hardtanh_batch(xs: np.ndarray):
    a = xs[0]
    return np.clip(a, -1.0, 1.0), ((a > -1.0) & (a < 1.0))[np.newaxis].astype(float)


def _sin(a: float):
    return math.sin(a), (math.cos(a),)


def _sin_batch(xs: np.ndarray):
    return np.sin(xs[0]), np.cos(xs)


def _cos(a: float):
    return math.cos(a), (-math.sin(a),)


def _cos_batch(xs: np.ndarray):
    return np.cos(xs[0]), -np.sin(xs)


def _abs(a: float):
    return abs(a), (1.0 if a > 0 else -1.0 if a < 0 else 0.0,)


def _abs_batch(xs: np.ndarray):
    return np.abs(xs[0]), np.sign(xs)


NEG = register(
    Op(
        name="neg",
        symbol="−",
        arity=1,
        evaluate=_neg,
        formulas=("−1",),
        expression="−a",
        evaluate_batch=_neg_batch,
    )
)
IDENTITY = register(
    Op(
        name="identity",
        symbol="id",
        arity=1,
        evaluate=_identity,
        formulas=("1",),
        expression="a",
        evaluate_batch=_identity_batch,
    ),
    callable_by_name=True,
)
EXP = register(
    Op(
        name="exp",
        symbol="exp",
        arity=1,
        evaluate=_exp,
        formulas=("exp(a)",),
        expression="exp(a)",
        evaluate_batch=_exp_batch,
    ),
    callable_by_name=True,
)
LOG = register(
    Op(
        name="log",
        symbol="log",
        arity=1,
        evaluate=_log,
        formulas=("1/a",),
        expression="log(a)",
        sample_domain=(0.1, 5.0),
        evaluate_batch=_log_batch,
    ),
    callable_by_name=True,
)
SQRT = register(
    Op(
        name="sqrt",
        symbol="√",
        arity=1,
        evaluate=_sqrt,
        formulas=("1/(2√a)",),
        expression="√a",
        sample_domain=(0.1, 5.0),
        evaluate_batch=_sqrt_batch,
    ),
    callable_by_name=True,
)
TANH = register(
    Op(
        name="tanh",
        symbol="tanh",
        arity=1,
        evaluate=_tanh,
        formulas=("1 − tanh²(a)",),
        expression="tanh(a)",
        evaluate_batch=_tanh_batch,
    ),
    callable_by_name=True,
)
SIGMOID = register(
    Op(
        name="sigmoid",
        symbol="σ",
        arity=1,
        evaluate=_sigmoid,
        formulas=("σ(a)·(1 − σ(a))",),
        expression="σ(a)",
        evaluate_batch=_sigmoid_batch,
    ),
    callable_by_name=True,
)
RELU = register(
    Op(
        name="relu",
        symbol="ReLU",
        arity=1,
        evaluate=_relu,
        formulas=("1 if a > 0 else 0",),
        expression="max(0, a)",
        evaluate_batch=_relu_batch,
    ),
    callable_by_name=True,
)
HARDTANH = register(
    Op(
        name="hardtanh",
        symbol="hardtanh",
        arity=1,
        evaluate=_hardtanh,
        formulas=("1 if −1 < a < 1 else 0",),
        expression="max(−1, min(1, a))",
        evaluate_batch=_hardtanh_batch,
    ),
    callable_by_name=True,
)
SIN = register(
    Op(
        name="sin",
        symbol="sin",
        arity=1,
        evaluate=_sin,
        formulas=("cos(a)",),
        expression="sin(a)",
        evaluate_batch=_sin_batch,
    ),
    callable_by_name=True,
)
COS = register(
    Op(
        name="cos",
        symbol="cos",
        arity=1,
        evaluate=_cos,
        formulas=("−sin(a)",),
        expression="cos(a)",
        evaluate_batch=_cos_batch,
    ),
    callable_by_name=True,
)
ABS = register(
    Op(
        name="abs",
        symbol="|·|",
        arity=1,
        evaluate=_abs,
        formulas=("sign(a)",),
        expression="|a|",
        evaluate_batch=_abs_batch,
    ),
    callable_by_name=True,
)


# ------------------------------------------------------------------- n-ary ops


def _sum(*xs: float):
    """Σ a_i, added left to right (the batch version adds in the same order, so both agree bit for bit)."""
    return sum(xs, 0.0), (1.0,) * len(xs)


def _sum_batch(xs: np.ndarray):
    total = 0.0 + xs[0]  # the scalar sum starts at 0.0 too (so −0.0 becomes 0.0 alike)
    for row in xs[1:]:  # row by row, the scalar order; numpy's own sum may pair terms differently
        total += row
    return total, _ONE if len(xs) == 1 else np.ones((len(xs), 1))


@dataclass(frozen=True)
class LinearOperands:
    r"""Where a ``linear`` node a = Σ w_i·x_i + b keeps its operands: (w_1..w_n, x_1..x_n, b).

    >>> layout = linear_operands(5)       # two weights, two inputs, the bias
    >>> list(layout.weights), list(layout.inputs), layout.bias
    ([0, 1], [2, 3], 4)
    """

    size: int
    """n, the number of weights (and of inputs)."""

    @property
    def weights(self) -> range:
        return range(self.size)

    @property
    def inputs(self) -> range:
        return range(self.size, 2 * self.size)

    @property
    def bias(self) -> int:
        return 2 * self.size

    def weight_of(self, input_index: int) -> int:
        """The operand index of the weight that multiplies the input at operand ``input_index``."""
        return input_index - self.size

    def input_of(self, weight_index: int) -> int:
        """The operand index of the input that the weight at operand ``weight_index`` multiplies."""
        return weight_index + self.size


def linear_operands(operand_count: int) -> LinearOperands:
    """The layout of a ``linear`` node's ``operand_count`` operands (an odd number: 2n + 1)."""
    if operand_count % 2 != 1:
        raise ValueError(f"linear needs operands w_1..w_n, x_1..x_n, b (an odd number), got {operand_count}")
    return LinearOperands(operand_count // 2)


def _write_linear(operands: Sequence[str]) -> str:
    """``w1·x1 + w2·x2 + b``."""
    layout = linear_operands(len(operands))
    terms = [f"{operands[w]}·{operands[layout.input_of(w)]}" for w in layout.weights]
    return " + ".join([*terms, operands[layout.bias]])


def _write_sum(terms: Sequence[str]) -> str:
    """``a + b + c``; a sum of one term reads ``Σ(a)``, so it never takes its only term's name."""
    if len(terms) == 1:
        only = terms[0]
        return (
            f"Σ{only}"
            if only.startswith("(") and only.endswith(")") and only.count("(") == 1
            else f"Σ({only})"
        )
    return " + ".join(terms)


def _linear(*xs: float):
    """Σ w_i·x_i + b over operands laid out as (w_1..w_n, x_1..x_n, b)."""
    _require(len(xs) % 2 == 1, f"needs operands w_1..w_n, x_1..x_n, b (an odd number), got {len(xs)}")
    n = len(xs) // 2
    w, x = xs[:n], xs[n : 2 * n]
    out = xs[-1]
    for wi, xi in zip(w, x):
        out += wi * xi
    return out, (*x, *w, 1.0)


def _linear_derivative_text(index: int, count: int) -> str:
    """∂a/∂w_i = x_i, ∂a/∂x_i = w_i, ∂a/∂b = 1, for operands (w_1..w_n, x_1..x_n, b)."""
    layout = linear_operands(count)
    if index == layout.bias:
        return "1"
    return f"x{index + 1}" if index in layout.weights else f"w{layout.weight_of(index) + 1}"


def _linear_batch(xs: np.ndarray):
    n = len(xs) // 2
    w, x = xs[:n], xs[n : 2 * n]
    return np.einsum("ij,ij->j", w, x) + xs[-1], np.concatenate((x, w, np.ones_like(xs[-1:])))


def _logsumexp(*xs: float):
    _require(len(xs) > 0, "logsumexp needs at least one input")
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    total = math.fsum(exps)
    return m + math.log(total), tuple(e / total for e in exps)


def _softmax_columns(xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """softmax(v) of every column and log Σ exp(v), the largest v subtracted first."""
    m = xs.max(axis=0)
    exps = np.exp(xs - m)
    total = exps.sum(axis=0)
    return exps / total, m + np.log(total)


def _in_each_column(index: int | np.ndarray, columns: int) -> tuple:
    """The places (index_s, s) of every column s, one index for all or one per sample: ``xs[at]`` picks them."""
    return index, np.arange(columns)


def _one_hot(index: int | np.ndarray, rows: int) -> np.ndarray:
    """δ_ij as a (rows × 1) column for one index, or (rows × samples) for one index per sample."""
    return (np.arange(rows)[:, np.newaxis] == np.reshape(index, (1, -1))).astype(float)


def _logsumexp_batch(xs: np.ndarray):
    o, lse = _softmax_columns(xs)
    return lse, o


SUM = register(
    Op(
        name="sum",
        symbol="Σ",
        arity=None,
        evaluate=_sum,
        formulas=("1",),
        expression="Σ a_i",
        evaluate_batch=_sum_batch,
        written=_write_sum,
    )
)
LINEAR = register(
    Op(
        name="linear",
        symbol="Σw·x+b",
        arity=None,
        evaluate=_linear,
        formulas=("x_i for w_i, w_i for x_i, 1 for b",),
        expression="Σ w_i·x_i + b",
        evaluate_batch=_linear_batch,
        formula_for=_linear_derivative_text,
        written=_write_linear,
    ),
    callable_by_name=True,
)
LOGSUMEXP = register(
    Op(
        name="logsumexp",
        symbol="logΣexp",
        arity=None,
        evaluate=_logsumexp,
        formulas=("softmax(a)_i",),
        expression="log Σ exp(a_i)",
        evaluate_batch=_logsumexp_batch,
    )
)


def _softmax_terms(xs: tuple[float, ...]) -> list[float]:
    m = max(xs)
    exps = [math.exp(x - m) for x in xs]
    total = math.fsum(exps)
    return [e / total for e in exps]


@lru_cache(maxsize=256)
def softmax_output(index: int) -> Op:
    """Output i of a softmax: o_i = exp(v_i)/Σ_j exp(v_j); ∂o_i/∂v_j = o_i(δ_ij − o_j)."""

    def evaluate(*xs: float):
        o = _softmax_terms(xs)
        oi = o[index]
        return oi, tuple(oi * ((1.0 if j == index else 0.0) - oj) for j, oj in enumerate(o))

    formula = ("o_i·(δ_ij − o_j)",)
    return Op(
        name="softmax",
        symbol=f"softmax[{index}]",
        arity=None,
        evaluate=evaluate,
        formulas=formula,
        expression="exp(v_i)/Σ exp(v_j)",
        param=index,
        evaluate_batch=_softmax_batch,
    )


def _softmax_batch(xs: np.ndarray, index: int | np.ndarray):
    o, _ = _softmax_columns(xs)
    hot = _one_hot(index, len(xs))
    oi = (hot * o).sum(axis=0)
    return oi, oi * (hot - o)


@lru_cache(maxsize=256)
def log_softmax_output(index: int) -> Op:
    """log o_i = v_i − logΣexp(v); ∂/∂v_j = δ_ij − o_j."""

    def evaluate(*xs: float):
        o = _softmax_terms(xs)
        m = max(xs)
        lse = m + math.log(math.fsum(math.exp(x - m) for x in xs))
        return xs[index] - lse, tuple((1.0 if j == index else 0.0) - oj for j, oj in enumerate(o))

    formula = ("δ_ij − o_j",)
    return Op(
        name="log_softmax",
        symbol=f"logsoftmax[{index}]",
        arity=None,
        evaluate=evaluate,
        formulas=formula,
        expression="v_i − log Σ exp(v_j)",
        param=index,
        evaluate_batch=_log_softmax_batch,
    )


def _log_softmax_batch(xs: np.ndarray, index: int | np.ndarray):
    o, lse = _softmax_columns(xs)
    at = _in_each_column(index, xs.shape[1])
    local = 0.0 - o  # (not −o: 0 − 0 is +0, as δ_ij − o_j gives it)
    local[at] += 1.0  # δ_ij − o_j
    return xs[at] - lse, local


@lru_cache(maxsize=256)
def cross_entropy_loss(target: int) -> Op:
    """L = −log o_y with o = softmax(v); the lecture's shortcut ∂L/∂v_i = o_i − y_i."""

    def evaluate(*xs: float):
        if not 0 <= target < len(xs):
            raise DomainError(f"target class {target} is out of range for {len(xs)} logits")
        m = max(xs)
        lse = m + math.log(math.fsum(math.exp(x - m) for x in xs))
        o = _softmax_terms(xs)
        return lse - xs[target], tuple(oi - (1.0 if i == target else 0.0) for i, oi in enumerate(o))

    formula = ("o_i − y_i",)
    return Op(
        name="cross_entropy",
        symbol=f"CE(y={target})",
        arity=None,
        evaluate=evaluate,
        formulas=formula,
        expression="−log softmax(v)_y",
        param=target,
        evaluate_batch=_cross_entropy_batch,
    )


def _cross_entropy_batch(xs: np.ndarray, target: int | np.ndarray):
    """−log softmax(v)_y per column; the target class may differ per sample."""
    o, lse = _softmax_columns(xs)
    at = _in_each_column(target, xs.shape[1])
    picked = xs[at]
    o[at] -= 1.0  # o_i − y_i
    return lse - picked, o


# ---------------------------------------------------------------- user-defined ops


@lru_cache(maxsize=256)
def user_op(symbol: str, arity: int) -> Op:
    """An op the table does not know, made by micrograd's ``Value(data, children, symbol)``.

    Its forward value is whatever the user computed, and its derivative is the
    ``_backward`` closure the user assigns to each node (``Value._backward``); the table
    knows neither, so ``evaluate`` refuses to recompute it and the compiled engine has
    no batch version.
    """

    def evaluate(*xs: float):
        raise DomainError(f"op {symbol!r} is defined by a _backward closure; its forward is the user's code")

    operands = "abcdefgh"[:arity] if arity <= 8 else [f"x{i}" for i in range(1, arity + 1)]
    return Op(
        name=symbol,
        symbol=symbol,
        arity=arity,
        evaluate=evaluate,
        formulas=("from _backward",) * arity,
        expression=f"{symbol}({', '.join(operands)})",
    )
