"""TF2's math functions (``tf.matmul``, ``tf.reduce_mean``, ``tf.argmax``, ...) on EagerTensors.

Float tensors go through the engine's ops, so tapes record them and their gradients are
the engine's VJPs. Integer and bool tensors are computed plainly with numpy in TF's result
dtype (``reduce_sum`` of int32 stays int32, ``argmax`` gives int64); comparisons,
``argmax`` and ``one_hot`` have no gradient, as in TensorFlow.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import ops
from ...errors import DTypeError, ShapeError
from ...graph import Node
from ...tracing import noted, plain
from .tensor import EagerTensor, as_dtype, convert_to_tensor, float32, int64, operand


def tensor(x: Any, like: Node | None = None) -> Node:
    """``x`` as a tensor: a list of tensors is stacked (keeping their gradients), numbers
    take the dtype of ``like`` when given (TF converts the second operand so)."""
    if isinstance(x, (list, tuple)) and any(isinstance(v, Node) for v in x):
        return ops.stack([tensor(v) for v in x])
    if isinstance(x, Node) or like is None:
        return convert_to_tensor(x)
    return operand(x, like.data.dtype)


def _floats(t: Node) -> bool:
    return t.data.dtype.kind == "f"


def _axis(axis: Any) -> Any:
    return tuple(int(a) for a in axis) if isinstance(axis, (list, tuple)) else axis


def _unary(name: str, engine_op: Callable, plain: Callable | None = None) -> Callable:
    """A TF unary function: the engine op on floats, ``plain`` (numpy) on other dtypes."""

    def fn(x: Any, name: str | None = None) -> Node:
        t = tensor(x)
        if _floats(t):
            return engine_op(t)
        if plain is None:
            raise DTypeError(f"tf.{fn.__name__}: needs a float tensor, got {t.data.dtype}; "
                             f"tf.cast it to tf.float32 first")
        return EagerTensor(plain(t.data).astype(t.data.dtype))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``tf.{name}``, elementwise: {engine_op.__doc__.splitlines()[0]}"
    return fn


exp = _unary("exp", ops.exp)
log = _unary("log", ops.log)
sqrt = _unary("sqrt", ops.sqrt)
tanh = _unary("tanh", ops.tanh)
sigmoid = _unary("sigmoid", ops.sigmoid)
square = _unary("square", ops.square, np.square)
abs = _unary("abs", ops.abs, np.abs)  # noqa: A001  (TF's name)
relu = _unary("relu", ops.relu, lambda a: np.maximum(a, 0))


def _binary(name: str, engine_op: Callable, plain: Callable) -> Callable:
    """A TF binary function: the second operand takes the first's dtype when a number."""

    def fn(x: Any, y: Any, name: str | None = None) -> Node:
        a = tensor(x, like=y if isinstance(y, Node) else None)
        b = tensor(y, like=a)
        if _floats(a) or _floats(b):
            return engine_op(a, b)
        return EagerTensor(np.asarray(plain(a.data, b.data)).astype(a.data.dtype))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``tf.{name}``, elementwise with broadcasting."
    return fn


add = _binary("add", ops.add, np.add)
subtract = _binary("subtract", ops.sub, np.subtract)
multiply = _binary("multiply", ops.mul, np.multiply)
divide = _binary("divide", ops.div, np.divide)
pow = _binary("pow", ops.pow, np.power)  # noqa: A001  (TF's name)
maximum = _binary("maximum", ops.maximum, np.maximum)
minimum = _binary("minimum", ops.minimum, np.minimum)


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           name: str | None = None) -> Node:
    """``tf.matmul``: the matrix product of ``a`` and ``b`` (optionally transposed)."""
    x, y = tensor(a), tensor(b)
    if x.data.dtype != y.data.dtype:
        raise DTypeError(f"tf.matmul: a is {x.data.dtype} but b is {y.data.dtype}; tf.cast one "
                         f"of them so both have the same dtype")
    x, y = ops.transpose(x) if transpose_a else x, ops.transpose(y) if transpose_b else y
    if _floats(x):
        return ops.matmul(x, y)
    return EagerTensor(np.matmul(x.data, y.data))


# ----- reductions -----------------------------------------------------------------------


def _reduction(name: str, engine_op: Callable, plain: Callable) -> Callable:
    def fn(input_tensor: Any, axis: Any = None, keepdims: bool = False,
           name: str | None = None) -> Node:
        t = tensor(input_tensor)
        if _floats(t):
            return engine_op(t, axis=_axis(axis), keepdims=keepdims)
        out = plain(t.data, axis=_axis(axis), keepdims=keepdims)
        return EagerTensor(np.asarray(out).astype(t.data.dtype))  # int32 stays int32

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = (f"``tf.{name}`` over ``axis`` (all axes when None); integer tensors keep "
                  f"their dtype (a mean of integers truncates, as TF's does).")
    return fn


