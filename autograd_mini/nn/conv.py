"""Convolution and pooling layers on images: ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``.

Images are NHWC, ``(batch, height, width, channels)``, and kernels ``(kh, kw, in, out)``,
TensorFlow's layout: the ops in ``autograd_mini.ops.conv`` compute in it (an NCHW array
costs them a transpose each way), it keeps the channels last as ``Linear`` keeps its
features last (``x @ weight``), and it is the layout of the course's ``tf.nn.conv2d``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..errors import ShapeError
from ..graph import Node
from ..tensor import Tensor
from ..variable import Variable
from . import init as initializers
from .activations import activation_repr, get_activation
from .layers import Activation
from .module import Module

LAYOUT = "NHWC"
_IMAGE = "(batch, height, width, channels)"


def _pair(value: Any, what: str, who: str, low: int = 1) -> tuple[int, int]:
    """An int or an (h, w) pair of ints of at least ``low``, as a pair."""
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= low for v in pair):
        raise ShapeError(f"{who}: {what} must be an int or an (h, w) pair of ints >= {low}, "
                         f"got {value!r}")
    return int(pair[0]), int(pair[1])


def _padding(padding: Any, who: str) -> Any:
    """``"SAME"``/``"VALID"`` (any case), or the numbers as given, checked for the op."""
    if isinstance(padding, str):
        if padding.upper() not in ("SAME", "VALID"):
            raise ShapeError(f"{who}: padding must be 'SAME', 'VALID', an int, an (h, w) pair "
                             f"or ((top, bottom), (left, right)), got {padding!r}")
        return padding.upper()
    if isinstance(padding, (int, np.integer)) or len(padding) == 2 and all(
            isinstance(p, (int, np.integer)) for p in padding):
        return _pair(padding, "padding", who, low=0)
    pads = tuple(_pair(p, "padding", who, low=0) for p in padding)
    if len(pads) != 2:
        raise ShapeError(f"{who}: padding as pairs is ((top, bottom), (left, right)), "
                         f"got {padding!r}")
    return pads


def _image(x: Any, who: str, dtype: Any = None) -> Node:
    """``x`` as a node, checked to be a batch of NHWC images."""
    if not isinstance(x, Node):
        x = Tensor(x, dtype=dtype)
    if len(x.shape) != 4:
        raise ShapeError(f"{who}: expected a batch of images {_IMAGE} ({LAYOUT}), got shape "
                         f"{x.shape}; a single image needs a batch axis (x[None]), a grey one "
                         "a channel axis (x[..., None])")
    return x


class Conv2d(Module):
    """A 2-d convolution over NHWC images: ``activation(conv2d(x, weight) + bias)``.

    Args:
        kernel_size, stride, dilation: an int or an (h, w) pair.
        padding: ``"VALID"`` (none), ``"SAME"`` (the output keeps ``ceil(size / stride)``,
            TensorFlow's rule), an int, an (h, w) pair or ((top, bottom), (left, right)).
        init: the kernel's initializer, as ``Linear``'s (default ``"glorot_uniform"``,
            fans counted over the receptive field as TensorFlow does). The bias starts at 0.
        seed: an int or a ``numpy.random.Generator``, for reproducible weights.
        dtype: float32 (default) or float64.
        activation: applied to the result, as ``Linear``'s (None: linear, the default).

    ``weight`` has shape ``(kh, kw, in_channels, out_channels)``, ``bias``
    ``(out_channels,)``.
    """

    def __init__(self, in_channels: int, out_channels: int, kernel_size: Any,
                 stride: Any = 1, padding: Any = "VALID", dilation: Any = 1, bias: bool = True,
                 init: Any = "glorot_uniform", seed: initializers.Seed = None,
                 dtype: Any = np.float32, activation: Activation = None):
        super().__init__()
        self.activation = get_activation(activation)
        if in_channels < 1 or out_channels < 1:
            raise ShapeError(f"Conv2d: channels must be positive, got in_channels="
                             f"{in_channels}, out_channels={out_channels}")
        self.in_channels, self.out_channels = int(in_channels), int(out_channels)
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2d")
        self.stride = _pair(stride, "stride", "Conv2d")
        self.dilation = _pair(dilation, "dilation", "Conv2d")
        self.padding = _padding(padding, "Conv2d")
        shape = (*self.kernel_size, self.in_channels, self.out_channels)
        rng = initializers.rng_of(seed)
        self.weight = Variable(initializers.initial_value(init, shape, rng, dtype))
        self.bias = Variable(initializers.zeros(self.out_channels, dtype=dtype)) if bias else None

    def forward(self, x: Any) -> Tensor:
        path = (self.weight.name or "").rpartition(".")[0]  # "conv1" of "conv1.weight"
        who = f"Conv2d '{path}'" if path else "Conv2d"
        x = _image(x, who, self.weight.dtype)
        if x.shape[-1] != self.in_channels:
            hint = ("; the channels look first (NCHW): move them last with "
                    "x.transpose((0, 2, 3, 1))" if x.shape[1] == self.in_channels else "")
            raise ShapeError(f"{who} ({self.in_channels} -> {self.out_channels} channels, "
                             f"{self.kernel_size[0]}x{self.kernel_size[1]} kernel): expected "
                             f"{self.in_channels} channels in the last axis of {_IMAGE}, "
                             f"got shape {x.shape}{hint}")
        y = ops.conv2d(x, self.weight, stride=self.stride, padding=self.padding,
                       dilation=self.dilation, data_format=LAYOUT)
        return self.activation(y if self.bias is None else y + self.bias)

    def extra_repr(self) -> str:
        parts = [f"{self.in_channels}, {self.out_channels}", f"kernel_size={self.kernel_size}"]
        parts += [f"{k}={v}" for k, v, default in (("stride", self.stride, (1, 1)),
                                                   ("padding", self.padding, "VALID"),
                                                   ("dilation", self.dilation, (1, 1)))
                  if v != default]
        return ", ".join(parts + ([] if self.bias is not None else ["bias=False"])) + \
            activation_repr(self.activation)


class _Pool2d(Module):
    """The shared part of the pooling layers: settings, input check, repr."""

    op: Any

    def __init__(self, size: Any = 2, stride: Any = None, padding: Any = "VALID"):
        super().__init__()
        who = type(self).__name__
        self.size = _pair(size, "size", who)
        self.stride = self.size if stride is None else _pair(stride, "stride", who)
        self.padding = _padding(padding, who)

    def forward(self, x: Any) -> Tensor:
        x = _image(x, type(self).__name__)
        return type(self).op(x, size=self.size, stride=self.stride, padding=self.padding,
                             data_format=LAYOUT)

    def extra_repr(self) -> str:
        stride = "" if self.stride == self.size else f", stride={self.stride}"
        padding = "" if self.padding == "VALID" else f", padding={self.padding}"
        return f"size={self.size}{stride}{padding}"


class MaxPool2d(_Pool2d):
    """The largest value of each ``size`` window, per channel (stride defaults to size;
    ``"SAME"`` pads with -inf, so padding never wins)."""

    op = staticmethod(ops.max_pool2d)


class AvgPool2d(_Pool2d):
    """The mean of each ``size`` window, per channel (``"SAME"`` averages the real pixels
    only, as TensorFlow does)."""

    op = staticmethod(ops.avg_pool2d)

