"""Convolutional-network ops: conv2d, max_pool2d, avg_pool2d, pad, dropout, flatten.

conv2d is im2col: the patch matrix of every window, then one matrix product. Its gradient
for the input is a transposed convolution (``conv2d_transpose``), for the filters a
correlation of the input with g (``conv2d_filter_grad``); the three ops are each other's
VJPs, so gradients differentiate again. The pools live in ``pool.py``, the window
helpers in ``windows.py``. The public functions check and normalise their arguments
(errors name the op, the shapes and the fix), then call the registered ops with explicit
settings: ``stride`` and ``dilation`` pairs, ``padding`` as ((top, bottom), (left,
right)). Every op computes in NHWC; NCHW arrays are read through transposed views.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from ..errors import OpError, ShapeError
from ..graph import data_of, shape_of
from ..tracing import noted, plain
from .pool import avg_pool2d, max_pool2d
from .registry import op, public_wrapper
from .shape import getitem, reshape
from .windows import (
    _LAYOUTS,
    _add_windows,
    _check_fits,
    _check_input,
    _data_format,
    _from_hwio,
    _from_nhwc,
    _hwio,
    _kernel,
    _nhwc,
    _nhwc_pads,
    _offsets,
    _padded,
    _pair,
    _spatial,
    _windows,
    resolve_padding,
)

__all__ = ["avg_pool2d", "conv2d", "conv2d_filter_grad", "conv2d_transpose", "dropout",
           "flatten", "max_pool2d", "pad"]

# ----- convolution and its two adjoints ---------------------------------------------------


PATCH_BYTES = 1 << 27  # an im2col buffer above 128 MiB is built a slice of the batch at a time


@op(name="conv2d", args="conv")
def _conv2d(x, w, *, stride, padding, dilation, data_format):
    """x correlated with filters w.  d/dx = conv2d_transpose(g, w), d/dw = filter_grad(x, g)"""
    # a cross-correlation (the filters are not flipped), as in TensorFlow and PyTorch
    wk = _hwio(w, data_format)
    wm = wk.reshape(-1, wk.shape[3])
    outs = []
    for part in _slices(_nhwc(x, data_format), wk.shape[:2], stride):
        cols, by_offset, (n, oh, ow) = _patches(part, wk.shape[:2], stride, padding, dilation)
        outs.append((wm.T @ cols).reshape(-1, n, oh, ow).transpose(1, 2, 3, 0) if by_offset
                    else (cols @ wm).reshape(n, oh, ow, -1))
    return _from_nhwc(outs[0] if len(outs) == 1 else np.concatenate(outs), data_format)


def _slices(x: np.ndarray, size: tuple, stride: tuple) -> list[np.ndarray]:
    """An NHWC batch cut so that no slice's patch matrix exceeds ``PATCH_BYTES`` (a whole
    test set through a conv net would otherwise need gigabytes at once)."""
    per_image = x[:1].nbytes * size[0] * size[1] // (stride[0] * stride[1]) + 1
    step = max(1, PATCH_BYTES // per_image)
    return [x[i:i + step] for i in range(0, len(x), step)] if len(x) > step else [x]


def _patches(x: np.ndarray, size: tuple, stride: tuple, padding: tuple,
             dilation: tuple) -> tuple[np.ndarray, bool, tuple]:
    """im2col of an NHWC array (or view): the patch matrix, whether it is offset-major,
    and (N, OH, OW). Rows (N * OH * OW, kh * kw * C) come from one copy of the strided
    windows when the channels are contiguous; when the image rows are instead (one
    channel, or an NCHW array) the matrix is built offset-major, (kh * kw * C,
    N * OH * OW), one block copy per window offset: 2x faster for LeNet's first layer."""
    if x.shape[3] > 1 and x.strides[3] == x.itemsize:
        cols = _windows(_padded(x, _nhwc_pads(padding)), size, stride, dilation)
        return cols.reshape(-1, np.prod(cols.shape[3:])), False, cols.shape[:3]
    xp = _padded(x.transpose(3, 0, 1, 2), ((0, 0), (0, 0), *padding))  # (C, N, H, W)
    blocks = None
    for i, j, index in _offsets(xp.shape[1:], size, stride, dilation):
        block = xp[(slice(None), *index)]
        if blocks is None:
            blocks = np.empty((*size, *block.shape), x.dtype)
        blocks[i, j] = block
    return blocks.reshape(-1, np.prod(blocks.shape[3:])), True, blocks.shape[3:]


