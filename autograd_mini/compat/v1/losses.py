"""TF1's losses on graph tensors (``tf.nn.*``): softmax cross entropy, dense and sparse, and
``l2_loss``; each composed of the engine's ops, so their gradients are the engine's.

The cross entropy of a row is ``-sum(labels * log_softmax(logits))``; its gradient with
respect to the logits is ``softmax(logits) - labels`` for label rows that sum to one, as
TF's. The sparse form makes its labels one-hot first.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ... import ops
from ...errors import DTypeError, ShapeError
from .array_ops import _tensor, graph_op, stop_gradient
from .graph import SymbolicTensor, convert_to_tensor
from .math_ops import apply


def softmax_cross_entropy_with_logits_v2(labels: Any, logits: Any, axis: int = -1,
                                         name: str | None = None) -> SymbolicTensor:
    """Each row's ``-sum(labels * log(softmax(logits)))`` along ``axis``; the labels get
    a gradient too (``-log_softmax(logits)``)."""
    logits = convert_to_tensor(logits)
    labels = _tensor(labels, logits.dtype, "softmax_cross_entropy_with_logits")
    _check_shapes(labels.shape, logits.shape, "softmax_cross_entropy_with_logits", "labels")
    loss = ops.neg(ops.sum(ops.mul(labels, ops.log_softmax(logits, axis=axis)), axis=axis))
    return _named(loss, name)


def softmax_cross_entropy_with_logits(_sentinel: None = None, labels: Any = None,
                                      logits: Any = None, dim: int = -1, name: str | None = None,
                                      axis: int | None = None) -> SymbolicTensor:
    """TF1's form of the above: call it with ``labels=`` and ``logits=``; no gradient
    reaches the labels."""
    if _sentinel is not None or labels is None or logits is None:
        raise DTypeError("softmax_cross_entropy_with_logits: call it with named arguments, "
                         "labels=... and logits=...")
    return softmax_cross_entropy_with_logits_v2(stop_gradient(labels), logits,
                                                dim if axis is None else axis, name)


def _check_labels(labels, *, depth, dtype):
    if labels.size and (labels.min() < 0 or labels.max() >= depth):
        raise ValueError(f"labels must be in [0, {depth}), got values from {labels.min()} "
                         f"to {labels.max()}")
    return (np.arange(depth) == labels[..., None]).astype(dtype)


_one_hot_labels = graph_op("sparse_labels", _check_labels)


def sparse_softmax_cross_entropy_with_logits(_sentinel: None = None, labels: Any = None,
                                             logits: Any = None,
                                             name: str | None = None) -> SymbolicTensor:
    """The cross entropy of each row of ``logits`` (the last axis holds the classes) with
    the class index in ``labels`` (int32 or int64, one per row): ``-log_softmax[label]``."""
    what = "sparse_softmax_cross_entropy_with_logits"
    if _sentinel is not None or labels is None or logits is None:
        raise DTypeError(f"{what}: call it with named arguments, labels=... and logits=...")
    logits = convert_to_tensor(logits)
    labels = _tensor(labels, np.int64, what)
    if labels.dtype.kind not in "iu":
        raise DTypeError(f"{what}: labels must be class indices of dtype int32 or int64, got "
                         f"{labels.dtype.name}; one-hot rows go to "
                         "softmax_cross_entropy_with_logits (or take tf.argmax(y_, 1))")
    if logits.shape is not None and len(logits.shape) == 0:
        raise ShapeError(f"{what}: logits must have a class axis, got a scalar")
    if logits.shape is not None and labels.shape is not None:
        _check_shapes(labels.shape, logits.shape[:-1], what, "labels")
    if logits.shape is None or logits.shape[-1] is None:
        raise ShapeError(f"{what}: the number of classes (the logits' last size) must be known")
    hot = apply(_one_hot_labels, [labels], None, depth=logits.shape[-1], dtype=logits.dtype)
    return softmax_cross_entropy_with_logits_v2(hot, logits, -1, name)


def l2_loss(t: Any, name: str | None = None) -> SymbolicTensor:
    """``sum(t ** 2) / 2``, a scalar (weight decay's penalty).  d/dt = t"""
    return _named(ops.mul(ops.sum(ops.square(convert_to_tensor(t))), 0.5), name)


def _check_shapes(a: Any, b: Any, what: str, which: str) -> None:
    if a is None or b is None or len(a) != len(b):
        if a is not None and b is not None:
            raise ShapeError(f"{what}: {which} of shape {a} do not fit logits' {b}")
        return
    if any(x is not None and y is not None and x != y for x, y in zip(a, b)):
        raise ShapeError(f"{what}: {which} of shape {a} do not fit logits' {b}")


def _named(t: SymbolicTensor, name: str | None) -> SymbolicTensor:
    if name is not None:
        t.name = t.graph.unique_name(name)
    return t
