"""Gradient descent on one weight: seed 003, from Cao Jian's "TensorFlow notes" (PKU MOOC).

Minimises loss = (w + 1)^2 from w = 5 with learning rate 0.2, using a Tape exactly as
the seed uses ``tf.GradientTape``, and prints the seed's 40 lines
(``After 0 epoch,w is 2.600000,loss is 36.000000`` ...) in float32, then whether they
match the seed word for word. Draws w and the loss per epoch to ``descent_lr0.2.png``.
The seed invites you to try ``--lr 0.001`` (a crawl) and ``--lr 0.999`` (w jumps across
the minimum at -1 every step).
"""

from __future__ import annotations

import autograd_mini as am
from autograd_mini import plotting
from autograd_mini.cli import at_least_one, demo_parser
from autograd_mini.i18n import message, yes_no

W0 = 5.0  # the seed's tf.constant(5, dtype=tf.float32)
LR = 0.2
EPOCHS = 40


def descend(lr: float = LR, epochs: int = EPOCHS,
            compiled: bool = False) -> tuple[list[str], list[float], list[float]]:
    """Run the seed's loop; return its printed lines, w after each epoch and each loss.
    ``compiled``: each epoch's step runs as ``autograd_mini.compile`` wrote it."""
    w = am.Variable(W0, dtype="float32", name="w")

    def step():
        with am.Tape() as tape:  # the tape records what happens to w inside the block
            loss = am.square(w + 1)
        grads = tape.gradient(loss, w)  # d loss / d w = 2 (w + 1)
        w.assign_sub(lr * grads)  # w -= lr * grads
        return loss

    if compiled:
        step = am.compile(step)
    lines, ws, losses = [], [], []
    for epoch in range(epochs):
        loss = step()
        line = "After %s epoch,w is %f,loss is %f" % (epoch, w.numpy(), loss)  # noqa: UP031
        lines.append(line)  # the seed's own print, kept in its % format
        ws.append(float(w))
        losses.append(float(loss))
    return lines, ws, losses


def compare_with_seed(lines: list[str]) -> bool:
    """Print every line that differs from the seed's, then the verdict; True if all match."""
    seed = SEED_003.strip().splitlines()
    same = sum(ours == theirs for ours, theirs in zip(lines, seed))
    for i, (ours, theirs) in enumerate(zip(lines, seed)):
        if ours != theirs:
            print(message("demo.line_differs", n=i + 1, ours=ours, seed=theirs))
    ok = same == len(seed) == len(lines)
    print(message("demo.matches_lines", seed="003", verdict=yes_no(ok), same=same,
                  total=len(seed)))
    return ok


def main(argv: list[str] | None = None) -> int:
    parser = demo_parser("descent", __doc__,
                         out="folder for the plot (default: ./autograd_mini_out)",
                         quick="accepted for `demo all`; this demo is already quick",
                         compiled=True)
    parser.add_argument("--lr", type=float, default=LR, help=f"learning rate (seed: {LR})")
    parser.add_argument("--epochs", type=at_least_one, default=EPOCHS, help=f"(seed: {EPOCHS})")
    args = parser.parse_args(argv)

    lines, ws, losses = descend(args.lr, args.epochs, compiled=args.compile)
    print("\n".join(lines))
    ok = True
    if args.lr == LR and args.epochs == EPOCHS:
        ok = compare_with_seed(lines)
    else:
        print(message("descent.not_compared", lr=LR, epochs=EPOCHS))
    print(message("descent.final", w=f"{ws[-1]:.6f}"))
    plotting.draw(message("what.plot"), lambda: plotting.plot_curves(
        args.out / f"descent_lr{args.lr:g}.png",
        {"w": {"w after the epoch": ws, "optimum w = -1": [-1.0] * len(ws)},
         "loss = (w + 1)^2": {"loss": losses}},
        title=f"gradient descent from w = {W0:g}, lr = {args.lr:g}"))
    return 0 if ok else 1


# ----- what the seed printed (its "程序运行结果", program output) ------------------------

SEED_003 = """
After 0 epoch,w is 2.600000,loss is 36.000000
After 1 epoch,w is 1.160000,loss is 12.959999
After 2 epoch,w is 0.296000,loss is 4.665599
After 3 epoch,w is -0.222400,loss is 1.679616
After 4 epoch,w is -0.533440,loss is 0.604662
After 5 epoch,w is -0.720064,loss is 0.217678
After 6 epoch,w is -0.832038,loss is 0.078364
After 7 epoch,w is -0.899223,loss is 0.028211
After 8 epoch,w is -0.939534,loss is 0.010156
After 9 epoch,w is -0.963720,loss is 0.003656
After 10 epoch,w is -0.978232,loss is 0.001316
After 11 epoch,w is -0.986939,loss is 0.000474
After 12 epoch,w is -0.992164,loss is 0.000171
After 13 epoch,w is -0.995298,loss is 0.000061
After 14 epoch,w is -0.997179,loss is 0.000022
After 15 epoch,w is -0.998307,loss is 0.000008
After 16 epoch,w is -0.998984,loss is 0.000003
After 17 epoch,w is -0.999391,loss is 0.000001
After 18 epoch,w is -0.999634,loss is 0.000000
After 19 epoch,w is -0.999781,loss is 0.000000
After 20 epoch,w is -0.999868,loss is 0.000000
After 21 epoch,w is -0.999921,loss is 0.000000
After 22 epoch,w is -0.999953,loss is 0.000000
After 23 epoch,w is -0.999972,loss is 0.000000
After 24 epoch,w is -0.999983,loss is 0.000000
After 25 epoch,w is -0.999990,loss is 0.000000
After 26 epoch,w is -0.999994,loss is 0.000000
After 27 epoch,w is -0.999996,loss is 0.000000
After 28 epoch,w is -0.999998,loss is 0.000000
After 29 epoch,w is -0.999999,loss is 0.000000
After 30 epoch,w is -0.999999,loss is 0.000000
After 31 epoch,w is -1.000000,loss is 0.000000
After 32 epoch,w is -1.000000,loss is 0.000000
After 33 epoch,w is -1.000000,loss is 0.000000
After 34 epoch,w is -1.000000,loss is 0.000000
After 35 epoch,w is -1.000000,loss is 0.000000
After 36 epoch,w is -1.000000,loss is 0.000000
After 37 epoch,w is -1.000000,loss is 0.000000
After 38 epoch,w is -1.000000,loss is 0.000000
After 39 epoch,w is -1.000000,loss is 0.000000
"""

if __name__ == "__main__":
    raise SystemExit(main())
