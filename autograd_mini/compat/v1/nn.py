"""``tf.nn``: activations and softmax on graph tensors, the ops of ``autograd_mini.ops``, and
the losses of ``losses.py``."""

from __future__ import annotations

from typing import Any

from ... import ops
from ..._namespace import public_dir
from ..missing import missing
from .conv import (  # chapter 7's LeNet-5
    avg_pool,
    avg_pool2d,
    bias_add,
    conv2d,
    dropout,
    max_pool,
    max_pool2d,
)
from .graph import SymbolicTensor
from .losses import (
    l2_loss,
    softmax_cross_entropy_with_logits,
    softmax_cross_entropy_with_logits_v2,
    sparse_softmax_cross_entropy_with_logits,
)
from .math_ops import apply, sigmoid, tanh

__all__ = ["relu", "sigmoid", "tanh", "softmax", "log_softmax",
           "l2_loss", "softmax_cross_entropy_with_logits", "softmax_cross_entropy_with_logits_v2",
           "sparse_softmax_cross_entropy_with_logits"]
__all__ += ["conv2d", "max_pool", "avg_pool", "max_pool2d", "avg_pool2d", "bias_add",
            "dropout"]  # chapter 7's LeNet-5


def relu(features: Any, name: str | None = None) -> SymbolicTensor:
    """``max(features, 0)``."""
    return apply(ops.relu, [features], name)


def softmax(logits: Any, axis: int | None = None, name: str | None = None) -> SymbolicTensor:
    """``exp(logits) / sum(exp(logits))`` along ``axis`` (the last by default)."""
    return apply(ops.softmax, [logits], name, axis=-1 if axis is None else axis)


def log_softmax(logits: Any, axis: int | None = None, name: str | None = None) -> SymbolicTensor:
    """``logits - log(sum(exp(logits)))`` along ``axis`` (the last by default)."""
    return apply(ops.log_softmax, [logits], name, axis=-1 if axis is None else axis)


__getattr__ = missing("tf.nn")
__dir__ = public_dir(globals())
