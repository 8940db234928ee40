"""The lecture page: one self-contained HTML file that steps through a graph's two passes.

``to_html(root, path)`` embeds ``draw_graph``'s picture as SVG, the forward and backward
steps as JSON, and a small inlined script and stylesheet (``page.js``, ``page.css``):
Next / Back / Play and the arrow keys move at the class's pace. No server, no network.
"""

from __future__ import annotations

import html
import json
import re
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

from .._io import write_text
from ..errors import GraphError
from ..graph import Node
from ..i18n import get_language, message
from ..ops import OPS
from ..tensor import Tensor
from .graphviz import brief, draw_graph
from .lecture import BackwardWalk, backward_table
from .text import KINDS, GraphView, drawing_root, expression, fmt

MAX_NODES = 80  # boxes and ellipses a projector can show; bigger graphs need ``collapse``
SMALL = 64  # tensors up to this many elements embed their numbers in the step data


class LecturePage(str):
    """The lecture page's HTML text (a ``str``), which a notebook shows inline, working."""

    HEIGHT = 720  # px: room for the picture, the words and the table at 100% zoom

    def _repr_html_(self) -> str:
        """The page in a sandboxed iframe: scripts run, isolated from the notebook."""
        return (f'<iframe srcdoc="{html.escape(self, quote=True)}" sandbox="allow-scripts" '
                f'style="width: 100%; height: {self.HEIGHT}px; border: 1px solid #ddd">'
                "</iframe>")

    def __repr__(self) -> str:
        title = re.search(r"<title>(.*?)</title>", self)
        return f"<LecturePage {title.group(1) if title else ''!r}, {len(self)} characters>"


def to_html(root: Node, path: str | Path | None = None, *, title: str | None = None,
            rankdir: str = "auto", collapse: Any = None, max_nodes: int | None = MAX_NODES,
            interval_ms: int = 1500) -> LecturePage:
    """Write the lecture page for ``root``'s graph; return its HTML text, which shows the
    page inline in Jupyter (``LecturePage``).

    The page steps through the forward pass (nodes light up in the order they were
    computed) and the backward pass (nodes in the order ``backward()`` visits them, each
    edge showing its local derivative and the gradient it carries), with the table
    ``explain_backward`` prints beside the picture. Gradients are computed by replaying
    the pass, so ``.grad`` is not touched and the graph is left as it was.

    Args:
        path: where to write the page (None: only return it).
        title: the page's heading (default: "Backpropagation through <root>").
        collapse: an ``nn.Module`` or a list of modules: used, and said so on the page,
            when the graph has more than ``max_nodes`` boxes and ellipses to draw.
        max_nodes: the most nodes drawn one by one (None: no limit).
        interval_ms: time per step when Play is on.

    Raises:
        GraphError: ``root`` has more than one element; a plain ``backward()`` freed an
            array the walk needs (draw the page first, or use
            ``backward(retain_graph=True)``); or it is too big to draw and no
            ``collapse`` was given.
    """
    root = drawing_root(root)
    if np.size(root.data) != 1:
        raise GraphError(message("err.page_not_scalar", shape=np.shape(root.data)))
    view = GraphView(root)
    walk = BackwardWalk(root, "to_html")
    drawn = sum(1 + bool(n.op) for n in view.nodes)
    note = ""
    if max_nodes is not None and drawn > max_nodes:
        if collapse is None:
            raise GraphError(message("err.page_too_big", drawn=drawn, max_nodes=max_nodes))
        note = message("page.collapsed", drawn=drawn, max_nodes=max_nodes)
    else:
        collapse = None
    drawing = draw_graph(root, rankdir, lecture=walk, collapse=collapse, max_nodes=None)
    _chain_rule_labels(drawing, view, walk)
    data = page_data(root, view, walk)
    data.update(title=title or message("page.title", root=view.label(root)), note=note,
                interval_ms=int(interval_ms), words=_words())
    page = LecturePage(_page(data, _svg(drawing.pipe(format="svg", encoding="utf-8"))))
    if path is not None:
        write_text(path, page)
    return page


# ----- what the page shows, as plain data ------------------------------------------------


