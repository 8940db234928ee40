"""``tf.keras.activations``: the activations Keras layers take by name (``'relu'``,
``'softmax'``, ...), the engine's ops.

Keras's ``softmax`` remembers the logits it was given, and Keras's cross entropies use
them instead of the probabilities (``from_logits`` in effect, without the 1e-7 clipping):
``logits_of`` finds them, as Keras's ``_keras_logits`` attribute does.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any

from .... import ops
from ...._namespace import public_dir
from ....errors import DTypeError
from ....graph import Node
from ....nn import activations as nn_activations
from ...missing import missing

__all__ = ["relu", "sigmoid", "tanh", "softmax", "linear", "get"]

relu, sigmoid, tanh, linear = (nn_activations.relu, nn_activations.sigmoid,
                               nn_activations.tanh, nn_activations.identity)
_LOGITS: dict[int, Node] = {}  # id(softmax output) -> its logits, while the output lives


def softmax(x: Any, axis: int = -1) -> Node:
    """``exp(x) / sum(exp(x))`` along ``axis``; the result remembers ``x`` (last axis)."""
    out = ops.softmax(x, axis=axis)
    if axis in (-1, len(out.shape) - 1):
        _LOGITS[id(out)] = x
        weakref.finalize(out, _LOGITS.pop, id(out), None)
    return out


def logits_of(probabilities: Any) -> Node | None:
    """The logits a Keras ``softmax`` made ``probabilities`` from, else None."""
    return _LOGITS.get(id(probabilities))


KERAS_ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "relu": relu, "sigmoid": sigmoid, "tanh": tanh, "softmax": softmax, "linear": linear}


def get(identifier: str | Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """The activation for a name, a function (kept) or None (linear)."""
    if identifier is None:
        return linear
    if callable(identifier):
        return identifier
    if isinstance(identifier, str) and identifier in KERAS_ACTIVATIONS:
        return KERAS_ACTIVATIONS[identifier]
    raise DTypeError(f"unknown activation {identifier!r}; autograd_mini's tf.keras has "
                     f"{', '.join(KERAS_ACTIVATIONS)}, None, or a function")


__getattr__ = missing("tf.keras.activations")
__dir__ = public_dir(globals())
