"""TF2's ``tf.nn.conv2d``, ``max_pool2d``, ``avg_pool2d`` (and ``max_pool``/``avg_pool``),
``bias_add`` and ``dropout`` on EagerTensors, each an ``autograd_mini.ops`` op that tapes
record.

Arguments are read as compat.v1 reads them (``strides=2``, ``[2, 2]`` or ``[1, 2, 2, 1]``;
"SAME", "VALID" or explicit pairs). ``dropout``'s mask is TF2's:
``tf.random.uniform(noise_shape, seed=seed) >= rate`` with TF2's eager seeds, so a
``tf.random.set_seed`` run drops the units TensorFlow drops.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from ... import ops
from ...errors import DTypeError, ShapeError
from ...graph import Node
from ..v1.conv import read_data_format, read_padding, read_window
from . import random
from .math_ops import tensor

__all__ = ["conv2d", "max_pool2d", "avg_pool2d", "max_pool", "avg_pool", "bias_add", "dropout"]


def conv2d(input: Any, filters: Any, strides: Any, padding: Any,  # noqa: A002 (TF's names)
           data_format: str = "NHWC", dilations: Any = None, name: str | None = None) -> Node:
    """``tf.nn.conv2d``: the cross-correlation of ``input`` with ``filters`` of shape
    (kh, kw, C_in, C_out), in either data format."""
    fmt = read_data_format(data_format, "tf.nn.conv2d")
    x = tensor(input)
    w = tensor(filters, like=x)
    if fmt == "NCHW":  # TF's filters are (kh, kw, C_in, C_out) in both; the op's NCHW: OIHW
        w = ops.transpose(w, axes=(3, 2, 0, 1))
    return ops.conv2d(x, w, stride=read_window(strides, "tf.nn.conv2d", "strides", fmt),
                      padding=read_padding(padding, "tf.nn.conv2d", fmt),
                      dilation=read_window(1 if dilations is None else dilations,
                                           "tf.nn.conv2d", "dilations", fmt),
                      data_format=fmt)


def _pool(op: Any, what: str, input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
          data_format: Any) -> Node:
    fmt = read_data_format(data_format, what)
    return op(tensor(input), size=read_window(ksize, what, "ksize", fmt),
              stride=read_window(strides, what, "strides", fmt),
              padding=read_padding(padding, what, fmt), data_format=fmt)


def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
               data_format: str = "NHWC", name: str | None = None) -> Node:
    """``tf.nn.max_pool2d``: the largest entry of each ``ksize`` window ("SAME" pads with
    -inf)."""
    return _pool(ops.max_pool2d, "tf.nn.max_pool2d", input, ksize, strides, padding,
                 data_format)


def avg_pool2d(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
               data_format: str = "NHWC", name: str | None = None) -> Node:
    """``tf.nn.avg_pool2d``: the mean of each ``ksize`` window (over its real pixels only
    where "SAME" pads)."""
    return _pool(ops.avg_pool2d, "tf.nn.avg_pool2d", input, ksize, strides, padding,
                 data_format)


def max_pool(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
             data_format: str | None = None, name: str | None = None) -> Node:
    """``tf.nn.max_pool`` on 4-D input: ``max_pool2d``."""
    return _pool(ops.max_pool2d, "tf.nn.max_pool", input, ksize, strides, padding, data_format)


def avg_pool(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
             data_format: str | None = None, name: str | None = None) -> Node:
    """``tf.nn.avg_pool`` on 4-D input: ``avg_pool2d``."""
    return _pool(ops.avg_pool2d, "tf.nn.avg_pool", input, ksize, strides, padding, data_format)


def bias_add(value: Any, bias: Any, data_format: str | None = None,
             name: str | None = None) -> Node:
    """``tf.nn.bias_add``: ``value`` plus the 1-D ``bias``, one number per channel (the last
    axis, or axis 1 in NCHW)."""
    fmt = read_data_format(data_format, "tf.nn.bias_add")
    x = tensor(value)
    b = tensor(bias, like=x)
    shape, bs = x.data.shape, b.data.shape
    axis = -1 if fmt == "NHWC" else 1
    if len(bs) != 1 or len(shape) < 2 or shape[axis] != bs[0]:
        raise ShapeError(f"tf.nn.bias_add: a 1-D bias with one number per channel of value "
                         f"(shape {shape}, {fmt}), got bias of shape {bs}")
    if fmt == "NCHW":
        b = ops.reshape(b, shape=(-1,) + (1,) * (len(shape) - 2))
    return ops.add(x, b)


def dropout(x: Any, rate: Any, noise_shape: Any = None, seed: int | None = None,
            name: str | None = None) -> Node:
    """``tf.nn.dropout``: zero each entry with probability ``rate``, scale the others by
    ``1 / (1 - rate)``; the mask is ``tf.random.uniform(noise_shape) >= rate`` (noise_shape
    broadcast to x's shape), and ``rate=0`` returns ``x`` but still takes an op seed."""
    if not isinstance(rate, numbers.Real) or isinstance(rate, Node):
        raise DTypeError(f"tf.nn.dropout: rate must be a number, got {rate!r}")
    if not 0 <= rate < 1:
        raise ShapeError(f"tf.nn.dropout: rate must be in [0, 1), got {rate}")
    t = tensor(x)
    dt = t.data.dtype
    if dt.kind != "f":
        raise DTypeError(f"tf.nn.dropout: x must be a float tensor (it is scaled), got {dt}")
    if rate == 0:
        random._STATE.pair(seed)  # TF's dummy step: later random ops draw the same
        return t
    shape = t.data.shape if noise_shape is None else tuple(int(n) for n in noise_shape)
    try:
        np.broadcast_shapes(shape, t.data.shape)
    except ValueError:
        raise ShapeError(f"tf.nn.dropout: noise_shape {list(shape)} does not broadcast to x's "
                         f"shape {t.data.shape}") from None
    keep = random.uniform(shape, dtype=dt, seed=seed).data >= dt.type(rate)
    scaled = ops.mul(t, tensor(np.asarray(1.0 / (1.0 - rate), dtype=dt)))
    return ops.where(np.broadcast_to(keep, t.data.shape), scaled,
                     tensor(np.zeros((), dtype=dt)))
