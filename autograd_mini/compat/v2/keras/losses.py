"""``tf.keras.losses`` (Keras 3's formulas on the engine's ops): categorical cross entropy
and mean squared error, as functions (one loss per example) and as classes (their mean)."""

from __future__ import annotations

from typing import Any

from .... import ops
from ...._namespace import public_dir
from ....errors import ShapeError
from ....graph import Node
from ...missing import missing
from ..math_ops import tensor
from ..nn import softmax_cross_entropy_with_logits
from ..tensor import cast, float32

__all__ = ["categorical_crossentropy", "CategoricalCrossentropy", "mean_squared_error",
           "MeanSquaredError", "mse", "MSE"]

EPSILON = 1e-7  # Keras's backend.epsilon(): probabilities are clipped to [eps, 1 - eps]


def _pair(y_true: Any, y_pred: Any, what: str) -> tuple[Node, Node]:
    pred = tensor(y_pred)
    true = tensor(y_true, like=pred)
    if true.shape != pred.shape:
        raise ShapeError(f"{what}: y_true of shape {true.shape} and y_pred of shape "
                         f"{pred.shape} must have the same shape")
    if true.data.dtype != pred.data.dtype:  # Keras casts the labels to the predictions' dtype
        true = tensor(true.data.astype(pred.data.dtype))
    return true, pred


def categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                             label_smoothing: float = 0.0, axis: int = -1) -> Node:
    """``-sum(y_true * log(p))`` along ``axis``, one loss per example.

    ``p`` is ``y_pred`` rescaled to sum to 1 and clipped to ``[1e-7, 1 - 1e-7]`` (Keras's
    way), or ``softmax(y_pred)`` with ``from_logits=True``.
    """
    true, pred = _pair(y_true, y_pred, "categorical_crossentropy")
    if label_smoothing:
        classes = true.shape[axis]
        true = true * (1.0 - label_smoothing) + label_smoothing / classes
    if from_logits:
        return softmax_cross_entropy_with_logits(true, pred, axis=axis)
    p = pred / ops.sum(pred, axis=axis, keepdims=True)
    p = ops.clip(p, EPSILON, 1.0 - EPSILON)
    return -ops.sum(true * ops.log(p), axis=axis)


def mean_squared_error(y_true: Any, y_pred: Any) -> Node:
    """``mean(square(y_pred - y_true))`` over the last axis, one loss per example."""
    true, pred = _pair(y_true, y_pred, "mean_squared_error")
    return ops.mean(ops.square(pred - true), axis=-1)


mse = MSE = mean_squared_error


class _Mean:
    """A Keras loss object: calling it averages its function's per-example losses.

    As Keras 3's, it computes in float32 (its default dtype policy): float64 inputs are
    cast first, which cuts their gradient here (give float32 predictions to train).
    """

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Node:
        y_true, y_pred = cast(tensor(y_true), float32), cast(tensor(y_pred), float32)
        per_example = self._loss(y_true, y_pred)
        if sample_weight is not None:
            weights = tensor(sample_weight, like=per_example)
            return ops.sum(per_example * weights) / per_example.size
        return ops.mean(per_example)

    def _loss(self, y_true: Any, y_pred: Any) -> Node:
        raise NotImplementedError


class CategoricalCrossentropy(_Mean):
    """``CategoricalCrossentropy(from_logits=False)(y_true, y_pred)``: the batch mean of
    ``categorical_crossentropy``."""

    def __init__(self, from_logits: bool = False, label_smoothing: float = 0.0,
                 axis: int = -1, name: str = "categorical_crossentropy"):
        self.from_logits, self.label_smoothing, self.axis = from_logits, label_smoothing, axis

    def _loss(self, y_true: Any, y_pred: Any) -> Node:
        return categorical_crossentropy(y_true, y_pred, self.from_logits,
                                        self.label_smoothing, self.axis)


class MeanSquaredError(_Mean):
    """``MeanSquaredError()(y_true, y_pred)``: the batch mean of ``mean_squared_error``."""

    def __init__(self, name: str = "mean_squared_error"):
        pass

    def _loss(self, y_true: Any, y_pred: Any) -> Node:
        return mean_squared_error(y_true, y_pred)


__getattr__ = missing("tf.keras.losses")
__dir__ = public_dir(globals())
