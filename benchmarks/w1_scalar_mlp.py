"""W1: one training step of a 2-16-16-1 MLP over 100 samples, one scalar node per number.

One model function runs with micrograd's ``Value`` and with ours; only the class differs.
Neurons are micrograd's, ``sum(w*x, b)`` then ReLU with a linear last layer (micrograd
0.1.0 has no ``tanh``); the loss is micrograd's max-margin demo loss. A step is forward
over every sample, backward, and an SGD update: about 66,000 nodes.
"""

from __future__ import annotations

import random
from typing import Any

import autograd_mini as am
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


class BareValue:
    """The least a scalar engine can do in CPython: add, mul and relu, op codes instead of
    closures, an iterative topological sort, and nothing else (no checks, no no_grad, no
    graph drawing). Timed as the floor under W1: no pure-Python engine is much faster."""

    __slots__ = ("data", "grad", "parents", "op", "order")
    _made = 0

    def __init__(self, data: float, parents: tuple = (), op: int = 0):
        self.data, self.grad, self.parents, self.op = data, 0.0, parents, op
        BareValue._made = self.order = BareValue._made + 1

    def __add__(self, other: Any) -> BareValue:
        other = other if type(other) is BareValue else BareValue(float(other))
        return BareValue(self.data + other.data, (self, other), 1)

    def __mul__(self, other: Any) -> BareValue:
        other = other if type(other) is BareValue else BareValue(float(other))
        return BareValue(self.data * other.data, (self, other), 2)

    __radd__, __rmul__ = __add__, __mul__

    def relu(self) -> BareValue:
        return BareValue(self.data if self.data > 0 else 0.0, (self,), 3)

    def backward(self) -> None:
        seen, stack = {self}, [self]
        while stack:
            for p in stack.pop().parents:
                if p not in seen:
                    seen.add(p)
                    stack.append(p)
        self.grad = 1.0
        for n in sorted(seen, key=lambda n: n.order, reverse=True):
            if n.op == 1:
                n.parents[0].grad += n.grad
                n.parents[1].grad += n.grad
            elif n.op == 2:
                a, b = n.parents
                a.grad += n.grad * b.data
                b.grad += n.grad * a.data
            elif n.op == 3 and n.data > 0:
                n.parents[0].grad += n.grad


def run(quick: bool) -> list[Row]:
    sizes, n, rounds = ([2, 4, 4, 1], 10, 1) if quick else (SIZES, SAMPLES, 5)
    X, Y = data(n)
    ours, traced = make_mlp(Value, sizes), make_mlp(Value, sizes)
    compiled = am.compile(step)
    compiled(Value, traced, X, Y)  # traced once, outside the timing
    sides = {"autograd_mini": lambda: step(Value, ours, X, Y),
             "autograd_mini compiled": lambda: compiled(Value, traced, X, Y)}
    engine = peer("micrograd.engine")
    if engine is None:
        times = alternate(sides, rounds)
        return [Row("W1", side, "step", best(times[side]),
                    note="no ratio: micrograd is not installed", samples=times)
                for side in ("autograd_mini", "autograd_mini compiled")]
    theirs, bare = make_mlp(engine.Value, sizes), make_mlp(BareValue, sizes)
    same = abs(step(Value, ours, X, Y) - step(engine.Value, theirs, X, Y)) < 1e-9
    sides["micrograd"] = lambda: step(engine.Value, theirs, X, Y)
    sides["bare floor"] = lambda: step(BareValue, bare, X, Y)
    times = alternate(sides, rounds)
    t_ours, t_mg, t_bare, t_comp = (best(times[k]) for k in (
        "autograd_mini", "micrograd", "bare floor", "autograd_mini compiled"))
    note = (f"{t_mg / t_ours:.1f}x micrograd's speed; first target 3x"
            + ("" if same else "; WARNING: the two losses differ"))
    floor = (f"{t_mg / t_bare:.1f}x micrograd's speed: a 40-line engine with no checks or "
             "features (BareValue), the floor under any pure-Python engine")
    again = make_mlp(Value, sizes)
    replayed = [compiled(Value, again, X, Y) for _ in range(2)][1]  # traced, then replayed
    eager = make_mlp(Value, sizes)
    same_compiled = replayed == [step(Value, eager, X, Y) for _ in range(2)][1]
    compiled_note = (f"{t_mg / t_comp:.0f}x micrograd's speed; target 30x"
                     + ("" if same_compiled else "; WARNING: compiled and eager losses differ"))
    return [Row("W1", "autograd_mini", "step", t_ours, "micrograd", t_mg, target=0.1,
                note=note, samples=times),
            Row("W1", "autograd_mini compiled", "step", t_comp, "micrograd", t_mg,
                target=1 / 30, note=compiled_note),
            Row("W1", "bare floor", "step", t_bare, "micrograd", t_mg, note=floor)]
