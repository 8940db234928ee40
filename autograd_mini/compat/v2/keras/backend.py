"""``tf.keras.backend``: ``clear_session`` (layer names start again from ``dense``) and
Keras's ``epsilon``/``floatx`` constants."""

from __future__ import annotations

from ...._namespace import public_dir
from ...missing import missing
from .base_layer import clear_session
from .losses import EPSILON

__all__ = ["clear_session", "epsilon", "floatx"]


def epsilon() -> float:
    """The fuzz factor Keras clips probabilities with: 1e-7."""
    return EPSILON


def floatx() -> str:
    """The dtype Keras layers compute in: 'float32'."""
    return "float32"


__getattr__ = missing("tf.keras.backend")
__dir__ = public_dir(globals())
