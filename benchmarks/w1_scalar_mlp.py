"""W1: one training step of a 2-16-16-1 MLP over 100 samples, one scalar node per number.

One model function runs with micrograd's ``Value`` and with ours; only the class differs.
Neurons are micrograd's, ``sum(w*x, b)`` then ReLU with a linear last layer (micrograd
0.1.0 has no ``tanh``); the loss is micrograd's max-margin demo loss. A step is forward
over every sample, backward, and an SGD update: about 66,000 nodes.
"""

from __future__ import annotations

import random
from typing import Any

from autograd_mini import Value

from .timing import Row, alternate, best, peer

SIZES = [2, 16, 16, 1]
SAMPLES = 100
LR = 0.05


def make_mlp(V: type, sizes: list[int], seed: int = 1) -> list:
    """Layers of neurons ``(weights, bias)``, drawn as micrograd draws them."""
    rng = random.Random(seed)
    return [[([V(rng.uniform(-1, 1)) for _ in range(nin)], V(0.0)) for _ in range(nout)]
            for nin, nout in zip(sizes[:-1], sizes[1:])]


def mlp(model: list, x: list) -> Any:
    """The network's score for one sample ``x``."""
    for i, layer in enumerate(model):
        x = [sum((wi * xi for wi, xi in zip(w, x)), b) for w, b in layer]
        if i < len(model) - 1:
            x = [v.relu() for v in x]
    return x[0]


def step(V: type, model: list, X: list, Y: list) -> float:
    """Forward over every sample, max-margin loss, backward, SGD; returns the loss."""
    losses = [(1 + -y * mlp(model, x)).relu() for x, y in zip(X, Y)]
    loss = sum(losses, V(0.0)) * (1.0 / len(losses))
    params = [p for layer in model for w, b in layer for p in (*w, b)]
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= LR * p.grad
    return loss.data


def data(n: int, seed: int = 0) -> tuple[list, list]:
    """Toy data in the square [-1, 1]^2: label +1 where x0*x1 > 0, else -1."""
    rng = random.Random(seed)
    X = [[rng.uniform(-1, 1), rng.uniform(-1, 1)] for _ in range(n)]
    return X, [1.0 if a * b > 0 else -1.0 for a, b in X]


def run(quick: bool) -> list[Row]:
    sizes, n, rounds = ([2, 4, 4, 1], 10, 1) if quick else (SIZES, SAMPLES, 5)
    X, Y = data(n)
    ours = make_mlp(Value, sizes)
    sides = {"autograd_mini": lambda: step(Value, ours, X, Y)}
    engine = peer("micrograd.engine")
    if engine is None:
        times = alternate(sides, rounds)
        return [Row("W1", "autograd_mini", "step", best(times["autograd_mini"]),
                    note="no ratio: micrograd is not installed", samples=times)]
    theirs = make_mlp(engine.Value, sizes)
    same = abs(step(Value, ours, X, Y) - step(engine.Value, theirs, X, Y)) < 1e-9
    sides["micrograd"] = lambda: step(engine.Value, theirs, X, Y)
    times = alternate(sides, rounds)
    t_ours, t_mg = best(times["autograd_mini"]), best(times["micrograd"])
    note = (f"{t_mg / t_ours:.1f}x micrograd's speed; first target 3x"
            + ("" if same else "; WARNING: the two losses differ"))
    return [Row("W1", "autograd_mini", "step", t_ours, "micrograd", t_mg, target=0.1,
                note=note, samples=times)]
