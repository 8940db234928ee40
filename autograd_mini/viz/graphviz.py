"""``draw_graph``: a ``Value`` or ``Tensor`` graph as a ``graphviz.Digraph`` for slides.

One box per value, one ellipse per op, arrows in the direction data flows; parameters,
inputs, constants, results and the output are coloured apart. Lecture mode numbers the
backward steps and writes on each edge the gradient it carries back. The DOT source
needs nothing installed; rendering needs Graphviz's ``dot`` program.
"""

from __future__ import annotations

import json
import os
import shutil
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import graphviz
import numpy as np

from .._io import atomic_path, write_bytes, write_text
from ..errors import AutogradError
from ..graph import Node
from .lecture import BackwardWalk
from .modules import SLIDE, made_by_modules, module_groups
from .text import COLORS, MAX_NODES, GraphView, fmt, op_label, visible

FONT = "Helvetica"
RED = "#d7191c"
RANKDIRS = ("LR", "TB", "RL", "BT", "stairs", "auto")
SLIDE_PT = (960.0, 540.0)  # a 16:9 slide in points (13.33 x 7.5 in), text at its drawn size
LEGIBLE = 0.75  # "auto" keeps left to right while it fits a slide at 3/4 size or more
LEGEND = {"parameter": "parameter", "input": "input data", "constant": "constant",
          "result": "intermediate", "output": "output", "op": "op", "module": "module"}


class DotNotFoundError(AutogradError, graphviz.ExecutableNotFound):
    """Graphviz's ``dot`` program is not installed; the message says how to install it."""

    def __init__(self, message: str):
        RuntimeError.__init__(self, message)


class GraphDrawing(graphviz.Digraph):
    """A ``graphviz.Digraph`` that shows inline in Jupyter, explains a missing ``dot`` and
    writes every file atomically (``_io.atomic_path``): a failed render leaves the old one.

    ``render("graph.svg")`` writes exactly ``graph.svg`` (the format taken from the
    suffix); ``render("graph", format="png")`` keeps graphviz's behaviour (``graph.png``
    next to the DOT source ``graph``). ``layout``: the ``rankdir`` ``draw_graph`` drew it
    with (``"auto"`` resolved: ``"LR"``, ``"stairs"``, ...).
    """

    layout = "LR"

    def pipe(self, *args: Any, **kwargs: Any) -> Any:
        return _run_dot(super().pipe, *args, **kwargs)

    def render(self, filename: Any = None, *args: Any, **kwargs: Any) -> str:
        if filename is not None and not args and not {"outfile", "directory"} & set(kwargs):
            suffix = Path(filename).suffix.lstrip(".").lower()
            if suffix in graphviz.FORMATS and kwargs.get("format") in (None, suffix):
                kwargs.pop("format", None)
                if set(kwargs) <= {"cleanup", "engine", "quiet"}:  # the picture alone
                    data = self.pipe(format=suffix, engine=kwargs.get("engine"),
                                     quiet=kwargs.get("quiet", False))
                    return str(write_bytes(filename, data))
                kwargs.setdefault("cleanup", True)  # no stray DOT file next to the picture
                return _run_dot(super().render, outfile=filename, **kwargs)
        return _run_dot(super().render, filename, *args, **kwargs)

    def save(self, filename: Any = None, directory: Any = None, *,
             skip_existing: bool | None = False) -> str:
        """graphviz's ``save`` of the DOT source, written atomically."""
        if filename is not None:
            self.filename = os.fspath(filename)
        if directory is not None:
            self.directory = os.fspath(directory)
        if not (skip_existing and os.path.exists(self.filepath)):
            Path(self.filepath).parent.mkdir(parents=True, exist_ok=True)
            write_text(self.filepath, self.source, encoding=self.encoding)
        return self.filepath

    def _render(self, engine: str, format: str, filepath: Any, *, outfile: Any = None,
                renderer: str | None = None, formatter: str | None = None,
                raise_if_result_exists: bool = False, **kwargs: Any) -> str:
        """graphviz's hook that runs ``dot`` on the saved source: here ``dot`` writes a
        temporary file that is renamed onto the picture once it is complete."""
        target = Path(outfile if outfile is not None else graphviz.backend.rendering.get_outfile(
            filepath, format=format, renderer=renderer, formatter=formatter))
        if raise_if_result_exists and target.exists():
            raise graphviz.FileExistsError(f"output file exists: {os.fspath(target)!r}")
        with atomic_path(target) as tmp:
            graphviz.render(engine, format, filepath, renderer=renderer, formatter=formatter,
                            outfile=tmp, **kwargs)
        return os.fspath(target)


