"""``tf.keras.regularizers``: Keras's weight penalties on graph tensors. Keras's L2 is
``l2 * sum(w ** 2)``, without TF1's ``l2_regularizer``'s halving."""

from __future__ import annotations

from typing import Any

from ....errors import DTypeError
from ...missing import missing
from ..graph import SymbolicTensor
from ..math_ops import abs, multiply, reduce_sum, square

__all__ = ["L1", "L2", "l1", "l2"]


class L2:
    """``l2 * sum(w ** 2)`` for a weight tensor ``w`` (call the instance on it)."""

    def __init__(self, l2: float = 0.01):
        self.l2 = _factor(l2, "L2")

    def __call__(self, x: Any) -> SymbolicTensor:
        return multiply(self.l2, reduce_sum(square(x)))

    def get_config(self) -> dict:
        return {"l2": self.l2}


class L1:
    """``l1 * sum(|w|)`` for a weight tensor ``w`` (call the instance on it)."""

    def __init__(self, l1: float = 0.01):
        self.l1 = _factor(l1, "L1")

    def __call__(self, x: Any) -> SymbolicTensor:
        return multiply(self.l1, reduce_sum(abs(x)))

    def get_config(self) -> dict:
        return {"l1": self.l1}


l1, l2 = L1, L2  # Keras's lower-case names for the same classes


def _factor(value: Any, what: str) -> float:
    try:
        factor = float(value)
    except (TypeError, ValueError):
        raise DTypeError(f"{what}: the factor must be a number, got {value!r}") from None
    if not factor >= 0:
        raise DTypeError(f"{what}: the factor must be 0 or more, got {value!r}")
    return factor

__getattr__ = missing("tf.keras.regularizers")
