"""Pooling ops: max_pool2d and avg_pool2d, with the ops their gradients are made of.

Each pool loops over the kh * kw window offsets, one whole-array step each. max_pool2d's
gradient sends g to each window's first maximum (``max_pool2d_scatter``), whose VJP reads
g back from there (``max_pool2d_gather``); avg_pool2d's gradient shares g out over each
window (``avg_pool2d_transpose``), whose VJP is avg_pool2d again.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import ShapeError
from ..graph import data_of, shape_of
from .registry import op, public_wrapper
from .windows import (
    Pads,
    Pair,
    _add_windows,
    _check_fits,
    _check_input,
    _data_format,
    _from_nhwc,
    _nhwc,
    _nhwc_pads,
    _offsets,
    _out_size,
    _padded,
    _pair,
    _spatial,
    resolve_padding,
)

# ----- pooling --------------------------------------------------------------------------


def _lowest(x: np.ndarray) -> float:
    """What max_pool2d pads with: -inf, or an integer dtype's least value."""
    return np.iinfo(x.dtype).min if x.dtype.kind in "iu" else -np.inf


@op(name="max_pool2d", args="pool", ties=True)
def _max_pool2d(x, *, size, stride, padding, data_format):
    """The largest value of each window.  d/dx = g at the window's first maximum, 0 elsewhere"""
    # "SAME" pads with -inf; a tie goes to the first maximum in row-major window order
    xp = _padded(_nhwc(x, data_format), _nhwc_pads(padding), _lowest(x))
    out = None
    for _, _, index in _offsets(xp.shape, size, stride):
        out = xp[index].copy() if out is None else np.maximum(out, xp[index], out=out)
    return _from_nhwc(out, data_format)


def _first_max(x: np.ndarray, out: np.ndarray, size: Pair, stride: Pair, padding: Pads,
               data_format: str) -> np.ndarray:
    """For each output ``out`` of max_pool2d (NHWC order), the offset ``i * kw + j`` of its
    window's first maximum in row-major window order: PyTorch's and TensorFlow's CPU rule
    for ties. The offsets are visited last to first, so the earliest match is kept."""
    padded = _padded(_nhwc(x, data_format), _nhwc_pads(padding), _lowest(x))
    out = _nhwc(out, data_format)
    first = np.zeros(out.shape, np.min_scalar_type(size[0] * size[1]))
    for i, j, index in reversed(list(_offsets(padded.shape, size, stride))):
        np.copyto(first, i * size[1] + j, where=padded[index] == out)
    return first


@op(nin=1, args="pool")
def max_pool2d_scatter(g, first, input_size, size, stride, padding, data_format):
    """max_pool2d's gradient.  d/dg = max_pool2d_gather(u, first)"""
    # each g goes to the pixel at offset `first` (NHWC order) of its window
    gn = _nhwc(g, data_format)
    return _from_nhwc(_add_windows((gn.shape[0], *input_size, gn.shape[3]), lambda i, j: gn * (
        first == i * size[1] + j), size, stride, (1, 1), padding), data_format)


@op(nin=1, args="pool")
def max_pool2d_gather(x, first, size, stride, padding, data_format):
    """The pixel at offset ``first`` of each window of x.  d/dx = max_pool2d_scatter(g)"""
    xp, out = _padded(_nhwc(x, data_format), _nhwc_pads(padding)), None
    for i, j, index in _offsets(xp.shape, size, stride):
        if out is None:
            out = np.zeros(xp[index].shape, xp.dtype)
        np.copyto(out, xp[index], where=first == i * size[1] + j)
    return _from_nhwc(out, data_format)


_max_pool2d.defvjp(lambda g, out, x, **s: max_pool2d_scatter(
    g, first=_first_max(data_of(x), data_of(out), **s),
    input_size=_spatial(shape_of(x), s["data_format"]),
    **s))
max_pool2d_scatter.defvjp(lambda g, out, gy, *, input_size, **s: max_pool2d_gather(g, **s),
                          reads_out=False)
max_pool2d_gather.defvjp(lambda g, out, x, **s: max_pool2d_scatter(
    g, input_size=_spatial(shape_of(x), s["data_format"]), **s), reads_out=False)


