"""``tf.data.Dataset`` of TF2, the part the course uses: ``from_tensor_slices``, ``batch``,
``shuffle``, ``repeat``, ``take``; iterating gives EagerTensors (a tuple per element when the
dataset was made from a tuple).

``shuffle(buffer_size, seed=s)`` gives TensorFlow's order on every pass: TF's ring buffer
takes element ``start + u % n`` for each Philox uint32 ``u``; with
``reshuffle_each_iteration`` (the default) pass k draws from Philox keyed by the uint32
numbers 2k and 2k+1 of the op's own seeds, as TF's seed generator does (checked against
recorded TF orders in tests/test_compat_v2.py).
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..._namespace import public_dir
from ...errors import ShapeError
from ..missing import missing
from ..v1.random import philox
from .random import _STATE
from .tensor import EagerTensor, _infer

__all__ = ["Dataset"]


class Dataset:
    """A re-iterable sequence of elements, each a structure of arrays."""

    def __init__(self, elements: Callable[[int], Iterator[Any]], structure: str):
        self._elements = elements  # pass number -> iterator of elements (tuples of arrays)
        self._structure = structure  # "tuple", "dict" or "single"
        self._passes = 0
        self._keys: list | None = None  # a dict dataset's keys

    @staticmethod
    def from_tensor_slices(tensors: Any, name: str | None = None) -> Dataset:
        """One element per row (first axis) of ``tensors``: an array (a list counts as one),
        or a tuple or dict of arrays with the same number of rows."""
        if isinstance(tensors, dict):
            keys, parts, structure = list(tensors), list(tensors.values()), "dict"
        elif isinstance(tensors, tuple):  # a list is one tensor, as in TF
            keys, parts, structure = None, list(tensors), "tuple"
        else:
            keys, parts, structure = None, [tensors], "single"
        arrays = [np.asarray(_infer(p)) for p in parts]
        rows = {a.shape[0] if a.ndim else None for a in arrays}
        if None in rows or len(rows) != 1:
            raise ShapeError(f"from_tensor_slices: every part needs the same number of rows, "
                             f"got shapes {[a.shape for a in arrays]}")
        (n,) = rows

        def elements(_: int) -> Iterator[Any]:
            for i in range(n):
                yield tuple(a[i] for a in arrays)

        data = Dataset(elements, structure)
        data._keys = keys
        return data


    def _derive(self, elements: Callable[[int], Iterator[Any]]) -> Dataset:
        out = Dataset(elements, self._structure)
        out._keys = self._keys
        return out

    def batch(self, batch_size: int, drop_remainder: bool = False,
              name: str | None = None) -> Dataset:
        """Consecutive elements stacked in groups of ``batch_size`` (the last may be short)."""
        size = int(batch_size)
        if size < 1:
            raise ShapeError(f"batch: batch_size must be at least 1, got {batch_size}")

        def elements(k: int) -> Iterator[Any]:
            group: list = []
            for e in self._elements(k):
                group.append(e)
                if len(group) == size:
                    yield tuple(np.stack(parts) for parts in zip(*group))
                    group = []
            if group and not drop_remainder:
                yield tuple(np.stack(parts) for parts in zip(*group))

        return self._derive(elements)

    def shuffle(self, buffer_size: int, seed: int | None = None,
                reshuffle_each_iteration: bool = True, name: str | None = None) -> Dataset:
        """Elements in random order through a buffer of ``buffer_size``, in TensorFlow's
        order (see the module docstring); each pass reshuffles unless told not to."""
        size = int(buffer_size)
        if size < 1:
            raise ShapeError(f"shuffle: buffer_size must be at least 1, got {buffer_size}")
        seeds = _STATE.pair(seed)
        if seeds is None:
            a, b = np.random.SeedSequence().generate_state(2, dtype=np.uint64)
            seeds = (int(a), int(b))

        def elements(k: int) -> Iterator[Any]:
            draws = _uint32s(*seeds)
            if reshuffle_each_iteration:  # pass k's seeds: draws 2k and 2k+1 of the op's
                for _ in range(2 * k):
                    next(draws)
                draws = _uint32s(next(draws), next(draws))
            source, buffer, start = self._elements(k), [None] * size, 0
            end = 0
            for e in source:  # fill the ring buffer
                buffer[end % size] = e
                end += 1
                if end - start == size:
                    break
            while end > start:
                index = (start + next(draws) % (end - start)) % size
                yield buffer[index]
                buffer[index] = buffer[start % size]
                start += 1
                e = next(source, None)
                if e is not None:
                    buffer[end % size] = e
                    end += 1

        return self._derive(elements)

    def repeat(self, count: int | None = None, name: str | None = None) -> Dataset:
        """The data ``count`` times over (forever when None)."""

        def elements(k: int) -> Iterator[Any]:
            n = 0
            while count is None or n < count:
                yield from self._elements(k * (count or 1) + n)
                n += 1

        return self._derive(elements)

    def take(self, count: int, name: str | None = None) -> Dataset:
        """At most the first ``count`` elements."""

        def elements(k: int) -> Iterator[Any]:
            for i, e in enumerate(self._elements(k)):
                if i >= count:
                    return
                yield e

        return self._derive(elements)

    def __iter__(self) -> Iterator[Any]:
        k, self._passes = self._passes, self._passes + 1
        for e in self._elements(k):
            parts = [EagerTensor(np.array(a)) for a in e]
            if self._structure == "single":
                yield parts[0]
            elif self._structure == "dict":
                yield dict(zip(self._keys, parts))
            else:
                yield tuple(parts)


def _uint32s(seed: int, seed2: int) -> Iterator[int]:
    """The uint32 numbers of Philox keyed by ``(seed, seed2)``, one at a time, in order."""
    block = 0
    while True:
        yield from (int(v) for v in philox(seed, seed2 & (2**64 - 1), block, 64).reshape(-1))
        block += 64


__getattr__ = missing("tf.data")
__dir__ = public_dir(globals())
