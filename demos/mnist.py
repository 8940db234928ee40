"""Handwritten digits with a 784-128-10 sigmoid MLP: seed 001's "反向传播" MNIST program.

The seed trains on the 60,000 MNIST images for 20 epochs (batch 64, lr 0.1) with a
hand-derived backward pass, then reports the test accuracy and shows the first 5 test
images with their predictions. Here ``backward()`` derives the same update and
``optim.SGD`` applies it. Prints the loss (the seed's mean of squares) and the test
accuracy after each epoch, then the seed's "Test Accuracy" line; writes
``mnist_predictions.png`` and ``mnist_training.png``. Weights are float32 for speed (the
seed's numpy uses float64).

``--init scaled`` divides the seed's ``randn`` weights by sqrt(fan-in): the same draws at
a sensible scale, so the sigmoids do not start saturated. Try it with lr 0.1, then with
``--lr 0.01``: the seed's step sums the gradient over the batch (no 1/64), and only its
saturated sigmoids, passing back tiny gradients, kept that large step in check.
``--quick`` is not the seed's run: scaled weights, lr 0.02, 10,000 images, 2 epochs.
"""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

import autograd_mini as am
from autograd_mini import optim, plotting
from autograd_mini.cli import at_least_one, demo_parser
from autograd_mini.i18n import message

INPUT, HIDDEN, OUTPUT = 28 * 28, 128, 10
EPOCHS = 20
LR = 0.1
BATCH_SIZE = 64
SEED = 0  # the seed itself is unseeded
# --quick learns in seconds: the seed's randn weights saturate the sigmoids, which then
# learn one digit at a time (57% after a full epoch, 95% after 20), so a short run uses
# scaled weights and the step that suits them.
QUICK = {"limit": 10000, "epochs": 2, "init": "scaled", "lr": 0.02}


def load(limit: int | None) -> tuple[np.ndarray, ...]:
    """MNIST as the seed prepares it: (N, 784) in [0, 1], one-hot labels; float32."""
    from autograd_mini.datasets import mnist

    (train_images, train_labels), (test_images, test_labels) = mnist.load_data()
    train_images = train_images[:limit].reshape(-1, INPUT).astype(np.float32) / 255
    test_images = test_images.reshape(-1, INPUT).astype(np.float32) / 255
    one_hot = np.eye(OUTPUT, dtype=np.float32)
    return train_images, one_hot[train_labels[:limit]], test_images, test_labels


def init_params(init: str) -> list[am.Tensor]:
    """W1, b1, W2, b2: ``randn`` weights (divided by sqrt(fan-in) if scaled), zero biases."""
    rng = np.random.RandomState(SEED)
    W1 = rng.randn(INPUT, HIDDEN)
    W2 = rng.randn(HIDDEN, OUTPUT)
    if init == "scaled":
        W1, W2 = W1 / np.sqrt(INPUT), W2 / np.sqrt(HIDDEN)
    arrays = [W1, np.zeros((1, HIDDEN)), W2, np.zeros((1, OUTPUT))]
    return [am.Tensor(a, dtype="float32", requires_grad=True, name=n)
            for a, n in zip(arrays, ["W1", "b1", "W2", "b2"])]


def forward(X, W1, b1, W2, b2):
    """The seed's forward pass, unchanged: numpy hands it to the engine."""
    z1 = np.dot(X, W1) + b1
    a1 = am.sigmoid(z1)
    z2 = np.dot(a1, W2) + b2
    return am.sigmoid(z2)


def seed_step_difference(X_batch, y_batch, params, lr: float = LR) -> float:
    """One step by the engine vs the seed's hand-derived step: the largest difference."""
    W1, b1, W2, b2 = (p.numpy().copy() for p in params)
    a1 = 1 / (1 + np.exp(-(X_batch @ W1 + b1)))
    a2 = 1 / (1 + np.exp(-(a1 @ W2 + b2)))
    output_delta = (a2 - y_batch) * a2 * (1 - a2)
    hidden_delta = output_delta.dot(W2.T) * a1 * (1 - a1)
    by_hand = [W1 - lr * X_batch.T.dot(hidden_delta),
               b1 - lr * np.sum(hidden_delta, axis=0, keepdims=True),
               W2 - lr * a1.T.dot(output_delta),
               b2 - lr * np.sum(output_delta, axis=0, keepdims=True)]
    copies = [am.Tensor(p.numpy().copy(), requires_grad=True) for p in params]
    step(X_batch, y_batch, copies, optim.SGD(copies, lr=lr))
    return max(float(np.abs(c.numpy() - h).max()) for c, h in zip(copies, by_hand))


