"""Convolutional-network ops: conv2d, max_pool2d, avg_pool2d, pad, dropout, flatten.

Forwards are numpy's own: a strided view of every window (``as_strided``), then one
``tensordot`` (im2col) for a convolution or one reduction for a pool. Each VJP is again
an op of this module, so gradients differentiate again: conv2d's input gradient is a
transposed convolution, its filter gradient a correlation of the input with ``g``, and
the three ops are each other's VJPs. The public functions check and normalise their
arguments (errors name the op, the shapes and the fix), then call the registered ops
with explicit settings: ``stride`` and ``dilation`` pairs, ``padding`` as
``((top, bottom), (left, right))``. Inside, every op computes in NHWC; NCHW arrays are
read and written through transposed views.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..errors import OpError, ShapeError
from ..graph import data_of, shape_of
from .registry import op
from .shape import getitem, reshape

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]
_LAYOUTS = {"NHWC": ("(N, H, W, C)", "(kh, kw, C_in, C_out)"),
            "NCHW": ("(N, C, H, W)", "(C_out, C_in, kh, kw)")}

# ----- layouts and windows (plain numpy) -------------------------------------------------


def _nhwc(a: np.ndarray, data_format: str) -> np.ndarray:
    """An activation as (N, H, W, C): itself, or a transposed view of an NCHW array."""
    return a if data_format == "NHWC" else a.transpose(0, 2, 3, 1)


def _from_nhwc(a: np.ndarray, data_format: str) -> np.ndarray:
    return a if data_format == "NHWC" else a.transpose(0, 3, 1, 2)


def _hwio(w: np.ndarray, data_format: str) -> np.ndarray:
    """A filter as (kh, kw, C_in, C_out), TensorFlow's layout (a view of PyTorch's)."""
    return w if data_format == "NHWC" else w.transpose(2, 3, 1, 0)


def _from_hwio(w: np.ndarray, data_format: str) -> np.ndarray:
    return w if data_format == "NHWC" else w.transpose(3, 2, 0, 1)


def _spatial(shape: tuple, data_format: str) -> Pair:
    """(H, W) of an activation's shape."""
    return shape[1:3] if data_format == "NHWC" else shape[2:]


def _kernel(shape: tuple, data_format: str) -> Pair:
    """(kh, kw) of a filter's shape."""
    return shape[:2] if data_format == "NHWC" else shape[2:]


def _padded(x: np.ndarray, pads: tuple, value: float = 0.0) -> np.ndarray:
    """``x`` with ``pads[i] = (before, after)`` cells of ``value`` around axis i."""
    if not any(b or a for b, a in pads):
        return x
    out = np.full([n + b + a for n, (b, a) in zip(x.shape, pads)], value, dtype=x.dtype)
    out[tuple(slice(b, b + n) for n, (b, _) in zip(x.shape, pads))] = x
    return out


def _nhwc_pads(padding: Pads) -> tuple:
    return ((0, 0), *padding, (0, 0))


def _out_size(n: int, k: int, stride: int, dilation: int = 1) -> int:
    return (n - dilation * (k - 1) - 1) // stride + 1


def _windows(xp: np.ndarray, size: Pair, stride: Pair, dilation: Pair = (1, 1)) -> np.ndarray:
    """Every window of a padded NHWC array, a read-only view (N, OH, OW, kh, kw, C)."""
    n, h, w, c = xp.shape
    sn, sh, sw, sc = xp.strides
    shape = (n, _out_size(h, size[0], stride[0], dilation[0]),
             _out_size(w, size[1], stride[1], dilation[1]), size[0], size[1], c)
    return as_strided(xp, shape, (sn, sh * stride[0], sw * stride[1], sh * dilation[0],
                                  sw * dilation[1], sc), writeable=False)


