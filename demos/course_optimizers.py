"""Five optimizers on the iris layer: the course's TF2 lecture 2.6 (p32_sgd.py to p40_adam.py).

Each is lecture 1's iris program (``course-iris``) with another update. With g the
gradient, every rule steps w -= lr * m / sqrt(V): SGD takes m = g, V = 1; SGD with
momentum m = a moving average of g; Adagrad V = the sum of every g^2 so far; RMSProp V = a
moving average of g^2; Adam both averages, corrected for their start at zero. Trains each
for 50 epochs at lr 0.1 and prints a table of its final loss, test accuracy and time (the
course asks students to compare these), then the figures TensorFlow 2.21 printed for the
same programs beside ours, and whether they match. Draws the five loss curves (and the
accuracies) to ``course_optimizers.png``. The course runs 500 epochs: ``--epochs 500``.
``--compile`` compiles each batch's tape block and ``tape.gradient`` (``autograd_mini.compile``);
the five updates run as written, their m and V in Python variables as the course keeps them.
"""

from __future__ import annotations

import time

import autograd_mini.compat.v2 as tf
from autograd_mini import plotting
from autograd_mini.cli import load_demo
from autograd_mini.course import report
from autograd_mini.i18n import message, row

iris = load_demo("course-iris")  # lecture 1's data, layer, loop and plain SGD
LR = iris.LR
EPOCHS = iris.EPOCHS  # TensorFlow's runs were recorded for 50 epochs (RMSProp: 2)


def sgdm(lr: float = LR, beta: float = 0.9):
    """SGD with momentum: m = beta * m + (1 - beta) * g; w -= lr * m."""
    m = [0, 0]

    def step(params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            m[i] = beta * m[i] + (1 - beta) * g
            p.assign_sub(lr * m[i])
    return step


def adagrad(lr: float = LR):
    """Adagrad: V = the sum of g^2 so far; w -= lr * g / sqrt(V). Steps only shrink."""
    v = [0, 0]

    def step(params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            v[i] += tf.square(g)
            p.assign_sub(lr * g / tf.sqrt(v[i]))
    return step


def rmsprop(lr: float = LR, beta: float = 0.9):
    """RMSProp: V = beta * V + (1 - beta) * g^2, an average that forgets; w -= lr * g /
    sqrt(V)."""
    v = [0, 0]

    def step(params, grads):
        for i, (p, g) in enumerate(zip(params, grads)):
            v[i] = beta * v[i] + (1 - beta) * tf.square(g)
            p.assign_sub(lr * g / tf.sqrt(v[i]))
    return step


def adam(lr: float = LR, beta1: float = 0.9, beta2: float = 0.999):
    """Adam: momentum's m and RMSProp's V, each divided by 1 - beta^t to undo their start
    at zero; w -= lr * m_hat / sqrt(V_hat)."""
    m, v, t = [0, 0], [0, 0], [0]

    def step(params, grads):
        t[0] += 1
        for i, (p, g) in enumerate(zip(params, grads)):
            m[i] = beta1 * m[i] + (1 - beta1) * g
            v[i] = beta2 * v[i] + (1 - beta2) * tf.square(g)
            m_hat = m[i] / (1 - tf.pow(beta1, t[0]))
            v_hat = v[i] / (1 - tf.pow(beta2, t[0]))
            p.assign_sub(lr * m_hat / tf.sqrt(v_hat))
    return step


OPTIMIZERS = {"sgd": iris.sgd, "sgdm": sgdm, "adagrad": adagrad, "rmsprop": rmsprop,
              "adam": adam}


def main(argv: list[str] | None = None) -> int:
    args = iris.epochs_parser("course-optimizers", __doc__).parse_args(argv)

    runs = {}
    print(message("optimizers.setup", epochs=args.epochs, lr=LR))
    print(row((message("col.optimizer"), 11), (message("col.final_loss"), 12),
              (message("col.accuracy"), 15), (message("col.seconds"), 0)))
    for name, optimizer in OPTIMIZERS.items():
        start = time.perf_counter()
        runs[name] = losses, accuracies = iris.train(optimizer(), args.epochs,
                                                      args.compile)
        print(f"{name:<11}{losses[-1]:<12.8f}{accuracies[-1]:<15.4f}"
              f"{time.perf_counter() - start:.2f}")

    print(message("demo.beside_tf_runs", file="tests/course/reference/tf2_ch2_iris_*.txt"))
    figures = []
    for name, (epoch, tf_loss, tf_acc) in TENSORFLOW.items():
        if epoch < args.epochs:
            losses, accuracies = runs[name]
            print(message("optimizers.beside", name=f"{name:<9}", epoch=f"{epoch:>2}",
                          loss=f"{losses[epoch]:.8f}", tf_loss=f"{tf_loss:.8f}",
                          accuracy=f"{accuracies[epoch]:.4f}", tf_accuracy=f"{tf_acc:.4f}"))
            figures += [(losses[epoch], tf_loss), (accuracies[epoch], tf_acc)]
    print(message("optimizers.rmsprop"))
    ok = report(figures)
    plotting.draw(message("what.curves"), lambda: plotting.plot_curves(
        args.out / "course_optimizers.png",
        {"loss (mse)": {name: run[0] for name, run in runs.items()},
         "test accuracy": {name: run[1] for name, run in runs.items()}},
        title=f"five optimizers on iris, lr {LR}", logy=["loss (mse)"]))
    return 0 if ok else 1


# What TensorFlow 2.21 printed for tests/course/tf2_ch2_iris_NAME.py (the course's p32_sgd.py
# ... p40_adam.py at 50 epochs, RMSProp at 2; recorded in tests/course/reference/
# tf2_ch2_iris_NAME.txt): {name: (epoch, loss, test accuracy)}.
TENSORFLOW = {
    "sgd": (49, 0.09143111854791641, 0.5333333333333333),
    "sgdm": (49, 0.08723233640193939, 0.7),
    "adagrad": (49, 0.07403349876403809, 0.8666666666666667),
    "rmsprop": (1, 0.20467261970043182, 0.5333333333333333),
    "adam": (49, 0.023787248879671097, 1.0),
}

if __name__ == "__main__":
    raise SystemExit(main())
