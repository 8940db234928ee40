"""Iris flowers by a 4-3 softmax layer: the course's TF2 lecture 1 (class1/p45_iris.py).

The TF2 edition of Cao Jian's MOOC trains one layer, y = softmax(x @ w1 + b1), on 120 of
the 150 iris flowers by hand: a GradientTape records the mean squared error between y and
the one-hot labels, ``tape.gradient`` returns d loss / d w1 and d loss / d b1, and
``assign_sub`` steps each against its gradient (lr 0.1). The lines below make the course's
calls, in its order, on ``autograd_mini.compat.v2``: its file runs here with only the
import line changed (``autograd-mini course show p45_iris.py``). Prints the loss and
the accuracy on the 30 held-out flowers every ten epochs beside what TensorFlow 2.21
printed for the same program, says whether they match, and draws the course's two
curves to ``course_iris.png``. The course runs 500 epochs: try ``--epochs 500``.
``--compile`` runs each batch's tape block and ``tape.gradient`` as ``autograd_mini.compile``
writes them; the update runs as written.
"""

from __future__ import annotations

import time

import numpy as np

import autograd_mini as am
import autograd_mini.compat.v2 as tf
from autograd_mini import plotting
from autograd_mini.cli import at_least_one, demo_parser
from autograd_mini.course import report
from autograd_mini.datasets import iris
from autograd_mini.i18n import message, row

LR = 0.1
EPOCHS = 50  # TensorFlow's run was recorded for 50 epochs
SEED = 116  # the course's seed for the shuffle and for tf.random


def load():
    """The course's data: 150 flowers shuffled with seed 116, the last 30 held out."""
    x_data, y_data = iris.load_data()
    np.random.seed(SEED)
    np.random.shuffle(x_data)
    np.random.seed(SEED)  # the same seed again, so each label stays with its flower
    np.random.shuffle(y_data)
    tf.random.set_seed(SEED)
    x_train, x_test = tf.cast(x_data[:-30], tf.float32), tf.cast(x_data[-30:], tf.float32)
    train_db = tf.data.Dataset.from_tensor_slices((x_train, y_data[:-30])).batch(32)
    test_db = tf.data.Dataset.from_tensor_slices((x_test, y_data[-30:])).batch(32)
    return train_db, test_db


def sgd(lr: float = LR):
    """The course's update, plain gradient descent: w -= lr * d loss / d w."""
    def step(params, grads):
        for p, g in zip(params, grads):
            p.assign_sub(lr * g)
    return step


def accuracy(test_db, w1, b1) -> float:
    """The share of held-out flowers whose largest output is their species."""
    total_correct, total_number = 0, 0
    for x_test, y_test in test_db:
        y = tf.nn.softmax(tf.matmul(x_test, w1) + b1)
        pred = tf.cast(tf.argmax(y, axis=1), dtype=y_test.dtype)
        total_correct += int(tf.reduce_sum(tf.cast(tf.equal(pred, y_test), dtype=tf.int32)))
        total_number += x_test.shape[0]
    return total_correct / total_number


def train(step=None, epochs: int = EPOCHS,
          compiled: bool = False) -> tuple[list[float], list[float]]:
    """Train the layer with ``step(params, grads)`` (default: ``sgd()``); return each
    epoch's mean batch loss and test accuracy. ``compiled``: each batch's tape block and
    ``tape.gradient`` run as ``autograd_mini.compile`` wrote them; ``step`` runs as it is
    written (the course's optimizers keep their state in Python variables, which a replay
    would not assign again)."""
    step = step or sgd()
    train_db, test_db = load()
    w1 = tf.Variable(tf.random.truncated_normal([4, 3], stddev=0.1, seed=1))
    b1 = tf.Variable(tf.random.truncated_normal([3], stddev=0.1, seed=1))

    def gradients(x_train, y_train):
        with tf.GradientTape() as tape:
            y = tf.nn.softmax(tf.matmul(x_train, w1) + b1)
            loss = tf.reduce_mean(tf.square(tf.one_hot(y_train, depth=3) - y))
        return loss, tape.gradient(loss, [w1, b1])

    if compiled:
        gradients = am.compile(gradients)
    losses, accuracies = [], []
    for _ in range(epochs):
        loss_all = 0
        for x_train, y_train in train_db:  # 4 batches: 32, 32, 32 and 24 flowers
            loss, grads = gradients(x_train, y_train)
            loss_all += loss.numpy()
            step([w1, b1], grads)
        losses.append(float(loss_all / 4))
        accuracies.append(accuracy(test_db, w1, b1))
    return losses, accuracies


def epochs_parser(name: str, description: str | None):
    """The command line of an iris lesson: ``--out``, ``--quick``, ``--compile`` and
    ``--epochs``."""
    parser = demo_parser(name, description,
                         out="folder for the curves (default: ./autograd_mini_out)",
                         quick="accepted for `demo all`; this demo is already quick",
                         compiled=True)
    parser.add_argument("--epochs", type=at_least_one, default=EPOCHS,
                        help=f"(recorded on TensorFlow: {EPOCHS}; the course: 500)")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = epochs_parser("course-iris", __doc__).parse_args(argv)

    start = time.perf_counter()
    losses, accuracies = train(epochs=args.epochs, compiled=args.compile)
    seconds = time.perf_counter() - start
    print(message("iris.setup", epochs=args.epochs, lr=LR, seconds=f"{seconds:.2f}"))
    print(message("demo.beside_tf", file="tests/course/reference/tf2_ch1_iris.txt"))
    print(row((message("col.epoch"), 7), (message("col.loss"), 12), ("TensorFlow", 12),
              (message("col.accuracy"), 15), ("TensorFlow", 0)))
    figures = []
    shown = sorted({e for e in TENSORFLOW if e < args.epochs} | {args.epochs - 1})
    for epoch in shown:
        theirs = TENSORFLOW.get(epoch)
        tf_loss, tf_acc = (f"{theirs[0]:.8f}", f"{theirs[1]:.4f}") if theirs else ("-", "-")
        print(f"{epoch:>5}  {losses[epoch]:<12.8f}{tf_loss:<12}{accuracies[epoch]:<15.4f}"
              f"{tf_acc}")
        if theirs:
            figures += [(losses[epoch], theirs[0]), (accuracies[epoch], theirs[1])]
    ok = report(figures)
    plotting.draw(message("what.curves"), lambda: plotting.plot_curves(
        args.out / "course_iris.png",
        {"Loss Function Curve": {"loss (mse)": losses},
         "Acc Curve": {"test accuracy": accuracies}},
        title=f"iris, one softmax layer, lr {LR}"))
    return 0 if ok else 1


# What TensorFlow 2.21 printed for tests/course/tf2_ch1_iris.py (the course's program at 50
# epochs; recorded in tests/course/reference/tf2_ch1_iris.txt): {epoch: (loss, test acc)}.
TENSORFLOW = {
    0: (0.2821310758590698, 0.16666666666666666),
    10: (0.14802727103233337, 0.5333333333333333),
    20: (0.11760355532169342, 0.5333333333333333),
    30: (0.1052790954709053, 0.5333333333333333),
    40: (0.09721365571022034, 0.5333333333333333),
    49: (0.09143111854791641, 0.5333333333333333),
}

if __name__ == "__main__":
    raise SystemExit(main())
