"""``tf.nn`` of TF2: activations and the softmax cross entropy, on the engine's ops."""

from __future__ import annotations

from typing import Any

from ... import ops
from ..._namespace import public_dir
from ...errors import ShapeError
from ...graph import Node
from ..missing import missing
from .conv import (  # the CNN lesson's ops
    avg_pool,
    avg_pool2d,
    bias_add,
    conv2d,
    dropout,
    max_pool,
    max_pool2d,
)
from .math_ops import relu, sigmoid, tanh, tensor

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax",
           "softmax_cross_entropy_with_logits"]
__all__ += ["conv2d", "max_pool2d", "avg_pool2d", "max_pool", "avg_pool", "bias_add", "dropout"]


def softmax(logits: Any, axis: int = -1, name: str | None = None) -> Node:
    """``tf.nn.softmax``: exp(x) / sum(exp(x)) along ``axis``."""
    return ops.softmax(tensor(logits), axis)


def log_softmax(logits: Any, axis: int = -1, name: str | None = None) -> Node:
    """``tf.nn.log_softmax``: x - logsumexp(x) along ``axis``."""
    return ops.log_softmax(tensor(logits), axis)


def softmax_cross_entropy_with_logits(labels: Any, logits: Any, axis: int = -1,
                                      name: str | None = None) -> Node:
    """``tf.nn.softmax_cross_entropy_with_logits``: ``-sum(labels * log_softmax(logits))``
    along ``axis``, one loss per row (gradients flow to the logits and the labels)."""
    z = tensor(logits)
    y = tensor(labels, like=z)
    if y.shape != z.shape:
        raise ShapeError(f"softmax_cross_entropy_with_logits: labels of shape {y.shape} and "
                         f"logits of shape {z.shape} must have the same shape")
    return -ops.sum(y * ops.log_softmax(z, axis), axis=axis)


__getattr__ = missing("tf.nn")
__dir__ = public_dir(globals())
