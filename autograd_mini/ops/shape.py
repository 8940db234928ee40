"""Shape ops: reshape, transpose, broadcast_to, indexing, concatenate, stack.

They move numbers around without changing them, so each VJP moves the gradient back:
reshape undoes reshape, indexing scatters, concatenate slices.
"""

from __future__ import annotations

import numpy as np

from ..graph import shape_of
from .registry import op, public_wrapper


@op(nin=1, args="reshape", numpy="reshape", tf_node="Reshape")
def reshape(x, shape):
    """Same numbers, new shape.  d/dx = reshape back"""
    return np.reshape(x, shape)


reshape.defvjp(lambda g, out, x, *, shape: reshape(g, shape_of(x)))


@op(args="transpose", numpy="transpose")
def transpose(x, axes=None):
    """Permute axes (reverse them by default).  d/dx = the inverse permutation"""
    return np.transpose(x, axes)


transpose.defvjp(lambda g, out, x, *, axes:
                 transpose(g, None if axes is None else tuple(np.argsort(axes))))


@op(nin=1, args="broadcast_to", numpy="broadcast_to")
def broadcast_to(x, shape):
    """Repeat x along new or size-1 axes.  d/dx = sum over the repeats"""
    return np.broadcast_to(x, shape)


broadcast_to.defvjp(lambda g, out, x, *, shape: g)  # the core sums g back to x's shape


def _is_basic(index) -> bool:
    """True for indices that pick each element at most once (ints, slices, None, ...)."""
    items = index if isinstance(index, tuple) else (index,)
    return all(isinstance(i, (int, np.integer, slice, type(None), type(Ellipsis)))
               for i in items)


@op(nin=1, args="getitem", tf_node="strided_slice")
def getitem(x, index):
    """x[index], basic or integer-array indexing.  d/dx = g scattered back into place"""
    return x[index]


getitem.defvjp(lambda g, out, x, *, index: scatter_add(g, index=index, shape=shape_of(x)))


@op(nin=1, args="scatter_add")
def scatter_add(g, index, shape):
    """Zeros of ``shape`` with g added at ``index`` (repeats add up).  d/dg = g[index]"""
    out = np.zeros(shape, dtype=np.result_type(g))
    if _is_basic(index):
        out[index] = g
    else:
        np.add.at(out, index, g)
    return out


scatter_add.defvjp(lambda g, out, x, *, index, shape: getitem(g, index=index))


@op(name="concatenate", args="concatenate", numpy="concatenate", tf_node="concat")
def _concatenate(*xs, axis=0):
    """Join arrays along an existing axis.  d/dx_i = the slice of g where x_i went"""
    return np.concatenate(xs, axis=axis)


def _concatenate_vjp(i, g, out, *xs, axis):
    sizes = [shape_of(x)[axis] for x in xs]
    start = int(np.sum(sizes[:i]))
    index = (slice(None),) * (axis % len(shape_of(out))) + (slice(start, start + sizes[i]),)
    return getitem(g, index=index)


_concatenate.defvjp_argnum(_concatenate_vjp)


@public_wrapper(_concatenate)
def concatenate(arrays, axis=0):
    """Join a sequence of arrays along ``axis``, as ``np.concatenate``."""
    return _concatenate(*arrays, axis=axis)


@op(name="stack", args="stack", numpy="stack")
def _stack(*xs, axis=0):
    """Join arrays along a new axis.  d/dx_i = g[..., i, ...]"""
    return np.stack(xs, axis=axis)


_stack.defvjp_argnum(lambda i, g, out, *xs, axis:
                     getitem(g, index=(slice(None),) * (axis % len(shape_of(out))) + (i,)))


@public_wrapper(_stack)
def stack(arrays, axis=0):
    """Join a sequence of same-shape arrays along a new ``axis``, as ``np.stack``."""
    return _stack(*arrays, axis=axis)
