"""Matrix products: ``matmul`` (numpy's ``@``: 1-D, 2-D and batched) and ``dot``."""

from __future__ import annotations

import numpy as np

from ..errors import ShapeError
from ..graph import data_of, shape_of
from .registry import op
from .shape import reshape, transpose


def _mT(x):
    """Swap the last two axes (a matrix transpose, batched)."""
    nd = x.ndim
    if nd == 2:
        return x.T  # an array's view, or a Tensor's transpose op: both cheap, both right
    return transpose(x, tuple(range(nd - 2)) + (nd - 1, nd - 2))


def _as_row(v):
    return reshape(v, (1, -1))


def _as_col(v):
    return reshape(v, (-1, 1))


# the VJPs get arrays (a plain backward) or Tensors (a recorded one): both have .ndim and
# both multiply with @ (numpy's matmul, or this op recorded)
def _matmul_dx(g, out, x, y):
    if y.ndim == 1:  # out[..., i] = x[..., i, :] . y
        return _as_col_last(g) * y if x.ndim > 1 else g * y
    if x.ndim == 1:  # out[..., j] = x . y[..., :, j]
        return reshape(_as_row_last(g) @ _mT(y), shape_of(y)[:-2] + (-1,))
    return g @ _mT(y)


def _matmul_dy(g, out, x, y):
    if x.ndim == 1:
        return _as_col(x) * _as_row_last(g) if y.ndim > 1 else g * x
    if y.ndim == 1:
        return reshape(_mT(x) @ _as_col_last(g), shape_of(x)[:-2] + (-1,))
    return _mT(x) @ g


def _as_col_last(g):
    """(..., n) -> (..., n, 1)"""
    return reshape(g, shape_of(g) + (1,))


def _as_row_last(g):
    """(..., n) -> (..., 1, n)"""
    shape = shape_of(g)
    return reshape(g, shape[:-1] + (1,) + shape[-1:])


@op(args="matmul", numpy="matmul", tf_node="MatMul")
def matmul(x, y):
    """Matrix product x @ y.  d/dx = g @ y.T, d/dy = x.T @ g"""
    return x @ y


matmul.defvjp(_matmul_dx, _matmul_dy, reads_out=False)


def dot(x, y):
    """``np.dot`` for vectors and matrices (the ``@`` product); other ranks raise."""
    if np.ndim(data_of(x)) > 2 or np.ndim(data_of(y)) > 2:
        raise ShapeError(f"dot: only 1-D and 2-D inputs are supported, got shapes "
                         f"{shape_of(x)} and {shape_of(y)}; use matmul")
    if np.ndim(data_of(x)) == 0 or np.ndim(data_of(y)) == 0:
        return x * y
    return matmul(x, y)
