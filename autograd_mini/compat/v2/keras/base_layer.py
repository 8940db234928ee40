"""``Layer``, the base of every ``tf.keras`` layer and model: a name, weights made on the
first call from the input's shape (``build``), and Keras 3's ``training`` flag.

The flag reaches nested layers through the call, as in Keras 3: ``layer(x, training=True)``
sets it for every layer called inside; left out, a layer takes its caller's, and at the
top it is None, which ``BatchNormalization`` and ``Dropout`` read as inference. ``fit``
calls the model with ``training=True`` only if its ``call`` has a ``training`` parameter,
so a subclassed model whose ``call(self, x)`` has none trains its batch norms and
dropouts in inference mode (TF 2.21's Keras 3 does so; Keras 2 did not): write
``call(self, x, training=None)`` to train them.
"""

from __future__ import annotations

import inspect
import re
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ....errors import DTypeError, ShapeError
from ....graph import Node
from ..tensor import EagerTensor, Variable
from . import initializers

_NAMES: Counter[str] = Counter()  # how many layers took each base name: dense, dense_1, ...
_CONTEXT = threading.local()  # .training of the layer call under way (None at the top)


def snake_case(name: str) -> str:
    """Keras's layer name for a class name: ``MaxPooling2D`` -> ``max_pooling2d``."""
    name = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", re.sub(r"\W+", "", name))
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", name).lower()


def unique_name(base: str) -> str:
    """``base`` the first time, then ``base_1``, ``base_2``, ... (``clear_session`` resets)."""
    count = _NAMES[base]
    _NAMES[base] += 1
    return base if count == 0 else f"{base}_{count}"


def clear_session() -> None:
    """``tf.keras.backend.clear_session``: layer and model names start again from ``dense``."""
    _NAMES.clear()


@contextmanager
def _setting(name: str, value: Any) -> Iterator[None]:
    """Set ``_CONTEXT.name`` to ``value`` inside the block."""
    outer = getattr(_CONTEXT, name, None)
    setattr(_CONTEXT, name, value)
    try:
        yield
    finally:
        setattr(_CONTEXT, name, outer)


def training_flag(training: bool | None) -> Any:
    """Make ``training`` the flag of every layer called inside."""
    return _setting("training", training)


def in_loop() -> Any:
    """Mark calls made by fit/evaluate/predict: Keras builds there with batch size None
    (its ``summary`` shows ``(None, ...)``), while ``model(x)`` builds with ``len(x)``."""
    return _setting("in_loop", True)


def as_input(x: Any) -> Node:
    """A layer's input as a float32 tensor (Keras casts numpy floats and ints so)."""
    if isinstance(x, Node):
        return x if x.data.dtype == np.float32 else EagerTensor(x.data.astype(np.float32))
    arr = np.asarray(getattr(x, "numpy", lambda: x)())
    if arr.dtype.kind not in "fiub":
        raise DTypeError(f"a Keras layer takes numbers, got an array of dtype {arr.dtype}")
    return EagerTensor(arr.astype(np.float32))


class Layer:
    """A Keras layer: subclass it, make weights in ``build(input_shape)`` with
    ``add_weight``, compute in ``call(x)`` (add ``training=None`` to see the flag)."""

    # Keras 3 builds layers without weights (activations, pools, dropout) when they are
    # made, so in a subclassed model's summary their output shape is "?"
    _shape_known_in_subclass = True

    def __init__(self, name: str | None = None, trainable: bool = True,
                 input_shape: Any = None, dtype: Any = None, **kwargs: Any):
        if kwargs:
            raise DTypeError(f"{type(self).__name__}: unknown argument(s) "
                             f"{', '.join(sorted(kwargs))}")
        if dtype not in (None, "float32", np.float32):
            raise DTypeError(f"{type(self).__name__}: autograd_mini's Keras layers compute in "
                             f"float32, got dtype={dtype!r}")
        self.name = name or unique_name(snake_case(type(self).__name__))
        self.trainable = trainable
        self.built = False
        self.input_shape_arg = None if input_shape is None else tuple(input_shape)
        self.output_shape: tuple | None = None
        self._weights: list[tuple[Variable, bool]] = []  # (variable, trainable), made order
        self._regularizers: list[tuple[Variable, Callable[[Any], Any]]] = []
        self._takes_training = "training" in inspect.signature(self.call).parameters

    # ----- weights -------------------------------------------------------------------------

    def add_weight(self, name: str, shape: tuple[int, ...], initializer: Any = "zeros",
                   trainable: bool = True, regularizer: Any = None) -> Variable:
        """A new float32 variable of the layer, from ``initializer`` (a name or function)."""
        value = np.asarray(initializers.get(initializer)(tuple(shape), np.float32),
                           dtype=np.float32)
        var = Variable(value, trainable=trainable, name=name)
        self._weights.append((var, trainable))
        if regularizer is not None:
            self._regularizers.append((var, regularizer))
        return var

    def _own_weights(self, trainable: bool | None) -> list[Variable]:
        return [v for v, t in self._weights
                if trainable is None or (t and self.trainable) == trainable]

    @property
    def weights(self) -> list[Variable]:
        """Every variable, trainable first, then the rest (moving statistics)."""
        return self.trainable_weights + self.non_trainable_weights

    @property
    def trainable_weights(self) -> list[Variable]:
        return self._own_weights(True)

    @property
    def non_trainable_weights(self) -> list[Variable]:
        return self._own_weights(False)

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def losses(self) -> list[Node]:
        """The weight penalties (``kernel_regularizer``...), from the weights as they are."""
        return [fn(var) for var, fn in self._regularizers]

    def count_params(self) -> int:
        return int(sum(v.data.size for v in self.weights))

    def get_weights(self) -> list[np.ndarray]:
        """Copies of ``weights``' values, in order."""
        return [v.numpy() for v in self.weights]

    def set_weights(self, weights: list[Any]) -> None:
        """Copy ``weights`` (arrays in ``weights``' order) into the variables, all or none."""
        own = self.weights
        if not self.built or len(weights) != len(own):
            state = "is not built yet (call it once)" if not self.built else \
                f"has {len(own)} weights"
            raise ShapeError(f"{self.name}.set_weights: got {len(weights)} arrays, the layer "
                             f"{state}")
        arrays = [np.asarray(w, dtype=np.float32) for w in weights]
        for var, arr in zip(own, arrays):
            if arr.shape != var.shape:
                raise ShapeError(f"{self.name}.set_weights: weight '{var.name}' has shape "
                                 f"{var.shape}, got an array of shape {arr.shape}")
        for var, arr in zip(own, arrays):
            var.assign(arr)

    # ----- calling -----------------------------------------------------------------------

    def build(self, input_shape: tuple[int, ...]) -> None:
        """Make the weights for inputs of ``input_shape`` (none by default)."""

    def call(self, x: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define call()")

    def __call__(self, x: Any, training: bool | None = None) -> Any:
        x = as_input(x)
        if not self.built:
            self.build(tuple(x.shape))
            self.built = True
        if training is None:
            training = getattr(_CONTEXT, "training", None)
        with training_flag(training):
            y = self.call(x, training=training) if self._takes_training else self.call(x)
        if isinstance(y, Node) and self.output_shape is None:  # Keras shows the build's
            batch = None if getattr(_CONTEXT, "in_loop", False) else y.shape[0]
            self.output_shape = (batch, *y.shape[1:])
        return y

    def __repr__(self) -> str:
        return f"<{type(self).__name__} name={self.name}, built={self.built}>"
