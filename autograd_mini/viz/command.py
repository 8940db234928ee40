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
from .._io import write_bytes, write_text
from ..cli import Parser, at_least_one, out_file
from ..errors import AutogradError
from ..graph import Node
from ..tensor import Tensor
from ..value import Value
from ..variable import Variable

FORMATS = ("svg", "png", "jpg", "pdf", "dot", "gif", "txt", "mmd")
SUFFIXES = {**{f: f for f in FORMATS}, "jpeg": "jpg", "gv": "dot"}  # suffix -> format


# ----- the demos: one forward pass each ----------------------------------------------------
# Each takes its trainable leaves (the weights, as ``WEIGHTS`` makes them), made afresh with
# the lessons' numbers when not given. ``--source`` passes them in, so the compiled step has
# them as inputs and writes their backward (constants alone would all be worked out once).


def neuron_weights() -> tuple[Value, Value, Value]:
    """The neuron's w1, w2 and b, with micrograd's lecture's numbers."""
    return Value(-3.0, name="w1"), Value(1.0, name="w2"), Value(6.8813735870195432, name="b")


def neuron(weights: tuple[Value, Value, Value] | None = None) -> Node:
    """micrograd's neuron: ``o = tanh(x1*w1 + x2*w2 + b)``, with its lecture's numbers."""
    x1 = Value(2.0, name="x1", requires_grad=False)
    x2 = Value(0.0, name="x2", requires_grad=False)
    w1, w2, b = weights or neuron_weights()
    x1w1, x2w2 = x1 * w1, x2 * w2
    x1w1.name, x2w2.name = "x1*w1", "x2*w2"
    x1w1x2w2 = x1w1 + x2w2
    x1w1x2w2.name = "x1*w1 + x2*w2"
    n = x1w1x2w2 + b
    n.name = "n"
    o = ops.tanh(n)
    o.name = "o"
    return o


def descent_weights() -> tuple[Variable]:
    """Seed 003's ``w = Variable(5.0)``."""
    return (Variable(5.0, name="w"),)


def descent(weights: tuple[Variable] | None = None) -> Node:
    """Seed 003's first epoch: ``w = Variable(5.0)``, ``loss = (w + 1) ** 2``."""
    (w,) = weights or descent_weights()
    loss = (w + 1) ** 2
    loss.name = "loss"
    return loss


# seed 000: TF's random_normal([2, 3] and [3, 1], seed=1) as the seed prints them
TF1_W1 = [[-0.81131822, 1.48459876, 0.06532937], [-2.4427042, 0.0992484, 0.59122431]]
TF1_W2 = [[-0.81131822], [1.48459876], [0.06532937]]


def tf1_net_weights() -> tuple[Variable, Variable]:
    """Seed 000's w1 and w2 as TF drew them."""
    return Variable(TF1_W1, name="w1"), Variable(TF1_W2, name="w2")


def tf1_net(weights: tuple[Variable, Variable] | None = None) -> Node:
    """Seed 000's two-layer net on its first batch of 8: ``mean((x@w1@w2 - y_)**2)``."""
    w1, w2 = weights or tf1_net_weights()
    X = np.random.RandomState(23455).rand(32, 2)
    Y = [[float(x0 + x1 < 1)] for x0, x1 in X]
    x, y_ = Tensor(X[:8], "float32", name="x"), Tensor(Y[:8], name="y_")
    a = ops.matmul(x, w1)
    y = ops.matmul(a, w2)
    a.name, y.name = "a", "y"
    loss = ops.mean(ops.square(y - y_))
    loss.name = "loss_mse"
    return loss


DEMOS: dict[str, Callable[..., Node]] = {"neuron": neuron, "descent": descent,
                                         "tf1-net": tf1_net}
WEIGHTS: dict[str, Callable[[], tuple]] = {"neuron": neuron_weights,
                                           "descent": descent_weights,
                                           "tf1-net": tf1_net_weights}


# ----- the command ---------------------------------------------------------------------------


