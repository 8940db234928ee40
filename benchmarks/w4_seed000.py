"""W4: seed 000's 2-3-1 linear net, 3,000 SGD steps of batch 8: per-op overhead dominates.

The reference is the same training written by hand in numpy (float32, the gradient of
the mean squared error worked out on paper). Ours runs eagerly on Tensors and
Variables; "W4 graph" runs it define-then-run through ``autograd_mini.compat.v1`` when
that module exists. Peers, when installed: PyTorch, mygrad, HIPS autograd, micrograd.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable

import numpy as np

import autograd_mini as am
from autograd_mini import Tensor, Variable

from .timing import Row, best, paired, peer, skipped

STEPS, BATCH, LR, SEED = 3000, 8, 0.001, 23455


def dataset() -> tuple[np.ndarray, np.ndarray]:
    """The seed's 32 rows: two features, label 1 where x0 + x1 < 1."""
    X = np.random.RandomState(SEED).rand(32, 2).astype(np.float32)
    return X, (X.sum(axis=1, keepdims=True) < 1).astype(np.float32)


def init_params() -> list[np.ndarray]:
    rng = np.random.default_rng(1)
    return [rng.standard_normal((2, 3), dtype=np.float32),
            rng.standard_normal((3, 1), dtype=np.float32)]


def _batches(steps: int, X: np.ndarray, Y: np.ndarray):
    for i in range(steps):
        start = (i * BATCH) % len(X)
        yield X[start:start + BATCH], Y[start:start + BATCH]


def numpy_train(params: list[np.ndarray], X: np.ndarray, Y: np.ndarray, steps: int) -> None:
    w1, w2 = params
    for x, y_ in _batches(steps, X, Y):
        a = x @ w1
        y = a @ w2
        dy = (y - y_) * np.float32(2.0 / len(y))  # d mean((y - y_)**2) / dy
        dw2 = a.T @ dy
        dw1 = x.T @ (dy @ w2.T)
        w1 -= LR * dw1
        w2 -= LR * dw2


def ours_step(params: list[Variable], x: np.ndarray, y_: np.ndarray) -> None:
    """One SGD step of the net on Tensors and Variables, as eager code writes it."""
    w1, w2 = params
    y = Tensor(x) @ w1 @ w2
    loss = am.mean(am.square(y - Tensor(y_)))
    w1.grad = w2.grad = None
    loss.backward()
    w1.data -= LR * w1.grad
    w2.data -= LR * w2.grad


def ours_train(params: list[Variable], X: np.ndarray, Y: np.ndarray, steps: int) -> None:
    for x, y_ in _batches(steps, X, Y):
        ours_step(params, x, y_)


def compiled_train(params: list[Variable]) -> Callable:
    """``ours_train`` with its step compiled (``am.compile``)."""
    step = am.compile(ours_step)

    def train(_params: list, X: np.ndarray, Y: np.ndarray, steps: int) -> None:
        for x, y_ in _batches(steps, X, Y):
            step(params, x, y_)
    return train


# ----- peers -----------------------------------------------------------------------------


def _torch(torch, X, Y, steps) -> Callable:
    params = [torch.tensor(p, requires_grad=True) for p in init_params()]
    tX, tY = torch.from_numpy(X), torch.from_numpy(Y)

    def train():
        w1, w2 = params
        for x, y_ in _batches(steps, tX, tY):
            loss = ((x @ w1 @ w2 - y_) ** 2).mean()
            w1.grad = w2.grad = None
            loss.backward()
            with torch.no_grad():
                w1 -= LR * w1.grad
                w2 -= LR * w2.grad
    return train


def _mygrad(mg, X, Y, steps) -> Callable:
    params = [mg.tensor(p) for p in init_params()]

    def train():
        w1, w2 = params
        for x, y_ in _batches(steps, X, Y):
            loss = mg.mean((mg.matmul(mg.matmul(x, w1), w2) - y_) ** 2)
            loss.backward()
            w1.data -= LR * w1.grad
            w2.data -= LR * w2.grad
    return train


def _hips(hips, X, Y, steps) -> Callable:
    hnp = peer("autograd.numpy")
    params = init_params()
    grad = hips.grad(lambda ps, x, y_: hnp.mean((hnp.dot(hnp.dot(x, ps[0]), ps[1]) - y_) ** 2))

    def train():
        for x, y_ in _batches(steps, X, Y):
            for p, g in zip(params, grad(params, x, y_)):
                p -= LR * g
    return train


def _micrograd(engine, X, Y, steps) -> Callable:
    V = engine.Value
    w1, w2 = ([[V(float(v)) for v in row] for row in p] for p in init_params())
    params = [v for row in w1 + w2 for v in row]

    def train():
        for x, y_ in _batches(steps, X, Y):
            err = []
            for xr, yr in zip(x.tolist(), y_[:, 0].tolist()):
                a = [sum((xi * w1[i][j] for i, xi in enumerate(xr)), V(0.0)) for j in range(3)]
                err.append((sum((aj * w2[j][0] for j, aj in enumerate(a)), V(0.0)) - yr) ** 2)
            loss = sum(err, V(0.0)) * (1.0 / len(err))
            for p in params:
                p.grad = 0.0
            loss.backward()
            for p in params:
                p.data -= LR * p.grad
    return train


