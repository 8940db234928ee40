"""A fully connected layer learns a linear map: seed 002, "全连接神经网络做线性回归".

The seed recovers ``W = [[3,7,4],[5,2,6]]`` and ``b = [2,9,3]`` from 500 noiseless samples
by SGD on batches of 2, with backpropagation derived by hand (``fc_backword``). Here the
engine derives it: the seed's ``fc_forword`` runs unchanged on Tensors (numpy hands
``np.dot`` and ``+`` to autograd_mini), and ``backward()`` replaces ``fc_backword``.
Prints the loss and weights every 1000 iterations until loss < 1e-15, then the seed's
``np.allclose`` check. float64 throughout: float32 cannot get the loss under 1e-15.
"""

from __future__ import annotations

import numpy as np

import autograd_mini as am
from autograd_mini.cli import demo_parser
from autograd_mini.i18n import message, yes_no

W = np.array([[3, 7, 4],
              [5, 2, 6]])  # the true weights and bias the layer has to find
b = np.array([2, 9, 3])
LR = 0.01
BATCH = 2
TARGET_LOSS = 1e-15
SEED = 0  # the seed itself is unseeded; its run took 7398 iterations
MAX_ITERS = 200_000  # a safety net against a --lr that diverges


def fc_forword(z, W, b):  # the seed's function, spelling and all
    """Forward pass of a fully connected layer."""
    return np.dot(z, W) + b


def fc_backword(next_dz, W, z):  # the seed's hand-derived backward, kept to compare with
    """Backward pass of a fully connected layer: gradients averaged over the batch."""
    N = z.shape[0]
    dz = np.dot(next_dz, W.T)
    dw = np.dot(z.T, next_dz)
    db = np.sum(next_dz, axis=0)
    return dw / N, db / N, dz


def mean_squared_loss(y_predict, y_true):
    """The seed's loss: the mean over the batch of the summed squared errors."""
    return am.mean(am.sum(am.square(y_predict - y_true), axis=-1))


def check_against_hand_derivation(x, y_true, W1, b1) -> float:
    """Largest difference between the engine's gradients and the seed's ``fc_backword``."""
    y = fc_forword(x, W1, b1)
    (0.5 * mean_squared_loss(y, y_true)).backward()
    dw, db, _ = fc_backword(y.numpy() - y_true, W1.numpy(), x)
    diff = max(np.abs(W1.grad - dw).max(), np.abs(b1.grad - db).max())
    W1.zero_grad()
    b1.zero_grad()
    return float(diff)


def train(seed: int = SEED, lr: float = LR, quiet: bool = False, compiled: bool = False):
    """SGD until the loss is under 1e-15; returns (W1, b1, iterations, last loss).
    ``compiled``: each step runs as ``autograd_mini.compile`` wrote it."""
    rng = np.random.RandomState(seed)
    x_data = rng.randint(0, 10, 1000).reshape(500, 2)
    y_data = np.dot(x_data, W) + b

    def next_sample(batch_size=1):
        idx = rng.randint(500)
        return x_data[idx:idx + batch_size], y_data[idx:idx + batch_size]

    print(f"x.shape:{x_data.shape},y.shape:{y_data.shape}")
    W1 = am.Tensor(rng.randn(2, 3), dtype="float64", requires_grad=True, name="W1")
    b1 = am.Tensor(np.zeros([3]), dtype="float64", requires_grad=True, name="b1")
    diff = check_against_hand_derivation(*next_sample(BATCH), W1, b1)
    print(message("linreg.hand_check", diff=f"{diff:.1e}"))

    def step(x, y_true):
        y = fc_forword(x, W1, b1)  # a Tensor: np.dot and + were recorded
        loss_t = mean_squared_loss(y, y_true)
        # The seed's dy = y - y_true leaves out the 2 of d(e^2)/de, so its step is the
        # gradient of loss / 2; differentiate that to take the very same steps.
        (0.5 * loss_t).backward()
        # (The seed calls fc_backword(dy, W, x) with the TRUE W instead of W1. Harmless:
        # W only enters dz, the gradient for a previous layer, which it throws away.)
        W1.data -= lr * W1.grad  # plain SGD on the arrays, as the seed's W1 -= lr*dw
        b1.data -= lr * b1.grad
        W1.zero_grad()
        b1.zero_grad()
        return loss_t

    if compiled:
        step = am.compile(step)
    loss, i = 100.0, 0
    while loss > TARGET_LOSS and i < MAX_ITERS:
        loss = float(step(*next_sample(BATCH)))
        i += 1
        if i % 1000 == 0 and not quiet:
            report(i, loss, W1, b1)
    return W1, b1, i, loss


def report(i: int, loss: float, W1: am.Tensor, b1: am.Tensor) -> None:
    print(message("linreg.report", i=i, loss=loss, weights=W1.numpy(), bias=b1.numpy()))


def main(argv: list[str] | None = None) -> int:
    parser = demo_parser("linreg", __doc__,
                         out="accepted for `demo all`; this demo writes no files",
                         quick="print only the final state, not every 1000 iterations",
                         compiled=True)
    parser.add_argument("--seed", type=int, default=SEED,
                        help=f"random seed for data, sampling and W1 (default {SEED})")
    parser.add_argument("--lr", type=float, default=LR, help=f"learning rate (seed: {LR})")
    args = parser.parse_args(argv)

    W1, b1, i, loss = train(args.seed, args.lr, quiet=args.quick, compiled=args.compile)
    report(i, loss, W1, b1)
    if loss > TARGET_LOSS:
        print(message("linreg.stopped", iters=MAX_ITERS, loss=f"{loss:g}",
                      target=f"{TARGET_LOSS:g}"))
    same_W, same_b = np.allclose(W1.numpy(), W), np.allclose(b1.numpy(), b)
    print(f"W1==W: {same_W} \nb1==b:  {same_b}")  # the seed's check, in its words
    ok = same_W and same_b
    print(message("linreg.matches", verdict=yes_no(ok), i=i))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
