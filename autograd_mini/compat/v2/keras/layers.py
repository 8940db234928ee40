"""``tf.keras.layers``: ``Dense``, ``Conv2D``, ``BatchNormalization``, ``Activation``, the
pools, ``Dropout`` and ``Flatten``, with Keras 3's arguments and defaults, on the engine's
ops and ``nn`` modules. Weights are made on the first call, from the input's shape.

Images are channels-last ``(batch, height, width, channels)``, Keras's default.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .... import nn, ops
from ...._namespace import public_dir
from ....errors import DTypeError, ShapeError
from ....graph import Node
from ....tracing import flag
from ...missing import missing
from .. import nn as tf_nn
from . import activations
from .base_layer import Layer

__all__ = ["Layer", "Dense", "Conv2D", "BatchNormalization", "Activation", "MaxPool2D",
           "MaxPooling2D", "AveragePooling2D", "AvgPool2D", "Dropout", "Flatten"]


def _pair(value: Any, what: str, who: str) -> tuple[int, int]:
    pair = (value, value) if isinstance(value, (int, np.integer)) else tuple(value)
    if len(pair) != 2 or not all(isinstance(v, (int, np.integer)) and v >= 1 for v in pair):
        raise ShapeError(f"{who}: {what} must be an int or a pair of ints >= 1, got {value!r}")
    return int(pair[0]), int(pair[1])


def _padding(padding: str, who: str) -> str:
    if not isinstance(padding, str) or padding.lower() not in ("valid", "same"):
        raise ShapeError(f"{who}: padding must be 'valid' or 'same', got {padding!r}")
    return padding.upper()


def _channels_last(data_format: Any, who: str) -> None:
    if data_format not in (None, "channels_last"):
        raise ShapeError(f"{who}: autograd_mini's Keras layers take channels-last images "
                         f"(batch, height, width, channels), got data_format={data_format!r}; "
                         f"transpose the input with tf.transpose(x, [0, 2, 3, 1])")


def _image(x: Node, who: str) -> None:
    if len(x.shape) != 4:
        raise ShapeError(f"{who}: expected images (batch, height, width, channels), got shape "
                         f"{x.shape}; a batch of grey images needs a channel axis "
                         f"(x[..., None]), a single image a batch axis (x[None])")


class Dense(Layer):
    """``activation(x @ kernel + bias)`` on the last axis; ``kernel`` is (features, units)."""

    def __init__(self, units: int, activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(units, bool) or not isinstance(units, (int, np.integer)) or units < 1:
            raise ShapeError(f"Dense: units must be a positive int, got {units!r}")
        self.units, self.use_bias = int(units), use_bias
        self.activation = activations.get(activation)
        self._init = (kernel_initializer, bias_initializer)
        self._regs = (kernel_regularizer, bias_regularizer)

    def build(self, input_shape: tuple[int, ...]) -> None:
        if len(input_shape) < 2:
            raise ShapeError(f"Dense '{self.name}': expected inputs (batch, features), got "
                             f"shape {input_shape}")
        self.kernel = self.add_weight("kernel", (input_shape[-1], self.units), self._init[0],
                                      regularizer=self._regs[0])
        self.bias = self.add_weight("bias", (self.units,), self._init[1],
                                    regularizer=self._regs[1]) if self.use_bias else None

    def call(self, x: Node) -> Node:
        if x.shape[-1] != self.kernel.shape[0]:
            raise ShapeError(f"Dense '{self.name}' was built for {self.kernel.shape[0]} "
                             f"features in the last axis, got inputs of shape {x.shape}")
        y = ops.matmul(x, self.kernel)
        return self.activation(y if self.bias is None else y + self.bias)


class Conv2D(Layer):
    """``activation(conv2d(x, kernel) + bias)``; ``kernel`` is (kh, kw, channels, filters),
    ``padding`` 'valid' (none) or 'same' (TensorFlow's rule)."""

    def __init__(self, filters: int, kernel_size: Any, strides: Any = (1, 1),
                 padding: str = "valid", data_format: Any = None, dilation_rate: Any = (1, 1),
                 activation: Any = None, use_bias: bool = True,
                 kernel_initializer: Any = "glorot_uniform", bias_initializer: Any = "zeros",
                 kernel_regularizer: Any = None, bias_regularizer: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(filters, bool) or not isinstance(filters, (int, np.integer)) or \
                filters < 1:
            raise ShapeError(f"Conv2D: filters must be a positive int, got {filters!r}")
        _channels_last(data_format, "Conv2D")
        self.filters, self.use_bias = int(filters), use_bias
        self.kernel_size = _pair(kernel_size, "kernel_size", "Conv2D")
        self.strides = _pair(strides, "strides", "Conv2D")
        self.dilation_rate = _pair(dilation_rate, "dilation_rate", "Conv2D")
        self.padding = _padding(padding, "Conv2D")
        self.activation = activations.get(activation)
        self._init = (kernel_initializer, bias_initializer)
        self._regs = (kernel_regularizer, bias_regularizer)

    def build(self, input_shape: tuple[int, ...]) -> None:
        shape = (*self.kernel_size, input_shape[-1], self.filters)
        self.kernel = self.add_weight("kernel", shape, self._init[0], regularizer=self._regs[0])
        self.bias = self.add_weight("bias", (self.filters,), self._init[1],
                                    regularizer=self._regs[1]) if self.use_bias else None

    def call(self, x: Node) -> Node:
        _image(x, f"Conv2D '{self.name}'")
        if x.shape[-1] != self.kernel.shape[2]:
            raise ShapeError(f"Conv2D '{self.name}' was built for {self.kernel.shape[2]} "
                             f"channels (the last axis), got images of shape {x.shape}")
        y = ops.conv2d(x, self.kernel, stride=self.strides, padding=self.padding,
                       dilation=self.dilation_rate, data_format="NHWC")
        return self.activation(y if self.bias is None else y + self.bias)


class BatchNormalization(Layer):
    """Normalizes each channel (the last axis): ``gamma * (x - mean) / sqrt(var + epsilon)
    + beta``.

    Training, ``mean`` and ``var`` are the batch's (over every other axis; the variance
    divides by the count) and the moving statistics move toward them:
    ``moving = moving * momentum + batch * (1 - momentum)``. In inference (``training``
    False or None) the moving statistics are used. Keras's defaults: momentum 0.99,
    epsilon 1e-3, gamma 1, beta 0, moving mean 0, moving variance 1.
    """

    def __init__(self, axis: int = -1, momentum: float = 0.99, epsilon: float = 1e-3,
                 center: bool = True, scale: bool = True, **kwargs: Any):
        super().__init__(**kwargs)
        if axis not in (-1,):
            raise ShapeError(f"BatchNormalization: autograd_mini normalizes the last axis "
                             f"(axis=-1, channels-last), got axis={axis!r}")
        self.momentum, self.epsilon = float(momentum), float(epsilon)
        self.center, self.scale = center, scale

    def build(self, input_shape: tuple[int, ...]) -> None:
        n = (input_shape[-1],)
        self.gamma = self.add_weight("gamma", n, "ones") if self.scale else None
        self.beta = self.add_weight("beta", n, "zeros") if self.center else None
        self.moving_mean = self.add_weight("moving_mean", n, "zeros", trainable=False)
        self.moving_variance = self.add_weight("moving_variance", n, "ones", trainable=False)

    def call(self, x: Node, training: bool | None = None) -> Node:
        if x.shape[-1] != self.moving_mean.shape[0]:
            raise ShapeError(f"BatchNormalization '{self.name}' was built for "
                             f"{self.moving_mean.shape[0]} channels (the last axis), got "
                             f"inputs of shape {x.shape}")
        if training and flag(self, "trainable"):
            axes = tuple(range(len(x.shape) - 1))
            mean = ops.mean(x, axis=axes)
            variance = ops.mean(ops.square(x - mean.data), axis=axes)  # tf.nn.moments
            keep, step = np.float32(self.momentum), np.float32(1.0 - self.momentum)
            self.moving_mean.assign(self.moving_mean.data * keep + mean.data * step)
            self.moving_variance.assign(self.moving_variance.data * keep + variance.data * step)
        else:
            mean, variance = self.moving_mean.data, self.moving_variance.data
        inv = 1.0 / ops.sqrt(variance + np.float32(self.epsilon))  # tf.nn.batch_normalization
        if self.gamma is not None:
            inv = inv * self.gamma
        shift = -mean * inv
        return x * inv + (shift if self.beta is None else self.beta + shift)


class Activation(Layer):
    """``Activation('relu')``: the activation as a layer."""

    _shape_known_in_subclass = False

    def __init__(self, activation: Any, **kwargs: Any):
        super().__init__(**kwargs)
        self.activation = activations.get(activation)

    def call(self, x: Node) -> Node:
        return self.activation(x)


class _Pooling2D(Layer):
    module: type
    _shape_known_in_subclass = False

    def __init__(self, pool_size: Any = (2, 2), strides: Any = None, padding: str = "valid",
                 data_format: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        who = type(self).__name__
        _channels_last(data_format, who)
        self.pool_size = _pair(pool_size, "pool_size", who)
        self.strides = self.pool_size if strides is None else _pair(strides, "strides", who)
        self.padding = _padding(padding, who)
        self._pool = type(self).module(self.pool_size, self.strides, self.padding)

    def call(self, x: Node) -> Node:
        _image(x, f"{type(self).__name__} '{self.name}'")
        return self._pool(x)


class MaxPooling2D(_Pooling2D):
    """The largest value of each ``pool_size`` window, per channel (strides default to
    ``pool_size``)."""

    module = nn.MaxPool2d


class AveragePooling2D(_Pooling2D):
    """The mean of each ``pool_size`` window, per channel ('same' averages the real pixels
    only, as TensorFlow does)."""

    module = nn.AvgPool2d


MaxPool2D, AvgPool2D = MaxPooling2D, AveragePooling2D


class Dropout(Layer):
    """While training, zeroes each input with probability ``rate`` and scales the rest by
    ``1 / (1 - rate)`` (``tf.nn.dropout``, the compat layer's random numbers); passes its
    input through in inference."""

    _shape_known_in_subclass = False

    def __init__(self, rate: float, noise_shape: Any = None, seed: int | None = None,
                 **kwargs: Any):
        super().__init__(**kwargs)
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.number)) or \
                not 0 <= rate < 1:
            raise DTypeError(f"Dropout: rate must be a number in [0, 1), got {rate!r}")
        self.rate, self.noise_shape, self.seed = float(rate), noise_shape, seed

    def call(self, x: Node, training: bool | None = None) -> Node:
        if not training or self.rate == 0:
            return x
        return tf_nn.dropout(x, self.rate, noise_shape=self.noise_shape, seed=self.seed)


class Flatten(Layer):
    """``(batch, ...)`` -> ``(batch, product of the rest)``."""

    def __init__(self, data_format: Any = None, **kwargs: Any):
        super().__init__(**kwargs)
        self._flatten = nn.Flatten()

    def call(self, x: Node) -> Node:
        return self._flatten(x)


__getattr__ = missing("tf.keras.layers")
__dir__ = public_dir(globals())
