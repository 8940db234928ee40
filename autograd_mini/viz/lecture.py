"""Lecture mode: the backward pass step by step, as a table (``explain_backward``) and as
an animation (``animate_backward``).

``BackwardWalk`` runs ``graph.backprop`` (the reference walk) on the recorded graph and
keeps, through its step hook, what every edge carried; no ``.grad`` is touched.
"""

from __future__ import annotations

import io
import json
import re
import sys
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from .._io import atomic_path
from ..errors import GraphError
from ..graph import NO_SETTINGS, Node, Released, backprop, toposort
from ..i18n import message
from ..ops import OPS
from .table import BackwardTable, Row, Update, ipython_cell
from .text import GraphView, drawing_root, expression


@dataclass(frozen=True)
class Send:
    """One edge of one backward step: what a node sends back to its input ``index``."""

    parent: Node
    index: int
    gradient: Any  # added to the parent's gradient
    total: Any  # the parent's gradient so far, this one included
    local: Any  # d(node)/d(parent) as a number when both have one element, else None


@dataclass(frozen=True)
class Visit:
    """One backward step: a node, its complete gradient, and what it sends back."""

    node: Node
    upstream: Any
    sends: tuple[Send, ...]


class BackwardWalk:
    """The backward pass from ``root``, computed without touching ``.grad``.

    ``visits[k]`` is step ``k + 1``, in the order ``backward()`` visits the nodes. The
    graph is left as it was, so it can be walked, drawn or backpropagated again. After a
    plain ``backward()`` the walk replays the same VJPs on the same saved data, so it
    gives the gradients that backward computed (an in-place write since is refused).

    Raises:
        GraphError: that ``backward()`` freed an array an op's VJP needs (``where``'s
            condition, a dropout mask: see ``graph.Released``).
    """

    def __init__(self, root: Node, what: str = "the backward walk"):
        self.root = root = drawing_root(root)
        self._contexts = {id(n): _context(n, what) for n in toposort(root) if n.parents}
        self.visits: list[Visit] = []
        self._totals: dict[int, Any] = {}
        backprop(root, root._seed(None), on_step=self._visit,
                 context=lambda node: self._contexts[id(node)])
        self.step = {id(v.node): k + 1 for k, v in enumerate(self.visits)}

    def _visit(self, node: Node, g: Any, sent: list[tuple[int, Any]]) -> None:
        """``backprop``'s step hook: keep what ``node`` sent to each input, with totals."""
        spec, settings = self._contexts.get(id(node), (None, None))  # a leaf sends nothing
        inputs = [p.data for p in node.parents]
        sends = []
        for i, carried in sent:
            p = node.parents[i]
            local = None
            if np.size(node.data) == 1 and np.size(p.data) == 1:  # the Jacobian is a number
                one = np.ones_like(node.data) if isinstance(node.data, np.ndarray) else 1.0
                local = p._unbroadcast(_input_grad(spec, i, one, node.data, inputs, settings))
            prev = self._totals.get(id(p))
            self._totals[id(p)] = total = carried if prev is None else prev + carried
            sends.append(Send(p, i, carried, total, local))
        self.visits.append(Visit(node, g, tuple(sends)))

    def totals(self, steps: int | None = None) -> dict[int, Any]:
        """Each node's gradient (by ``id``) after the first ``steps`` steps (all: None)."""
        visits = self.visits if steps is None else self.visits[:steps]
        out = {id(self.root): self.visits[0].upstream} if visits else {}  # the seed
        out.update((id(s.parent), s.total) for v in visits for s in v.sends)
        return out

    def carried(self, steps: int | None = None) -> dict[tuple[int, int], Any]:
        """What each edge ``(id(node), input index)`` carried in the first ``steps`` steps."""
        visits = self.visits if steps is None else self.visits[:steps]
        return {(id(v.node), s.index): s.gradient for v in visits for s in v.sends}


def _context(node: Node, what: str) -> tuple[Any, dict]:
    """The ``(spec, settings)`` to replay ``node``'s op with: its ``_ctx``, or after a plain
    ``backward()`` released it, the op found by name and the small settings kept
    (``graph.Released``). Raises when the release freed an array the VJP needs."""
    ctx = node._ctx
    if ctx is not None and type(ctx) is not Released:
        return ctx
    spec, kept = (OPS.get(node.op), NO_SETTINGS) if ctx is None else ctx
    if spec is None or set(spec.settings) - set(kept):
        raise GraphError(message("err.walk_released", what=what, op=node.op))
    return spec, kept


def _input_grad(spec: Any, i: int, g: Any, out: Any, inputs: list, settings: dict) -> Any:
    """Input ``i``'s gradient from the op's own VJP (for the local derivative: g = 1)."""
    vjp = spec.vjp(i)
    return None if vjp is None else vjp(g, out, *inputs, **settings)


# ----- explain_backward --------------------------------------------------------------------

_STDOUT = sys.stdout


def explain_backward(root: Node, lr: float | None = None, file: TextIO | None = sys.stdout,
                     fmt: str = "text") -> BackwardTable:
    """Print the backward pass from ``root`` step by step, and return it as a table.

    Each row is one edge of one step: the node, its complete (upstream) gradient, the
    op's local derivative as a formula and as a number, what is sent to which input, and
    that input's running total. ``.grad`` is not touched.

    Args:
        lr: also show each parameter's gradient-descent update ``w - lr*grad``.
        file: where to print (None: print nothing).
        fmt: ``"text"`` or ``"latex"``.

    Raises:
        GraphError: an earlier ``backward()`` freed an array the walk needs.
    """
    if fmt not in ("text", "latex"):
        raise ValueError(f"explain_backward: fmt must be 'text' or 'latex', got {fmt!r}")
    table = backward_table(root, lr)
    if file is _STDOUT:  # the default: follow redirect_stdout and captured output
        file = sys.stdout
    if file is not None:
        print(table.to_text() if fmt == "text" else table.to_latex(), file=file)
        if file is sys.stdout:  # a notebook cell's output shows it: not echoed again
            table = replace(table, printed_in=ipython_cell())
    return table


