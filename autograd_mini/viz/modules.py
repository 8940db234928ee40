"""Layers as single boxes: which nodes of a drawn graph each module call made.

Calling an ``nn.Module`` notes on the nodes it returns the module and the first node id of
the call (``Node._calls``); every node with an id from there to the result's was made
during the call, by the module or by the modules it called. ``draw_graph(...,
collapse=model)`` puts the nodes of each innermost call of a module below ``model``, with
the parameters only that call uses, into one box labelled with the module's class and
path, its parameters' shapes (or its settings) and its output's shape; a loss (marked by
``nn.module.marks_calls``) gets a box too. ``collapse="auto"`` takes as models the modules
whose calls no other call holds. One box per call: a module used twice (one ``ReLU``
after every layer) is drawn twice, where it ran.
Ids are one clock for the process, so a graph built by two threads at once can be boxed
wrongly; nothing else is.
"""

from __future__ import annotations

import bisect
from typing import Any

import numpy as np

from ..errors import DTypeError
from ..graph import Node
from .text import GraphView, fmt

Box = tuple[str, list[str]]  # a box's title and its other lines
SLIDE = 40  # boxes and ellipses a slide holds: draw_graph collapses a bigger module graph


def made_by_modules(view: GraphView) -> bool:
    """Whether some node of the graph was made in a module's call."""
    return any(hasattr(m, "named_modules") for n in view.nodes for m, _ in
               getattr(n, "_calls", ()))


def module_groups(view: GraphView, collapse: Any,
                  show_data: bool = True) -> tuple[dict[int, int], list[Box]]:
    """Which drawn node goes into which box (by ``id``), and each box's label lines
    (``show_data``: with the value of a number that leaves a box). ``collapse`` is a
    model, a list of modules, or ``"auto"``: the layers of the outermost modules called."""
    auto = isinstance(collapse, str) and collapse == "auto"
    targets = _auto_targets(view) if auto else _targets(collapse)
    calls = _calls(view, targets)
    starts = [start for start, _, _ in calls]
    call_of: dict[int, int] = {}  # id(node) -> index in calls
    for n in view.nodes:
        i = bisect.bisect_left(starts, n._id) - 1
        while i >= 0 and calls[i][1] < n._id:  # calls nest: the first that holds it is innermost
            i -= 1
        if i >= 0:
            call_of[id(n)] = i
    users: dict[int, list[Node]] = {}
    for n in view.nodes:
        for p in n.parents:
            users.setdefault(id(p), []).append(n)
    for n in view.nodes:  # a module's parameter (or constant) used by that one call only
        if id(n) in call_of or n.parents:
            continue
        boxes = {call_of.get(id(u)) for u in users.get(id(n), [])}
        if len(boxes) == 1 and (i := boxes.pop()) is not None and (
                view.kind(n) == "constant" or _owns(calls[i][2], n)):
            call_of[id(n)] = i
    box_of_call = {i: k for k, i in enumerate(sorted(set(call_of.values())))}  # in call order
    group_of = {n: box_of_call[i] for n, i in call_of.items()}
    members: list[list[Node]] = [[] for _ in box_of_call]
    for n in view.nodes:
        if id(n) in group_of:
            members[group_of[id(n)]].append(n)
    boxes = [_box(view, calls[i][2], members[k], users,
                  targets.get(id(calls[i][2]), (None, ""))[1], show_data)
             for i, k in box_of_call.items()]
    return group_of, boxes


def _targets(collapse: Any) -> dict[int, tuple[Any, str]]:
    """``id(module) -> (module, path)`` of the modules to box: those below a model (the
    model itself when it has none), or the modules of a list."""
    if hasattr(collapse, "named_modules"):
        targets: dict[int, tuple[Any, str]] = {}
        for path, m in collapse.named_modules():
            if m is not collapse:
                targets.setdefault(id(m), (m, path))  # a module held twice: its first path
        return targets or {id(collapse): (collapse, "")}
    if isinstance(collapse, (list, tuple)) and all(hasattr(m, "named_modules")
                                                   for m in collapse):
        return {id(m): (m, _path_in_model(m, i)) for i, m in enumerate(collapse)}
    raise DTypeError(f"draw_graph: collapse takes an nn.Module, a list of modules, 'auto' or "
                     f"None, got {collapse!r}"[:200])