def _offsets(padded: tuple, size: Pair, stride: Pair, dilation: Pair = (1, 1)):
    """For each window offset (i, j), row-major: ``(i, j, index)``, where ``xp[index]`` is
    the (N, OH, OW, C) view of the pixel at that offset in every window of a padded NHWC
    array of shape ``padded``. A loop over the offsets pools in kh * kw whole-array
    steps, several times faster than reducing the small window axes of ``_windows``."""
    oh = _out_size(padded[1], size[0], stride[0], dilation[0])
    ow = _out_size(padded[2], size[1], stride[1], dilation[1])
    rows, columns = stride[0] * (oh - 1) + 1, stride[1] * (ow - 1) + 1
    for i in range(size[0]):
        r = i * dilation[0]
        for j in range(size[1]):
            c = j * dilation[1]
            yield i, j, (slice(None), slice(r, r + rows, stride[0]),
                         slice(c, c + columns, stride[1]))


def _add_windows(shape: tuple, part: Callable[[int, int], np.ndarray], size: Pair,
                 stride: Pair, dilation: Pair, padding: Pads) -> np.ndarray:
    """The adjoint of ``_windows``: zeros of the NHWC ``shape`` with ``part(i, j)`` (the
    values at offset (i, j) of every window, (N, OH, OW, C)) added in, then the padding
    cut off."""
    (top, bottom), (left, right) = padding
    n, h, w, c = shape
    padded = (n, h + top + bottom, w + left + right, c)
    out = None
    for i, j, index in _offsets(padded, size, stride, dilation):
        values = part(i, j)
        if out is None:
            out = np.zeros(padded, values.dtype)
        out[index] += values
    return out[:, top:top + h, left:left + w]


# ----- convolution and its two adjoints ---------------------------------------------------


@op(name="conv2d")
def _conv2d(x, w, *, stride, padding, dilation, data_format):
    """Cross-correlation of x with the filters w (no flip, as TF and PyTorch).
    d/dx = conv2d_transpose(g, w), d/dw = conv2d_filter_grad(x, g)"""
    cols = _windows(_padded(_nhwc(x, data_format), _nhwc_pads(padding)),
                    _kernel(w.shape, data_format), stride, dilation)
    return _from_nhwc(np.tensordot(cols, _hwio(w, data_format), axes=3), data_format)


@op
def conv2d_transpose(g, w, *, input_size, stride, padding, dilation, data_format):
    """conv2d's gradient for its input: each output pixel's g spread back over its window
    by the filters (of spatial size ``input_size``).  d/dg = conv2d(u, w),
    d/dw = conv2d_filter_grad(u, g)"""
    gn, wk = _nhwc(g, data_format), _hwio(w, data_format)
    (kh, kw, c_in, c_out), (n, oh, ow, _) = wk.shape, gn.shape
    # one batched product, each offset's block contiguous: 3x faster adds than slicing
    # tensordot's (N, OH, OW, kh, kw, C_in) result
    parts = np.matmul(gn.reshape(1, -1, c_out), wk.reshape(kh * kw, c_in, c_out).transpose(
        0, 2, 1)).reshape(kh, kw, n, oh, ow, c_in)
    return _from_nhwc(_add_windows((n, *input_size, c_in), lambda i, j: parts[i, j], (kh, kw),
                                   stride, dilation, padding), data_format)


@op
def conv2d_filter_grad(x, g, *, kernel_size, stride, padding, dilation, data_format):
    """conv2d's gradient for its filters: the correlation of x's windows with g.
    d/dx = conv2d_transpose(g, u), d/dg = conv2d(x, u)"""
    cols = _windows(_padded(_nhwc(x, data_format), _nhwc_pads(padding)), kernel_size,
                    stride, dilation)
    gn = _nhwc(g, data_format)
    return _from_hwio(np.tensordot(cols, gn, axes=([0, 1, 2], [0, 1, 2])), data_format)


_conv2d.defvjp(
    lambda g, out, x, w, **s: conv2d_transpose(
        g, w, input_size=_spatial(shape_of(x), s["data_format"]), **s),
    lambda g, out, x, w, **s: conv2d_filter_grad(
        x, g, kernel_size=_kernel(shape_of(w), s["data_format"]), **s),
    reads_out=False)
