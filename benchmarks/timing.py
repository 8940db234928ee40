"""Timing and result rows shared by every workload: alternating timers, peers, ratios.

A ratio is always ``our time / reference time`` measured in one process, the two sides
run in turn so that a busy machine slows both alike; lower is better.
"""

from __future__ import annotations

import gc
import importlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np


@dataclass
class Row:
    """One line of the table: a side's time per unit next to the reference's."""

    workload: str  # "W1", "W3", ...
    side: str  # "autograd_mini", or a peer's name
    unit: str  # a time is seconds per unit ("step", "epoch", "op", "node"); or "MB"
    value: float | None  # best time per unit, or megabytes; None: skipped
    reference: str = ""
    reference_value: float | None = None
    target: float | None = None  # the ratio must be at most this
    note: str = ""
    samples: dict[str, list[float]] = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.value is None or not self.reference_value:
            return None
        return self.value / self.reference_value

    @property
    def met(self) -> bool | None:
        if self.target is None or self.ratio is None:
            return None
        return self.ratio <= self.target

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d.update(ratio=self.ratio, met=self.met)
        return d


def alternate(sides: dict[str, Callable[[], Any]], rounds: int,
              per: int = 1) -> dict[str, list[float]]:
    """Time each side once per round, in turn (reversed every other round), ``rounds`` times.

    Returns each side's seconds per unit (each call's time divided by ``per``). The
    garbage left by one side is collected before the next starts, so no side pays for
    another's garbage; collection during a call is counted, as a user would see it.
    """
    times: dict[str, list[float]] = {name: [] for name in sides}
    names = list(sides)
    for r in range(rounds):
        for name in names if r % 2 == 0 else names[::-1]:
            gc.collect()
            t0 = time.perf_counter()
            sides[name]()
            times[name].append((time.perf_counter() - t0) / per)
    return times


def paired(reference: str, sides: dict[str, Callable[[], Any]], rounds: int,
           per: int = 1) -> dict[str, dict[str, list[float]]]:
    """Each side timed against the reference alone, the two alternating (see ``alternate``).

    Returns ``{side: {side: its samples, reference: the reference's samples}}``: every
    ratio comes from a pair that ran in turn, undisturbed by the other sides' caches.
    """
    return {name: alternate({name: fn, reference: sides[reference]}, rounds, per)
            for name, fn in sides.items() if name != reference}


def best(samples: list[float]) -> float:
    """The fastest sample: the least disturbed by the rest of the machine."""
    return min(samples)


def peer(module: str) -> Any | None:
    """Import an optional peer library, or None when it is not installed."""
    try:
        return importlib.import_module(module)
    except Exception:  # noqa: BLE001  (a broken install counts as absent)
        return None


def trained_alike(init_params: Callable[[], list], reference_epoch: Callable,
                  ours_epoch: Callable, X: Any, Y: Any, atol: float) -> bool:
    """Both sides, trained from the same initial weights on the same rows, agree."""
    from autograd_mini import Variable

    ref, ours = init_params(), [Variable(p) for p in init_params()]
    reference_epoch(ref, X, Y)
    ours_epoch(ours, X, Y)
    return all(np.allclose(a.data, b, atol=atol) for a, b in zip(ours, ref))


def torch_sgd_step(torch: Any, loss: Any, params: list, lr: float) -> None:
    """One plain SGD step in PyTorch: fresh gradients of ``loss``, then ``p -= lr * grad``."""
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad


def skipped(workload: str, side: str, unit: str, why: str) -> Row:
    """A row for a side that could not be measured."""
    return Row(workload, side, unit, None, note=f"skipped: {why}")
