"""Reductions over axes: sum, mean, max, min (numpy's ``axis`` and ``keepdims``).

Each VJP spreads the upstream gradient back over the reduced axes ("broadcast is the
reverse of sum").
"""

from __future__ import annotations

import numpy as np

from .._fast import spread, sum_array
from ..graph import Node, data_of, shape_of
from .registry import op
from .shape import broadcast_to, reshape


def _size(v):
    """The number of elements of an array, a node or a number."""
    return v.size if type(v) is np.ndarray else np.size(data_of(v))


def _spread(g, x, axis, keepdims):
    """``g`` of a reduction's output, broadcast back to the shape of its input ``x``."""
    shape = x.shape if type(x) is np.ndarray else shape_of(x)
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else axis
        kept = list(shape)
        for a in axes:
            kept[a % len(shape)] = 1
        g = reshape(g, tuple(kept))
    if isinstance(g, Node):  # a recorded backward: the broadcast is an op of its own
        return broadcast_to(g, shape)
    return spread(g, shape)  # np.broadcast_to(g, shape), as a fresh array


def _share(x, out, axis, keepdims):
    """Where ``x`` attains its max/min: 1/(number of ties) there, else 0. No gradient."""
    xd, od = data_of(x), data_of(out)
    if axis is not None and not keepdims:
        od = np.expand_dims(od, axis)
    hit = (xd == od).astype(xd.dtype if isinstance(xd, np.ndarray) else float)
    return hit / np.sum(hit, axis=axis, keepdims=True)


@op(args="reduce", numpy="sum", tf_node="Sum")
def sum(x, axis=None, keepdims=False):  # noqa: A001  (numpy's name)
    """Sum over axes.  d/dx = 1 on every summed element"""
    return sum_array(x, axis=axis, keepdims=keepdims)


sum.defvjp(lambda g, out, x, *, axis, keepdims: _spread(g, x, axis, keepdims),
           reads_out=False)


@op(args="reduce", numpy="mean", tf_node="Mean")
def mean(x, axis=None, keepdims=False):
    """Mean over axes.  d/dx = 1/n on every averaged element"""
    # the sum over the count: a list of Values sums to a Value (which has no .size), and
    # an empty mean is numpy's nan, without its warning
    total = sum_array(x, axis=axis, keepdims=keepdims)
    n = _size(x) // (getattr(total, "size", 1) or 1)
    if n == 0:
        with np.errstate(invalid="ignore"):
            return total / n
    return total / n


def _mean_vjp(g, out, x, *, axis, keepdims):
    scale = _size(g) / _size(x)  # g has the output's shape: out itself is not needed
    return _spread(g * scale, x, axis, keepdims)


mean.defvjp(_mean_vjp, reads_out=False)


@op(args="reduce", ties=True, numpy=("max", "amax"), tf_node="Max")
def max(x, axis=None, keepdims=False):  # noqa: A001  (numpy's name)
    """Largest element over axes.  d/dx = 1 at the max (shared among ties), else 0"""
    return np.max(x, axis=axis, keepdims=keepdims)


max.defvjp(lambda g, out, x, *, axis, keepdims:
           _spread(g, x, axis, keepdims) * _share(x, out, axis, keepdims))


@op(args="reduce", ties=True, numpy=("min", "amin"), tf_node="Min")
def min(x, axis=None, keepdims=False):  # noqa: A001  (numpy's name)
    """Smallest element over axes.  d/dx = 1 at the min (shared among ties), else 0"""
    return np.min(x, axis=axis, keepdims=keepdims)


min.defvjp(lambda g, out, x, *, axis, keepdims:
           _spread(g, x, axis, keepdims) * _share(x, out, axis, keepdims))
