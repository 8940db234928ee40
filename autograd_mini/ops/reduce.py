"""Reductions over axes: sum, mean, max, min (numpy's ``axis`` and ``keepdims``).

Each VJP spreads the upstream gradient back over the reduced axes ("broadcast is the
reverse of sum").
"""

from __future__ import annotations

import numpy as np

from ..graph import Node, data_of, shape_of
from .registry import op
from .shape import broadcast_to, reshape


def _spread(g, x, axis, keepdims):
    """``g`` of a reduction's output, broadcast back to the shape of its input ``x``."""
    shape = shape_of(x)
    if axis is not None and not keepdims:
        axes = (axis,) if np.ndim(axis) == 0 else axis
        kept = list(shape)
        for a in axes:
            kept[a % len(shape)] = 1
        g = reshape(g, tuple(kept))
    if isinstance(g, Node):  # a recorded backward: the broadcast is an op of its own
        return broadcast_to(g, shape)
    dtype = g.dtype if isinstance(g, (np.ndarray, np.generic)) else np.result_type(g)
    out = np.empty(shape, dtype)
    out[...] = g  # a fresh array: 10x cheaper than np.broadcast_to's Python-level checks
    return out


def _share(x, out, axis, keepdims):
    """Where ``x`` attains its max/min: 1/(number of ties) there, else 0. No gradient."""
    xd, od = data_of(x), data_of(out)
    if axis is not None and not keepdims:
        od = np.expand_dims(od, axis)
    hit = (xd == od).astype(xd.dtype if isinstance(xd, np.ndarray) else float)
    return hit / np.sum(hit, axis=axis, keepdims=True)


@op
def sum(x, axis=None, keepdims=False):  # noqa: A001  (numpy's name)
    """Sum over axes.  d/dx = 1 on every summed element"""
    return np.add.reduce(x, axis=axis, keepdims=keepdims)  # np.sum without its Python layer


sum.defvjp(lambda g, out, x, *, axis, keepdims: _spread(g, x, axis, keepdims))


@op
def mean(x, axis=None, keepdims=False):
    """Mean over axes.  d/dx = 1/n on every averaged element"""
    total = np.add.reduce(x, axis=axis, keepdims=keepdims)  # np.mean's own steps, without
    return total / (np.size(x) // (np.size(total) or 1))  # its Python-level overhead


mean.defvjp(lambda g, out, x, *, axis, keepdims:
            _spread(g * (np.size(data_of(out)) / np.size(data_of(x))), x, axis, keepdims))


@op
def max(x, axis=None, keepdims=False):  # noqa: A001  (numpy's name)
    """Largest element over axes.  d/dx = 1 at the max (shared among ties), else 0"""
    return np.max(x, axis=axis, keepdims=keepdims)


max.defvjp(lambda g, out, x, *, axis, keepdims:
           _spread(g, x, axis, keepdims) * _share(x, out, axis, keepdims))


@op
def min(x, axis=None, keepdims=False):  # noqa: A001  (numpy's name)
    """Smallest element over axes.  d/dx = 1 at the min (shared among ties), else 0"""
    return np.min(x, axis=axis, keepdims=keepdims)


min.defvjp(lambda g, out, x, *, axis, keepdims:
           _spread(g, x, axis, keepdims) * _share(x, out, axis, keepdims))