def _run_dot(method: Any, *args: Any, **kwargs: Any) -> Any:
    try:
        return method(*args, **kwargs)
    except graphviz.ExecutableNotFound as e:
        if isinstance(e, DotNotFoundError):
            raise
        raise DotNotFoundError(
            "rendering the graph needs Graphviz's `dot` program, which is not on PATH; "
            "install it with `apt-get install graphviz` (Debian/Ubuntu), `brew install "
            "graphviz` (macOS) or `conda install -c conda-forge graphviz`. Without it, "
            "`.source` still gives the DOT text, and to_text()/to_mermaid() need nothing"
        ) from e


def draw_graph(root: Node, rankdir: str = "auto", show_data: bool = True,
               show_grad: bool = True, *, lecture: bool | BackwardWalk = False,
               step: int | None = None, collapse: Any = "auto",
               max_nodes: int | None = MAX_NODES, legend: bool = True) -> GraphDrawing:
    """Draw the graph that computed ``root``: before ``backward()`` (data) or after it.

    Args:
        rankdir: ``"LR"`` (left to right), ``"TB"``, ``"RL"``, ``"BT"``, ``"stairs"``
            (top to bottom, each op beside its result: a long chain becomes a staircase)
            or ``"auto"``: left to right while that fits a 16:9 slide at 3/4 of its size
            or more (small graphs), else whichever of LR, stairs and TB fits it largest
            (LR without Graphviz's ``dot``, which measures them). ``.layout`` says which.
        show_data, show_grad: write each value's data / gradient in its box.
        lecture: number the nodes in the order ``backward()`` visits them and write on
            each edge the gradient it carries back. The gradients are computed by
            walking the graph (no ``.grad`` is touched), before or after a ``backward()``.
            A ``BackwardWalk`` may be passed to reuse it.
        step: in lecture mode, show the pass after this many steps (0: none yet), the
            node being visited outlined in red.
        collapse: an ``nn.Module``: each call of a module below it (each layer) and of a
            loss becomes one box with its parameters' and output's shapes; a list of
            modules: their calls alone (and the losses'); None: every node. The default,
            ``"auto"``, draws every node of a graph of up to ``viz.modules.SLIDE`` (40)
            boxes and ellipses, and a bigger one made by modules one box per layer of the
            outermost modules called (the model): a LeNet-5 loss fits a slide.
        max_nodes: refuse to draw more boxes and ellipses than this (None: no limit).
        legend: add a key to the colours.

    Raises:
        GraphError: more than ``max_nodes`` to draw, or lecture mode on a graph whose
            plain ``backward()`` freed an array the walk needs (``BackwardWalk``).
    """
    if rankdir not in RANKDIRS:
        raise ValueError(f"draw_graph: rankdir must be one of {', '.join(RANKDIRS)}, "
                         f"got {rankdir!r}")
    view = GraphView(root)
    if isinstance(collapse, str) and collapse == "auto":
        full = sum(1 + bool(n.op) for n in view.nodes)
        collapse = "auto" if full > SLIDE and made_by_modules(view) else None
    group_of, boxes = module_groups(view, collapse, show_data) if collapse is not None \
        else ({}, [])
    drawn = sum(1 + bool(n.op) for n in view.nodes if id(n) not in group_of) + len(boxes)
    view.check_size(drawn, max_nodes, "draw_graph")
    walk = lecture if isinstance(lecture, BackwardWalk) else None
    if walk is None and (lecture or step is not None):
        walk = BackwardWalk(root, "draw_graph(lecture=True)")
    g = GraphDrawing(name="autograd_mini", graph_attr={
        "rankdir": "TB" if rankdir == "stairs" else "LR" if rankdir == "auto" else rankdir,
        "fontname": FONT, "nodesep": "0.25", "ranksep": "0.35",
        "bgcolor": "white"}, node_attr={"fontname": FONT, "fontsize": "14"},
        edge_attr={"fontname": FONT, "fontsize": "13", "color": "#555555", "penwidth": "1.3",
                   "arrowsize": "0.8"})
    if walk is None:
        grads, carried, current = {}, {}, None
    else:
        if step is not None and not 0 <= step <= len(walk.visits):
            raise ValueError(f"draw_graph: step must be between 0 and {len(walk.visits)} "
                             f"(the number of backward steps), got {step}")
        grads, carried = walk.totals(step), walk.carried(step)
        if step is not None:  # room for what every edge will carry: one layout for all steps
            carried = {edge: carried.get(edge, _Later(sent))
                       for edge, sent in walk.carried().items()}
        current = walk.visits[step - 1].node if step else None
    used = set()
    for i, node in enumerate(view.nodes):
        if id(node) in group_of:
            continue
        lines = view.describe(node, show_data, show_grad and walk is None, number=brief)
        if walk is not None and show_grad and node.requires_grad:
            lines.append(f"grad {brief(grads[id(node)])}" if id(node) in grads else "grad –")
        if walk is not None and id(node) in walk.step:
            lines[0] = f"#{walk.step[id(node)]}  {lines[0]}"
        used.add(view.kind(node))
        used.update(["op"] if node.op else [])
        _value_node(g, f"n{i}", node, view.kind(node), lines, node is current)
    _edges(g, view, group_of, carried)
    for k, (label, lines) in enumerate(boxes):
        fill, border = COLORS["module"]
        g.node(f"m{k}", _label([label, *lines]), shape="box3d", style="filled",
               fillcolor=fill, color=border, penwidth="2", fontsize="15")
    if legend:
        _legend(g, [k for k in LEGEND if k in used or (k == "module" and boxes)], walk)
    g.layout = "LR" if rankdir == "auto" else rankdir
    if rankdir == "stairs":
        _stairs(g, view, group_of)
    return _fitted(g, view, group_of) if rankdir == "auto" else g


