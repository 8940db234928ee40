"""TF1's seeded random tensors, ``random_normal``, ``truncated_normal`` and ``random_uniform``,
drawn as TF draws them.

TF1 uses the Philox4x32-10 counter-based generator keyed by ``(graph seed, op seed)``
and Box-Muller for normals, so ``random_normal([2, 3], stddev=1, seed=1)`` gives the
numbers TF1 printed (seed 000's starting weights); float64 numbers take two words each,
as TF's double kernels do. Each run of a random tensor in a ``Session`` continues the
stream; a new session starts it again.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import DTypeError, ShapeError
from ...tensor import FLOAT_DTYPES
from .graph import Graph, SymbolicTensor, get_default_graph

if TYPE_CHECKING:
    from .compile import Code
    from .session import _Plan

DEFAULT_GRAPH_SEED = 87654321  # TF1's graph seed when only an op seed is given
_M0, _M1 = np.uint64(0xD2511F53), np.uint64(0xCD9E8D57)  # Philox multipliers
_KEY_STEP = (0x9E3779B9, 0xBB67AE85)  # Weyl increments of the key, one per round
_LOW32 = np.uint64(0xFFFFFFFF)
_RESERVE = 256  # counter steps TF reserves per output element on each run


def philox(seed: int, seed2: int, start: int, blocks: int) -> np.ndarray:
    """Philox4x32-10 for counters ``start ... start+blocks-1``: ``(blocks, 4)`` uint32.

    The key is ``seed``; ``seed2`` fills the counter's high 64 bits, as in TF1.
    """
    return philox_at(seed, seed2, np.arange(start, start + blocks, dtype=np.uint64))


def philox_at(seed: int, seed2: int, counters: np.ndarray) -> np.ndarray:
    """Philox4x32-10 for any uint64 ``counters`` (the low 64 bits): ``(*shape, 4)`` uint32."""
    n = counters.astype(np.uint64)
    c0, c1 = n & _LOW32, n >> np.uint64(32)
    c2 = np.full(n.shape, seed2 & 0xFFFFFFFF, dtype=np.uint64)
    c3 = np.full(n.shape, (seed2 >> 32) & 0xFFFFFFFF, dtype=np.uint64)
    k0, k1 = seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF
    for _ in range(10):
        p0, p1 = _M0 * c0, _M1 * c2  # 32 x 32 -> 64-bit products: (hi, lo) halves
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0), p1 & _LOW32,
                          (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1), p0 & _LOW32)
        k0, k1 = (k0 + _KEY_STEP[0]) & 0xFFFFFFFF, (k1 + _KEY_STEP[1]) & 0xFFFFFFFF
    return np.stack([c0, c1, c2, c3], axis=-1).astype(np.uint32)


def uniform_bits(bits: np.ndarray) -> np.ndarray:
    """uint32 -> float32 in [0, 1): 23 random mantissa bits under exponent 0, minus 1."""
    return ((bits & np.uint32(0x7FFFFF)) | np.uint32(0x3F800000)).view(np.float32) - 1


def standard_normal(bits: np.ndarray) -> np.ndarray:
    """Box-Muller on pairs of uint32, rounded to float32 where TF's float code rounds."""
    u1 = np.maximum(uniform_bits(bits[0::2]), np.float32(1e-7)).astype(np.float64)
    u2 = uniform_bits(bits[1::2]).astype(np.float64)
    v = (2 * math.pi * u2).astype(np.float32).astype(np.float64)
    r = np.sqrt(np.float32(-2.0) * np.log(u1).astype(np.float32)).astype(np.float32)
    out = np.empty(bits.size, dtype=np.float32)
    out[0::2] = np.sin(v).astype(np.float32) * r
    out[1::2] = np.cos(v).astype(np.float32) * r
    return out


def uniform_bits64(bits: np.ndarray) -> np.ndarray:
    """Pairs of uint32 -> float64 in [0, 1): 20 + 32 mantissa bits under exponent 0, minus 1."""
    high = (bits[0::2] & np.uint32(0xFFFFF)).astype(np.uint64) << np.uint64(32)
    man = high | bits[1::2].astype(np.uint64)
    return (man | np.uint64(1023 << 52)).view(np.float64) - 1


def standard_normal64(bits: np.ndarray) -> np.ndarray:
    """Box-Muller in float64 on groups of 4 uint32 (two uniforms of 2 words each)."""
    u = uniform_bits64(bits)
    u1, v = np.maximum(u[0::2], 1e-7), 2 * math.pi * u[1::2]
    r = np.sqrt(-2.0 * np.log(u1))
    out = np.empty(u.size, dtype=np.float64)
    out[0::2], out[1::2] = np.sin(v) * r, np.cos(v) * r
    return out