def _parser() -> Parser:
    p = Parser(
        prog="autograd-mini graph",
        description="Draw the computation graph of a demo's loss, for slides.")
    p.add_argument("demo", choices=sorted(DEMOS), help="which graph to draw")
    p.add_argument("--out", type=out_file, help="file to write (default: DEMO_graph.FORMAT)")
    p.add_argument("--format", choices=FORMATS,
                   help="svg, png, jpg, pdf, dot (DOT source), gif (backward animation, with "
                        "a PDF of its frames), txt (text tree) or mmd (Mermaid); "
                        "default: from the suffix of --out, else svg")
    p.add_argument("--lecture", action="store_true",
                   help="number the backward steps and write gradients on the edges")
    when = p.add_mutually_exclusive_group()
    when.add_argument("--after-backward", dest="after", action="store_true", default=True,
                      help="draw after backward(): data and gradients (the default)")
    when.add_argument("--before-backward", dest="after", action="store_false",
                      help="draw before backward(): data only")
    p.add_argument("--rankdir", choices=("auto", "LR", "TB", "RL", "BT", "stairs"),
                   default="auto",
                   help="direction of the data flow: LR (left to right), TB, RL, BT, stairs "
                        "(top to bottom, each op beside its result) or auto (the default: "
                        "LR when it fits a slide, else the layout that fits it best)")
    p.add_argument("--dpi", type=at_least_one, default=150,
                   help="resolution of png, jpg and gif output")
    p.add_argument("--source", action="store_true",
                   help="print the Python that autograd_mini.compile writes for one step of "
                        "the demo (its forward, then the backward pass) instead of drawing")
    p.add_argument("--html", metavar="FILE.html", type=out_file,
                   help="write the interactive lecture page (one self-contained file: step "
                        "through the forward and backward passes); alone, only the page")
    return p


def graph_command(argv: list[str] | None = None) -> int:
    """Run ``autograd-mini graph ...``; returns the exit status."""
    parser = _parser()
    args = parser.parse_args(argv)
    if args.source:
        print(step_source(args.demo), end="")
        return 0
    fmt = _format(args.out, args.format, parser)
    out = args.out or Path(f"{args.demo.replace('-', '_')}_graph.{fmt}")
    root = DEMOS[args.demo]()
    if args.after:  # lecture mode and the page replay the pass, so the graph is kept for them
        root.backward(retain_graph=args.lecture or fmt == "gif" or bool(args.html))
    try:
        page_only = args.html and not (args.out or args.format)
        written = [] if page_only else _write(root, out, fmt, args)
        if args.html:
            from .html import to_html

            args.html.parent.mkdir(parents=True, exist_ok=True)
            to_html(root, args.html, rankdir=args.rankdir)
            written.append(args.html)
    except AutogradError as e:
        print(f"autograd-mini graph: {e}", file=sys.stderr)
        return 1
    except OSError as e:  # a full disk, a folder that went away: one line, not a traceback
        print(f"autograd-mini graph: {e}", file=sys.stderr)
        return 2
    print(f"wrote {', '.join(str(w) for w in written)}")
    return 0


def step_source(demo: str) -> str:
    """The straight-line Python ``compile`` writes for one step of ``demo``: the forward
    from its weights, and the backward pass down to their gradients."""
    from ..compiled import compile

    @compile
    def step(*weights: Node) -> Node:
        for w in weights:
            w.zero_grad()
        loss = DEMOS[demo](weights)
        loss.backward()
        return loss

    weights = WEIGHTS[demo]()
    step(*weights)
    step(*weights)  # the replay: the variant without the checks that found nothing to do
    return step.source or ""


def _format(out: Path | None, fmt: str | None, parser: Parser) -> str:
    """The format to write: ``--format``, else the suffix of ``--out``, else svg. A suffix
    naming another format, or no known suffix and no ``--format``, is a usage error."""
    suffix = out.suffix.lstrip(".").lower() if out else ""
    if fmt is not None:
        if SUFFIXES.get(suffix, fmt) != fmt:
            parser.error(f"--out {out} ends in .{suffix} but --format is {fmt}")
        return fmt
    if out is None:
        return "svg"
    if suffix not in SUFFIXES:
        parser.error(f"cannot tell which format to write to {out}: end it in "
                     f"{', '.join('.' + f for f in FORMATS)}, or give --format")
    return SUFFIXES[suffix]


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
        return [write_text(out, text + ("\n" if fmt == "txt" else ""))]
    drawing = draw_graph(root, args.rankdir, show_grad=show_grad, lecture=args.lecture)
    if fmt == "dot":
        return [write_text(out, drawing.source)]
    if fmt in ("png", "jpg"):
        drawing.graph_attr["dpi"] = str(args.dpi)
    return [write_bytes(out, drawing.pipe(format=fmt))]


if __name__ == "__main__":
    sys.exit(graph_command())
