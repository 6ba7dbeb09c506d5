"""``Value``: one scalar node of the computational graph.

A node stores, when it is created, everything a backprop lecture shows about it:
its value ``data``, the nodes it was computed from (``parents``, ordered, duplicates
kept so ``a*a`` has two edges), and the local derivative ∂node/∂parent for each of
those edges (``local_grads``). ``backward()`` then only multiplies and adds:

    Δ(parent) += ∂node/∂parent · Δ(node)      for every edge, in reverse topological order.

Nodes built by the op table hold no closures and no references back to their
children, so a graph that is no longer referenced is freed by reference counting at
once. A node made the micrograd way, ``Value(data, (x,), "sin")`` with a ``_backward``
closure assigned, joins the graph too: ``backward()`` calls its closure, and its
``local_grads`` are read from the closure when it is assigned.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from math import isfinite
from numbers import Real
from typing import Union

from . import copying, ops
from .ops import DomainError, Op

Number = int | float
Operand = Union["Value", Number]  # noqa: UP007 (a forward reference)

__all__ = ["Value", "Constant", "apply", "check_operands", "set_data_and_grads"]


def _check_number(data: object, where: str) -> float:
    if type(data) is not float:  # a plain float, the common case, skips the abstract-class test
        if isinstance(data, bool) or not isinstance(data, Real):
            raise TypeError(f"{where} needs a real number, got {type(data).__name__} {data!r:.80}")
        try:
            data = float(data)
        except OverflowError:  # an int or Fraction past 1.8e308
            what = (
                f"an int of about {data.bit_length() * 0.30103:.0f} digits"
                if isinstance(data, int)
                else f"a {type(data).__name__} too large for a float"
            )
            raise ValueError(f"{where} needs a number a float can hold (|x| < 1.8e308), got {what}") from None
    if not isfinite(data):
        raise ValueError(f"{where} needs a finite number, got {data!r}")
    return data


class Value:
    """A scalar in the graph: ``data``, ``grad`` and how it was computed.

    Args:
        data: the number this node holds.
        label: a name shown in diagrams and error messages (``"w1"``).

    ``grad`` starts at 0.0, as in micrograd; after a ``backward()`` pass has reached the
    node it is ∂root/∂node. ``grad_computed`` tells the two apart: it is False until a
    backward pass reaches the node or ``grad`` is assigned (diagrams then say "not
    computed" rather than show a 0 nobody computed). Leaf grads accumulate across
    ``backward()`` calls until zeroed, as in PyTorch; every other node's grad is
    recomputed from scratch on each call. Assigning ``grad = None`` (PyTorch's
    ``zero_grad(set_to_none=True)``) resets it to 0.0, not computed.

    micrograd's constructor ``Value(data, _children=(), _op='')`` also works, with any
    ``_op`` string: one the op table knows (``'+'``, ``'*'``, ``'tanh'`` ...) records that
    op; any other makes a user-defined op whose derivative is the ``_backward`` closure
    assigned to the node. A node also takes attributes of its own (``n.colour = ...``,
    an optimizer's ``p.m = 0.0``).
    """

    # "__dict__" lets a node take attributes of its own; it is allocated only when used.
    __slots__ = (
        "data",
        "_grad",
        "_grad_computed",
        "label",
        "parents",
        "local_grads",
        "operation",
        "_closure",
        "__dict__",
        "__weakref__",
    )

    def __init__(
        self,
        data: Number,
        label: str | tuple | list | set = "",
        _op: str = "",
        *,
        _children: Iterable[Value] = (),
    ) -> None:
        if isinstance(label, (tuple, list, set)):  # micrograd's positional form: Value(data, children, op)
            label, _children = "", label
        elif not isinstance(label, str):
            raise TypeError(f"Value's label must be a str, got {type(label).__name__} {label!r:.80}")
        self.data = _check_number(data, f"Value {label!r}" if label else "Value")
        self._grad = 0.0
        self._grad_computed = False
        self.label = label
        self._closure: Callable[[], None] | None = None
        children = tuple(_children)
        if children:
            for index, child in enumerate(children):
                if not isinstance(child, Value):
                    raise TypeError(
                        f"Value(..., _children): child {index} is a {type(child).__name__}, not a Value"
                    )
            self.parents: tuple[Value, ...] = children
            op = _table_op(_op, len(children))
            if op is None:  # a user-defined op: no derivative until a _backward closure is assigned
                self.operation: Op | None = ops.user_op(_op, len(children))
                check_operands(self.operation, children)
                self.local_grads: tuple[float, ...] = (0.0,) * len(children)
            else:
                check_operands(op, children)
                self.operation = op
                self.local_grads = op.evaluate(*(child.data for child in children))[1]
        else:
            self.parents = ()
            self.local_grads = ()
            self.operation = None

    # ------------------------------------------------------------- reading

    @property
    def op(self) -> str:
        """Name of the op that made this node (``"mul"``), or ``""`` for a leaf."""
        return self.operation.name if self.operation is not None else ""

    @property
    def _op(self) -> str:
        """micrograd's name: the op's display symbol."""
        return self.operation.symbol if self.operation is not None else ""

    @property
    def _prev(self) -> set[Value]:
        """micrograd's name: the set of distinct parents."""
        return set(self.parents)

    @property
    def grad(self) -> float:
        """∂root/∂self after a backward pass; 0.0 before (see ``grad_computed``)."""
        return self._grad

    @grad.setter
    def grad(self, value: float | None) -> None:
        if value is None:
            self._grad, self._grad_computed = 0.0, False
        else:
            self._grad = value if type(value) is float else _check_grad(value, self)
            self._grad_computed = True

    @property
    def grad_computed(self) -> bool:
        """True once a backward pass has reached this node or its ``grad`` was assigned."""
        return self._grad_computed

    @property
    def is_leaf(self) -> bool:
        """True for inputs, parameters and constants: nodes no op produced."""
        return not self.parents

    def __float__(self) -> float:
        """The value as a plain float (``float(v)``)."""
        return self.data

    def __repr__(self) -> str:
        """``Value('x', data=2.0, grad=None)``: the label, the value and the gradient."""
        name = f"{self.label!r}, " if self.label else ""
        return f"Value({name}data={self.data!r}, grad={self.grad!r})"

    # ------------------------------------------------------------- copying

    def __copy__(self) -> Value:
        """A new node with this one's numbers, label and (the same) parents."""
        copy = type(self).__new__(type(self))
        copy.data, copy.label = self.data, self.label
        copy._grad, copy._grad_computed = self._grad, self._grad_computed
        copy.parents, copy.local_grads, copy.operation = self.parents, self.local_grads, self.operation
        copy._closure = None  # a user's closure reads the original's grad: the copy uses its local_grads
        if getattr(self, "__dict__", None):
            copy.__dict__.update(self.__dict__)
        return copy

    def __deepcopy__(self, memo: dict) -> Value:
        """A copy of the whole graph below this node, made without recursion (any depth works)."""
        return copying.deepcopy_graph(self, memo)

    def __reduce_ex__(self, protocol: int):
        """Pickle's usual reduction, after refusing a graph too deep for it (see ``pathgrad.engine.copying``)."""
        copying.check_picklable(self)
        return super().__reduce_ex__(protocol)

    # ------------------------------------------------------------- arithmetic

    def __add__(self, other: Operand) -> Value:
        r"""self + other; ∂/∂self = ∂/∂other = 1."""
        return apply(ops.ADD, self, other)

    def __radd__(self, other: Operand) -> Value:
        r"""other + self (a number on the left); ∂/∂self = 1."""
        return apply(ops.ADD, other, self)

    def __sub__(self, other: Operand) -> Value:
        r"""self − other; ∂/∂self = 1, ∂/∂other = −1."""
        return apply(ops.SUB, self, other)

    def __rsub__(self, other: Operand) -> Value:
        r"""other − self (a number on the left); ∂/∂self = −1."""
        return apply(ops.SUB, other, self)

    def __mul__(self, other: Operand) -> Value:
        r"""self · other; ∂/∂self = other, ∂/∂other = self."""
        return apply(ops.MUL, self, other)

    def __rmul__(self, other: Operand) -> Value:
        r"""other · self (a number on the left); ∂/∂self = other."""
        return apply(ops.MUL, other, self)

    def __truediv__(self, other: Operand) -> Value:
        r"""self / other (other ≠ 0); ∂/∂self = 1/other, ∂/∂other = −self/other²."""
        return apply(ops.DIV, self, other)

    def __rtruediv__(self, other: Operand) -> Value:
        r"""other / self (a number on the left); ∂/∂self = −other/self²."""
        return apply(ops.DIV, other, self)

    def __pow__(self, exponent: Operand) -> Value:
        r"""self ** exponent: a number n gives ∂/∂self = n·self^(n−1); a Value also gets; ∂/∂exponent = self^exponent · ln self."""
        if isinstance(exponent, Value):
            return apply(ops.POW, self, exponent)
        return apply(ops.power(_check_number(exponent, "the exponent of **")), self)

    def __rpow__(self, base: Number) -> Value:
        r"""base ** self (a number base > 0); ∂/∂self = base^self · ln base."""
        return apply(ops.POW, base, self)

    def __neg__(self) -> Value:
        r"""−self; ∂/∂self = −1."""
        return apply(ops.NEG, self)

    def __abs__(self) -> Value:
        r"""|self|; ∂/∂self = sign(self)."""
        return apply(ops.ABS, self)

    # ------------------------------------------------------------- functions

    def exp(self) -> Value:
        r"""e^x; local derivative ∂e^x/∂x = e^x."""
        return apply(ops.EXP, self)

    def log(self) -> Value:
        r"""ln x (x > 0, else a ValueError naming the node); ∂ln x/∂x = 1/x."""
        return apply(ops.LOG, self)

    def sqrt(self) -> Value:
        r"""√x (x ≥ 0); ∂√x/∂x = 1/(2√x)."""
        return apply(ops.SQRT, self)

    def tanh(self) -> Value:
        r"""tanh x = (e^{2x} − 1)/(e^{2x} + 1); ∂tanh x/∂x = 1 − tanh² x."""
        return apply(ops.TANH, self)

    def sigmoid(self) -> Value:
        r"""σ(x) = 1/(1 + e^{−x}); ∂σ/∂x = σ(x)(1 − σ(x))."""
        return apply(ops.SIGMOID, self)

    def relu(self) -> Value:
        r"""max(0, x); ∂/∂x = 1 where x > 0, else 0."""
        return apply(ops.RELU, self)

    def hardtanh(self) -> Value:
        r"""x clipped to [−1, 1]; ∂/∂x = 1 inside, 0 outside."""
        return apply(ops.HARDTANH, self)

    def sin(self) -> Value:
        r"""sin x; ∂sin x/∂x = cos x."""
        return apply(ops.SIN, self)

    def cos(self) -> Value:
        r"""cos x; ∂cos x/∂x = −sin x."""
        return apply(ops.COS, self)

    def abs(self) -> Value:
        r"""|x|; ∂|x|/∂x = sign(x) (0 at 0)."""
        return apply(ops.ABS, self)

    def identity(self) -> Value:
        r"""x itself, as a node of its own (a linear unit's activation); ∂x/∂x = 1."""
        return apply(ops.IDENTITY, self)

    # ------------------------------------------------------------- gradients

    def backward(self, grad: float = 1.0) -> None:
        """Fill ``grad`` of every node this one depends on with ∂self/∂node."""
        from .graph import backward

        backward(self, grad)

    @property
    def _backward(self) -> Callable[[], None]:
        """micrograd's one-node step: push this node's grad into its parents' grads.

        Reading it gives the closure a user assigned, or else the step the op table
        defines, Δ(parent) += ∂self/∂parent · Δ(self) for each edge.

        Assigning a closure (micrograd's way of adding an op) makes ``backward()`` call
        it for this node, and reads the node's ``local_grads`` from it at once: with
        ``self.grad = 1`` and the parents' grads at 0, what the closure adds to each
        parent's grad is ∂self/∂parent (a parent listed twice gets it all on its first
        edge). This is exact for the closures micrograd users write, which add
        ``local · out.grad`` to each parent. A closure that is not linear in
        ``out.grad``, that sets instead of adding, or that reads state other than the
        nodes' ``data`` and ``grad`` is the user's responsibility: its ``local_grads``
        (shown by diagrams, ``paths``, ``path_sum``, ``backward_steps``) are then only
        what it did at that moment.
        """
        return self._closure if self._closure is not None else self._push_grad

    @_backward.setter
    def _backward(self, closure: Callable[[], None]) -> None:
        if not callable(closure):
            raise TypeError(f"{_name(self)}._backward must be a function, got {type(closure).__name__}")
        self.local_grads = _read_local_grads(self, closure)
        self._closure = closure

    def _push_grad(self) -> None:
        grad = self._grad
        for parent, local in zip(self.parents, self.local_grads):
            parent.grad = parent._grad + local * grad


class Constant(Value):
    """A number that entered the graph as an operand (the ``2`` in ``x * 2``)."""

    __slots__ = ()

    def __init__(self, data: Number) -> None:
        number = _check_number(data, "a constant operand")
        self.data = number
        self._grad = 0.0
        self._grad_computed = False
        self.label = f"{number:g}"
        self.parents = ()
        self.local_grads = ()
        self.operation = None
        self._closure = None


def _describe(node: Value) -> str:
    return (
        f"{node.label} = {node.data:g}" if node.label and not isinstance(node, Constant) else f"{node.data:g}"
    )


def _failure(error: Exception) -> str:
    """What went wrong, in words: an overflow says so instead of printing its errno tuple."""
    if isinstance(error, DomainError):
        return str(error)
    if isinstance(error, OverflowError):
        return "the result is too large for a float (beyond ±1.8e308)"
    return f"{type(error).__name__}: {error}"


def _operands_text(parents: tuple[Value, ...]) -> str:
    return f"[operands: {', '.join(map(_describe, parents))}]"


def check_operands(op: Op, parents: tuple[Value, ...]) -> None:
    """Raise ``DomainError`` for the first operand that is NaN or ±inf, naming the op, its label and value.

    The constructor refuses such numbers, but ``.data`` can be set afterwards; ops like
    relu(nan) = 0 or tanh(inf) = 1 would otherwise pass them on as finite-looking numbers.
    """
    for index, parent in enumerate(parents):
        if not isfinite(parent.data):
            name = repr(parent.label) if parent.label else f"{index + 1} of {len(parents)}"
            raise DomainError(
                f"{op.name}: operand {name} is {parent.data!r}, not a finite number "
                f"(was its .data set to it?) {_operands_text(parents)}"
            )


def _constant_error(op: Op, operands: tuple[Operand, ...], refusal: ValueError) -> ValueError:
    """Why ``Constant`` refused a plain-number operand: NaN or ±inf is a ``DomainError``
    naming the op and the operand's position; a number too large for a float keeps
    ``Constant``'s own message."""
    for index, number in enumerate(operands):
        if isinstance(number, float) and not isfinite(number):
            return DomainError(
                f"{op.name}: operand {index + 1} of {len(operands)} is {number!r}, not a finite number"
            )
    return refusal


def apply(op: Op, *operands: Operand) -> Value:
    """Run ``op`` forward on ``operands`` and return the new node.

    Plain numbers become ``Constant`` leaves. The node records its parents, the op,
    and the local derivative with respect to each parent. An operand that is NaN or
    ±inf, an input outside the op's domain, or a result or local derivative that is
    not a finite number raises ``DomainError`` naming the op and its operands.
    """
    parents = operands
    for operand in operands:
        if not isinstance(operand, Value):
            try:
                parents = tuple([o if isinstance(o, Value) else Constant(o) for o in operands])
            except ValueError as refusal:  # NaN, ±inf, too large for a float (TypeError: not a number)
                raise _constant_error(op, operands, refusal) from None
            break
    try:  # one and two operands are almost every node: unpacked by hand, as a comprehension costs a third
        if len(parents) == 2:
            a, b = parents[0].data, parents[1].data
            data, local_grads = op.evaluate(a, b)
            operand_sum = a + b
        elif len(parents) == 1:
            operand_sum = parents[0].data
            data, local_grads = op.evaluate(operand_sum)
        else:
            numbers = [parent.data for parent in parents]
            data, local_grads = op.evaluate(*numbers)
            operand_sum = sum(numbers)
    except (ArithmeticError, ValueError) as error:
        check_operands(op, parents)
        raise DomainError(f"{op.name}: {_failure(error)} {_operands_text(parents)}") from None
    # one test for the common case: a sum is finite only if every term is (or, rarely, it overflowed)
    if not isfinite(data + sum(local_grads) + operand_sum):
        check_operands(op, parents)
        if not (isfinite(data) and all(map(isfinite, local_grads))):
            raise DomainError(
                f"{op.name}: the result {data!r} or a local derivative {local_grads!r} is not finite "
                f"{_operands_text(parents)}"
            )
    node = Value.__new__(Value)
    node.data = data
    node._grad = 0.0
    node._grad_computed = False
    node.label = ""
    node.parents = parents
    node.local_grads = local_grads
    node.operation = op
    node._closure = None
    return node


_MICROGRAD_SYMBOLS = {"+": "add", "*": "mul", "ReLU": "relu", "-": "sub", "/": "div"}


def _table_op(symbol: str, arity: int) -> Op | None:
    """The table's op for micrograd's ``_op`` string with ``arity`` operands, if it has one."""
    if not isinstance(symbol, str):
        raise TypeError(f"Value(..., _op=...): the op must be a str, got {type(symbol).__name__}")
    if symbol.startswith("**"):
        try:
            op = ops.power(float(symbol[2:]))
        except ValueError:
            return None
    else:
        op = ops.OPS.get(_MICROGRAD_SYMBOLS.get(symbol, symbol))
    return op if op is not None and op.arity in (None, arity) else None


def set_data_and_grads(values: Iterable[Value], data: Iterable[float], grads: Iterable[float]) -> None:
    """``v.data, v.grad = d, g`` for many Values at once, the numbers being floats: the
    compiled mode's write-back of a step's arrays, without a property call per grad."""
    for value, number, grad in zip(values, data, grads):
        value.data, value._grad, value._grad_computed = number, grad, True


def _name(node: Value) -> str:
    return f"Value {node.label!r}" if node.label else f"Value({node.data:g})"


def _check_grad(value: object, node: Value) -> float:
    if isinstance(value, bool) or not isinstance(value, Real):
        raise TypeError(f"{_name(node)}.grad needs a real number, got {type(value).__name__} {value!r}")
    return float(value)


def _read_local_grads(node: Value, closure: Callable[[], None]) -> tuple[float, ...]:
    """What ``closure`` adds to each parent's grad when ``node.grad`` is 1: ∂node/∂parent.

    Every grad it touches is put back as it was, so assigning a closure changes nothing
    but ``node.local_grads``.
    """
    distinct = list(dict.fromkeys(node.parents))
    saved = [(n._grad, n._grad_computed) for n in (node, *distinct)]
    try:
        for parent in distinct:
            parent._grad = 0.0
        node._grad = 1.0
        try:
            closure()
        except Exception as error:
            raise ValueError(
                f"{_name(node)}._backward: running the closure once (with its grad at 1) to read its "
                f"local derivatives failed: {type(error).__name__}: {error}"
            ) from error
        pushed = {parent: parent._grad for parent in distinct}
    finally:
        for n, (grad, computed) in zip((node, *distinct), saved):
            n._grad, n._grad_computed = grad, computed
    local_grads = []
    for parent in node.parents:
        local = pushed.pop(parent, 0.0)  # a parent listed twice: the first edge carries it all
        local_grads.append(_check_grad(local, node) if type(local) is not float else local)
    return tuple(local_grads)
