"""XOR with a 2-2-1 sigmoid net: seed 001's "反向中的参数变化" (how the weights move).

The seed trains the net (no biases, lr 0.5, 10,000 epochs, ``np.random.seed(0)``) with a
hand-derived backward pass and films it. Here ``backward()`` derives the same update,
and the seed's own numpy update runs alongside to show they agree. Prints the loss (the
seed's mean of squares) every 1000 epochs and the four predictions, and writes
``weights_update.gif`` (both weight matrices as heatmaps) and ``training_loss.gif`` (the
loss curve), one frame every 1000 epochs, as the seed does. float64, as the seed's numpy.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

import autograd_mini as am
from autograd_mini import plotting
from autograd_mini.cli import at_least_one, demo_parser
from autograd_mini.i18n import message, yes_no

X = np.array([[0, 0],
              [0, 1],
              [1, 0],
              [1, 1]])
y = np.array([[0], [1], [1], [0]])  # XOR
HIDDEN = 2
LR = 0.5
EPOCHS = 10_000
QUICK_EPOCHS = 3_000  # the predictions already round to XOR at epoch 2000
FRAME_EVERY = 1000
SEED = 0


def init_weights() -> tuple[np.ndarray, np.ndarray]:
    """The seed's start: ``np.random.seed(0)``, then two ``uniform`` draws."""
    np.random.seed(SEED)
    return np.random.uniform(size=(2, HIDDEN)), np.random.uniform(size=(HIDDEN, 1))


def train(epochs: int = EPOCHS, compiled: bool = False):
    """Gradient descent with the engine; returns final weights, losses and frame snapshots.
    ``compiled``: each epoch's step runs as ``autograd_mini.compile`` wrote it."""
    w_ih, w_ho = init_weights()
    weights_input_hidden = am.Tensor(w_ih, requires_grad=True, name="W_ih")
    weights_hidden_output = am.Tensor(w_ho, requires_grad=True, name="W_ho")

    def step():
        # forward: the seed's lines, unchanged, now recording a graph
        hidden_layer_output = am.sigmoid(np.dot(X, weights_input_hidden))
        predicted_output = am.sigmoid(np.dot(hidden_layer_output, weights_hidden_output))
        loss = np.mean((y - predicted_output) ** 2)
        # The seed's update, error * sigmoid'(out) pushed back by hand, is gradient
        # descent on 0.5 * sum((y - out)^2): differentiate exactly that.
        (0.5 * am.sum((y - predicted_output) ** 2)).backward()
        for w in (weights_input_hidden, weights_hidden_output):
            w.data -= LR * w.grad
            w.zero_grad()
        return loss

    if compiled:
        step = am.compile(step)
    losses, snapshots = [], []
    for epoch in range(epochs):
        losses.append(float(step()))
        if epoch % FRAME_EVERY == 0:
            print(f"Epoch {epoch}, Loss: {losses[-1]}")
            snapshots.append((epoch, weights_input_hidden.numpy().copy(),
                              weights_hidden_output.numpy().copy()))
    return weights_input_hidden.numpy(), weights_hidden_output.numpy(), losses, snapshots


def seed_update(epochs: int = EPOCHS) -> tuple[np.ndarray, np.ndarray]:
    """The seed's hand-derived backward pass in plain numpy, for comparison."""
    def sigmoid(x):
        return 1 / (1 + np.exp(-x))

    weights_input_hidden, weights_hidden_output = init_weights()
    for _ in range(epochs):
        hidden_layer_output = sigmoid(np.dot(X, weights_input_hidden))
        predicted_output = sigmoid(np.dot(hidden_layer_output, weights_hidden_output))
        d_predicted_output = (y - predicted_output) * predicted_output * (1 - predicted_output)
        error_hidden_layer = d_predicted_output.dot(weights_hidden_output.T)
        d_hidden_layer = error_hidden_layer * hidden_layer_output * (1 - hidden_layer_output)
        weights_hidden_output += hidden_layer_output.T.dot(d_predicted_output) * LR
        weights_input_hidden += X.T.dot(d_hidden_layer) * LR
    return weights_input_hidden, weights_hidden_output


def predict(w_ih: np.ndarray, w_ho: np.ndarray) -> np.ndarray:
    with am.no_grad():
        return am.sigmoid(am.sigmoid(am.Tensor(X, dtype="float64") @ w_ih) @ w_ho).numpy()


def make_gifs(out: Path, losses: list[float], snapshots: list) -> list[Path]:
    """The seed's two GIFs: one frame per snapshot, 0.5 s each."""
    weights = [plotting.heatmaps_frame(
        {"Weights Input-Hidden": w_ih, "Weights Hidden-Output": w_ho}, f"epoch {epoch}")
        for epoch, w_ih, w_ho in snapshots]
    curves = [plotting.curve_frame(losses[:epoch + 1], xmax=len(losses),
                                   ymax=max(losses[:epoch + 1]),
                                   title=f"Loss over epochs (epoch {epoch})")
              for epoch, _, _ in snapshots]
    return [plotting.save_gif(out / "training_loss.gif", curves),
            plotting.save_gif(out / "weights_update.gif", weights)]


def main(argv: list[str] | None = None) -> int:
    parser = demo_parser("xor", __doc__,
                         out="folder for the GIFs (default: ./autograd_mini_out)",
                         quick=f"{QUICK_EPOCHS} epochs instead of {EPOCHS}",
                         compiled=True)
    parser.add_argument("--epochs", type=at_least_one, help=f"(seed: {EPOCHS})")
    args = parser.parse_args(argv)
    epochs = args.epochs or (QUICK_EPOCHS if args.quick else EPOCHS)  # None: not given

    w_ih, w_ho, losses, snapshots = train(epochs, compiled=args.compile)
    hand = seed_update(epochs)
    diff = max(np.abs(w_ih - hand[0]).max(), np.abs(w_ho - hand[1]).max())
    print(message("xor.hand_check", epochs=epochs, diff=f"{diff:.1e}"))

    out = predict(w_ih, w_ho)
    ok = np.array_equal(np.round(out), y)
    print(message("xor.predictions"))
    for x_row, p in zip(X, out[:, 0]):
        print(message("xor.prediction", a=x_row[0], b=x_row[1], p=f"{p:.4f}", r=round(p)))
    print(message("xor.verdict", verdict=yes_no(ok)))
    plotting.draw("GIF", lambda: make_gifs(args.out, losses, snapshots))
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
