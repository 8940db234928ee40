"""``tf.random`` of TF2: eager ``normal``, ``uniform``, ``truncated_normal`` and ``set_seed``.

The numbers are TensorFlow 2's, from TF1's Philox kernels (``compat.v1.random``) with TF2's
eager seeding:

- an op's seeds are ``(global seed, op seed)``; with only an op seed the global one is
  87654321; with only a global seed the op seed is the next draw of a Python
  ``random.Random(global seed)`` (TF's per-context operation seeds); with neither, fresh
  entropy each run;
- TF caches one kernel per seed pair (and op, dtype), so calling the same seeded op again
  continues its stream: each call starts 256 counter blocks per element further on;
- ``set_seed`` restarts the operation seeds and forgets every stream.

float64 tensors hold the float32 numbers widened; TF's float64 kernels draw other numbers.
"""

from __future__ import annotations

import random as _py_random
from collections.abc import Callable
from typing import Any

import numpy as np

from ..._namespace import public_dir
from ..missing import missing
from ..v1.random import (
    _RESERVE,
    DEFAULT_GRAPH_SEED,
    _shape,
    philox,
    standard_normal,
    truncated_standard_normal,
    uniform_bits,
)
from .tensor import EagerTensor, as_dtype, float32

__all__ = ["set_seed", "normal", "uniform", "truncated_normal"]

_MAXINT32 = 2**31 - 1


class _Seeds:
    """The eager context's random state: global seed, op-seed generator, kernel streams."""

    def __init__(self) -> None:
        self.reset(None)

    def reset(self, seed: int | None) -> None:
        self.global_seed = seed
        self.op_seeds = _py_random.Random(seed)
        self.streams: dict[tuple, int] = {}  # (kernel, seed, seed2) -> next counter block

    def pair(self, op_seed: int | None) -> tuple[int, int] | None:
        """TF2's ``get_seed``: the kernel's (seed, seed2), or None for fresh entropy."""
        if self.global_seed is None:
            return None if op_seed is None else (DEFAULT_GRAPH_SEED, int(op_seed))
        if op_seed is None:
            op_seed = self.op_seeds.randint(0, _MAXINT32)
        seeds = (int(self.global_seed), int(op_seed))
        return (0, _MAXINT32) if seeds == (0, 0) else seeds  # (0, 0) would mean unseeded

    def start(self, kernel: tuple, seeds: tuple[int, int], size: int) -> int:
        """The first counter block of this call of a cached kernel; reserves the next."""
        key = (kernel, *seeds)
        first = self.streams.get(key, 0)
        self.streams[key] = first + size * _RESERVE
        return first


_STATE = _Seeds()


def set_seed(seed: int) -> None:
    """``tf.random.set_seed``: make every later random op repeatable from here on."""
    _STATE.reset(None if seed is None else int(seed))


def _draw(kind: str, shape: Any, dtype: Any, seed: int | None,
          sample: Callable[[int, int, int, int], np.ndarray]) -> tuple[np.ndarray, np.dtype]:
    dims = _shape(shape, f"tf.random.{kind}")
    dt = as_dtype(dtype).dtype
    if dt.kind != "f":
        raise TypeError(f"tf.random.{kind}: dtype must be a float dtype, got {dt}")
    size = int(np.prod(dims))
    seeds = _STATE.pair(seed)
    if seeds is None:
        a, b = np.random.SeedSequence().generate_state(2, dtype=np.uint64)
        seeds, first = (int(a), int(b)), 0
    else:
        first = _STATE.start((kind, dt.name), seeds, size)
    return sample(*seeds, first, size).reshape(dims), dt


def _bits(seed: int, seed2: int, first: int, size: int) -> np.ndarray:
    return philox(seed, seed2, first, -(-size // 4)).reshape(-1)


def normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = float32,
           seed: int | None = None, name: str | None = None) -> EagerTensor:
    """``tf.random.normal``: ``mean + stddev * N(0, 1)``, TF's float32 numbers."""
    z, dt = _draw("normal", shape, dtype, seed,
                  lambda s, s2, first, n: standard_normal(_bits(s, s2, first, n))[:n])
    return EagerTensor((z * np.float32(stddev) + np.float32(mean)).astype(dt))


def uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = float32,
            seed: int | None = None, name: str | None = None) -> EagerTensor:
    """``tf.random.uniform``: floats in ``[minval, maxval)``, TF's float32 numbers."""
    u, dt = _draw("uniform", shape, dtype, seed,
                  lambda s, s2, first, n: uniform_bits(_bits(s, s2, first, n))[:n])
    width = np.float32(maxval) - np.float32(minval)
    return EagerTensor((u * width + np.float32(minval)).astype(dt))


def truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = float32,
                     seed: int | None = None, name: str | None = None) -> EagerTensor:
    """``tf.random.truncated_normal``: normals redrawn beyond 2 standard deviations, TF's
    float32 numbers (compat.v1's sampler, TF2's eager seeds)."""
    z, dt = _draw("truncated_normal", shape, dtype, seed, truncated_standard_normal)
    return EagerTensor((z * np.float32(stddev) + np.float32(mean)).astype(dt))


__getattr__ = missing("tf.random")
__dir__ = public_dir(globals())