def _jax(jax, X, Y, steps) -> Callable:
    """The same training for JAX, each step's update jit-compiled once (warmed up here)."""
    jnp = jax.numpy

    @jax.jit
    def step(params, x, y_):
        grads = jax.grad(lambda ps: jnp.mean((x @ ps[0] @ ps[1] - y_) ** 2))(params)
        return [p - LR * g for p, g in zip(params, grads)]

    params = [jnp.asarray(p) for p in init_params()]
    batches = [(jnp.asarray(x), jnp.asarray(y_)) for x, y_ in _batches(len(X) // BATCH, X, Y)]
    step(params, *batches[0])  # compile outside the timing

    def train():
        nonlocal params
        for i in range(steps):
            params = step(params, *batches[i % len(batches)])
        jax.block_until_ready(params)
    return train


def _graph(v1, X, Y, steps) -> Callable:
    """Seed 000's own TF1 code, through compat.v1."""
    tf = v1
    x = tf.placeholder(tf.float32, shape=(None, 2))
    y_ = tf.placeholder(tf.float32, shape=(None, 1))
    w1, w2 = (tf.Variable(p) for p in init_params())
    y = tf.matmul(tf.matmul(x, w1), w2)
    train_step = tf.train.GradientDescentOptimizer(LR).minimize(tf.reduce_mean(tf.square(y - y_)))
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())

    def train():
        for xb, yb in _batches(steps, X, Y):
            sess.run(train_step, feed_dict={x: xb, y_: yb})
    return train


def _same_result(X: np.ndarray, Y: np.ndarray, train: Callable = ours_train) -> bool:
    """Both sides, trained from the same weights for 100 steps, agree (float32)."""
    ref, ours = init_params(), [Variable(p) for p in init_params()]
    numpy_train(ref, X, Y, 100)
    train(ours, X, Y, 100)
    return all(np.allclose(a.data, b, atol=1e-5) for a, b in zip(ours, ref))


def run(quick: bool) -> list[Row]:
    steps, rounds = (100, 1) if quick else (STEPS, 5)
    X, Y = dataset()
    ref, ours = init_params(), [Variable(p) for p in init_params()]
    traced = [Variable(p) for p in init_params()]
    ctrain = compiled_train(traced)
    ctrain(traced, X, Y, 1)  # traced once, outside the timing
    sides = {"numpy": lambda: numpy_train(ref, X, Y, steps),
             "autograd_mini": lambda: ours_train(ours, X, Y, steps),
             "autograd_mini compiled": lambda: ctrain(traced, X, Y, steps)}
    notes: dict[str, str] = {}
    try:
        v1 = importlib.import_module("autograd_mini.compat.v1")
    except ImportError:
        notes["autograd_mini (graph)"] = "skipped: autograd_mini.compat.v1 does not exist yet"
    else:
        try:
            sides["autograd_mini (graph)"] = _graph(v1, X, Y, steps)
        except Exception as e:  # noqa: BLE001  (report, don't crash the runner)
            notes["autograd_mini (graph)"] = f"skipped: compat.v1 failed: {e}"
    for name, module, make in (("PyTorch eager", "torch", _torch), ("mygrad", "mygrad", _mygrad),
                               ("HIPS autograd", "autograd", _hips), ("JAX jit", "jax", _jax),
                               ("micrograd", "micrograd.engine", _micrograd)):
        lib = peer(module)
        if lib is None:
            notes[name] = "skipped: not installed"
        else:
            sides[name] = make(lib, X, Y, steps)
    pairs = paired("numpy", sides, rounds)
    same = _same_result(X, Y)
    same_compiled = _same_result(X, Y, lambda p, X, Y, n: compiled_train(p)(p, X, Y, n))
    out = []
    for name in ("autograd_mini", "autograd_mini compiled", "autograd_mini (graph)",
                 "PyTorch eager", "mygrad",
                 "HIPS autograd", "JAX jit", "micrograd"):
        if name not in pairs:
            out.append(skipped("W4", name, "run", notes[name].removeprefix("skipped: ")))
            continue
        times = pairs[name]
        row = Row("W4", name, "run", best(times[name]), "numpy", best(times["numpy"]),
                  samples=times)
        if name == "autograd_mini":
            row.target = 6.0
            row.note = f"{steps} steps" + ("" if same else
                                          "; WARNING: weights differ from numpy's")
        elif name == "autograd_mini compiled":
            row.target = 1.1
            row.note = "" if same_compiled else "WARNING: weights differ from numpy's"
        elif name == "autograd_mini (graph)":
            row.target = 2.0  # define-then-run: each kind of run compiled once
        out.append(row)
    return out