def page_data(root: Node, view: GraphView | None = None,
              walk: BackwardWalk | None = None) -> dict[str, Any]:
    """The nodes, the ``explain_backward`` table and the steps of ``root``'s graph as
    JSON-ready data: what ``to_html`` embeds in the page.

    ``nodes`` maps a key per node (its DOT name in ``draw_graph``, ``n3``) to its label,
    details and SVG ids; ``steps`` holds a start step, one forward step per node in
    creation order, then one backward step per node in the order ``backward()`` visits them.
    """
    view = view or GraphView(root)
    walk = walk or BackwardWalk(root, "page_data")
    label = view.label
    grads = walk.totals()
    nodes = {_key(view, n): _describe(n, view, grads.get(id(n))) for n in view.nodes}
    table = backward_table(root, walk=walk, view=view)
    lines = table.to_text().splitlines()
    steps: list[dict[str, Any]] = [{"phase": "start", "node": None,
                                    "text": message("page.start", root=label(root))}]
    for n in sorted(view.nodes, key=lambda n: n._id):  # the order the engine computed them
        steps.append({"phase": "forward", "node": _key(view, n), "text": _forward_text(n, view)})
    for k, visit in enumerate(walk.visits, start=1):
        rows = [i + 2 for i, r in enumerate(table.rows) if r.step == k]  # title, header first
        steps.append(_backward_step(k, len(walk.visits), visit, view, rows))
    return {"root": _key(view, root), "kind": type(root).__name__, "nodes": nodes,
            "table": lines, "steps": steps}


def _key(view: GraphView, n: Node) -> str:
    """A node's key in the page: ``draw_graph``'s DOT name for it (labels may repeat)."""
    return f"n{view.pos(n)}"


def _describe(n: Node, view: GraphView, grad: Any) -> dict[str, Any]:
    """One node's details: what the page shows on hover, and its numbers for checking."""
    spec = OPS.get(n.op)
    key = _key(view, n)
    out = {"label": view.label(n), "kind": view.kind(n), "op": n.op,
           "formula": spec.formula if spec else "",
           "expression": expression(view, n) if n.parents else "",
           "data_text": fmt(n.data), "data": _plain(n.data),
           "requires_grad": n.requires_grad, "grad": None if grad is None else _plain(grad),
           "svg": [key, f"{key}op" if n.op else None]}
    if isinstance(n, Tensor):
        a = n.data
        out.update(shape=list(a.shape), dtype=str(a.dtype), summary=_summary(a),
                   data_text=np.array2string(a, precision=4, threshold=SMALL, edgeitems=3))
    return out


def _forward_text(n: Node, view: GraphView) -> str:
    if n.parents:
        return f"{expression(view, n)} = {_short(n.data)}"
    kind = view.kind(n)
    what = message(f"page.leaf.{kind}" if kind in ("parameter", "input", "constant")
                   else "page.leaf.other")
    return message("page.forward_leaf", label=view.label(n), data=_short(n.data), what=what)


def _backward_step(k: int, total: int, visit: Any, view: GraphView,
                   rows: list[int]) -> dict[str, Any]:
    """Step ``k`` of the backward pass: the node, what each edge carries, the new totals."""
    node, g = visit.node, visit.upstream
    name, key = view.label(node), _key(view, node)
    head = message("page.backward_step", k=k, total=total, name=name, grad=_short(g))
    head += message("page.seed", name=name) if k == 1 else message("page.complete")
    lines, edges, grads = [head], [], {key: _lines(g)}
    for s in visit.sends:
        parent = view.label(s.parent)
        if s.local is not None:
            lines.append(message("page.send_local", parent=parent, local=fmt(s.local),
                                 upstream=fmt(g), sent=fmt(s.gradient), total=fmt(s.total)))
        else:
            lines.append(message("page.send_vjp", parent=parent, op=node.op,
                                 sent=_short(s.gradient), total=_short(s.total)))
        grads[_key(view, s.parent)] = _lines(s.total)
        edges.append({"svg": f"{_key(view, s.parent)}->{key}op", "from": _key(view, s.parent),
                      "local": None if s.local is None else fmt(s.local), "upstream": fmt(g),
                      "sends": _short(s.gradient)})
    if not node.parents:
        lines.append(message("page.leaf_done", name=name))
    return {"phase": "backward", "node": key, "number": k, "text": "\n".join(lines),
            "grads": grads, "edges": edges, "rows": rows}


# ----- numbers as text ---------------------------------------------------------------------


def _lines(x: Any) -> list[str]:
    """``brief`` split into the lines ``draw_graph`` puts in a box, each with no padding."""
    return [part.strip() for part in brief(x).split("\n")]


def _short(x: Any) -> str:
    return " ".join(_lines(x))


def _summary(a: np.ndarray) -> str:
    if a.size == 0:
        return "empty"
    return message("page.summary", min=fmt(a.min()), mean=fmt(a.mean()), max=fmt(a.max()),
                   norm=fmt(np.linalg.norm(a)))


