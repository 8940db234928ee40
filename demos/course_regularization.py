"""Overfitting and L2 regularization: the course's TF1 lecture 4.4 (opt/opt4_7.py).

300 points (x0, x1) drawn from N(0, 1) by RandomState(2) are red when x0^2 + x1^2 < 2,
blue otherwise. A 2-11-1 relu net is fitted to them twice in a TF1 graph and session
(``autograd_mini.compat.v1``), by Adam (lr 0.0001, batches of 30): first on the mean
squared error alone, then on the mse plus each weight matrix's L2 penalty, 0.01 *
sum(w^2) / 2 (``tf.contrib.layers.l2_regularizer``, kept in the 'losses' collection and
summed by ``tf.add_n``). The penalty's gradient pulls every weight toward zero, so the
net cannot bend its boundary round single points. Prints both losses every 500 steps
beside what TensorFlow 2.21 printed for the same program, says whether they match, and
draws both decision boundaries (where the output is 0.5, the course's ``plt.contour(xx,
yy, probs, levels=[.5])``) to ``course_regularization.png``: after the course's 40,000
steps the penalized one is the smoother. ``--quick`` stops at 2,001 steps, as TensorFlow's
recorded run did, where the two boundaries are still alike.
"""

from __future__ import annotations

import numpy as np

import autograd_mini.compat.v1 as tf
from autograd_mini import plotting
from autograd_mini.cli import at_least_one, demo_parser
from autograd_mini.course import report
from autograd_mini.i18n import message, row

SEED = 2
BATCH_SIZE = 30
LR = 0.0001
REGULARIZER = 0.01
STEPS = 40_000  # the course's
QUICK_STEPS = 2001  # what TensorFlow's run was recorded for
PRINT_EVERY = 500  # the course prints every 2000; the recording every 500


def generate() -> tuple[np.ndarray, np.ndarray]:
    """The course's points and labels: 1 (red) inside the circle of radius sqrt(2)."""
    rdm = np.random.RandomState(SEED)
    X = rdm.randn(300, 2)
    Y_ = np.array([[int(x0 * x0 + x1 * x1 < 2)] for (x0, x1) in X])
    return X, Y_


def get_weight(shape, regularizer):
    """A weight matrix; its L2 penalty goes into the 'losses' collection."""
    w = tf.Variable(tf.random_normal(shape), dtype=tf.float32)
    tf.add_to_collection("losses", tf.contrib.layers.l2_regularizer(regularizer)(w))
    return w


def fit(X, Y_, regularized: bool, steps: int):
    """Fit the net on mse (plus the penalties if ``regularized``); return {step: loss}
    every 500 steps, the squared weights' sum and the output on the course's grid."""
    with tf.Graph().as_default():  # a fresh graph numbers its random weights as the course's
        tf.set_random_seed(1)
        x = tf.placeholder(tf.float32, shape=(None, 2))
        y_ = tf.placeholder(tf.float32, shape=(None, 1))
        w1 = get_weight([2, 11], REGULARIZER)
        b1 = tf.Variable(tf.constant(0.01, shape=[11]))
        y1 = tf.nn.relu(tf.matmul(x, w1) + b1)
        w2 = get_weight([11, 1], REGULARIZER)
        b2 = tf.Variable(tf.constant(0.01, shape=[1]))
        y = tf.matmul(y1, w2) + b2

        loss = tf.reduce_mean(tf.square(y - y_))  # mse
        if regularized:
            loss = loss + tf.add_n(tf.get_collection("losses"))
        train_step = tf.train.AdamOptimizer(LR).minimize(loss)
        losses = {}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            for i in range(steps):
                start = (i * BATCH_SIZE) % 300
                sess.run(train_step, feed_dict={x: X[start:start + BATCH_SIZE],
                                                y_: Y_[start:start + BATCH_SIZE]})
                if i % PRINT_EVERY == 0:
                    losses[i] = float(sess.run(loss, feed_dict={x: X, y_: Y_}))
            xx, yy = np.mgrid[-3:3:.01, -3:3:.01]
            probs = sess.run(y, feed_dict={x: np.c_[xx.ravel(), yy.ravel()]})
            squares = sum(float(np.sum(np.square(w))) for w in sess.run([w1, w2]))
    return losses, squares, (xx, yy, probs.reshape(xx.shape))


def main(argv: list[str] | None = None) -> int:
    parser = demo_parser("course-regularization", __doc__,
                         out="folder for the boundaries (default: ./autograd_mini_out)",
                         quick=f"{QUICK_STEPS} steps instead of {STEPS}")
    parser.add_argument("--steps", type=at_least_one,
                        help=f"(the course: {STEPS}; recorded on TensorFlow: {QUICK_STEPS})")
    args = parser.parse_args(argv)
    steps = args.steps or (QUICK_STEPS if args.quick else STEPS)  # None: not given

    X, Y_ = generate()
    print(message("regularization.setup", steps=steps, lr=LR, batch=BATCH_SIZE,
                  red=int(Y_.sum())))
    plain, plain_squares, plain_grid = fit(X, Y_, regularized=False, steps=steps)
    penalized, penalized_squares, penalized_grid = fit(X, Y_, regularized=True, steps=steps)

    print(message("demo.beside_tf", file="tests/course/reference/tf1_ch4_7_regularization.txt"))
    print(row((message("col.step"), 5, True), ("", 2), (message("col.mse"), 12),
              ("TensorFlow", 12), (message("col.mse_l2"), 12), ("TensorFlow", 0)))
    figures = []
    last = max(plain)
    for step in (s for s in plain if s in TENSORFLOW or s % 5000 == 0 or s == last):
        theirs = TENSORFLOW.get(step)
        tf_plain, tf_penalized = (f"{t:.6f}" for t in theirs) if theirs else ("-", "-")
        print(f"{step:>5}  {plain[step]:<12.6f}{tf_plain:<12}{penalized[step]:<12.6f}"
              f"{tf_penalized}")
        if theirs:
            figures += [(plain[step], theirs[0]), (penalized[step], theirs[1])]
    print(message("regularization.squares", plain=f"{plain_squares:.4f}",
                  penalized=f"{penalized_squares:.4f}"))
    ok = report(figures)
    plotting.draw(message("what.boundaries"), lambda: plotting.boundaries(
        args.out / "course_regularization.png", X, ["red" if y else "blue" for y in Y_[:, 0]],
        {f"mse alone, {steps} steps": plain_grid,
         f"mse + L2 (regularizer {REGULARIZER})": penalized_grid}))
    return 0 if ok else 1


# What TensorFlow 2.21 printed for tests/course/tf1_ch4_7_regularization.py (the course's
# opt4_7.py at 2,001 steps; recorded in tests/course/reference/tf1_ch4_7_regularization.txt):
# {step: (loss on mse alone, loss on mse + L2)}.
TENSORFLOW = {
    0: (4.604859, 4.783033),
    500: (2.863905, 3.040693),
    1000: (1.779301, 1.955380),
    1500: (1.111637, 1.287383),
    2000: (0.692253, 0.867941),
}

if __name__ == "__main__":
    raise SystemExit(main())
