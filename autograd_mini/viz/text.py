"""Text views of a graph (an indented tree, Mermaid source) and what every drawing shares.

``walk(root)`` lists a graph's nodes in a stable order and knows each one's kind and
label; ``fmt`` writes numbers and arrays short. ``graphviz.py`` and ``lecture.py`` build
on these; nothing here needs graphviz.
"""

from __future__ import annotations

import math
import unicodedata
from typing import Any

import numpy as np

from ..errors import DTypeError, GraphError
from ..graph import Node
from ..variable import Variable

MAX_NODES = 500
SMALL = 6  # arrays up to this many elements show their numbers; larger ones a summary
KINDS = ("parameter", "input", "constant", "result", "output")
# (fill, border) per kind, readable on a projector and for red-green colour blindness
COLORS = {
    "parameter": ("#fdb863", "#b35806"),
    "input": ("#92c5de", "#2166ac"),
    "constant": ("#f0f0f0", "#969696"),
    "result": ("#ffffff", "#4d4d4d"),
    "output": ("#b8e186", "#4d9221"),
    "op": ("#e7d4e8", "#762a83"),
    "module": ("#fff7bc", "#d95f0e"),
}
MERMAID_DIRS = {"auto": "LR", "stairs": "TB"}  # draw_graph's layouts Mermaid does not have
SYMBOLS = {"add": "+", "sub": "-", "mul": "*", "div": "/", "pow": "**", "matmul": "@"}


# ----- names and numbers as short text ---------------------------------------------------


_ESCAPED = ("Cc", "Cs", "Cn", "Zl", "Zp")  # Unicode categories ``visible`` writes as escapes


def visible(text: str) -> str:
    """``text`` on one line: control characters, line breaks, lone surrogates and unassigned
    code points written as escapes (``\\n``, ``\\x00``, ``\\u2028``, ``\\uffff``), so that
    a name can neither break a drawing's lines nor end a LaTeX comment, and is valid UTF-8
    and XML. Each renderer still escapes its own syntax."""
    if text.isprintable():
        return text
    return "".join(c.encode("unicode_escape").decode("ascii")
                   if unicodedata.category(c) in _ESCAPED else c for c in text)


def fmt(x: Any, digits: int = 4, small: int = SMALL) -> str:
    """A number to ``digits`` significant digits; an array of up to ``small`` elements in
    full, a larger one summarised."""
    if isinstance(x, Node):
        x = x.data
    if np.ndim(x) == 0:
        v = float(x)
        if v == 0.0:
            return "0"
        if math.isfinite(v) and not 1e-4 <= abs(v) < 10**digits:
            return f"{v:.{max(digits - 1, 1)}e}"
        return f"{v:.{digits}g}"
    a = np.asarray(x)
    if a.size == 0:
        return "empty"
    low, high = a.min(), a.max()
    if low == high and a.size > 1:
        return f"all {fmt(low, 3)}"
    if a.size <= small:
        text = np.array2string(a, separator=" ", formatter={"float_kind": lambda v: fmt(v, 3)})
        # a matrix keeps one line per row; a column or a 3-d array goes on one line
        return text if a.ndim == 2 and a.shape[1] > 1 else " ".join(text.split())
    return f"{fmt(low, 3)} … {fmt(high, 3)}, mean {fmt(a.mean(), 3)}"


# ----- the graph as an ordered list of nodes ---------------------------------------------


def drawing_root(root: Any) -> Any:
    """What a drawing of ``root`` starts from: ``root`` itself, or for a whole
    ``compat.v1`` Graph the one result it leads to (``Graph.drawing_root``)."""
    return root.drawing_root() if hasattr(root, "drawing_root") else root


class GraphView:
    """The nodes of ``root``'s graph, constants included, each after its inputs.

    The order (a depth-first walk taking inputs left to right) and so every position and
    automatic label depend only on the graph's shape, never on ``id()`` or on what ran
    before, so the same script draws the same picture every time.
    """

    def __init__(self, root: Node):
        root = drawing_root(root)
        if not isinstance(root, Node):
            raise DTypeError(f"expected a Value or Tensor to draw, got {type(root).__name__}")
        self.root = root
        self.nodes = _forward_order(root)
        self.position = {id(n): i for i, n in enumerate(self.nodes)}
        self.labels = _labels(self.nodes)

    def __len__(self) -> int:
        return len(self.nodes)

    def pos(self, node: Node) -> int:
        return self.position[id(node)]

    def label(self, node: Node) -> str:
        return self.labels[id(node)]

    def kind(self, node: Node) -> str:
        """One of ``KINDS``: how the node is styled and tagged."""
        return kind_of(node, node is self.root)

    def check_size(self, count: int, max_nodes: int | None, what: str) -> None:
        """Raise ``GraphError`` when ``count`` drawn nodes is more than ``max_nodes``."""
        if max_nodes is not None and count > max_nodes:
            raise GraphError(
                f"{what}: the graph has {count} nodes to draw, more than max_nodes={max_nodes}; "
                f"pass collapse=model to draw each module as one box, or max_nodes={count} "
                "to draw every node")

    def describe(self, node: Node, show_data: bool = True, show_grad: bool = True,
                 grad: Any = None, number: Any = fmt) -> list[str]:
        """The lines shown for a node: label, shape and dtype, data, grad.

        ``grad`` replaces ``node.grad`` (lecture mode shows gradients it computed itself);
        ``number`` writes the data and the gradient (``fmt``).
        """
        kind = self.kind(node)
        lines = [self.label(node)]
        if kind == "constant":
            return lines
        if hasattr(node.data, "dtype") and np.ndim(node.data) > 0:
            lines.append(f"{tuple(node.data.shape)} {node.data.dtype}")
        if show_data:  # a define-then-run node has no data until a run computes it
            lines.append("not computed yet" if node.data is None else f"data {number(node.data)}")
        g = node.grad if grad is None else grad
        if show_grad and node.requires_grad and g is not None:
            lines.append(f"grad {number(g)}")
        return lines