@op(args="conv")
def conv2d_transpose(g, w, *, input_size, stride, padding, dilation, data_format):
    """conv2d's input gradient.  d/dg = conv2d(u, w), d/dw = conv2d_filter_grad(u, g)"""
    # each output pixel's g spread back over its window by the filters, into an input of
    # spatial size input_size
    gn, wk = _nhwc(g, data_format), _hwio(w, data_format)
    (kh, kw, c_in, c_out), (n, oh, ow, _) = wk.shape, gn.shape
    # one batched product, each offset's block contiguous: 3x faster adds than slicing
    # tensordot's (N, OH, OW, kh, kw, C_in) result
    parts = np.matmul(gn.reshape(1, -1, c_out), wk.reshape(kh * kw, c_in, c_out).transpose(
        0, 2, 1)).reshape(kh, kw, n, oh, ow, c_in)
    return _from_nhwc(_add_windows((n, *input_size, c_in), lambda i, j: parts[i, j], (kh, kw),
                                   stride, dilation, padding), data_format)


@op(args="conv")
def conv2d_filter_grad(x, g, *, kernel_size, stride, padding, dilation, data_format):
    """conv2d's filter gradient.  d/dx = conv2d_transpose(g, u), d/dg = conv2d(x, u)"""
    # the correlation of x's windows with g, summed over the batch and the output pixels
    xn, gn = _nhwc(x, data_format), _nhwc(g, data_format)
    dw, start = 0, 0
    for part in _slices(xn, kernel_size, stride):
        cols, by_offset, _ = _patches(part, kernel_size, stride, padding, dilation)
        gm = gn[start:start + len(part)].reshape(-1, gn.shape[3])
        dw = dw + (cols @ gm if by_offset else cols.T @ gm)
        start += len(part)
    return _from_hwio(dw.reshape(*kernel_size, xn.shape[3], gn.shape[3]), data_format)


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

# ----- pad, dropout -------------------------------------------------------------------------


@op(name="pad", nin=1, args="pad")
def _pad(x, pad_width, value):
    """x with constant ``value`` cells around it.  d/dx = the middle of g"""
    return _padded(np.asarray(x), pad_width, value)


_pad.defvjp(lambda g, out, x, *, pad_width, value: getitem(g, index=tuple(
    slice(b, b + n) for n, (b, _) in zip(shape_of(x), pad_width))), reads_out=False)


@op(name="dropout", nin=1, args="dropout")
def _dropout(x, mask):
    """x * mask, the mask drawn by ``dropout`` (0 or 1 / (1 - rate)).  d/dx = g * mask"""
    return x * mask


_dropout.defvjp(lambda g, out, x, *, mask: g * mask, reads_out=False)

# ----- the public functions: check, normalise, call the op --------------------------------


@public_wrapper(_conv2d)
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
    pads = resolve_padding(padding, size, extent, st, "conv2d")
    _check_fits("conv2d", shape, size, pads, extent, "" if dil == (1, 1) else
                f" (a {kernel[0]}x{kernel[1]} filter, dilation {dil})")
    return _conv2d(x, w, stride=st, padding=pads, dilation=dil, data_format=fmt)

@public_wrapper(_pad)
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


@public_wrapper(_dropout)
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
    return _dropout(x, mask=plain(noted(_mask, rng, data.shape, rate, dtype)))


def _mask(rng: np.random.Generator, shape: tuple, rate: float, dtype: np.dtype) -> np.ndarray:
    """Dropout's mask: 0 with probability ``rate``, else 1 / (1 - rate)."""
    keep = rng.random(shape) >= rate
    return keep.astype(dtype) * dtype.type(1 / (1 - rate))


def flatten(x: Any, start_axis: int = 1) -> Any:
    """Join the axes from ``start_axis`` on into one: (N, H, W, C) -> (N, H * W * C)."""
    shape = shape_of(x)
    if not -len(shape) <= start_axis < len(shape):
        raise ShapeError(f"flatten: start_axis {start_axis} is out of range for x of shape "
                         f"{shape}")
    start = start_axis % len(shape)
    return reshape(x, shape[:start] + (math.prod(shape[start:]),))
