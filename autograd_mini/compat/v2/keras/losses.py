"""``tf.keras.losses`` (Keras 3's formulas on the engine's ops): categorical and sparse
categorical cross entropy and mean squared error, as functions (one loss per example) and
as classes (their mean); ``get`` resolves the names ``model.compile(loss=...)`` takes.

As in Keras, the cross entropies of a Keras ``softmax``'s output use its logits
(``activations.logits_of``): no clipping of the probabilities then."""

from __future__ import annotations

from typing import Any

import numpy as np

from .... import ops
from ...._namespace import public_dir
from ....errors import DTypeError, ShapeError
from ....graph import Node
from ....tracing import noted, plain
from ...missing import missing
from ..math_ops import tensor
from ..nn import softmax_cross_entropy_with_logits
from ..tensor import cast, float32
from .activations import logits_of

__all__ = ["categorical_crossentropy", "CategoricalCrossentropy",
           "sparse_categorical_crossentropy", "SparseCategoricalCrossentropy",
           "mean_squared_error", "MeanSquaredError", "mse", "MSE", "get"]

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
    logits = logits_of(y_pred)
    if logits is not None:
        y_pred, from_logits = logits, True
    true, pred = _pair(y_true, y_pred, "categorical_crossentropy")
    if label_smoothing:
        classes = true.shape[axis]
        true = true * (1.0 - label_smoothing) + label_smoothing / classes
    if from_logits:
        return softmax_cross_entropy_with_logits(true, pred, axis=axis)
    p = pred / ops.sum(pred, axis=axis, keepdims=True)
    p = ops.clip(p, EPSILON, 1.0 - EPSILON)
    return -ops.sum(true * ops.log(p), axis=axis)


def sparse_categorical_crossentropy(y_true: Any, y_pred: Any, from_logits: bool = False,
                                    axis: int = -1) -> Node:
    """``-log(p[label])`` per example, for integer labels ``y_true`` (shape ``y_pred``'s
    without the last axis, or with a last axis of 1).

    ``p`` is ``y_pred`` clipped to ``[1e-7, 1 - 1e-7]`` (Keras's way, without rescaling),
    or ``softmax(y_pred)`` with ``from_logits=True``.
    """
    logits = logits_of(y_pred)
    if logits is not None:
        y_pred, from_logits = logits, True
    pred = tensor(y_pred)
    labels = np.asarray(getattr(y_true, "data", y_true))
    if axis not in (-1, len(pred.shape) - 1):
        raise ShapeError(f"sparse_categorical_crossentropy: only axis=-1 (the classes last), "
                         f"got axis={axis}")
    if labels.ndim == len(pred.shape) and labels.shape[-1:] == (1,):
        labels = labels[..., 0]
    if labels.shape != pred.shape[:-1]:
        raise ShapeError(f"sparse_categorical_crossentropy: labels of shape {labels.shape} "
                         f"need predictions of shape {labels.shape} + (classes,), got "
                         f"{pred.shape}")
    classes = pred.shape[-1]
    if labels.size and (labels.dtype.kind not in "iuf" or labels.min() < 0
                        or labels.max() >= classes or np.any(labels != np.floor(labels))):
        raise DTypeError(f"sparse_categorical_crossentropy: labels must be class numbers in "
                         f"[0, {classes}), got values {np.unique(labels)[:10]}")
    if not from_logits:
        pred = ops.log(ops.clip(pred, EPSILON, 1.0 - EPSILON))
    one_hot = plain(noted(_one_hot, labels, classes, pred.data.dtype))
    return -ops.sum(one_hot * ops.log_softmax(pred, axis=-1), axis=-1)


def _one_hot(labels: np.ndarray, classes: int, dtype: np.dtype) -> np.ndarray:
    """Rows of the identity for class numbers (a replay computes them again)."""
    return np.eye(classes, dtype=dtype)[labels.astype(np.int64)]


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
        return self._mean(self._loss(y_true, y_pred), sample_weight)

    @staticmethod
    def _mean(per_example: Node, sample_weight: Any) -> Node:
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


class SparseCategoricalCrossentropy(_Mean):
    """``SparseCategoricalCrossentropy(from_logits=False)(y_true, y_pred)``: the batch mean
    of ``sparse_categorical_crossentropy``."""

    def __init__(self, from_logits: bool = False, name: str = "sparse_categorical_crossentropy",
                 **kwargs: Any):
        self.from_logits = from_logits

    def __call__(self, y_true: Any, y_pred: Any, sample_weight: Any = None) -> Node:
        y_pred = cast(tensor(y_pred), float32)
        return self._mean(sparse_categorical_crossentropy(y_true, y_pred, self.from_logits),
                          sample_weight)


class MeanSquaredError(_Mean):
    """``MeanSquaredError()(y_true, y_pred)``: the batch mean of ``mean_squared_error``."""

    def __init__(self, name: str = "mean_squared_error"):
        pass

    def _loss(self, y_true: Any, y_pred: Any) -> Node:
        return mean_squared_error(y_true, y_pred)


_BY_NAME = {"categorical_crossentropy": CategoricalCrossentropy,
            "sparse_categorical_crossentropy": SparseCategoricalCrossentropy,
            "mean_squared_error": MeanSquaredError, "mse": MeanSquaredError}


def get(identifier: Any) -> Any:
    """A loss object for a name (``'sparse_categorical_crossentropy'``), else the loss
    object or function as given."""
    if isinstance(identifier, str):
        if identifier not in _BY_NAME:
            raise DTypeError(f"unknown loss {identifier!r}; autograd_mini's tf.keras has "
                             f"{', '.join(_BY_NAME)}, or pass a loss object or function")
        return _BY_NAME[identifier]()
    if not callable(identifier):
        raise DTypeError(f"loss must be a name, a loss object or a function, got "
                         f"{identifier!r}")
    return identifier


__getattr__ = missing("tf.keras.losses")
__dir__ = public_dir(globals())
