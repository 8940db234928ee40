"""Seed 000 (PKU's TensorFlow 1.x notes, tf3_6.py) as it was written: build, then run.

"First build the graph, then run it in a session": placeholders ``x`` and ``y_``, two
weight matrices drawn by ``tf.random_normal(seed=1)`` (compat.v1 draws TF1's numbers),
a 2-3-1 linear net, mean squared error and a train op. Then a ``Session`` runs 3000
steps on batches of 8. Prints what the seed prints (X and Y_ only with ``--full``): the
starting weights, the loss on all data every 500 steps and the final weights; with
gradient descent (the seed's optimizer) it then says whether every figure matches the
seed's printout.
``--optimizer momentum|adam`` tries the seed's two commented-out lines instead.
"""

from __future__ import annotations

import numpy as np

import autograd_mini.compat.v1 as tf
from autograd_mini.cli import demo_parser

BATCH_SIZE = 8
SEED = 23455
STEPS = 3000
LOG_EVERY = 500
OPTIMIZERS = {  # the seed's line, then its two commented-out alternatives
    "gd": lambda: tf.train.GradientDescentOptimizer(0.001),
    "momentum": lambda: tf.train.MomentumOptimizer(0.001, 0.9),
    "adam": lambda: tf.train.AdamOptimizer(0.001),
}
SEED_TABLE = ["5.13118", "0.429111", "0.409789", "0.399923", "0.394146", "0.390597"]
SEED_W1 = [[-0.70006633, 0.9136318, 0.08953571], [-2.3402493, -0.14641267, 0.58823055]]
SEED_W2 = [[-0.06024267], [0.91956186], [-0.0682071]]
WEIGHT_TOL = 1e-6


def run(optimizer: str = "gd", show=print, full: bool = True
        ) -> tuple[list[str], np.ndarray, np.ndarray]:
    """The seed's program; ``show`` gets each printed line (X and Y_ only if ``full``).
    Returns the loss column (``%g`` strings) and the final weights."""
    rdm = np.random.RandomState(SEED)
    X = rdm.rand(32, 2)
    Y_ = [[int(x0 + x1 < 1)] for (x0, x1) in X]
    if full:
        show("X:\n", X)
        show("Y_:\n", Y_)
    else:
        show(f"X: 32 points in the unit square, Y_: 1 where x0 + x1 < 1 ({np.sum(Y_)} of "
             "them); --full prints both, as the seed does")

    with tf.Graph().as_default():  # a fresh graph, so that main() can run twice
        # 1. build the graph: inputs, parameters, forward pass, loss, train op
        x = tf.placeholder(tf.float32, shape=(None, 2))
        y_ = tf.placeholder(tf.float32, shape=(None, 1))
        w1 = tf.Variable(tf.random_normal([2, 3], stddev=1, seed=1))
        w2 = tf.Variable(tf.random_normal([3, 1], stddev=1, seed=1))
        a = tf.matmul(x, w1)
        y = tf.matmul(a, w2)
        loss_mse = tf.reduce_mean(tf.square(y - y_))
        train_step = OPTIMIZERS[optimizer]().minimize(loss_mse)

        # 2. run it in a session
        losses = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            show("w1:\n", sess.run(w1))
            show("w2:\n", sess.run(w2))
            show("\n")
            for i in range(STEPS):
                start = (i * BATCH_SIZE) % 32
                end = start + BATCH_SIZE
                sess.run(train_step, feed_dict={x: X[start:end], y_: Y_[start:end]})
                if i % LOG_EVERY == 0:
                    total_loss = sess.run(loss_mse, feed_dict={x: X, y_: Y_})
                    losses.append("%g" % total_loss)  # noqa: UP031 (the seed's format)
                    show("After %d training step(s), loss_mse on all data is %s" % (  # noqa: UP031
                        i, losses[-1]))
            show("\n")
            w1_final, w2_final = sess.run([w1, w2])
            show("w1:\n", w1_final)
            show("w2:\n", w2_final)
        show("w1:\n", w1)  # the graph nodes themselves: no values outside a session
        show("w2:\n", w2)
    return losses, w1_final, w2_final


def matches_seed(losses: list[str], w1: np.ndarray, w2: np.ndarray) -> bool:
    """Print, per figure, whether it matches seed 000's printout; True if all do."""
    checks = [("loss column (%g)", losses == SEED_TABLE)]
    for name, ours, seed in (("w1", w1, SEED_W1), ("w2", w2, SEED_W2)):
        diff = float(np.max(np.abs(ours - np.array(seed))))
        checks.append((f"final {name} (max diff {diff:.1e}, tolerance {WEIGHT_TOL:g})",
                       diff <= WEIGHT_TOL))
    for what, ok in checks:
        print(f"  {what}: {'same' if ok else 'DIFFERENT'}")
    ok = all(ok for _, ok in checks)
    print(f"matches seed 000: {'yes' if ok else 'no'}")
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = demo_parser("tf1-net --style graph", __doc__,
                         out="accepted for `demo all`; this demo writes no files",
                         quick="accepted for `demo all`; this demo is already quick")
    parser.add_argument("--optimizer", choices=list(OPTIMIZERS), default="gd",
                        help="gd (the seed's), momentum or adam (its commented-out lines)")
    parser.add_argument("--full", action="store_true",
                        help="also print X and Y_ (32 rows each) first, as the seed does")
    args = parser.parse_args(argv)
    losses, w1, w2 = run(args.optimizer, full=args.full)
    if args.optimizer != "gd":
        print(f"not compared with seed 000: it printed gradient descent only ({args.optimizer} "
              f"ends at {losses[-1]}, the seed's gradient descent at {SEED_TABLE[-1]})")
        return 0
    return 0 if matches_seed(losses, w1, w2) else 1


if __name__ == "__main__":
    raise SystemExit(main())
