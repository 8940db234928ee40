"""TF1's ops on dtypes, comparisons and selection: ``cast``, ``argmax``, ``equal``, ``greater``,
``where``, ``one_hot``, ``stop_gradient``, ``add_n``, and the integer and boolean dtypes.

The engine's ops (``autograd_mini.ops``) compute on floats; these are the graph's own:
comparisons and ``argmax`` give booleans and int64 as in TF and have no gradient,
``cast`` between floats passes it on, ``where`` routes it to the branch it chose (with
the engine's ``where`` VJPs), and ``add_n`` is the engine's ``add``, repeated.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from ... import ops
from ...errors import DTypeError, ShapeError
from ...ops.registry import OpSpec
from ...tensor import FLOAT_DTYPES
from .graph import GraphElement, SymbolicTensor, _check_element, constant, convert_to_tensor
from .math_ops import apply

bool_ = np.dtype(np.bool_)  # tf.bool
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)


def graph_op(name: str, forward: Callable, *vjps: Callable | None,
             tf_node: str | None = None) -> Callable:
    """A graph-only op: ``forward`` on the input values; no VJPs: no gradient. ``tf_node``:
    TF1's name for its node where it differs from ``name``."""
    spec = OpSpec(name, forward, vjps=vjps, differentiable=any(v is not None for v in vjps),
                  tf_node=tf_node)
    return lambda *inputs, **settings: SymbolicTensor._apply(spec, inputs, settings)


def _tensors(x: Any, y: Any, what: str) -> tuple[SymbolicTensor, SymbolicTensor]:
    """``x`` and ``y`` as graph tensors; a plain one takes the other's dtype."""
    first = x if isinstance(x, GraphElement) else y if isinstance(y, GraphElement) else None
    dtype = getattr(first, "dtype", None)
    x, y = (_tensor(v, dtype, what) for v in (x, y))
    if x.dtype != y.dtype:
        raise DTypeError(f"{what}: the inputs are {x.dtype.name} and {y.dtype.name}; TF "
                         "compares one dtype: tf.cast one of them first")
    return x, y


def _tensor(value: Any, dtype: Any, what: str) -> SymbolicTensor:
    if isinstance(value, GraphElement):
        _check_element(value, what, tensor=True)
        return value
    return constant(value, dtype)


# ----- dtypes ---------------------------------------------------------------------------------

_cast_float = graph_op("cast", lambda x, *, dtype: x.astype(dtype),
                       lambda g, out, x, *, dtype: g.astype(x.dtype), tf_node="Cast")
_cast_other = graph_op("cast", lambda x, *, dtype: x.astype(dtype), tf_node="Cast")


def cast(x: Any, dtype: Any, name: str | None = None) -> SymbolicTensor:
    """``x`` converted to ``dtype`` (booleans to 0 and 1); a float-to-float cast passes
    the gradient on (as the input's dtype), any other cast has none, as in TF."""
    dt = np.dtype(dtype)
    x = _tensor(x, None, "cast")
    both_float = x.dtype in FLOAT_DTYPES and dt in FLOAT_DTYPES
    return apply(_cast_float if both_float else _cast_other, [x], name, dtype=dt)


# ----- comparisons (no gradient) --------------------------------------------------------------


def _comparison(name: str, compare: Callable, tf_node: str) -> Callable:
    op = graph_op(name, compare, tf_node=tf_node)

    def compare_graph(x: Any, y: Any, name: str | None = None) -> SymbolicTensor:
        return apply(op, list(_tensors(x, y, compare_graph.__name__)), name)

    compare_graph.__name__ = compare_graph.__qualname__ = name
    compare_graph.__doc__ = f"``x {_SYMBOLS[name]} y`` elementwise, as booleans (no gradient)."
    return compare_graph


_SYMBOLS = {"equal": "==", "not_equal": "!=", "greater": ">", "greater_equal": ">=",
            "less": "<", "less_equal": "<="}
equal = _comparison("equal", np.equal, "Equal")
not_equal = _comparison("not_equal", np.not_equal, "NotEqual")
greater = _comparison("greater", np.greater, "Greater")
greater_equal = _comparison("greater_equal", np.greater_equal, "GreaterEqual")
less = _comparison("less", np.less, "Less")
less_equal = _comparison("less_equal", np.less_equal, "LessEqual")