conv2d_transpose.defvjp(
    lambda g, out, gy, w, *, input_size, **s: _conv2d(g, w, **s),
    lambda g, out, gy, w, *, input_size, **s: conv2d_filter_grad(
        g, gy, kernel_size=_kernel(shape_of(w), s["data_format"]), **s),
    reads_out=False)
conv2d_filter_grad.defvjp(
    lambda g, out, x, gy, *, kernel_size, **s: conv2d_transpose(
        gy, g, input_size=_spatial(shape_of(x), s["data_format"]), **s),
    lambda g, out, x, gy, *, kernel_size, **s: _conv2d(x, g, **s),
    reads_out=False)


# ----- pooling --------------------------------------------------------------------------


@op(name="max_pool2d")
def _max_pool2d(x, *, size, stride, padding, data_format):
    """The largest value of each window ("SAME" pads with -inf).
    d/dx = g at the window's first maximum (row-major order), 0 elsewhere"""
    xp = _padded(_nhwc(x, data_format), _nhwc_pads(padding), -np.inf)
    out = None
    for _, _, index in _offsets(xp.shape, size, stride):
        out = xp[index].copy() if out is None else np.maximum(out, xp[index], out=out)
    return _from_nhwc(out, data_format)


def _first_max(x: np.ndarray, size: Pair, stride: Pair, padding: Pads,
               data_format: str) -> np.ndarray:
    """For each output of max_pool2d (NHWC order), the offset ``i * kw + j`` of its
    window's first maximum in row-major window order: PyTorch's and TensorFlow's CPU rule
    for ties."""
    best = first = None
    padded = _padded(_nhwc(x, data_format), _nhwc_pads(padding), -np.inf)
    for i, j, index in _offsets(padded.shape, size, stride):
        view = padded[index]
        if best is None:
            best, first = view.copy(), np.zeros(view.shape, np.min_scalar_type(
                size[0] * size[1]))
            continue
        later = view > best  # strictly greater: a tie keeps the earlier offset
        np.copyto(best, view, where=later)
        np.copyto(first, i * size[1] + j, where=later)
    return first


@op(nin=1)
def max_pool2d_scatter(g, first, input_size, size, stride, padding, data_format):
    """max_pool2d's gradient: each g sent to its window's offset ``first`` (NHWC order),
    zeros elsewhere.  d/dg = max_pool2d_gather(u, first)"""
    gn = _nhwc(g, data_format)
    return _from_nhwc(_add_windows((gn.shape[0], *input_size, gn.shape[3]), lambda i, j: gn * (
        first == i * size[1] + j), size, stride, (1, 1), padding), data_format)


@op(nin=1)
def max_pool2d_gather(x, first, size, stride, padding, data_format):
    """The pixel at offset ``first`` of each window of x.  d/dx = max_pool2d_scatter(g)"""
    xp, out = _padded(_nhwc(x, data_format), _nhwc_pads(padding)), None
    for i, j, index in _offsets(xp.shape, size, stride):
        if out is None:
            out = np.zeros(xp[index].shape, xp.dtype)
        np.copyto(out, xp[index], where=first == i * size[1] + j)
    return _from_nhwc(out, data_format)