def _plain(x: Any) -> Any:
    """Numbers for the JSON: a float, a nested list for small arrays, else None."""
    if isinstance(x, Node):
        x = x.data
    a = np.asarray(x, dtype=float)
    if a.size > SMALL or not np.all(np.isfinite(a)):
        return None
    return a.tolist()


# ----- the page ----------------------------------------------------------------------------


def _svg(svg: str) -> str:
    """Graphviz's SVG without its XML prologue and fixed size, so it scales to the page."""
    svg = svg[svg.index("<svg"):]
    head, rest = svg.split(">", 1)
    for attr in ("width", "height"):
        start = head.find(f' {attr}="')
        if start >= 0:
            end = head.index('"', start + len(attr) + 3)
            head = head[:start] + head[end + 1:]
    return head + ">" + rest


def _chain_rule_labels(drawing: Any, view: GraphView, walk: BackwardWalk) -> None:
    """Write ``local × upstream = sent`` on each scalar edge that ``draw_graph`` labelled
    with the gradient sent, so graphviz leaves room for the whole chain rule."""
    texts = {}
    for v in walk.visits:
        for s in v.sends:
            if s.local is not None:
                edge = f"{_key(view, s.parent)} -> {_key(view, v.node)}op"
                texts[edge] = f"{fmt(s.local)} \u00d7 {fmt(v.upstream)} = {fmt(s.gradient)}"
    for i, line in enumerate(drawing.body):
        m = _EDGE_LABEL.match(line)
        if m and m.group(1) in texts:
            text = texts[m.group(1)]
            drawing.body[i] = line[:m.start(2)] + f'label=" {text} "' + line[m.end(2):]


_EDGE_LABEL = re.compile(r'\t(n\d+ -> n\d+op) \[.*?(label=(?:"[^"]*"|\S+))')


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def _script_json(data: Any) -> str:
    """JSON that is safe inside a ``<script>`` element (no ``</script>`` or ``<!--``)."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return text.replace("<", "\\u003c").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


SIDE = 2.2  # a drawing less wide than this for its height gets the words beside it
_BUTTONS = ("back", "back_tip", "next", "next_tip", "play", "play_tip", "pause",
            "zoom_out_tip", "zoom_in_tip")
_SCRIPT_WORDS = ("step", "help", "not_computed", "not_reached")
_PHASES = ("start", "forward", "backward")
_FIELDS = ("node", "kind", "expression", "op", "formula", "shape", "dtype", "data", "summary",
           "grad")


def _words() -> dict[str, Any]:
    """The page's words in the current language: its buttons here, the rest for page.js."""
    words: dict[str, Any] = {"lang": {"zh": "zh-CN"}.get(get_language(), "en")}
    words.update((w, message(f"page.{w}")) for w in _BUTTONS + _SCRIPT_WORDS)
    words["phases"] = {p: message(f"page.phase.{p}") for p in _PHASES}
    words["fields"] = {f: message(f"page.field.{f}") for f in _FIELDS}
    words["kinds"] = {k: message(f"page.kind.{k}") for k in KINDS}
    return words


def _page(data: dict[str, Any], svg: str) -> str:
    title = html.escape(data["title"])
    box = re.search(r'viewBox="[\d.\-]+ [\d.\-]+ ([\d.]+) ([\d.]+)"', svg)
    side = box is not None and float(box.group(1)) < SIDE * float(box.group(2))
    words = {k: html.escape(v) for k, v in data["words"].items() if isinstance(v, str)}
    return f"""<!DOCTYPE html>
<html lang="{words["lang"]}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; \
style-src 'unsafe-inline'; script-src 'unsafe-inline'; img-src data:">
<title>{title}</title>
<style>
{_asset("page.css")}</style>
</head>
<body>
<header>
<h1>{title}</h1>
<nav>
<button id="back" title="{words["back_tip"]}">&#9664; {words["back"]}</button>
<button id="next" title="{words["next_tip"]}">{words["next"]} &#9654;</button>
<button id="play" title="{words["play_tip"]}">{words["play"]}</button>
<span id="phase"></span><span id="counter"></span>
<button id="zoomout" title="{words["zoom_out_tip"]}">&minus;</button><span id="zoom">100%</span>\
<button id="zoomin" title="{words["zoom_in_tip"]}">+</button>
</nav>
</header>
<p id="note">{html.escape(data["note"])}</p>
<main{' class="side"' if side else ''}>
<div id="graph">
{svg}</div>
<section id="words">
<pre id="explain"></pre>
<pre id="table"></pre>
</section>
<aside id="details"></aside>
</main>
<script>
const PAGE = {_script_json(data)};
{_asset("page.js")}</script>
</body>
</html>
"""