def step(X_batch, y_batch, params, opt) -> float:
    """One update; returns the seed's loss, the mean of squared errors."""
    a2 = forward(X_batch, *params)
    # The seed's output_error = a2 - y, times sigmoid'(a2), summed over the batch without
    # a 1/N: gradient descent on 0.5 * sum((a2 - y)^2). Differentiate exactly that.
    opt.zero_grad()
    (0.5 * am.sum(am.square(a2 - y_batch))).backward()
    opt.step()
    return np.mean(np.square(a2.numpy() - y_batch)).item()


def evaluate(test_images, params) -> np.ndarray:
    with am.no_grad():
        return np.argmax(forward(test_images, *params).numpy(), axis=1)


def draw(out: Path, suffix: str, test_images, predictions, test_labels, losses, accuracies):
    return [
        plotting.image_grid(out / f"mnist_predictions{suffix}.png",
                            [test_images[i].reshape(28, 28) for i in range(5)],
                            [f"Predicted: {predictions[i]}, Actual: {test_labels[i]}"
                             for i in range(5)]),
        plotting.plot_curves(out / f"mnist_training{suffix}.png",
                             {"loss (mean of squares)": {"train loss": losses},
                              "test accuracy (%)": {"test accuracy": accuracies}},
                             xlabel="epoch"),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = demo_parser("mnist", __doc__,
                         out="folder for the pictures (default: ./autograd_mini_out)",
                         quick=_quick_settings() + " (options given win)",
                         compiled=True)
    parser.add_argument("--epochs", type=at_least_one, help=f"(seed: {EPOCHS})")
    parser.add_argument("--limit", type=at_least_one,
                        help="train on the first N images only (seed: all 60,000)")
    parser.add_argument("--init", choices=["seed", "scaled"],
                        help="seed: randn as in the seed (the default without --quick); "
                             "scaled: randn / sqrt(fan-in)")
    parser.add_argument("--lr", type=float, help=f"learning rate (seed: {LR})")
    args = parser.parse_args(argv)
    full = {"limit": None, "epochs": EPOCHS, "init": "seed", "lr": LR}  # the seed's run
    defaults = QUICK if args.quick else full
    for name, value in defaults.items():  # None: the option was not given
        if getattr(args, name) is None:
            setattr(args, name, value)
    epochs, limit = args.epochs, args.limit

    from autograd_mini.datasets.mnist import DatasetNotFoundError

    try:
        train_images, train_labels, test_images, test_labels = load(limit)
    except DatasetNotFoundError as e:
        print(message("demo.no_mnist", demo="mnist", error=e))
        return 2
    n = len(train_images)
    if args.quick:
        print(message("mnist.quick", settings=_quick_settings(), lr=f"{LR:g}", epochs=EPOCHS))
    print(message("mnist.setup", n=n, m=len(test_images), epochs=epochs, batch=BATCH_SIZE,
                  lr=f"{args.lr:g}", init=args.init))
    params = init_params(args.init)
    diff = seed_step_difference(train_images[:BATCH_SIZE], train_labels[:BATCH_SIZE], params,
                                args.lr)
    print(message("mnist.hand_check", diff=f"{diff:.1e}"))

    opt = optim.SGD(params, lr=args.lr)
    train_step = am.compile(step) if args.compile else step
    losses, accuracies = [], []
    for epoch in range(epochs):
        start, batch_losses = time.perf_counter(), []
        batches = range(0, n, BATCH_SIZE)
        desc = message("demo.epoch_bar", k=epoch + 1, n=epochs)
        for i in plotting.progress(batches, len(batches), desc):
            batch_losses.append(train_step(train_images[i:i + BATCH_SIZE],
                                           train_labels[i:i + BATCH_SIZE], params, opt))
        seconds = time.perf_counter() - start
        predictions = evaluate(test_images, params)
        losses.append(float(np.mean(batch_losses)))
        accuracies.append(100 * float(np.mean(predictions == test_labels)))
        print(message("mnist.epoch", epoch=epoch, loss=f"{losses[-1]:.6f}",
                      accuracy=f"{accuracies[-1]:.2f}", seconds=f"{seconds:.1f}"), flush=True)

    print(f"Test Accuracy: {accuracies[-1]:.2f}%")  # the seed's last line
    if accuracies[-1] < 20 and abs(losses[-1] - 0.1) < 0.005:  # 0.1: every output is 0
        print(message("mnist.stuck"))
    suffix = "" if args.init == "seed" else f"_{args.init}"
    plotting.draw(message("what.picture"), lambda: draw(
        args.out, suffix, test_images, predictions, test_labels, losses, accuracies))
    return 0


def _quick_settings() -> str:
    return (f"{QUICK['limit']} images, {QUICK['epochs']} epochs, "
            f"init {QUICK['init']}, lr {QUICK['lr']:g}")


if __name__ == "__main__":
    raise SystemExit(main())
