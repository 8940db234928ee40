"""TF1's math functions on graph tensors, each a thin call of one ``autograd_mini.ops`` op.

Numbers and arrays given to them become constants of the graph tensors' dtype, and
``name=`` names the result. The ``reduce_*`` functions take TF1's ``axis``/``keepdims``
and the older ``reduction_indices``/``keep_dims``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ... import ops
from ...errors import DTypeError
from .graph import GraphElement, SymbolicTensor, constant, get_default_graph


def apply(fn: Callable, inputs: list, name: str | None = None, **settings: Any) -> SymbolicTensor:
    """``fn(*inputs, **settings)`` with plain inputs made constants; names the result."""
    first = next((x for x in inputs if isinstance(x, GraphElement)), None)
    graph = get_default_graph() if first is None else first.graph
    dtype = getattr(first, "dtype", None)
    args = [x if isinstance(x, GraphElement) else constant(x, dtype, graph=graph)
            for x in inputs]
    out = fn(*args, **settings)
    if name is not None:
        out.name = out.graph.unique_name(name)
    return out


# ----- elementwise ----------------------------------------------------------------------------

def add(x, y, name=None):      return apply(ops.add, [x, y], name)
def subtract(x, y, name=None): return apply(ops.sub, [x, y], name)
def multiply(x, y, name=None): return apply(ops.mul, [x, y], name)
def divide(x, y, name=None):   return apply(ops.div, [x, y], name)
def pow(x, y, name=None):      return apply(ops.pow, [x, y], name)  # noqa: A001 (TF's name)
def maximum(x, y, name=None):  return apply(ops.maximum, [x, y], name)
def minimum(x, y, name=None):  return apply(ops.minimum, [x, y], name)
def negative(x, name=None):    return apply(ops.neg, [x], name)
def square(x, name=None):      return apply(ops.square, [x], name)
def sqrt(x, name=None):        return apply(ops.sqrt, [x], name)
def exp(x, name=None):         return apply(ops.exp, [x], name)
def log(x, name=None):         return apply(ops.log, [x], name)
def abs(x, name=None):         return apply(ops.abs, [x], name)  # noqa: A001 (TF's name)
def tanh(x, name=None):        return apply(ops.tanh, [x], name)
def sigmoid(x, name=None):     return apply(ops.sigmoid, [x], name)


div = divide


def clip_by_value(t: Any, clip_value_min: float, clip_value_max: float,
                  name: str | None = None) -> SymbolicTensor:
    """``t`` limited to ``[clip_value_min, clip_value_max]`` (numbers)."""
    for v in (clip_value_min, clip_value_max):
        if isinstance(v, GraphElement):
            raise DTypeError("clip_by_value: the bounds must be numbers, not graph tensors")
    return apply(ops.clip, [t], name, low=clip_value_min, high=clip_value_max)


# ----- matrices and shapes --------------------------------------------------------------------


def matmul(a: Any, b: Any, transpose_a: bool = False, transpose_b: bool = False,
           name: str | None = None) -> SymbolicTensor:
    """The matrix product ``a @ b``, optionally of ``a.T`` or ``b.T``."""
    a = apply(ops.transpose, [a]) if transpose_a else a
    b = apply(ops.transpose, [b]) if transpose_b else b
    return apply(ops.matmul, [a, b], name)


def reshape(tensor: Any, shape: Any, name: str | None = None) -> SymbolicTensor:
    """The same numbers in ``shape`` (one size may be -1)."""
    return apply(ops.reshape, [tensor], name, shape=tuple(int(n) for n in np.atleast_1d(shape)))


def transpose(a: Any, perm: Any = None, name: str | None = None) -> SymbolicTensor:
    """Axes permuted by ``perm`` (reversed by default)."""
    return apply(ops.transpose, [a], name, axes=None if perm is None else tuple(perm))


# ----- reductions -----------------------------------------------------------------------------


def _reduce(fn: Callable, x: Any, axis: Any, keepdims: Any, name: str | None,
            reduction_indices: Any, keep_dims: Any) -> SymbolicTensor:
    axis = reduction_indices if axis is None else axis
    keep = bool(keep_dims if keepdims is None else keepdims)
    if isinstance(axis, (list, tuple)):
        axis = tuple(int(a) for a in axis)
    return apply(fn, [x], name, axis=axis, keepdims=keep)


def reduce_sum(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Sum over ``axis`` (all axes by default)."""
    return _reduce(ops.sum, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_mean(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
                keep_dims=None):
    """Mean over ``axis`` (all axes by default)."""
    return _reduce(ops.mean, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_max(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Largest element over ``axis`` (all axes by default)."""
    return _reduce(ops.max, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)


def reduce_min(input_tensor, axis=None, keepdims=None, name=None, reduction_indices=None,
               keep_dims=None):
    """Smallest element over ``axis`` (all axes by default)."""
    return _reduce(ops.min, input_tensor, axis, keepdims, name, reduction_indices, keep_dims)
