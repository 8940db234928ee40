"""``tf.keras.regularizers`` of TF2: Keras's weight penalties on eager tensors, the same
classes as compat.v1's (``l2 * sum(w ** 2)``, ``l1 * sum(|w|)``) computed with the
engine's ops so that a tape records them."""

from __future__ import annotations

from typing import Any

from .... import ops
from ...._namespace import public_dir
from ....graph import Node
from ...missing import missing
from ...v1.keras import regularizers as graph_regularizers

__all__ = ["L1", "L2", "l1", "l2"]


class L2(graph_regularizers.L2):
    """``l2 * sum(w ** 2)`` (``l2`` defaults to 0.01, Keras's)."""

    def __call__(self, x: Any) -> Node:
        return self.l2 * ops.sum(ops.square(x))


class L1(graph_regularizers.L1):
    """``l1 * sum(|w|)`` (``l1`` defaults to 0.01, Keras's)."""

    def __call__(self, x: Any) -> Node:
        return self.l1 * ops.sum(ops.abs(x))


l1, l2 = L1, L2

__getattr__ = missing("tf.keras.regularizers")
__dir__ = public_dir(globals())
