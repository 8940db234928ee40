"""``tf.keras``: the part of Keras the course's TF1 programs use (``tf.keras.regularizers``)."""

from __future__ import annotations

from ...missing import missing
from . import regularizers

__all__ = ["regularizers"]

__getattr__ = missing("tf.keras")