def backward_table(root: Node, lr: float | None = None, walk: BackwardWalk | None = None,
                   view: GraphView | None = None) -> BackwardTable:
    """The table ``explain_backward`` prints; reuses ``walk`` and ``view`` when given."""
    root = drawing_root(root)
    view = view or GraphView(root)
    walk = walk or BackwardWalk(root, "explain_backward")
    rows = []
    for k, (node, g, sends) in enumerate((v.node, v.upstream, v.sends) for v in walk.visits):
        what = expression(view, node) if node.parents else view.label(node)
        rows += [Row(k + 1, view.label(node), what, node.op, _formula(node.op, s.index), g,
                     view.label(s.parent), s.local, s.gradient, s.total) for s in sends]
        if not sends:
            rows.append(Row(k + 1, view.label(node), what, node.op, "", g, None, None, None, g))
    updates = []
    if lr is not None:
        grads = walk.totals()
        updates = [Update(view.label(n), n.data, lr, grads[id(n)], n.data - lr * grads[id(n)])
                   for n in view.nodes if view.kind(n) == "parameter" and id(n) in grads]
    return BackwardTable(view.label(root), rows, updates, lr)


def _formula(op: str, index: int) -> str:
    """The part of an op's formula for input ``index``: ``d/dy = x`` of mul's two."""
    formula = OPS[op].formula if op in OPS else ""
    parts = re.split(r",\s*(?=d/d)", formula)
    return parts[index] if len(parts) > 1 and index < len(parts) else formula


# ----- the animation -----------------------------------------------------------------------


@dataclass(frozen=True)
class Animation:
    """The files ``animate_backward`` wrote; shows the GIF inline in Jupyter."""

    gif: Path
    pdf: Path
    frames: int

    def _repr_html_(self) -> str:
        import base64

        data = base64.b64encode(self.gif.read_bytes()).decode("ascii")
        return f'<img src="data:image/gif;base64,{data}" alt="backward pass, step by step"/>'


def animate_backward(root: Node, path: str | Path, rankdir: str = "auto",
                     duration: int = 1200, dpi: int = 110, **draw: Any) -> Animation:
    """Draw one frame per backward step and write them as an animated GIF and a PDF.

    Frame 0 is the forward graph; frame ``k`` shows the gradients after ``k`` steps, the
    node being visited outlined in red. ``path`` names the GIF (``backward.gif``); the
    PDF goes next to it (``backward.pdf``), one page per frame.

    Args:
        duration: milliseconds per frame (the last one stays three times as long).
        dpi: resolution of the frames.
        draw: more options for ``draw_graph`` (``show_data``, ``collapse``, ...).

    Raises:
        GraphError: an earlier ``backward()`` freed an array the walk needs.
        ImportError: Pillow is not installed.
    """
    try:
        from PIL import Image
    except ImportError as e:
        raise ImportError("animate_backward needs Pillow to write the GIF and PDF: "
                          "pip install pillow") from e
    frames = []
    for drawing in backward_frames(root, rankdir, **draw):  # one layout: frames of one size
        drawing.graph_attr["dpi"] = str(dpi)
        frames.append(Image.open(io.BytesIO(drawing.pipe(format="png"))).convert("RGB"))
    path = Path(path)
    gif, pdf = path.with_suffix(".gif"), path.with_suffix(".pdf")
    times = [duration] * (len(frames) - 1) + [3 * duration]
    with atomic_path(gif) as tmp:
        frames[0].save(tmp, "GIF", save_all=True, append_images=frames[1:], duration=times,
                       loop=0)
    with atomic_path(pdf) as tmp:
        frames[0].save(tmp, "PDF", save_all=True, append_images=frames[1:],
                       resolution=float(dpi))
    return Animation(gif, pdf, len(frames))


def backward_frames(root: Node, rankdir: str = "auto", **draw: Any) -> list:
    """``draw_graph(root, lecture=True, step=k)`` for every step ``k`` (0: none yet), all in
    one layout: the last frame's ``rankdir``, each node as big as its biggest frame needs,
    each edge's label laid out (unseen) before the step that sends it, so nothing moves
    from frame to frame."""
    from .graphviz import draw_graph  # graphviz.py imports this module

    walk = BackwardWalk(root, "animate_backward")
    last = draw_graph(root, rankdir=rankdir, lecture=walk, step=len(walk.visits), **draw)
    frames = [draw_graph(root, rankdir=last.layout, lecture=walk, step=k, **draw)
              for k in range(len(walk.visits))] + [last]
    sizes: dict[str, tuple[float, float]] = {}
    for frame in frames:
        for node in json.loads(frame.pipe(format="json0"))["objects"]:
            if "width" in node:  # a node, not a subgraph
                w, h = sizes.get(node["name"], (0.0, 0.0))
                sizes[node["name"]] = max(w, float(node["width"])), max(h, float(node["height"]))
    fixed = [f'\t{name} [fixedsize=true width={w} height={h}]\n' for name, (w, h) in sizes.items()]
    for frame in frames:
        frame.body += fixed
    return frames
