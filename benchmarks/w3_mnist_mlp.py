"""W3: one epoch of seed 001's 784-128-10 sigmoid MLP, batch 64, on MNIST-shaped rows.

The reference is the seed's hand-written numpy forward and backward, in float32. Ours
builds the same net from Tensors and Variables, takes the gradient of half the summed
squared error (whose gradient is exactly the seed's update), and updates in place.
The data are random MNIST-shaped float32 rows (about 20% non-zero pixels), so no
download is needed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

import autograd_mini as am
from autograd_mini import Tensor, Variable

from .timing import Row, best, paired, peer, skipped, torch_sgd_step, trained_alike

ROWS, BATCH, LR = 60_000, 64, 0.1
SIZES = (784, 128, 10)


def dataset(rows: int, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Sparse random pixels in [0, 1) and one-hot labels, float32."""
    rng = np.random.default_rng(seed)
    X = rng.random((rows, SIZES[0]), dtype=np.float32)
    X *= rng.random((rows, SIZES[0]), dtype=np.float32) < 0.2
    Y = np.eye(SIZES[2], dtype=np.float32)[rng.integers(0, SIZES[2], rows)]
    return X, Y


def init_params(seed: int = 1) -> list[np.ndarray]:
    """W1, b1, W2, b2: normal weights scaled by 1/sqrt(fan-in), zero biases.

    The seed draws unscaled standard normal weights; on these rows they saturate the
    sigmoids, and numpy's first epoch took 17 s instead of 0.55 s here: a cost of the
    numerics that every side pays and that says nothing about the engines.
    """
    rng = np.random.default_rng(seed)
    n_in, n_hidden, n_out = SIZES
    return [rng.standard_normal((n_in, n_hidden), dtype=np.float32) / np.float32(n_in**0.5),
            np.zeros((1, n_hidden), np.float32),
            rng.standard_normal((n_hidden, n_out), dtype=np.float32) / np.float32(n_hidden**0.5),
            np.zeros((1, n_out), np.float32)]


# ----- the reference: seed 001's numpy code, float32 -------------------------------------


def _sigmoid(x: np.ndarray) -> np.ndarray:
    with np.errstate(over="ignore"):  # as our op: exp overflow gives the right limit, 0
        return 1 / (1 + np.exp(-x))


