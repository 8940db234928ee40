"""A two-layer net learns "x0 + x1 < 1": seed 000, PKU's TensorFlow 1.x notes (tf3_6.py).

32 samples from ``np.random.RandomState(23455)``, a 2-3-1 linear net (``matmul`` twice,
no activations), mean squared error, 3000 steps of gradient descent (lr 0.001) on
batches of 8. Prints the initial weights, the loss on all data every 500 steps
(``After 0 training step(s), loss_mse on all data is 5.13118``) and the final weights,
then whether each matches the seed; ``--full`` first prints the 32x2 input matrix X and
its labels Y_, as the seed does. float32, as TensorFlow.

The seed's initial weights come from ``tf.random_normal(seed=1)``, a generator numpy
cannot reproduce, so they are copied from its printout. Its "step 0" loss is measured
after the first update has been applied: ``sess.run(train_step)`` runs first.
``--optimizer momentum|adam`` tries the seed's two commented-out optimizers;
``--style graph`` runs the same net through a TF1-style Session (compat.v1).
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

import numpy as np

import autograd_mini as am
from autograd_mini import optim
from autograd_mini.cli import demo_parser
from autograd_mini.i18n import message, yes_no

BATCH_SIZE = 8
SEED = 23455
STEPS = 3000
LOG_EVERY = 500
LR = 0.001
W1_0 = [[-0.81131822, 1.48459876, 0.06532937],  # printed by the seed: tf.random_normal
        [-2.4427042, 0.0992484, 0.59122431]]  # ([2, 3], stddev=1, seed=1)
W2_0 = [[-0.81131822],
        [1.48459876],
        [0.06532937]]
OPTIMIZERS = {  # the seed's line, then its two commented-out alternatives
    "gd": lambda: optim.SGD(lr=LR),  # tf.train.GradientDescentOptimizer(0.001)
    "momentum": lambda: optim.Momentum(lr=LR, momentum=0.9),  # MomentumOptimizer(0.001, 0.9)
    "adam": lambda: optim.Adam(lr=LR),  # AdamOptimizer(0.001)
}
WEIGHT_TOL = 1e-6  # float32 sums taken in another order differ in the last digits


def make_data() -> tuple[np.ndarray, list[list[int]]]:
    """The seed's data set: 32 points in the unit square, label 1 below the diagonal."""
    rdm = np.random.RandomState(SEED)
    X = rdm.rand(32, 2)
    Y_ = [[int(x0 + x1 < 1)] for (x0, x1) in X]
    return X, Y_


def train(X: np.ndarray, Y_: list, optimizer: str = "gd", compiled: bool = False):
    """The seed's 3000 steps; prints and returns the loss lines, returns the final weights.
    ``compiled``: each step runs as ``autograd_mini.compile`` wrote it."""
    x_all = X.astype(np.float32)  # what the seed's float32 placeholders hold
    y_all = np.array(Y_, dtype=np.float32)
    w1 = am.Variable(W1_0, dtype="float32", name="w1")
    w2 = am.Variable(W2_0, dtype="float32", name="w2")

    def loss_mse(x, y_):
        a = am.matmul(x, w1)
        y = am.matmul(a, w2)
        return am.mean(am.square(y - y_))

    opt = OPTIMIZERS[optimizer]()

    def step(x, y_):
        with am.Tape() as tape:  # one sess.run(train_step): loss, gradients, update
            loss = loss_mse(x, y_)
        grads = tape.gradient(loss, [w1, w2])
        opt.apply_gradients(zip(grads, [w1, w2]))

    if compiled:
        step = am.compile(step)
    lines = []
    for i in range(STEPS):
        start = (i * BATCH_SIZE) % 32
        step(x_all[start:start + BATCH_SIZE], y_all[start:start + BATCH_SIZE])
        if i % LOG_EVERY == 0:
            with am.no_grad():
                total_loss = loss_mse(x_all, y_all)
            line = "After %d training step(s), loss_mse on all data is %g" % (  # noqa: UP031
                i, total_loss)
            print(line)
            lines.append(line)
    return lines, w1.numpy(), w2.numpy()


def compare_with_seed(X, Y_, lines, w1, w2) -> bool:
    """Print the seed's final weights and a verdict per figure; True if all match."""
    seed_X = np.array(SEED_X.split(), dtype=np.float64).reshape(32, 2)
    checks = [
        (message("tf1_net.check_x"), int(np.sum(np.round(X, 8) == seed_X)), seed_X.size),
        ("Y_", sum(a == b for a, b in zip(Y_, SEED_Y)), len(SEED_Y)),
        (message("tf1_net.check_losses"), sum(a == b for a, b in zip(lines, SEED_LOSSES)),
         len(SEED_LOSSES)),
    ]
    for ours, seeds, name in ((w1, SEED_W1, "w1"), (w2, SEED_W2, "w2")):
        diff = np.abs(ours - np.array(seeds))
        checks.append((message("tf1_net.check_weights", name=name, tol=f"{WEIGHT_TOL:g}",
                               diff=f"{diff.max():.1e}"),
                       int(np.sum(diff <= WEIGHT_TOL)), diff.size))
    for ours, theirs in zip(lines, SEED_LOSSES):
        if ours != theirs:
            print(message("tf1_net.line_differs", ours=ours, seed=theirs))
    print(message("tf1_net.seed_printed"))
    print("w1:\n", np.array(SEED_W1, dtype=np.float32))
    print("w2:\n", np.array(SEED_W2, dtype=np.float32))
    for what, same, total in checks:
        print(message("demo.check", what=what, result=f"{same}/{total}"))
    ok = all(same == total for _, same, total in checks)
    print(message("demo.matches", seed="000", verdict=yes_no(ok)))
    return ok


