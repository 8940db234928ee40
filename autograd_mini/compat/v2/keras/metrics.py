"""``tf.keras.metrics``: the accuracies ``model.compile(metrics=[...])`` takes by name, as
functions of numpy arrays giving one 0/1 match per example (``fit`` averages them over the
epoch, as Keras's ``MeanMetricWrapper`` does).

``'accuracy'`` (or ``'acc'``) is chosen from the shapes, as Keras 3 does: binary when the
predictions have one column, sparse categorical when the labels have fewer axes than the
predictions (or one column), categorical otherwise; the name stays ``'accuracy'``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...._namespace import public_dir
from ....errors import DTypeError
from ...missing import missing

__all__ = ["sparse_categorical_accuracy", "categorical_accuracy", "binary_accuracy", "get"]

Metric = Callable[[np.ndarray, np.ndarray], np.ndarray]


def sparse_categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where the largest prediction's index equals the integer label, else 0.0."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    if y_true.ndim == y_pred.ndim and y_true.shape[-1:] == (1,):
        y_true = y_true[..., 0]
    return (np.argmax(y_pred, axis=-1) == y_true).astype(np.float32)


def categorical_accuracy(y_true: Any, y_pred: Any) -> np.ndarray:
    """1.0 where the largest prediction and the largest (one-hot) label share an index."""
    return (np.argmax(y_pred, axis=-1) == np.argmax(y_true, axis=-1)).astype(np.float32)


def binary_accuracy(y_true: Any, y_pred: Any, threshold: float = 0.5) -> np.ndarray:
    """The mean over the last axis of 1.0 where ``(y_pred > threshold) == y_true``."""
    y_true, y_pred = np.asarray(y_true), np.asarray(y_pred)
    return np.mean((y_pred > threshold) == y_true.reshape(y_pred.shape), axis=-1,
                   dtype=np.float32)


_BY_NAME: dict[str, Metric] = {"sparse_categorical_accuracy": sparse_categorical_accuracy,
                               "categorical_accuracy": categorical_accuracy,
                               "binary_accuracy": binary_accuracy}


def get(identifier: Any, y_true: np.ndarray, y_pred: np.ndarray) -> tuple[str, Metric]:
    """``(name, function)`` for a metric given to ``compile``, the shapes deciding what
    ``'accuracy'`` means."""
    if isinstance(identifier, str) and identifier.lower() in ("accuracy", "acc"):
        if y_pred.shape[-1:] == (1,):
            return identifier, binary_accuracy
        sparse = y_true.ndim < y_pred.ndim or y_true.shape[-1:] == (1,) and y_pred.shape[-1] > 1
        return identifier, sparse_categorical_accuracy if sparse else categorical_accuracy
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return identifier, _BY_NAME[identifier]
    if callable(identifier) and not isinstance(identifier, type):
        return getattr(identifier, "__name__", type(identifier).__name__), identifier
    raise DTypeError(f"unknown metric {identifier!r}; autograd_mini's tf.keras has "
                     f"'accuracy', {', '.join(repr(n) for n in _BY_NAME)}, or a function "
                     f"f(y_true, y_pred) of one value per example")


__getattr__ = missing("tf.keras.metrics")
__dir__ = public_dir(globals())