def truncated_standard_normal(seed: int, seed2: int, start: int, size: int,
                              double: bool = False) -> np.ndarray:
    """``size`` N(0, 1) numbers within (-2, 2), as TF1's truncated normal draws them: each
    group of 4 outputs (2 in float64) reads its own stretch of counters, taking
    Box-Muller numbers in order and dropping those of size 2 or more."""
    group, normals_of = (2, standard_normal64) if double else (4, standard_normal)
    groups = -(-size // group)
    out = np.empty((groups, group), dtype=np.float64 if double else np.float32)
    todo, blocks = np.arange(groups, dtype=np.uint64), 4  # 16 words: almost always enough
    while todo.size:
        counters = np.uint64(start) + todo[:, None] * np.uint64(group * _RESERVE // 4) + \
            np.arange(blocks, dtype=np.uint64)
        normals = normals_of(philox_at(seed, seed2, counters).reshape(-1))
        normals = normals.reshape(todo.size, -1)
        kept = np.abs(normals) < 2
        taken = kept & (np.cumsum(kept, axis=1) <= group)
        done = taken.sum(axis=1) == group
        out[todo[done].astype(np.intp)] = normals[done][taken[done]].reshape(-1, group)
        todo, blocks = todo[~done], 2 * blocks
    return out.reshape(-1)[:size]


Sampler = Callable[[int, int, int, int], np.ndarray]  # (seed, seed2, start, size) -> numbers


def _per_block(numbers: Callable[[np.ndarray], np.ndarray], per_block: int = 4) -> Sampler:
    """A sampler turning each counter's 4 words into ``per_block`` numbers."""
    return lambda seed, seed2, start, size: numbers(
        philox(seed, seed2, start, -(-size // per_block)).reshape(-1))[:size]


class RandomTensor(SymbolicTensor):
    """A tensor of fresh random numbers each time a session runs it."""

    __slots__ = ("seeds", "sample")

    def __init__(self, name: str, dtype: Any, shape: tuple, seed: int | None, sample: Sampler):
        super().__init__(name, dtype, shape, op="")
        self.seeds = _seeds(self.graph, seed)
        self.sample = sample  # float32 numbers from the counters from `start` on

    def _emit(self, plan: _Plan, code: Code) -> None:
        draws, size = plan.session._random_draws, int(np.prod(self.shape))
        seed, seed2 = self.seeds

        def draw() -> np.ndarray:
            n = draws.get(self, 0)
            draws[self] = n + 1
            numbers = self.sample(seed, seed2, n * size * _RESERVE, size)
            return numbers.reshape(self.shape).astype(self.dtype)

        code.line(f"{code.define(self)} = {code.bind(draw, 'draw_' + self.name)}()")


def random_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = np.float32,
                  seed: int | None = None, name: str = "random_normal") -> RandomTensor:
    """Normal random numbers, ``mean + stddev * N(0, 1)`` computed in ``dtype`` as TF1 does."""
    dt = _dtype(dtype, name)
    mean, std = dt.type(mean), dt.type(stddev)
    normal = _per_block(standard_normal64, 2) if dt == np.float64 else _per_block(standard_normal)
    return RandomTensor(name, dt, _shape(shape, name), seed, lambda *at: normal(*at) * std + mean)


def truncated_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0,
                     dtype: Any = np.float32, seed: int | None = None,
                     name: str = "truncated_normal") -> RandomTensor:
    """Normal random numbers redrawn until within two ``stddev`` of ``mean``, as TF1's."""
    dt = _dtype(dtype, name)
    mean, std, double = dt.type(mean), dt.type(stddev), dt == np.float64
    return RandomTensor(name, dt, _shape(shape, name), seed,
                        lambda *at: truncated_standard_normal(*at, double=double) * std + mean)


def random_uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = np.float32,
                   seed: int | None = None, name: str = "random_uniform") -> RandomTensor:
    """Uniform random numbers in ``[minval, maxval)``, as TF1 draws them."""
    dt = _dtype(dtype, name)
    low, width = dt.type(minval), dt.type(maxval) - dt.type(minval)
    uniform = _per_block(uniform_bits64, 2) if dt == np.float64 else _per_block(uniform_bits)
    return RandomTensor(name, dt, _shape(shape, name), seed,
                        lambda *at: uniform(*at) * width + low)


def set_random_seed(seed: int) -> None:
    """Set the default graph's seed: random tensors without ``seed=`` become repeatable.

    Such a tensor takes the number of earlier ones in the graph as its op seed, as
    TensorFlow 2's ``tf.compat.v1`` does (TF 1.x counted every op instead).
    """
    get_default_graph().seed = seed


_MAXINT32 = 2**31 - 1


def _seeds(graph: Graph, op_seed: int | None) -> tuple[int, int]:
    """The (graph seed, op seed) pair TF derives for a random op (``random_seed.get_seed``)."""
    if graph.seed is None and op_seed is None:  # unseeded: different every program run
        a, b = np.random.SeedSequence().generate_state(2, dtype=np.uint64)
        return int(a), int(b)
    if graph.seed is None:
        return DEFAULT_GRAPH_SEED, int(op_seed) % _MAXINT32
    if op_seed is None:
        op_seed, graph.unseeded_random = graph.unseeded_random, graph.unseeded_random + 1
    seeds = (int(graph.seed) % _MAXINT32, int(op_seed) % _MAXINT32)
    return (0, _MAXINT32) if seeds == (0, 0) else seeds  # (0, 0) means "unseeded" in TF1


def _dtype(dtype: Any, what: str) -> np.dtype:
    dt = np.dtype(dtype)
    if dt not in FLOAT_DTYPES:
        raise DTypeError(f"{what}: dtype must be float32 or float64, got {dt}")
    return dt


def _shape(shape: Any, what: str) -> tuple[int, ...]:
    dims = tuple(int(n) for n in np.atleast_1d(shape)) if np.ndim(shape) else (int(shape),)
    if any(n < 0 for n in dims):
        raise ShapeError(f"{what}: shape {dims} has a negative size")
    return dims