def _stairs(g: GraphDrawing, view: GraphView, group_of: dict[int, int]) -> None:
    """Each op's ellipse on the rank of its result's box (``rankdir=TB``): one rank per op."""
    g.body += [f"\t{{rank=same; n{i}op; n{i}}}\n" for i, node in enumerate(view.nodes)
               if node.op and id(node) not in group_of]


def _fitted(lr: GraphDrawing, view: GraphView, group_of: dict[int, int]) -> GraphDrawing:
    """``rankdir="auto"``: ``lr`` if it fits a slide at ``LEGIBLE`` size or more, else the
    layout among LR, stairs and TB that fits it largest, as ``dot`` lays them out."""
    if shutil.which("dot") is None:
        return lr
    best, best_scale = lr, _slide_scale(lr)
    if best_scale >= LEGIBLE:
        return lr
    for layout in ("stairs", "TB"):
        g = lr.copy()
        g.graph_attr["rankdir"], g.layout = "TB", layout
        if layout == "stairs":
            _stairs(g, view, group_of)
        scale = _slide_scale(g)
        if scale > best_scale:
            best, best_scale = g, scale
    return best


def _slide_scale(g: GraphDrawing) -> float:
    """The scale that fits ``g``'s picture, as ``dot`` lays it out, to a slide (< 1: shrunk)."""
    box = json.loads(g.pipe(format="json0"))["bb"].split(",")
    return min(SLIDE_PT[0] / max(float(box[2]), 1.0), SLIDE_PT[1] / max(float(box[3]), 1.0))


