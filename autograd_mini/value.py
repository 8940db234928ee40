"""``Value``: a scalar graph node holding a Python float, as in micrograd.

Constructors, repr and the float-specific bookkeeping live here; the math lives in
``autograd_mini.ops`` and is shared with ``Tensor``.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from . import _fast, ops
from ._fast import inlined
from .errors import DTypeError, OpError
from .graph import Node, link
from .i18n import message
from .ops.registry import OpSpec, make_node, mixed_inputs
from .recording import TRACE


class Value(Node):
    """A scalar that records the ops applied to it.

    >>> a = Value(2.0, name="a"); b = a * a + a
    >>> b.backward(); a.grad
    5.0

    Args:
        data: a real number.
        name: a label for reprs and drawings.
        requires_grad: whether ``backward()`` fills ``.grad`` (True by default, as in
            micrograd; constants made from plain numbers in ops have False).
    """

    __slots__ = ()
    _empty_grad = 0.0
    _broadcasts = False
    _payload = _convert = float  # for the inlined operators

    @staticmethod
    def _number(x: float | int, v: Value) -> Value:
        """A Python number beside a Value: a constant."""
        return _fast.constant(Value, float(x))

    # the operators and elementwise methods: each op's common case inlined (autograd_mini._fast)
    __add__, __radd__ = inlined(ops.add), inlined(ops.add, reflected=True)
    __sub__, __rsub__ = inlined(ops.sub), inlined(ops.sub, reflected=True)
    __mul__, __rmul__ = inlined(ops.mul), inlined(ops.mul, reflected=True)
    __truediv__, __rtruediv__ = inlined(ops.div), inlined(ops.div, reflected=True)
    __pow__, __rpow__ = inlined(ops.pow), inlined(ops.pow, reflected=True)
    __neg__ = inlined(ops.neg)
    exp, log, sqrt, square = inlined(ops.exp), inlined(ops.log), inlined(ops.sqrt), \
        inlined(ops.square)
    tanh, sigmoid, relu = inlined(ops.tanh), inlined(ops.sigmoid), inlined(ops.relu)
    sin, cos, abs = inlined(ops.sin), inlined(ops.cos), inlined(ops.abs)

    def __abs__(self):            return ops.abs(self)

    def __init__(self, data: float | Value, name: str | None = None,
                 requires_grad: bool = True):
        self.data, self.grad, self.name = _to_float(data, "Value"), 0.0, name
        link(self, requires_grad=requires_grad)  # a leaf
        trace = TRACE.get()
        if trace is not None:  # autograd_mini.compile is tracing: where the data came from
            trace.leaf(self, data)

    @classmethod
    def _apply(cls, spec: OpSpec, args: tuple, kwargs: dict) -> Value:
        for a in args:
            if type(a) is not Value:  # plain numbers become constant nodes
                args = tuple([a if isinstance(a, Value) else _constant(a, spec)
                              for a in args])
                break
        forward = spec.scalar or spec.forward
        try:  # unpacked by hand for one and two inputs: this is every scalar op's hot path
            if kwargs or len(args) > 2:
                out = forward(*[a.data for a in args], **kwargs)
            elif len(args) == 2:
                out = forward(args[0].data, args[1].data)
            else:
                out = forward(args[0].data)
        except (ArithmeticError, ValueError) as e:  # Python's float math refuses an edge
            out = in_float64(spec, [a.data for a in args], kwargs, e)
        if type(out) is not float:
            out = float(out)
        return make_node(Value, out, args, spec, kwargs)

    # ----- graph bookkeeping for floats --------------------------------------------

    def _seed(self, gradient: Any) -> float:
        return 1.0 if gradient is None else _to_float(gradient, "backward gradient")

    def _accumulate(self, g: Any) -> None:
        fresh = isinstance(g, Node) and not isinstance(self.grad, Node) and self.grad == 0.0
        self.grad = g if fresh else self.grad + g  # fresh: no needless `0.0 + g` node

    _accumulate_all = staticmethod(_fast.accumulate_values)

    def zero_grad(self) -> None:
        """Set ``.grad`` back to 0.0."""
        self.grad = 0.0

    @property
    def shape(self) -> tuple:
        return ()

    def item(self) -> float:
        return self.data

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        name = f", name={self.name!r}" if self.name else ""
        grad = f"{self.grad:.6g}" if isinstance(self.grad, float) else repr(self.grad)
        return f"Value(data={self.data:.6g}, grad={grad}{name})"


Value._family = Value


def _to_float(x: Any, what: str) -> float:
    if type(x) is float:
        return x
    if isinstance(x, Value):
        return x.data
    if isinstance(x, numbers.Real) or (hasattr(x, "shape") and x.shape in ((), (1,))
                                        and not isinstance(x, Node)):
        return float(x)
    raise DTypeError(message("err.value_number", what=what, type=type(x).__name__,
                             hint=message("err.use_tensor") if hasattr(x, "shape") else ""))


def in_float64(spec: OpSpec, values: Any, kwargs: dict, error: Exception) -> Any:
    """The op's numpy forward on float64 scalars, where Python's float math raised on
    ``values`` (``1 / 0.0``, ``math.exp(1000)``, ``math.log(-1)``): the inf or nan a float64
    Tensor gets, with numpy's warning. An error numpy raises too becomes an ``OpError``."""
    try:
        return spec.forward(*[np.float64(v) for v in values], **kwargs)
    except (ArithmeticError, ValueError):
        shown = ", ".join(repr(v) for v in values)
        raise OpError(f"{spec.name}({shown}) failed: {error}") from None


def _constant(x: Any, spec: OpSpec) -> Value:
    """A plain number used in a Value op becomes a constant node (shown in drawings)."""
    if type(x) is float or type(x) is int:  # the common case, as in `2 * v`: no checks
        return _fast.constant(Value, float(x))
    if isinstance(x, Node):
        raise mixed_inputs(spec, Value, x)
    if not isinstance(x, numbers.Real):
        raise DTypeError(message("err.value_op_input", op=spec.name, type=type(x).__name__,
                                 hint=message("err.use_tensor") if hasattr(x, "shape") else ""))
    return Value(x, requires_grad=False)