def numpy_epoch(params: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> None:
    W1, b1, W2, b2 = params
    for i in range(0, len(X), BATCH):
        x, y = X[i:i + BATCH], Y[i:i + BATCH]
        a1 = _sigmoid(np.dot(x, W1) + b1)
        a2 = _sigmoid(np.dot(a1, W2) + b2)
        output_delta = (a2 - y) * (a2 * (1 - a2))
        hidden_delta = output_delta.dot(W2.T) * (a1 * (1 - a1))
        W2 -= LR * a1.T.dot(output_delta)
        b2 -= LR * np.sum(output_delta, axis=0, keepdims=True)
        W1 -= LR * x.T.dot(hidden_delta)
        b1 -= LR * np.sum(hidden_delta, axis=0, keepdims=True)


# ----- ours ----------------------------------------------------------------------------------


def ours_step(params: list[Variable], x: np.ndarray, y: np.ndarray) -> None:
    """One step on one batch: half the summed squared error, backward, ``p.data -= ...``."""
    W1, b1, W2, b2 = params
    a1 = am.sigmoid(Tensor(x) @ W1 + b1)
    a2 = am.sigmoid(a1 @ W2 + b2)
    loss = 0.5 * am.square(a2 - Tensor(y)).sum()
    for p in params:
        p.grad = None
    loss.backward()
    for p in params:
        p.data -= LR * p.grad


def ours_epoch(params: list[Variable], X: np.ndarray, Y: np.ndarray) -> None:
    for i in range(0, len(X), BATCH):
        ours_step(params, X[i:i + BATCH], Y[i:i + BATCH])


def compiled_epoch(params: list[Variable]) -> Callable:
    """``ours_epoch`` with its step compiled (``am.compile``): traced on the first batch."""
    step = am.compile(ours_step)

    def epoch(_params: list, X: np.ndarray, Y: np.ndarray) -> None:
        for i in range(0, len(X), BATCH):
            step(params, X[i:i + BATCH], Y[i:i + BATCH])
    return epoch


# ----- peers -----------------------------------------------------------------------------------


def _torch_epoch(torch) -> Callable:
    def epoch(params, X, Y):
        for i in range(0, len(X), BATCH):
            x, y = X[i:i + BATCH], Y[i:i + BATCH]
            a1 = torch.sigmoid(x @ params[0] + params[1])
            a2 = torch.sigmoid(a1 @ params[2] + params[3])
            loss = 0.5 * ((a2 - y) ** 2).sum()
            torch_sgd_step(torch, loss, params, LR)
    return epoch


def _mygrad_epoch(mg) -> Callable:
    def epoch(params, X, Y):
        for i in range(0, len(X), BATCH):
            x, y = X[i:i + BATCH], Y[i:i + BATCH]
            a1 = 1 / (1 + mg.exp(-(mg.matmul(x, params[0]) + params[1])))
            a2 = 1 / (1 + mg.exp(-(mg.matmul(a1, params[2]) + params[3])))
            loss = 0.5 * mg.sum((a2 - y) ** 2)
            loss.backward()
            for p in params:
                p.data -= LR * p.grad  # mygrad frees the graph after backward
    return epoch


def _hips_epoch(hips) -> Callable:
    hnp = peer("autograd.numpy")

    def loss(params, x, y):
        a1 = 1 / (1 + hnp.exp(-(hnp.dot(x, params[0]) + params[1])))
        a2 = 1 / (1 + hnp.exp(-(hnp.dot(a1, params[2]) + params[3])))
        return 0.5 * hnp.sum((a2 - y) ** 2)

    grad = hips.grad(loss)

    def epoch(params, X, Y):
        with np.errstate(over="ignore"):
            for i in range(0, len(X), BATCH):
                for p, g in zip(params, grad(params, X[i:i + BATCH], Y[i:i + BATCH])):
                    p -= LR * g
    return epoch


def _jax_epoch(jax, X: np.ndarray, Y: np.ndarray) -> Callable:
    """The same step written for JAX, its gradient jit-compiled once (warmed up here)."""
    jnp = jax.numpy

    def loss(params, x, y):
        a1 = jax.nn.sigmoid(x @ params[0] + params[1])
        a2 = jax.nn.sigmoid(a1 @ params[2] + params[3])
        return 0.5 * jnp.sum((a2 - y) ** 2)

    @jax.jit
    def step(params, x, y):
        return [p - LR * g for p, g in zip(params, jax.grad(loss)(params, x, y))]

    params = [jnp.asarray(p) for p in init_params()]
    jX, jY = jnp.asarray(X), jnp.asarray(Y)
    step(params, jX[:BATCH], jY[:BATCH])  # compile outside the timing

    def epoch():
        nonlocal params
        for i in range(0, len(X), BATCH):
            params = step(params, jX[i:i + BATCH], jY[i:i + BATCH])
        jax.block_until_ready(params)
    return epoch


def run(quick: bool) -> list[Row]:
    rows, rounds = (BATCH * 8, 1) if quick else (ROWS, 5)
    X, Y = dataset(rows)
    ref = init_params()
    ours = [Variable(p) for p in init_params()]
    traced = [Variable(p) for p in init_params()]
    cepoch = compiled_epoch(traced)
    sides = {"numpy": lambda: numpy_epoch(ref, X, Y),
             "autograd_mini": lambda: ours_epoch(ours, X, Y),
             "autograd_mini compiled": lambda: cepoch(traced, X, Y)}
    torch, mg, hips = peer("torch"), peer("mygrad"), peer("autograd")
    if torch is not None:
        tp = [torch.tensor(p, requires_grad=True) for p in init_params()]
        tX, tY, tepoch = torch.from_numpy(X), torch.from_numpy(Y), _torch_epoch(torch)
        sides["PyTorch eager"] = lambda: tepoch(tp, tX, tY)
    if mg is not None:
        mp = [mg.tensor(p) for p in init_params()]
        mepoch = _mygrad_epoch(mg)
        sides["mygrad"] = lambda: mepoch(mp, X, Y)
    if hips is not None:
        hp, hepoch = init_params(), _hips_epoch(hips)
        sides["HIPS autograd"] = lambda: hepoch(hp, X, Y)
    jax = peer("jax")
    if jax is not None:
        sides["JAX jit"] = _jax_epoch(jax, X, Y)
    pairs = paired("numpy", sides, rounds)
    same = trained_alike(init_params, numpy_epoch, ours_epoch, X[:BATCH * 8], Y[:BATCH * 8],
                         atol=1e-5)
    same_compiled = trained_alike(init_params, numpy_epoch, lambda p, X, Y: compiled_epoch(p)(
        p, X, Y), X[:BATCH * 8], Y[:BATCH * 8], atol=1e-5)
    out = []
    for name in ("autograd_mini", "autograd_mini compiled", "PyTorch eager", "mygrad",
                 "HIPS autograd", "JAX jit"):
        if name not in pairs:
            out.append(skipped("W3", name, "epoch", "not installed"))
            continue
        times = pairs[name]
        row = Row("W3", name, "epoch", best(times[name]), "numpy", best(times["numpy"]),
                  samples=times)
        if name == "autograd_mini":
            row.target = 1.15
            row.note = "first target 1.2" + ("" if same else
                                             "; WARNING: weights differ from numpy's")
        elif name == "autograd_mini compiled":
            row.target = 0.95
            row.note = "" if same_compiled else "WARNING: weights differ from numpy's"
        out.append(row)
    return out