def _real_counts(input_size: Pair, size: Pair, stride: Pair, padding: Pads,
                 dtype: Any) -> np.ndarray:
    """How many real (unpadded) pixels each pooling window covers, as (OH, OW, 1)."""
    per_axis = []
    for n, k, s, (before, after) in zip(input_size, size, stride, padding):
        start = np.arange(_out_size(n + before + after, k, s)) * s - before
        per_axis.append(np.minimum(start + k, n) - np.maximum(start, 0))
    return np.multiply.outer(*per_axis).astype(dtype)[:, :, None]


@op(name="avg_pool2d", args="pool")
def _avg_pool2d(x, *, size, stride, padding, data_format):
    """The mean of each window's real pixels.  d/dx = avg_pool2d_transpose(g)"""
    # padded cells are not counted, as in TensorFlow
    xn = _nhwc(x, data_format)
    xp, sums = _padded(xn, _nhwc_pads(padding)), None
    for _, _, index in _offsets(xp.shape, size, stride):
        sums = xp[index].copy() if sums is None else np.add(sums, xp[index], out=sums)
    return _from_nhwc(sums / _real_counts(xn.shape[1:3], size, stride, padding, xn.dtype),
                      data_format)


@op(args="pool")
def avg_pool2d_transpose(g, *, input_size, size, stride, padding, data_format):
    """avg_pool2d's gradient: g shared out over each window's real pixels.  d/dg = avg_pool2d(u)"""
    gn = _nhwc(g, data_format)
    share = gn / _real_counts(input_size, size, stride, padding, gn.dtype)
    shape = (gn.shape[0], *input_size, gn.shape[3])
    return _from_nhwc(_add_windows(shape, lambda i, j: share, size, stride, (1, 1), padding),
                      data_format)


_avg_pool2d.defvjp(lambda g, out, x, **s: avg_pool2d_transpose(
    g, input_size=_spatial(shape_of(x), s["data_format"]), **s), reads_out=False)
avg_pool2d_transpose.defvjp(lambda g, out, gy, *, input_size, **s: _avg_pool2d(g, **s),
                            reads_out=False)


# ----- the public functions: check, normalise, call the op ----------------------------


def _pool_settings(name: str, x: Any, size: Any, stride: Any, padding: Any,
                   data_format: str) -> dict:
    fmt = _data_format(data_format, name)
    shape = _check_input(x, name, fmt)
    window = _pair(size, "size", name)
    st = window if stride is None else _pair(stride, "stride", name)
    input_size = _spatial(shape, fmt)
    pads = resolve_padding(padding, input_size, window, st, name)
    if any(p >= k for pair, k in zip(pads, window) for p in pair):
        raise ShapeError(f"{name}: padding {pads} must be smaller than the {window[0]}x"
                         f"{window[1]} window on each side, or some windows hold no pixel")
    _check_fits(name, shape, input_size, pads, window, "")
    return {"size": window, "stride": st, "padding": pads, "data_format": fmt}


@public_wrapper(_max_pool2d)
def max_pool2d(x: Any, size: Any = 2, stride: Any = None, padding: Any = "VALID",
               data_format: str = "NHWC") -> Any:
    """The maximum of each ``size`` window, moved by ``stride`` (default: ``size``).

    "SAME" pads with -inf (TensorFlow's rule), so padding never wins. A tie sends the
    whole gradient to the window's first maximum in row-major order, as PyTorch's and
    TensorFlow's CPU kernels do. ``padding`` and ``data_format`` as in ``conv2d``.
    """
    return _max_pool2d(x, **_pool_settings("max_pool2d", x, size, stride, padding,
                                           data_format))


@public_wrapper(_avg_pool2d)
def avg_pool2d(x: Any, size: Any = 2, stride: Any = None, padding: Any = "VALID",
               data_format: str = "NHWC") -> Any:
    """The mean of each ``size`` window, moved by ``stride`` (default: ``size``).

    Padded cells do not count: a window at the border of a "SAME" (or explicitly) padded
    input averages its real pixels only, as TensorFlow does (PyTorch's
    ``count_include_pad=False``). ``padding`` and ``data_format`` as in ``conv2d``.
    """
    return _avg_pool2d(x, **_pool_settings("avg_pool2d", x, size, stride, padding,
                                           data_format))
