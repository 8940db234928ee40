"""Loss functions: prediction and target in, a scalar to call ``backward()`` on out.

Each averages over the batch. Targets are constants (plain arrays or Tensors); the stable
forms (from logits) are built from the engine's fused ops, so no ``exp`` overflows. A
drawing with ``collapse=model`` shows each call of a loss as one box.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..errors import OpError, ShapeError
from ..graph import Node, data_of, shape_of
from ..i18n import message
from ..tracing import noted, plain
from ..value import Value
from .module import marks_calls


def _pair(pred: Any, target: Any, who: str) -> tuple[Any, Any]:
    """Check that prediction and target have the same shape; a plain target becomes an
    array of the prediction's dtype, so float32 stays float32."""
    pred_data = data_of(pred)
    target_data = np.asarray(data_of(target))
    if isinstance(pred_data, np.ndarray) and not isinstance(target, Node):
        target_data = target_data.astype(pred_data.dtype, copy=False)
    pred_shape = np.shape(pred_data)
    if target_data.shape != pred_shape:
        raise ShapeError(message("err.loss_shapes", who=who, pred=pred_shape,
                                 target=target_data.shape))
    return pred, (target if isinstance(target, Node) else target_data)


def _value_list(pred: Any) -> bool:
    return isinstance(pred, (list, tuple)) and any(isinstance(p, Value) for p in pred)


# ----- regression ---------------------------------------------------------------------------


@marks_calls
def mse(pred: Any, target: Any) -> Any:
    """Mean of squared errors, ``tf.reduce_mean(tf.square(y - y_))``.

    Also takes a list of Values (a ``ValueMLP``'s outputs) and a list of numbers.
    """
    if _value_list(pred):
        if len(pred) != len(target):
            raise ShapeError(f"mse: {len(pred)} predictions but {len(target)} targets")
        return sum((p - t) ** 2 for p, t in zip(pred, target)) * (1.0 / len(pred))
    pred, target = _pair(pred, target, "mse")
    return ops.mean(ops.square(pred - target))


@marks_calls
def sum_squared_mean(pred: Any, target: Any) -> Any:
    """Sum of squared errors over the outputs, averaged over the batch (seed 002's loss):
    ``np.mean(np.sum(np.square(y - y_), axis=-1))``.

    Note seed 002's hand-written gradient ``dy = y - y_`` (divided by N) is the gradient of
    HALF this loss; to take its exact steps with this loss, halve its learning rate.
    """
    pred, target = _pair(pred, target, "sum_squared_mean")
    return ops.mean(ops.sum(ops.square(pred - target), axis=-1))


# ----- classification ---------------------------------------------------------------------------


@marks_calls
def binary_cross_entropy(probs: Any, target: Any, epsilon: float = 1e-7) -> Any:
    """-mean(t*log(p) + (1-t)*log(1-p)) for probabilities ``p``, clipped to
    ``[epsilon, 1 - epsilon]`` so the log stays finite (Keras's choice)."""
    probs, target = _pair(probs, target, "binary_cross_entropy")
    p = ops.clip(probs, epsilon, 1.0 - epsilon)
    return -ops.mean(target * ops.log(p) + (1 - target) * ops.log(1 - p))


@marks_calls
def binary_cross_entropy_with_logits(logits: Any, target: Any) -> Any:
    """The same from logits, stable for any logit (TF's sigmoid_cross_entropy_with_logits):
    ``mean(max(x, 0) - x*t + log(1 + exp(-|x|)))``."""
    logits, target = _pair(logits, target, "binary_cross_entropy_with_logits")
    return ops.mean(ops.relu(logits) - logits * target
                    + ops.log(1 + ops.exp(-ops.abs(logits))))


def _one_hot(labels: np.ndarray, classes: int, dtype: np.dtype) -> np.ndarray:
    """Rows of the identity for integer class ids, which must be in [0, classes)."""
    if labels.size and (labels.min() < 0 or labels.max() >= classes):
        raise OpError(f"softmax_cross_entropy: labels must be in [0, {classes}), got "
                      f"values from {labels.min()} to {labels.max()}")
    return np.eye(classes, dtype=dtype)[labels]


@marks_calls
def softmax_cross_entropy(logits: Any, labels: Any) -> Any:
    """-mean(sum(onehot * log_softmax(logits))), stable for any logits.

    Args:
        logits: shape ``(N, C)`` (or ``(C,)`` for one example).
        labels: integer class ids of shape ``(N,)``, or one-hot / probability rows of
            shape ``(N, C)``.
    """
    shape = shape_of(logits)
    if len(shape) == 0:
        raise ShapeError("softmax_cross_entropy: logits must have a class axis, got a scalar")
    labels_data = np.asarray(data_of(labels))
    if labels_data.shape == shape[:-1] and labels_data.dtype.kind in "iub":
        dtype = np.asarray(data_of(logits)).dtype
        labels = plain(noted(_one_hot, labels_data, shape[-1], dtype))
    elif labels_data.shape != shape:
        raise ShapeError(f"softmax_cross_entropy: logits have shape {shape}; labels must be "
                         f"integer ids of shape {shape[:-1]} or one-hot of shape {shape}, got "
                         f"{labels_data.dtype} of shape {labels_data.shape}")
    elif not isinstance(labels, Node):
        labels = labels_data.astype(np.asarray(data_of(logits)).dtype, copy=False)
    return -ops.mean(ops.sum(labels * ops.log_softmax(logits, axis=-1), axis=-1))


@marks_calls
def hinge(pred: Any, target: Any) -> Any:
    """mean(max(0, 1 - t*y)) for labels t in {-1, +1} and raw scores y.

    Raises:
        OpError: a label is not -1 or +1 (for 0/1 labels pass ``2*t - 1``).
    """
    pred, target = _pair(pred, target, "hinge")
    t = np.asarray(data_of(target))
    if not np.all(np.abs(t) == 1):
        raise OpError("hinge: labels must be -1 or +1; for 0/1 labels pass 2 * labels - 1")
    return ops.mean(ops.relu(1 - target * pred))