def _arg(name: str, pick: Callable, tf_node: str) -> Callable:
    op = graph_op(name, lambda x, *, axis, dtype: pick(x, axis=axis).astype(dtype),
                  tf_node=tf_node)

    def arg_graph(input: Any, axis: int | None = None, name: str | None = None,  # noqa: A002
                  dimension: int | None = None, output_type: Any = int64) -> SymbolicTensor:
        axis = dimension if axis is None else axis
        x = _tensor(input, None, arg_graph.__name__)
        if x.shape is not None and not -len(x.shape) <= (axis or 0) < max(len(x.shape), 1):
            raise ShapeError(f"{arg_graph.__name__}: axis {axis} is out of range for shape "
                             f"{x.shape}")
        return apply(op, [x], name, axis=0 if axis is None else int(axis),
                     dtype=np.dtype(output_type))

    arg_graph.__name__ = arg_graph.__qualname__ = name
    return arg_graph


argmax = _arg("argmax", np.argmax, "ArgMax")
argmax.__doc__ = "The index of the largest entry along ``axis`` (0 by default), as int64."
argmin = _arg("argmin", np.argmin, "ArgMin")
argmin.__doc__ = "The index of the smallest entry along ``axis`` (0 by default), as int64."


# ----- selection ------------------------------------------------------------------------------

_WHERE = ops.OPS["where"]  # the engine's: x where condition, else y; condition a setting
_select = graph_op(
    "select", lambda condition, x, y: _WHERE.forward(x, y, condition=condition), None,
    lambda g, out, condition, x, y: _WHERE.vjps[0](g, out, x, y, condition=condition),
    lambda g, out, condition, x, y: _WHERE.vjps[1](g, out, x, y, condition=condition))


def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> SymbolicTensor:
    """``x`` where ``condition`` holds, else ``y``; the gradient goes to the chosen one."""
    if x is None or y is None:
        raise DTypeError("where: give both x and y (where(condition) alone, the indices of "
                         "true entries, is not supported)")
    condition = _tensor(condition, bool_, "where")
    if condition.dtype != bool_:
        raise DTypeError(f"where: condition must be boolean (e.g. tf.greater(a, b)), got "
                         f"{condition.dtype.name}")
    x, y = _tensors(x, y, "where")
    return apply(_select, [condition, x, y], name)


def _one_hot_forward(indices, *, depth, on, off, dtype):
    hot = np.arange(depth) == np.asarray(indices)[..., None]
    return np.where(hot, on, off).astype(dtype)


_one_hot = graph_op("one_hot", _one_hot_forward)


def one_hot(indices: Any, depth: int, on_value: float = 1.0, off_value: float = 0.0,
            axis: int | None = None, dtype: Any = np.float32,
            name: str | None = None) -> SymbolicTensor:
    """Rows with ``on_value`` at each index of ``indices`` and ``off_value`` elsewhere
    (a new last axis of size ``depth``; indices outside ``[0, depth)`` give all off)."""
    if axis not in (None, -1):
        raise ShapeError("one_hot: only the last axis (axis=-1) is supported")
    x = _tensor(indices, int64, "one_hot")
    if x.dtype.kind not in "iu":
        raise DTypeError(f"one_hot: indices must be integers, got {x.dtype.name}")
    return apply(_one_hot, [x], name, depth=int(depth), on=on_value, off=off_value,
                 dtype=np.dtype(dtype))


_stop_gradient = graph_op("stop_gradient", lambda x: x)


def stop_gradient(input: Any, name: str | None = None) -> SymbolicTensor:  # noqa: A002
    """``input`` unchanged, but no gradient flows back through it."""
    return apply(_stop_gradient, [convert_to_tensor(input)], name)


def add_n(inputs: Sequence[Any], name: str | None = None) -> SymbolicTensor:
    """The elementwise sum of a list of tensors of one shape and dtype."""
    inputs = list(inputs) if isinstance(inputs, (list, tuple)) else [inputs]
    if not inputs:
        raise ShapeError("add_n: inputs is empty; give a list of tensors")
    tensors = [convert_to_tensor(x) for x in inputs]
    shapes = {t.shape for t in tensors if t.shape is not None and None not in t.shape}
    if len(shapes) > 1:
        raise ShapeError(f"add_n: the inputs must have one shape, got {sorted(shapes)}")
    total = tensors[0]
    for t in tensors[1:]:
        total = ops.add(total, t)
    if len(tensors) == 1:
        total = ops.add(total, 0.0)  # a new tensor, as TF's add_n of one input is
    if name is not None:
        total.name = total.graph.unique_name(name)
    return total
