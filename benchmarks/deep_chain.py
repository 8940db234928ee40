"""Deep chains: ``x = x + b`` a million times on Values and 100,000 times on Tensors.

Forward plus backward at the default recursion limit, timed at several depths: the
time per node should stay flat as the chain grows (ratio: deepest over shallowest).
CPython's cyclic garbage collector rescans the growing live graph while it is built,
so the Value chain is also timed with the collector off, to show the engine's own cost.
micrograd's recursive topological sort is tried too, to show where it stops.
"""

from __future__ import annotations

import gc
import sys
import time

import numpy as np

from autograd_mini import Tensor, Value

from .timing import Row, peer

VALUE_DEPTHS = (10_000, 100_000, 1_000_000)
TENSOR_DEPTHS = (1_000, 10_000, 100_000)
FLAT = 1.5  # "flat": the deepest chain costs at most this much more per node


def chain(leaf: Value | Tensor, depth: int) -> float:
    """Seconds per node to build ``x = x + b`` ``depth`` times and backpropagate."""
    gc.collect()
    t0 = time.perf_counter()
    x = leaf * 1.0
    for _ in range(depth - 1):
        x = x + leaf
    x.backward(None if isinstance(x, Value) else np.ones_like(x.data))
    del x  # freeing the chain is part of the cost
    return (time.perf_counter() - t0) / depth


def _micrograd_limit(engine, depth: int) -> str:
    b = engine.Value(1.0)
    x = b * 1.0
    for _ in range(depth - 1):
        x = x + b
    try:
        x.backward()
    except RecursionError:
        return f"RecursionError at depth {depth:,} (its topological sort recurses)"
    return f"depth {depth:,} works"


def _without_collector(depth: int) -> float:
    was = gc.isenabled()
    gc.disable()
    try:
        return chain(Value(1.0), depth)
    finally:
        if was:
            gc.enable()


def _row(side: str, depths: tuple[int, ...], make, rounds: int) -> Row:
    per_node = [min(make(d) for _ in range(rounds)) for d in depths]  # best of the rounds
    shown = ", ".join(f"{d:,}: {t * 1e6:.2f} us" for d, t in zip(depths, per_node))
    return Row("deep chain", side, "node", per_node[-1], f"same, depth {depths[0]:,}",
               per_node[0], target=FLAT,
               note=f"per node at depth {shown}; recursion limit {sys.getrecursionlimit()}",
               samples={str(d): [t] for d, t in zip(depths, per_node)})


def run(quick: bool) -> list[Row]:
    vdepths = (1_000, 2_000) if quick else VALUE_DEPTHS
    tdepths = (100, 200) if quick else TENSOR_DEPTHS
    rounds = 1 if quick else 3
    rows = [_row("autograd_mini (Value)", vdepths, lambda d: chain(Value(1.0), d), rounds),
            _row("autograd_mini (Value, GC off)", vdepths, _without_collector, rounds),
            _row("autograd_mini (Tensor)", tdepths, lambda d: chain(
                Tensor(np.ones((2, 3), np.float32), requires_grad=True), d), rounds)]
    engine = peer("micrograd.engine")
    if engine is not None:
        rows.append(Row("deep chain", "micrograd", "node", None,
                        note=_micrograd_limit(engine, 2 * sys.getrecursionlimit())))
    return rows
