"""``tf.contrib.layers``: TF1's weight regularizers, functions of a weight tensor that give its
penalty (added to the loss, often through a collection)."""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

from ....errors import DTypeError
from ...missing import missing
from ..graph import SymbolicTensor
from ..losses import l2_loss
from ..math_ops import abs, multiply, reduce_sum

__all__ = ["l2_regularizer", "l1_regularizer"]


def l2_regularizer(scale: float, scope: str | None = None) -> Callable[[Any], Any]:
    """A function giving ``scale * sum(w ** 2) / 2`` for a weight tensor ``w`` (TF1's
    form: half the squared norm); a scale of 0 gives a function returning None.

    Raises:
        DTypeError: ``scale`` is not a number, or is negative.
    """
    _check_scale(scale, "l2_regularizer")
    if scale == 0:
        return lambda weights: None
    return lambda weights: multiply(scale, l2_loss(weights), name=scope)


def l1_regularizer(scale: float, scope: str | None = None) -> Callable[[Any], Any]:
    """A function giving ``scale * sum(|w|)`` for a weight tensor ``w``; for a scale of 0, None."""
    _check_scale(scale, "l1_regularizer")
    if scale == 0:
        return lambda weights: None
    return lambda weights: multiply(scale, reduce_sum(abs(weights)), name=scope)


def _check_scale(scale: Any, what: str) -> None:
    if isinstance(scale, SymbolicTensor) or not isinstance(scale, Real) or isinstance(scale, bool):
        raise DTypeError(f"{what}: scale must be a number, got {scale!r}")
    if scale < 0:
        raise DTypeError(f"{what}: scale must be 0 or more, got {scale}")


__getattr__ = missing("tf.contrib.layers")
