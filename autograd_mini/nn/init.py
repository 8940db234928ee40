"""Initializers: functions returning numpy arrays for a parameter's starting value.

Each takes ``shape``, a ``seed`` (an int, None, or a ``numpy.random.Generator`` to draw
from) so runs are reproducible, and a ``dtype`` (float32 by default). ``get_initializer`` turns the
names accepted by ``nn.Linear(init=...)`` into these functions.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import numpy as np

from ..errors import DTypeError, ShapeError

Seed = int | np.random.Generator | None
Shape = int | tuple[int, ...]


def rng_of(seed: Seed) -> np.random.Generator:
    """A Generator from an int seed, None (fresh entropy) or a Generator (used as is)."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or isinstance(seed, (int, np.integer)):
        return np.random.default_rng(seed)
    raise DTypeError(f"seed must be an int, None or a numpy.random.Generator, "
                     f"got {type(seed).__name__}")


def _shape(shape: Shape) -> tuple[int, ...]:
    shape = (shape,) if isinstance(shape, (int, np.integer)) else tuple(shape)
    if any(int(n) < 0 for n in shape):
        raise ShapeError(f"initializer: negative dimension in shape {shape}")
    return tuple(int(n) for n in shape)


def fans(shape: Shape) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight: ``(in, out)`` for a matrix; for a convolution kernel
    ``(..., in, out)`` times the receptive field size, as TensorFlow computes them."""
    shape = _shape(shape)
    if len(shape) == 0:
        return 1, 1
    if len(shape) == 1:
        return shape[0], shape[0]
    field = int(np.prod(shape[:-2]))
    return shape[-2] * field, shape[-1] * field


# ----- constants -------------------------------------------------------------------------


def zeros(shape: Shape, seed: Seed = None, dtype: Any = np.float32) -> np.ndarray:
    """All zeros (the usual bias init). ``seed`` is accepted for a uniform signature."""
    return np.zeros(_shape(shape), dtype=dtype)


def ones(shape: Shape, seed: Seed = None, dtype: Any = np.float32) -> np.ndarray:
    """All ones (``seed`` is ignored)."""
    return np.ones(_shape(shape), dtype=dtype)


def constant(shape: Shape, value: float = 0.0, seed: Seed = None,
             dtype: Any = np.float32) -> np.ndarray:
    """Every element equal to ``value`` (``seed`` is ignored)."""
    return np.full(_shape(shape), value, dtype=dtype)


# ----- random ----------------------------------------------------------------------------


def random_normal(shape: Shape, stddev: float = 1.0, mean: float = 0.0, seed: Seed = None,
                  dtype: Any = np.float32) -> np.ndarray:
    """Normal samples with the given mean and standard deviation (``tf.random_normal``)."""
    return rng_of(seed).normal(mean, stddev, _shape(shape)).astype(dtype)


def uniform(shape: Shape, low: float = -0.05, high: float = 0.05, seed: Seed = None,
            dtype: Any = np.float32) -> np.ndarray:
    """Uniform samples in ``[low, high)`` (Keras's ``RandomUniform`` defaults)."""
    return rng_of(seed).uniform(low, high, _shape(shape)).astype(dtype)


def glorot_normal(shape: Shape, seed: Seed = None, dtype: Any = np.float32) -> np.ndarray:
    """Glorot/Xavier normal: stddev ``sqrt(2 / (fan_in + fan_out))``.

    Note: untruncated, unlike TensorFlow's (which truncates at 2 stddev and rescales).
    """
    fan_in, fan_out = fans(shape)
    return random_normal(shape, np.sqrt(2.0 / max(fan_in + fan_out, 1)), seed=seed, dtype=dtype)


def glorot_uniform(shape: Shape, seed: Seed = None, dtype: Any = np.float32) -> np.ndarray:
    """Glorot/Xavier uniform: in ``[-l, l)`` with ``l = sqrt(6 / (fan_in + fan_out))``."""
    fan_in, fan_out = fans(shape)
    limit = np.sqrt(6.0 / max(fan_in + fan_out, 1))
    return uniform(shape, -limit, limit, seed=seed, dtype=dtype)


def he_normal(shape: Shape, seed: Seed = None, dtype: Any = np.float32) -> np.ndarray:
    """He/Kaiming normal, for ReLU nets: stddev ``sqrt(2 / fan_in)`` (untruncated)."""
    fan_in, _ = fans(shape)
    return random_normal(shape, np.sqrt(2.0 / max(fan_in, 1)), seed=seed, dtype=dtype)


def he_uniform(shape: Shape, seed: Seed = None, dtype: Any = np.float32) -> np.ndarray:
    """He/Kaiming uniform: in ``[-l, l)`` with ``l = sqrt(6 / fan_in)``."""
    fan_in, _ = fans(shape)
    limit = np.sqrt(6.0 / max(fan_in, 1))
    return uniform(shape, -limit, limit, seed=seed, dtype=dtype)


xavier_normal, xavier_uniform = glorot_normal, glorot_uniform
kaiming_normal, kaiming_uniform = he_normal, he_uniform

INITIALIZERS: dict[str, Callable[..., np.ndarray]] = {
    "zeros": zeros, "ones": ones, "random_normal": random_normal, "uniform": uniform,
    "glorot_normal": glorot_normal, "glorot_uniform": glorot_uniform,
    "xavier_normal": glorot_normal, "xavier_uniform": glorot_uniform,
    "he_normal": he_normal, "he_uniform": he_uniform,
    "kaiming_normal": he_normal, "kaiming_uniform": he_uniform,
}

def initial_value(init: Any, shape: Shape, rng: np.random.Generator,
                  dtype: Any = np.float32) -> np.ndarray:
    """A parameter's starting array from ``init``: a name in ``INITIALIZERS``, a function
    ``f(shape, seed=..., dtype=...)`` (or ``f(shape)``), or the values themselves.

    Raises:
        ShapeError: the given values do not have ``shape``.
    """
    shape = _shape(shape)
    if isinstance(init, str):
        fn = INITIALIZERS.get(init)
        if fn is None:
            raise DTypeError(f"unknown initializer {init!r}; choose one of "
                             f"{', '.join(sorted(INITIALIZERS))}, or pass a function or an array")
        return fn(shape, seed=rng, dtype=dtype)
    if callable(init):
        params = inspect.signature(init).parameters
        kwargs = {k: v for k, v in (("seed", rng), ("dtype", dtype)) if k in params}
        return np.asarray(init(shape, **kwargs), dtype=dtype)
    values = np.array(getattr(init, "data", init), dtype=dtype)
    if values.shape != shape:
        raise ShapeError(f"initial values have shape {values.shape}, the parameter needs {shape}")
    return values
