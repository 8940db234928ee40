"""W5: the cost of one recorded op, ``y = y + b`` on (2, 3) arrays, forward plus backward.

Each side builds a chain of ``y = y + b`` and sends a gradient back through it; the time
is divided by the chain's length. The reference is numpy doing the forward alone; the
target compares us with PyTorch eager, when it is installed. micrograd runs the same
chain on scalars. The chain is kept short enough for micrograd's recursive backward.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from autograd_mini import Tensor

from .timing import Row, alternate, best, paired, peer, skipped

SHAPE, LENGTH = (2, 3), 500


def _numpy(length: int) -> Callable:
    b, y0 = np.ones(SHAPE, np.float32), np.zeros(SHAPE, np.float32)

    def chain():
        y = y0
        for _ in range(length):
            y = y + b
    return chain


def _ours(length: int) -> Callable:
    b = Tensor(np.ones(SHAPE, np.float32), requires_grad=True)
    y0 = Tensor(np.zeros(SHAPE, np.float32))
    g = np.ones(SHAPE, np.float32)

    def chain():
        y = y0
        for _ in range(length):
            y = y + b
        b.grad = None
        y.backward(g)
    return chain


def _torch(torch, length: int) -> Callable:
    b, y0 = torch.ones(SHAPE, requires_grad=True), torch.zeros(SHAPE)
    g = torch.ones(SHAPE)

    def chain():
        y = y0
        for _ in range(length):
            y = y + b
        b.grad = None
        y.backward(g)
    return chain


def _mygrad(mg, length: int) -> Callable:
    b, y0 = mg.tensor(np.ones(SHAPE, np.float32)), mg.tensor(np.zeros(SHAPE, np.float32),
                                                             constant=True)
    g = np.ones(SHAPE, np.float32)

    def chain():
        y = y0
        for _ in range(length):
            y = y + b
        y.backward(g)
    return chain


def _hips(hips, length: int) -> Callable:
    b, y0, g = np.ones(SHAPE, np.float32), np.zeros(SHAPE, np.float32), np.ones(SHAPE, np.float32)
    hnp = peer("autograd.numpy")

    def f(b):
        y = y0
        for _ in range(length):
            y = y + b
        return hnp.sum(y * g)
    grad = hips.grad(f)
    return lambda: grad(b)


def _micrograd(engine, length: int) -> Callable:
    b, y0 = engine.Value(1.0), engine.Value(0.0)

    def chain():
        y = y0
        for _ in range(length):
            y = y + b
        b.grad = 0.0
        y.backward()
    return chain


def run(quick: bool) -> list[Row]:
    length, rounds = (100, 2) if quick else (LENGTH, 50)
    sides = {"numpy": _numpy(length), "autograd_mini": _ours(length)}
    missing = []
    for name, module, make in (("PyTorch eager", "torch", _torch), ("mygrad", "mygrad", _mygrad),
                               ("HIPS autograd", "autograd", _hips),
                               ("micrograd", "micrograd.engine", _micrograd)):
        lib = peer(module)
        if lib is None:
            missing.append(name)
        else:
            sides[name] = make(lib, length)
    out = []
    if "PyTorch eager" in sides:  # the target: ours against PyTorch, the two alternating
        times = alternate({k: sides[k] for k in ("autograd_mini", "PyTorch eager")}, rounds,
                          per=length)
        t_ours, t_torch = best(times["autograd_mini"]), best(times["PyTorch eager"])
        out.append(Row("W5", "autograd_mini", "op", t_ours, "PyTorch eager", t_torch,
                       target=1 / 1.3, samples=times,
                       note=f"{t_torch / t_ours:.2f}x PyTorch's speed; target 1.3x"))
    for name, times in paired("numpy", sides, rounds, per=length).items():
        out.append(Row("W5", name, "op", best(times[name]), "numpy (forward only)",
                       best(times["numpy"]), samples=times,
                       note="scalars" if name == "micrograd" else
                       "" if name != "autograd_mini" or "PyTorch eager" in sides else
                       "no target: it needs PyTorch, not installed"))
    out += [skipped("W5", name, "op", "not installed") for name in missing]
    return out
