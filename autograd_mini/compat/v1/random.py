"""TF1's seeded random tensors, ``random_normal`` and ``random_uniform``, drawn as TF draws them.

TF1 uses the Philox4x32-10 counter-based generator keyed by ``(graph seed, op seed)``
and Box-Muller for normals, so ``random_normal([2, 3], stddev=1, seed=1)`` gives the
numbers TF1 printed (seed 000's starting weights); float64 tensors hold the float32
numbers, widened. Each run of a random tensor in a ``Session`` continues the stream; a
new session starts it again.
"""

from __future__ import annotations

import math
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
    n = np.arange(start, start + blocks, dtype=np.uint64)
    c0, c1 = n & _LOW32, n >> np.uint64(32)
    c2 = np.full(blocks, seed2 & 0xFFFFFFFF, dtype=np.uint64)
    c3 = np.full(blocks, (seed2 >> 32) & 0xFFFFFFFF, dtype=np.uint64)
    k0, k1 = seed & 0xFFFFFFFF, (seed >> 32) & 0xFFFFFFFF
    for _ in range(10):
        p0, p1 = _M0 * c0, _M1 * c2  # 32 x 32 -> 64-bit products: (hi, lo) halves
        c0, c1, c2, c3 = ((p1 >> np.uint64(32)) ^ c1 ^ np.uint64(k0), p1 & _LOW32,
                          (p0 >> np.uint64(32)) ^ c3 ^ np.uint64(k1), p0 & _LOW32)
        k0, k1 = (k0 + _KEY_STEP[0]) & 0xFFFFFFFF, (k1 + _KEY_STEP[1]) & 0xFFFFFFFF
    return np.stack([c0, c1, c2, c3], axis=1).astype(np.uint32)


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


class RandomTensor(SymbolicTensor):
    """A tensor of fresh random numbers each time a session runs it."""

    __slots__ = ("seeds", "draw")

    def __init__(self, name: str, dtype: Any, shape: tuple, seed: int | None, draw: Any):
        super().__init__(name, dtype, shape, op="")
        self.seeds = _seeds(self.graph, seed)
        self.draw = draw  # float32 numbers from (philox bits) -> values of `shape`

    def _emit(self, plan: _Plan, code: Code) -> None:
        draws, size = plan.session._random_draws, int(np.prod(self.shape))
        seed, seed2 = self.seeds
        blocks = -(-size // 4)

        def draw() -> np.ndarray:
            n = draws.get(self, 0)
            draws[self] = n + 1
            bits = philox(seed, seed2, n * size * _RESERVE, blocks).reshape(-1)
            return self.draw(bits)[:size].reshape(self.shape).astype(self.dtype)

        code.line(f"{code.define(self)} = {code.bind(draw, 'draw_' + self.name)}()")


def random_normal(shape: Any, mean: float = 0.0, stddev: float = 1.0, dtype: Any = np.float32,
                  seed: int | None = None, name: str = "random_normal") -> RandomTensor:
    """Normal random numbers, ``mean + stddev * N(0, 1)`` in float32 as TF1 computes them."""
    mean32, std32 = np.float32(mean), np.float32(stddev)
    return RandomTensor(name, _dtype(dtype, name), _shape(shape, name), seed,
                        lambda bits: standard_normal(bits) * std32 + mean32)


def random_uniform(shape: Any, minval: float = 0.0, maxval: float = 1.0, dtype: Any = np.float32,
                   seed: int | None = None, name: str = "random_uniform") -> RandomTensor:
    """Uniform random numbers in ``[minval, maxval)``, as TF1 draws float32 ones."""
    low, width = np.float32(minval), np.float32(maxval) - np.float32(minval)
    return RandomTensor(name, _dtype(dtype, name), _shape(shape, name), seed,
                        lambda bits: uniform_bits(bits) * width + low)


def set_random_seed(seed: int) -> None:
    """Set the default graph's seed: random tensors without ``seed=`` become repeatable.

    With both seeds given the numbers are TF1's; with the graph seed alone TF1 derives
    op seeds from its own op count, which this graph does not reproduce.
    """
    get_default_graph().seed = seed


def _seeds(graph: Graph, op_seed: int | None) -> tuple[int, int]:
    if graph.seed is None and op_seed is None:  # unseeded: different every program run
        a, b = np.random.SeedSequence().generate_state(2, dtype=np.uint64)
        return int(a), int(b)
    if graph.seed is None:
        return DEFAULT_GRAPH_SEED, op_seed
    seeds = (graph.seed, len(graph.elements) if op_seed is None else op_seed)
    return (0, 2**31 - 1) if seeds == (0, 0) else seeds  # (0, 0) means "unseeded" in TF1


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
