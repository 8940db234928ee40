"""``tf.contrib``: the few contributed TF1 helpers the course uses (``tf.contrib.layers``)."""

from __future__ import annotations

from ...missing import missing
from . import layers

__all__ = ["layers"]

__getattr__ = missing("tf.contrib")
