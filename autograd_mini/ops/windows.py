"""Sliding windows over NHWC arrays, and the argument checks conv2d and the pools share.

Plain numpy, no graph: layout views (NCHW through transposes), padding, every window as
a strided view (``_windows``, for im2col), one view per window offset (``_offsets``, for
pools and adjoints) and the adjoint that adds window values back (``_add_windows``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
from numpy.lib.stride_tricks import as_strided

from ..errors import ShapeError
from ..graph import shape_of

Pair = tuple[int, int]
Pads = tuple[Pair, Pair]
_LAYOUTS = {"NHWC": ("(N, H, W, C)", "(kh, kw, C_in, C_out)"),
            "NCHW": ("(N, C, H, W)", "(C_out, C_in, kh, kw)")}

# ----- layouts and windows --------------------------------------------------------------


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


def _offsets(padded: tuple, size: Pair, stride: Pair, dilation: Pair = (1, 1)
             ) -> Iterator[tuple[int, int, tuple]]:
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
    apart = all(s >= (k - 1) * d + 1 for s, k, d in zip(stride, size, dilation))
    out = None
    for i, j, index in _offsets(padded, size, stride, dilation):
        values = part(i, j)
        if out is None:
            out = np.zeros(padded, values.dtype)
        if apart:  # windows that do not overlap: each pixel is written once
            out[index] = values
        else:
            out[index] += values
    return out[:, top:top + h, left:left + w]


# ----- checking and normalising arguments -----------------------------------------------


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


def resolve_padding(padding: Any, input_size: Pair, extent: Pair, stride: Pair, name: str) -> Pads:
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