def kind_of(node: Node, is_root: bool = False) -> str:
    """``parameter`` (trainable leaf), ``input`` (data leaf), ``constant`` (a number in the
    code, like the 2 in ``x ** 2``), ``result`` (made by an op) or ``output`` (the root)."""
    if node.parents:
        return "output" if is_root else "result"
    if isinstance(node, Variable):
        return "parameter" if node.trainable else "input"
    if node.requires_grad:
        return "parameter"
    return "constant" if node.name is None and np.size(node.data) == 1 else "input"


def op_label(node: Node) -> str:
    """What an op node shows: ``*`` for mul and the other operators, else the op's name."""
    return SYMBOLS.get(node.op, node.op)


def expression(view: GraphView, node: Node) -> str:
    """``"mul1 = x1 * w1"``: how ``node`` was computed, in labels."""
    args = [view.label(p) for p in node.parents]
    if node.op in SYMBOLS and len(args) == 2:
        rhs = f"{args[0]} {SYMBOLS[node.op]} {args[1]}"
    else:
        rhs = f"{node.op}({', '.join(args)})"
    return f"{view.label(node)} = {rhs}"


def _forward_order(root: Node) -> list[Node]:
    """Post-order depth-first walk over ``parents``, without recursion."""
    order: list[Node] = []
    seen: set[int] = set()
    stack: list[tuple[Node, bool]] = [(root, False)]
    while stack:
        node, done = stack.pop()
        if done:
            order.append(node)
            continue
        if id(node) in seen:
            continue
        seen.add(id(node))
        stack.append((node, True))
        stack.extend((p, False) for p in reversed(node.parents) if id(p) not in seen)
    return order


def _labels(nodes: list[Node]) -> dict[int, str]:
    """A node's name (``visible``); else ``mul1``, ``add2`` for results, ``leaf1`` for
    leaves, and a constant's own value."""
    taken = {visible(str(n.name)) for n in nodes if n.name}
    counts: dict[str, int] = {}
    labels: dict[int, str] = {}
    for n in nodes:
        if n.name:
            labels[id(n)] = visible(str(n.name))
            continue
        if kind_of(n) == "constant":
            labels[id(n)] = fmt(n.data)
            continue
        stem = n.op or ("leaf" if n.requires_grad else "input")
        label = None
        while label is None or label in taken:
            counts[stem] = counts.get(stem, 0) + 1
            label = f"{stem}{counts[stem]}"
        labels[id(n)] = label
    return labels


# ----- text renderings -------------------------------------------------------------------


def to_text(root: Node, show_data: bool = True, show_grad: bool = True,
            max_nodes: int | None = MAX_NODES) -> str:
    """The graph as an indented tree for a terminal: the root first, each node's inputs below.

    A node used twice is written out once; later uses say ``(see above)``.
    """
    view = GraphView(root)
    view.check_size(len(view), max_nodes, "to_text")
    lines: list[str] = []
    shown: set[int] = set()
    stack: list[tuple[Node, str, str]] = [(root, "", "")]
    while stack:  # an explicit stack: deep chains need no recursion
        node, lead, rest = stack.pop()
        if id(node) in shown and node.parents:
            lines.append(f"{lead}{view.label(node)} (see above)")
            continue
        shown.add(id(node))
        head = [s.replace("\n", "") for s in view.describe(node, show_data, show_grad)]
        tag = f"{head[0]} = {op_label(node)}" if node.op else f"{head[0]} [{view.kind(node)}]"
        lines.append("  ".join([f"{lead}{tag}", *head[1:]]))
        kids = node.parents
        for i in reversed(range(len(kids))):
            last = i == len(kids) - 1
            stack.append((kids[i], rest + ("└── " if last else "├── "),
                          rest + ("    " if last else "│   ")))
    return "\n".join(lines)


def to_mermaid(root: Node, rankdir: str = "LR", show_data: bool = True,
               show_grad: bool = True, max_nodes: int | None = MAX_NODES) -> str:
    """Mermaid ``flowchart`` source for Markdown slides: the same nodes, kinds and edges as
    ``draw_graph``, data flowing along the arrows (``rankdir`` as there: "auto" is LR,
    "stairs" TB)."""
    view = GraphView(root)
    view.check_size(2 * len(view), max_nodes, "to_mermaid")
    out = [f"flowchart {MERMAID_DIRS.get(rankdir, rankdir)}"]
    for i, node in enumerate(view.nodes):
        text = "<br/>".join(_mermaid_escape(s) for s in view.describe(node, show_data, show_grad))
        out.append(f'  n{i}["{text}"]:::{view.kind(node)}')
        if node.op:
            out.append(f'  n{i}op(("{_mermaid_escape(op_label(node))}")):::op')
            out.extend(f"  n{view.pos(p)} --> n{i}op" for p in node.parents)
            out.append(f"  n{i}op --> n{i}")
    used = {view.kind(n) for n in view.nodes} | ({"op"} if root.parents else set())
    out.extend(f"  classDef {k} fill:{fill},stroke:{border},color:#000"
               for k, (fill, border) in COLORS.items() if k in used)
    return "\n".join(out) + "\n"


_MERMAID = {"#": "#35;", '"': "#quot;", "<": "#lt;", ">": "#gt;", "&": "#amp;", "`": "#96;"}


def _mermaid_escape(s: str) -> str:
    """Mermaid's entity codes for the characters its labels interpret; lines joined by <br/>."""
    return "<br/>".join("".join(_MERMAID.get(c, c) for c in line) for line in s.split("\n"))
