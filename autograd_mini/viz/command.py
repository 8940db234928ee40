"""``autograd-mini graph DEMO --out FILE``: draw the graph of one step of a demo.

Each demo builds one forward pass with the engine (a micrograd neuron, seed 003's
``w = 5`` descent, seed 000's two-layer net) and the drawing, table or animation of it
is written to a file. Also runs as ``python -m autograd_mini.viz.command``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from .. import ops
from ..errors import AutogradError
from ..graph import Node
from ..tensor import Tensor
from ..value import Value
from ..variable import Variable

FORMATS = ("svg", "png", "pdf", "dot", "gif", "txt", "mmd")


# ----- the demos: one forward pass each ----------------------------------------------------


def neuron() -> Node:
    """micrograd's neuron: ``o = tanh(x1*w1 + x2*w2 + b)``, with its lecture's numbers."""
    x1 = Value(2.0, name="x1", requires_grad=False)
    x2 = Value(0.0, name="x2", requires_grad=False)
    w1, w2 = Value(-3.0, name="w1"), Value(1.0, name="w2")
    b = Value(6.8813735870195432, name="b")
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.name, x2w2.name = "x1*w1", "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.name = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.name = "n"
    o = ops.tanh(n)
    o.name = "o"
    return o


def descent() -> Node:
    """Seed 003's first epoch: ``w = Variable(5.0)``, ``loss = (w + 1) ** 2``."""
    w = Variable(5.0, name="w")
    loss = (w + 1) ** 2
    loss.name = "loss"
    return loss


# seed 000: TF's random_normal([2, 3] and [3, 1], seed=1) as the seed prints them
TF1_W1 = [[-0.81131822, 1.48459876, 0.06532937], [-2.4427042, 0.0992484, 0.59122431]]
TF1_W2 = [[-0.81131822], [1.48459876], [0.06532937]]


def tf1_net() -> Node:
    """Seed 000's two-layer net on its first batch of 8: ``mean((x@w1@w2 - y_)**2)``."""
    X = np.random.RandomState(23455).rand(32, 2)
    Y = [[float(x0 + x1 < 1)] for x0, x1 in X]
    x, y_ = Tensor(X[:8], "float32", name="x"), Tensor(Y[:8], name="y_")
    w1, w2 = Variable(TF1_W1, name="w1"), Variable(TF1_W2, name="w2")
    a = ops.matmul(x, w1)
    y = ops.matmul(a, w2)
    a.name, y.name = "a", "y"
    loss = ops.mean(ops.square(y - y_))
    loss.name = "loss_mse"
    return loss


DEMOS: dict[str, Callable[[], Node]] = {"neuron": neuron, "descent": descent,
                                        "tf1-net": tf1_net}


# ----- the command ---------------------------------------------------------------------------


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(
        prog="autograd-mini graph",
        description="Draw the computation graph of a demo's loss, for slides.")
    p.add_argument("demo", choices=sorted(DEMOS), help="which graph to draw")
    p.add_argument("--out", help="file to write (default: DEMO_graph.FORMAT)")
    p.add_argument("--format", choices=FORMATS,
                   help="svg, png, pdf, dot (DOT source), gif (backward animation, with a "
                        "PDF of its frames), txt (text tree) or mmd (Mermaid); "
                        "default: from --out, else svg")
    p.add_argument("--lecture", action="store_true",
                   help="number the backward steps and write gradients on the edges")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--after-backward", dest="after", action="store_true", default=True,
                      help="draw after backward(): data and gradients (the default)")
    when.add_argument("--before-backward", dest="after", action="store_false",
                      help="draw before backward(): data only")
    p.add_argument("--rankdir", choices=("LR", "TB", "RL", "BT"), default="LR",
                   help="direction of the data flow (default LR: left to right)")
    p.add_argument("--dpi", type=int, default=150, help="resolution of png and gif output")
    p.add_argument("--html", metavar="FILE.html",
                   help="write the interactive lecture page (one self-contained file: step "
                        "through the forward and backward passes); alone, only the page")
    return p


def graph_command(argv: list[str] | None = None) -> int:
    """Run ``autograd-mini graph ...``; returns the exit status."""
    args = _parser().parse_args(argv)
    fmt = args.format
    if fmt is None:
        suffix = Path(args.out).suffix.lstrip(".").lower() if args.out else ""
        fmt = suffix if suffix in FORMATS else "svg"
    out = Path(args.out or f"{args.demo.replace('-', '_')}_graph.{fmt}")
    root = DEMOS[args.demo]()
    if args.after:  # lecture mode and the page replay the pass, so the graph is kept for them
        root.backward(retain_graph=args.lecture or fmt == "gif" or bool(args.html))
    try:
        page_only = args.html and not (args.out or args.format)
        written = [] if page_only else _write(root, out, fmt, args)
        if args.html:
            from .html import to_html

            Path(args.html).parent.mkdir(parents=True, exist_ok=True)
            to_html(root, args.html, rankdir=args.rankdir)
            written.append(Path(args.html))
    except AutogradError as e:
        print(f"autograd-mini graph: {e}", file=sys.stderr)
        return 1
    print(f"wrote {', '.join(str(w) for w in written)}")
    return 0


def _write(root: Node, out: Path, fmt: str, args: argparse.Namespace) -> list[Path]:
    from . import animate_backward, draw_graph, to_mermaid, to_text

    show_grad = args.after or args.lecture
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "gif":
        anim = animate_backward(root, out, rankdir=args.rankdir, dpi=args.dpi)
        return [anim.gif, anim.pdf]
    if fmt in ("txt", "mmd"):
        text = (to_text(root, show_grad=show_grad) if fmt == "txt"
                else to_mermaid(root, args.rankdir, show_grad=show_grad))
        out.write_text(text + ("\n" if fmt == "txt" else ""), encoding="utf-8")
        return [out]
    drawing = draw_graph(root, args.rankdir, show_grad=show_grad, lecture=args.lecture)
    if fmt == "dot":
        out.write_text(drawing.source, encoding="utf-8")
        return [out]
    if fmt == "png":
        drawing.graph_attr["dpi"] = str(args.dpi)
    return [Path(drawing.render(outfile=out, format=fmt, cleanup=True))]


if __name__ == "__main__":
    sys.exit(graph_command())