def run_graph_style(argv: list[str]) -> int:
    """Hand over to ``tf1_net_graph.py``: the same net through compat.v1's Session."""
    path = Path(__file__).with_name("tf1_net_graph.py")
    if not path.is_file():
        print(message("tf1_net.graph_missing", name=path.name, folder=path.parent))
        return 2
    spec = importlib.util.spec_from_file_location("autograd_mini_demo_tf1_net_graph", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.main(argv)


def main(argv: list[str] | None = None) -> int:
    parser = demo_parser("tf1-net", __doc__,
                         out="accepted for `demo all`; this demo writes no files",
                         quick="accepted for `demo all`; this demo is already quick",
                         compiled=True)
    parser.add_argument("--optimizer", choices=list(OPTIMIZERS), default="gd",
                        help="gd (the seed's), momentum or adam (its commented-out lines)")
    parser.add_argument("--style", choices=["eager", "graph"], default="eager",
                        help="eager: a Tape and Variables (default); graph: a TF1 Session")
    parser.add_argument("--full", action="store_true",
                        help="also print X and Y_ (32 rows each) first, as the seed does")
    args = parser.parse_args(argv)
    if args.style == "graph":
        return run_graph_style(["--out", str(args.out), "--optimizer", args.optimizer]
                               + ["--quick"] * args.quick + ["--full"] * args.full)

    X, Y_ = make_data()
    if args.full:
        print("X:\n", X)
        print("Y_:\n", Y_)
    else:
        print(f"X: 32 points in the unit square, Y_: 1 where x0 + x1 < 1 ({np.sum(Y_)} of "
              "them); --full prints both, as the seed does")
    print("w1:\n", np.array(W1_0, dtype=np.float32))
    print("w2:\n", np.array(W2_0, dtype=np.float32))
    print("\n")
    lines, w1, w2 = train(X, Y_, args.optimizer, compiled=args.compile)
    print("\n")
    print("w1:\n", w1)
    print("w2:\n", w2)
    if args.optimizer != "gd":
        print(message("tf1_net.not_compared", optimizer=args.optimizer,
                      last=lines[-1].split()[-1], seed_last="0.390597"))
        return 0
    return 0 if compare_with_seed(X, Y_, lines, w1, w2) else 1


# ----- what the seed printed ------------------------------------------------------------

SEED_LOSSES = [
    "After 0 training step(s), loss_mse on all data is 5.13118",
    "After 500 training step(s), loss_mse on all data is 0.429111",
    "After 1000 training step(s), loss_mse on all data is 0.409789",
    "After 1500 training step(s), loss_mse on all data is 0.399923",
    "After 2000 training step(s), loss_mse on all data is 0.394146",
    "After 2500 training step(s), loss_mse on all data is 0.390597",
]
SEED_W1 = [[-0.70006633, 0.9136318, 0.08953571],
           [-2.3402493, -0.14641267, 0.58823055]]
SEED_W2 = [[-0.06024267],
           [0.91956186],
           [-0.0682071]]
SEED_Y = [[1], [0], [0], [1], [1], [1], [1], [0], [1], [1], [1], [0], [0], [0], [0], [0],
          [0], [1], [0], [0], [1], [1], [0], [1], [0], [1], [1], [1], [1], [1], [0], [1]]
SEED_X = """
0.83494319 0.11482951
0.66899751 0.46594987
0.60181666 0.58838408
0.31836656 0.20502072
0.87043944 0.02679395
0.41539811 0.43938369
0.68635684 0.24833404
0.97315228 0.68541849
0.03081617 0.89479913
0.24665715 0.28584862
0.31375667 0.47718349
0.56689254 0.77079148
0.7321604 0.35828963
0.15724842 0.94294584
0.34933722 0.84634483
0.50304053 0.81299619
0.23869886 0.9895604
0.4636501 0.32531094
0.36510487 0.97365522
0.73350238 0.83833013
0.61810158 0.12580353
0.59274817 0.18779828
0.87150299 0.34679501
0.25883219 0.50002932
0.75690948 0.83429824
0.29316649 0.05646578
0.10409134 0.88235166
0.06727785 0.57784761
0.38492705 0.48384792
0.69234428 0.19687348
0.42783492 0.73416985
0.09696069 0.04883936
"""

if __name__ == "__main__":
    raise SystemExit(main())
