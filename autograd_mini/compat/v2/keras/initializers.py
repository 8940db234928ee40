"""``tf.keras.initializers``: Keras's defaults, ``GlorotUniform`` for kernels and ``Zeros``
for biases (and ``Ones``), drawn from the compat layer's ``tf.random``.

Keras 3 seeds its initializers from Python's ``random`` module, so its starting weights
cannot be reproduced here; ``tf.random.set_seed`` makes ours repeatable run to run. To
start from TensorFlow's weights, copy them in with ``set_weights``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from ...._namespace import public_dir
from ....errors import DTypeError
from ....nn.init import fans
from ...missing import missing
from .. import random

__all__ = ["GlorotUniform", "Zeros", "Ones", "glorot_uniform", "zeros", "ones", "get"]


class GlorotUniform:
    """Uniform in ``[-l, l)``, ``l = sqrt(6 / (fan_in + fan_out))`` (fans over the kernel's
    receptive field), as ``tf.random.uniform`` draws it."""

    def __init__(self, seed: int | None = None):
        self.seed = seed

    def __call__(self, shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
        fan_in, fan_out = fans(shape)
        limit = float(np.sqrt(6.0 / max(fan_in + fan_out, 1)))
        return random.uniform(shape, -limit, limit, dtype=dtype, seed=self.seed).numpy()


class Zeros:
    """All zeros."""

    def __call__(self, shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
        return np.zeros(shape, dtype)


class Ones:
    """All ones."""

    def __call__(self, shape: tuple[int, ...], dtype: Any = np.float32) -> np.ndarray:
        return np.ones(shape, dtype)


glorot_uniform, zeros, ones = GlorotUniform, Zeros, Ones
_BY_NAME: dict[str, type] = {"glorot_uniform": GlorotUniform, "zeros": Zeros, "ones": Ones}


def get(identifier: Any) -> Callable[..., np.ndarray]:
    """An initializer from its name, class or instance (or any ``f(shape, dtype)``)."""
    if isinstance(identifier, str) and identifier in _BY_NAME:
        return _BY_NAME[identifier]()
    if isinstance(identifier, type) and identifier in _BY_NAME.values():
        return identifier()
    if callable(identifier):
        return identifier
    raise DTypeError(f"unknown initializer {identifier!r}; autograd_mini's tf.keras has "
                     f"{', '.join(_BY_NAME)}, or pass a function f(shape, dtype)")


__getattr__ = missing("tf.keras.initializers")
__dir__ = public_dir(globals())
