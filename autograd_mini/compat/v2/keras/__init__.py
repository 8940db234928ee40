"""``tf.keras`` of TF2 (Keras 3), the part the GradientTape chapters use: ``losses`` and
``optimizers`` (``SGD``, ``Adam`` with ``apply_gradients``)."""

from __future__ import annotations

from ...missing import missing
from . import losses, optimizers

__all__ = ["losses", "optimizers"]

__getattr__ = missing("tf.keras")