def _auto_targets(view: GraphView) -> dict[int, tuple[Any, str]]:
    """The targets of every module whose call no other call holds (the models)."""
    calls = _calls(view, None)
    targets: dict[int, tuple[Any, str]] = {}
    outer_end = -1
    for start, end, module in calls:  # ordered by start: a call past the last end is outermost
        if start > outer_end:
            outer_end = end
            if hasattr(module, "named_modules"):
                targets = _targets(module) | targets
    return targets


def _calls(view: GraphView,
           targets: dict[int, tuple[Any, str]] | None) -> list[tuple[int, int, Any]]:
    """``(first id, last id, module)`` of each call of a target module (None: of any) or
    of a loss that made a node of the graph, ordered by first id."""
    ends: dict[tuple[int, int], tuple[int, Any]] = {}
    for n in view.nodes:
        for module, start in getattr(n, "_calls", ()):
            if targets is None or id(module) in targets or not hasattr(module, "named_modules"):
                key = (id(module), start)  # a call returning a list ends at its last result
                ends[key] = (max(n._id, ends.get(key, (0, None))[0]), module)
    return sorted((start, end, module) for (_, start), (end, module) in ends.items())


def _owns(module: Any, node: Node) -> bool:
    return any(p is node for _, p in module.named_nodes())


def _box(view: GraphView, maker: Any, nodes: list[Node], users: dict[int, list[Node]],
         path: str, show_data: bool) -> Box:
    """The title (``Conv2d conv1``, or a loss's name) and lines: parameters' shapes and
    activation, or the module's settings when it has no parameters; then the shape of what
    leaves the box."""
    members = {id(n) for n in nodes}
    if not hasattr(maker, "named_modules"):  # a function marked by nn.module.marks_calls
        return maker.__name__, _outputs(view, nodes, members, users, [], show_data)
    shown = [(name, p) for name, p in maker.named_parameters() if id(p) in members]
    if len(shown) > 3:
        lines = [f"{len(shown)} parameters"]
    elif shown:
        lines = [f"{name} {p.shape}" if np.ndim(p.data) else f"{name} = {fmt(p.data)}"
                 for name, p in shown]
    else:
        lines = [maker.extra_repr()] if maker.extra_repr() else []
    activation = getattr(maker, "activation", None)
    if shown and callable(activation) and activation.__name__ != "identity":
        lines.append(f"then {activation.__name__}")
    return f"{type(maker).__name__} {path}".strip(), _outputs(view, nodes, members, users,
                                                                lines, show_data)


def _outputs(view: GraphView, nodes: list[Node], members: set[int],
             users: dict[int, list[Node]], lines: list[str], show_data: bool) -> list[str]:
    """``lines`` and the shapes (or numbers) of the box's nodes used outside it."""
    for n in nodes:
        leaves = n is view.root or any(id(u) not in members for u in users.get(id(n), []))
        if not leaves or n.data is None or not (np.ndim(n.data) or show_data):
            continue  # (None: a define-then-run node not computed yet)
        line = f"out {np.shape(n.data)}" if np.ndim(n.data) else f"out = {fmt(n.data)}"
        if line not in lines:
            lines.append(line)
    return lines


def _path_in_model(module: Any, i: int) -> str:
    """``layers.1`` when the model named the module's parameters, else its list index."""
    for rel, p in module.named_parameters():
        if isinstance(p.name, str) and p.name.endswith("." + rel):
            return p.name[: -len(rel) - 1]
    return str(i)