def brief(x: Any) -> str:
    """``fmt`` for a box or an edge on a slide: up to three numbers in a row written out, a
    bigger array or any matrix as its range (``-2.44 … 1.48``), never a whole matrix."""
    if isinstance(x, Node):
        x = x.data
    if np.ndim(x) <= 1 and np.size(x) <= 3 or np.size(x) == 0 or np.min(x) == np.max(x):
        return fmt(x)  # the numbers, "empty" or "all 0.125"
    return f"{fmt(np.min(x), 3)} … {fmt(np.max(x), 3)}"


def _value_node(g: GraphDrawing, key: str, node: Node, kind: str, lines: list[str],
                current: bool) -> None:
    """A value's rounded box and, for an op's result, the op's ellipse pointing at it."""
    fill, border = COLORS[kind]
    attrs = {"shape": "box", "style": "rounded,filled", "fillcolor": fill, "color": border,
             "penwidth": "3" if kind == "output" else "1.5"}
    if kind == "constant":
        attrs.update(fontsize="12", width="0.3", height="0.3")
    if current:  # the node the backward pass is visiting in this frame
        attrs.update(color=RED, penwidth="4")
    g.node(key, _label(_split(lines)), **attrs)
    if node.op:
        label = op_label(node)
        fill, border = COLORS["op"]
        g.node(f"{key}op", _label([label]), shape="circle" if len(label) <= 2 else "ellipse",
               style="filled", fillcolor=fill, color=border, margin="0.04")
        g.edge(f"{key}op", key)


def _split(lines: list[str]) -> list[str]:
    """Multi-line array text becomes separate label lines."""
    return [part.strip() for line in lines for part in line.split("\n")]


def _label(lines: list[str]) -> str:
    """A DOT label showing ``lines`` as written: never an HTML-like label (``nohtml``), no
    escape sequence (``\\l``, ``\\N``: backslashes doubled), no entity (``&`` as ``&amp;``)."""
    shown = (visible(line).replace("\\", "\\\\").replace("&", "&amp;") for line in lines)
    return graphviz.nohtml("\\n".join(shown))


def _edges(g: GraphDrawing, view: GraphView, group_of: dict[int, int], carried: dict) -> None:
    """Arrows from each input to its op; an edge into or out of a module box is drawn once."""
    done: set[tuple[str, str]] = set()
    for i, node in enumerate(view.nodes):
        box = group_of.get(id(node))
        for k, p in enumerate(node.parents):
            pbox = group_of.get(id(p))
            if box is not None and pbox == box:
                continue  # inside one module
            src = f"m{pbox}" if pbox is not None else f"n{view.pos(p)}"
            dst = f"m{box}" if box is not None else f"n{i}op"
            if box is None and pbox is None:
                g.edge(src, dst, **_carried_label(carried.get((id(node), k))))
            elif (src, dst) not in done:
                done.add((src, dst))
                g.edge(src, dst)


@dataclass(frozen=True)
class _Later:
    """A gradient an edge carries in a later step: its label takes its room, unseen."""

    gradient: Any


def _carried_label(gradient: Any) -> dict[str, str]:
    if gradient is None:
        return {}
    later = isinstance(gradient, _Later)
    text = brief(gradient.gradient if later else gradient)
    return {"label": _label(f" {text} ".split("\n")), "fontcolor": "transparent" if later else RED}


def _legend(g: GraphDrawing, kinds: list[str], walk: BackwardWalk | None) -> None:
    """A one-row key under the picture (the graph's label, so it moves no node)."""
    cells = [f'<TD BGCOLOR="{COLORS[k][0]}" COLOR="{COLORS[k][1]}">{LEGEND[k]}</TD>'
             for k in kinds]
    if walk is not None:
        cells.append("<TD>#k: backward step k</TD>")
        cells.append(f'<TD><FONT COLOR="{RED}">red: gradient sent back</FONT></TD>')
    g.attr(label='<<TABLE BORDER="0" CELLBORDER="1" CELLSPACING="4" CELLPADDING="4"><TR>'
           + "".join(cells) + "</TR></TABLE>>", labelloc="b", labeljust="l", fontsize="12")