_max_pool2d.defvjp(lambda g, out, x, **s: max_pool2d_scatter(
    g, first=_first_max(data_of(x), **s), input_size=_spatial(shape_of(x), s["data_format"]),
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


@op(name="avg_pool2d")
def _avg_pool2d(x, *, size, stride, padding, data_format):
    """The mean of each window over its real pixels (padding is not counted, as in TF).
    d/dx = avg_pool2d_transpose(g)"""
    xn = _nhwc(x, data_format)
    xp, sums = _padded(xn, _nhwc_pads(padding)), None
    for _, _, index in _offsets(xp.shape, size, stride):
        sums = xp[index].copy() if sums is None else np.add(sums, xp[index], out=sums)
    return _from_nhwc(sums / _real_counts(xn.shape[1:3], size, stride, padding, xn.dtype),
                      data_format)


@op
def avg_pool2d_transpose(g, *, input_size, size, stride, padding, data_format):
    """avg_pool2d's gradient: each g shared out evenly over its window's real pixels.
    d/dg = avg_pool2d(u)"""
    gn = _nhwc(g, data_format)
    share = gn / _real_counts(input_size, size, stride, padding, gn.dtype)
    shape = (gn.shape[0], *input_size, gn.shape[3])
    return _from_nhwc(_add_windows(shape, lambda i, j: share, size, stride, (1, 1), padding),
                      data_format)


_avg_pool2d.defvjp(lambda g, out, x, **s: avg_pool2d_transpose(
    g, input_size=_spatial(shape_of(x), s["data_format"]), **s), reads_out=False)
avg_pool2d_transpose.defvjp(lambda g, out, gy, *, input_size, **s: _avg_pool2d(g, **s),
                            reads_out=False)


# ----- pad, dropout -------------------------------------------------------------------------


@op(name="pad", nin=1)
def _pad(x, pad_width, value):
    """x with constant ``value`` cells around it.  d/dx = the middle of g"""
    return _padded(np.asarray(x), pad_width, value)


_pad.defvjp(lambda g, out, x, *, pad_width, value: getitem(g, index=tuple(
    slice(b, b + n) for n, (b, _) in zip(shape_of(x), pad_width))), reads_out=False)


@op(name="dropout", nin=1)
def _dropout(x, mask):
    """x * mask, the mask drawn by ``dropout`` (0 or 1 / (1 - rate)).  d/dx = g * mask"""
    return x * mask


_dropout.defvjp(lambda g, out, x, *, mask: g * mask, reads_out=False)


# ----- the public functions: check, normalise, call the op --------------------------------


def _data_format(data_format: Any, name: str) -> str:
    if data_format not in _LAYOUTS:
        raise ShapeError(f"{name}: unknown data_format {data_format!r}; use 'NHWC' (x as "
                         f"(N, H, W, C), TensorFlow's) or 'NCHW' (x as (N, C, H, W), PyTorch's)")
    return data_format


def _pair(v: Any, what: str, name: str) -> Pair:
    """An int or an (h, w) pair of ints >= 1, as a pair."""
    pair = (v, v) if isinstance(v, (int, np.integer)) else tuple(v) if isinstance(
        v, (tuple, list)) else ()
    if len(pair) != 2 or not all(isinstance(n, (int, np.integer)) and not isinstance(n, bool)
                                 and n >= 1 for n in pair):
        raise ShapeError(f"{name}: {what} must be a positive int or an (h, w) pair of them, "
                         f"got {v!r}")
    return int(pair[0]), int(pair[1])


def _padding(padding: Any, input_size: Pair, extent: Pair, stride: Pair, name: str) -> Pads:
    """``padding`` as ((top, bottom), (left, right)); "SAME" as TensorFlow pads: the output
    has ceil(n / stride) pixels and an odd total puts the extra pixel at the bottom/right."""
    if isinstance(padding, str) and padding.upper() in ("SAME", "VALID"):
        if padding.upper() == "VALID":
            return (0, 0), (0, 0)
        totals = [max((-(-n // s) - 1) * s + k - n, 0)
                  for n, k, s in zip(input_size, extent, stride)]
        return tuple((t // 2, t - t // 2) for t in totals)  # type: ignore[return-value]
    def is_int(n: Any) -> bool:
        return isinstance(n, (int, np.integer)) and not isinstance(n, bool) and n >= 0
    if is_int(padding):
        return ((int(padding),) * 2,) * 2  # type: ignore[return-value]
    if isinstance(padding, (tuple, list)) and len(padding) == 2:
        if all(is_int(p) for p in padding):
            return tuple((int(p), int(p)) for p in padding)  # type: ignore[return-value]
        if all(isinstance(p, (tuple, list)) and len(p) == 2 and all(map(is_int, p))
               for p in padding):
            return tuple((int(a), int(b)) for a, b in padding)  # type: ignore[return-value]
    raise ShapeError(f"{name}: padding must be 'SAME', 'VALID', an int >= 0, an (h, w) pair "
                     f"or ((top, bottom), (left, right)); got {padding!r}")


def _check_input(x: Any, name: str, data_format: str) -> tuple:
    shape = shape_of(x)
    if len(shape) != 4:
        raise ShapeError(f"{name}: x must be 4-D {_LAYOUTS[data_format][0]} for data_format="
                         f"'{data_format}', got shape {shape}")
    return shape


def _check_fits(name: str, shape: tuple, input_size: Pair, pads: Pads, extent: Pair,
                window: str) -> None:
    padded = [n + b + a for n, (b, a) in zip(input_size, pads)]
    if any(p < k for p, k in zip(padded, extent)):
        raise ShapeError(f"{name}: the {extent[0]}x{extent[1]} window{window} is larger than "
                         f"the padded input {padded[0]}x{padded[1]} (x of shape {shape}, "
                         f"padding {pads}); pad more (padding='SAME') or use a smaller window")


def conv2d(x: Any, w: Any, stride: Any = 1, padding: Any = "VALID", dilation: Any = 1,
           data_format: str = "NHWC") -> Any:
    """2-D convolution (cross-correlation, as TensorFlow and PyTorch), no bias.

    Args:
        x: (N, H, W, C_in) for ``data_format="NHWC"``, (N, C_in, H, W) for "NCHW".
        w: (kh, kw, C_in, C_out) for "NHWC" (TensorFlow's), (C_out, C_in, kh, kw) for
            "NCHW" (PyTorch's).
        stride, dilation: an int or an (h, w) pair.
        padding: "SAME" (TensorFlow's rule: output ceil(H / stride), the odd pixel at the
            bottom/right), "VALID", an int, an (h, w) pair or ((top, bottom), (left, right)).
    Raises:
        ShapeError: wrong ranks, C_in of x and w differ, a window larger than the padded
            input, or an unknown padding or data_format.
    """
    fmt = _data_format(data_format, "conv2d")
    shape, ws = _check_input(x, "conv2d", fmt), shape_of(w)
    if len(ws) != 4:
        raise ShapeError(f"conv2d: w must be 4-D {_LAYOUTS[fmt][1]} for data_format='{fmt}', "
                         f"got shape {ws}")
    c_x, c_w = (shape[3], ws[2]) if fmt == "NHWC" else (shape[1], ws[1])
    if c_x != c_w:
        hint = "" if (shape[1] if fmt == "NHWC" else shape[3]) != c_w else (
            f"; is x {_LAYOUTS['NCHW' if fmt == 'NHWC' else 'NHWC'][0]}? pass data_format="
            f"'{'NCHW' if fmt == 'NHWC' else 'NHWC'}' (with w in that layout's order)")
        raise ShapeError(f"conv2d: x of shape {shape} has {c_x} channels but w of shape {ws} "
                         f"expects {c_w} (data_format='{fmt}': x {_LAYOUTS[fmt][0]}, w "
                         f"{_LAYOUTS[fmt][1]}){hint}")
    st, dil = _pair(stride, "stride", "conv2d"), _pair(dilation, "dilation", "conv2d")
    kernel, size = _kernel(ws, fmt), _spatial(shape, fmt)
    extent = ((kernel[0] - 1) * dil[0] + 1, (kernel[1] - 1) * dil[1] + 1)
    pads = _padding(padding, size, extent, st, "conv2d")
    _check_fits("conv2d", shape, size, pads, extent, "" if dil == (1, 1) else
                f" (a {kernel[0]}x{kernel[1]} filter, dilation {dil})")
    return _conv2d(x, w, stride=st, padding=pads, dilation=dil, data_format=fmt)


def _pool_settings(name: str, x: Any, size: Any, stride: Any, padding: Any,
                   data_format: str) -> dict:
    fmt = _data_format(data_format, name)
    shape = _check_input(x, name, fmt)
    window = _pair(size, "size", name)
    st = window if stride is None else _pair(stride, "stride", name)
    input_size = _spatial(shape, fmt)
    pads = _padding(padding, input_size, window, st, name)
    if any(p >= k for pair, k in zip(pads, window) for p in pair):
        raise ShapeError(f"{name}: padding {pads} must be smaller than the {window[0]}x"
                         f"{window[1]} window on each side, or some windows hold no pixel")
    _check_fits(name, shape, input_size, pads, window, "")
    return {"size": window, "stride": st, "padding": pads, "data_format": fmt}


def max_pool2d(x: Any, size: Any = 2, stride: Any = None, padding: Any = "VALID",
               data_format: str = "NHWC") -> Any:
    """The maximum of each ``size`` window, moved by ``stride`` (default: ``size``).

    "SAME" pads with -inf (TensorFlow's rule), so padding never wins. A tie sends the
    whole gradient to the window's first maximum in row-major order, as PyTorch's and
    TensorFlow's CPU kernels do. ``padding`` and ``data_format`` as in ``conv2d``.
    """
    return _max_pool2d(x, **_pool_settings("max_pool2d", x, size, stride, padding,
                                           data_format))


def avg_pool2d(x: Any, size: Any = 2, stride: Any = None, padding: Any = "VALID",
               data_format: str = "NHWC") -> Any:
    """The mean of each ``size`` window, moved by ``stride`` (default: ``size``).

    Padded cells do not count: a window at the border of a "SAME" (or explicitly) padded
    input averages its real pixels only, as TensorFlow does (PyTorch's
    ``count_include_pad=False``). ``padding`` and ``data_format`` as in ``conv2d``.
    """
    return _avg_pool2d(x, **_pool_settings("avg_pool2d", x, size, stride, padding,
                                           data_format))


def pad(x: Any, pad_width: Any, value: float = 0.0) -> Any:
    """``x`` with ``value`` around it, as ``np.pad(x, pad_width, constant_values=value)``:
    ``pad_width`` is n, (before, after), or one (before, after) pair per axis."""
    ndim = len(shape_of(x))
    try:
        pairs = np.broadcast_to(np.asarray(pad_width), (ndim, 2))
        ok = pairs.dtype.kind in "iu" and bool((pairs >= 0).all())
    except ValueError:
        ok = False
    if not ok:
        raise ShapeError(f"pad: pad_width must be ints >= 0 in one of numpy's forms (n, "
                         f"(before, after), or one pair per axis of the {ndim}); got "
                         f"{pad_width!r} for x of shape {shape_of(x)}")
    return _pad(x, pad_width=tuple((int(b), int(a)) for b, a in pairs), value=value)


def dropout(x: Any, rate: float, seed: int | np.random.Generator | None = None,
            training: bool = True) -> Any:
    """Zero each element with probability ``rate``, scale the rest by 1 / (1 - rate).

    The mask is drawn once, here, and the gradient reuses it. ``seed`` is an int or a
    ``numpy.random.Generator`` (None: fresh entropy). The identity (``x`` itself) when
    ``training`` is False or ``rate`` is 0.

    Raises:
        OpError: ``rate`` outside [0, 1).
    """
    if not isinstance(rate, (int, float, np.floating, np.integer)) or not 0 <= rate < 1:
        raise OpError(f"dropout: rate must be in [0, 1) (the fraction of elements zeroed), "
                      f"got {rate!r}")
    if not training or rate == 0:
        return x
    rng = seed if isinstance(seed, np.random.Generator) else np.random.default_rng(seed)
    data = np.asarray(data_of(x))
    dtype = data.dtype if data.dtype.kind == "f" else np.dtype(np.float64)
    keep = rng.random(data.shape) >= rate
    return _dropout(x, mask=keep.astype(dtype) * dtype.type(1 / (1 - rate)))


def flatten(x: Any, start_axis: int = 1) -> Any:
    """Join the axes from ``start_axis`` on into one: (N, H, W, C) -> (N, H * W * C)."""
    shape = shape_of(x)
    if not -len(shape) <= start_axis < len(shape):
        raise ShapeError(f"flatten: start_axis {start_axis} is out of range for x of shape "
                         f"{shape}")
    start = start_axis % len(shape)
    return reshape(x, shape[:start] + (math.prod(shape[start:]),))