reduce_sum = _reduction("reduce_sum", ops.sum, np.sum)
reduce_mean = _reduction("reduce_mean", ops.mean, np.mean)
reduce_max = _reduction("reduce_max", ops.max, np.max)
reduce_min = _reduction("reduce_min", ops.min, np.min)


def argmax(input: Any, axis: Any = None, output_type: Any = int64,  # noqa: A002
           name: str | None = None) -> EagerTensor:
    """``tf.argmax``: the index of the largest entry along ``axis`` (TF's default 0), int64."""
    t = tensor(input)
    return EagerTensor(np.argmax(t.data, axis=0 if axis is None else int(axis))
                       .astype(as_dtype(output_type).dtype))


def argmin(input: Any, axis: Any = None, output_type: Any = int64,  # noqa: A002
           name: str | None = None) -> EagerTensor:
    """``tf.argmin``: the index of the smallest entry along ``axis`` (TF's default 0), int64."""
    t = tensor(input)
    return EagerTensor(np.argmin(t.data, axis=0 if axis is None else int(axis))
                       .astype(as_dtype(output_type).dtype))


# ----- comparisons and selection --------------------------------------------------------


def _comparison(name: str, plain: np.ufunc) -> Callable:
    def fn(x: Any, y: Any, name: str | None = None) -> EagerTensor:
        a = tensor(x, like=y if isinstance(y, Node) else None)
        b = tensor(y, like=a)
        if a.data.dtype != b.data.dtype:
            raise DTypeError(f"tf.{fn.__name__}: x is {a.data.dtype} but y is {b.data.dtype}; "
                             f"tf.cast one of them (TF compares tensors of one dtype)")
        try:
            return EagerTensor(plain(a.data, b.data))
        except ValueError as e:
            raise ShapeError(f"tf.{fn.__name__}: shapes {a.shape} and {b.shape} do not "
                             f"broadcast") from e

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"``tf.{name}``: a bool tensor, elementwise with broadcasting (no gradient)."
    return fn


equal = _comparison("equal", np.equal)
not_equal = _comparison("not_equal", np.not_equal)
greater = _comparison("greater", np.greater)
greater_equal = _comparison("greater_equal", np.greater_equal)
less = _comparison("less", np.less)
less_equal = _comparison("less_equal", np.less_equal)


def where(condition: Any, x: Any = None, y: Any = None, name: str | None = None) -> Node:
    """``tf.where``: ``x`` where ``condition`` holds, else ``y`` (gradients flow to both);
    with the condition alone, the int64 indices of its true entries, one row each."""
    cond = tensor(condition)
    if cond.data.dtype != np.bool_:
        raise DTypeError(f"tf.where: the condition must be a bool tensor, got "
                         f"{cond.data.dtype}; compare first, e.g. tf.greater(a, b)")
    if x is None and y is None:
        return EagerTensor(np.argwhere(cond.data).astype(np.int64))
    if x is None or y is None:
        raise ShapeError("tf.where: give both x and y, or neither")
    a = tensor(x, like=y if isinstance(y, Node) else None)
    b = tensor(y, like=a)
    if _floats(a) or _floats(b):
        return ops.where(cond, a, b)
    return EagerTensor(np.where(cond.data, a.data, b.data))


def one_hot(indices: Any, depth: int, on_value: Any = None, off_value: Any = None,
            axis: int = -1, dtype: Any = float32, name: str | None = None) -> EagerTensor:
    """``tf.one_hot``: a new last axis of ``depth`` entries, ``on_value`` (1) at each index
    and ``off_value`` (0) elsewhere; indices outside ``[0, depth)`` give all off."""
    idx = tensor(indices).data
    if idx.dtype.kind not in "iu":
        raise DTypeError(f"tf.one_hot: indices must be integers, got {idx.dtype}; tf.cast "
                         f"them to tf.int32 first")
    on, off = 1 if on_value is None else on_value, 0 if off_value is None else off_value
    # noted: a compiled step computes the rows again from each replay's indices
    return EagerTensor(plain(noted(_one_hot, idx, int(depth), on, off,
                                   as_dtype(dtype).dtype, axis)))


def _one_hot(idx: np.ndarray, depth: int, on: Any, off: Any, dtype: np.dtype,
             axis: int) -> np.ndarray:
    out = np.where(idx[..., None] == np.arange(depth), on, off).astype(dtype)
    return np.moveaxis(out, -1, axis) if axis != -1 else out


def reshape(tensor_: Any, shape: Any, name: str | None = None) -> Node:
    """``tf.reshape``: the same entries in ``shape`` (one entry may be -1)."""
    t = tensor(tensor_)
    shape = tuple(int(n) for n in np.atleast_1d(shape))
    return ops.reshape(t, shape) if _floats(t) else EagerTensor(t.data.reshape(shape))


def transpose(a: Any, perm: Any = None, name: str | None = None) -> Node:
    """``tf.transpose``: axes reversed, or permuted by ``perm``."""
    t = tensor(a)
    axes = None if perm is None else tuple(int(p) for p in perm)
    return ops.transpose(t, axes) if _floats(t) else EagerTensor(np.transpose(t.data, axes))
