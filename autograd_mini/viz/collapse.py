"""Modules as single boxes: which nodes of a graph each ``nn.Module`` owns.

``draw_graph(root, collapse=model)`` (and so ``to_html``) draws each module as one box. A
module owns its parameters and every node computed between them and the ops that use
them: a layer's ``x @ w + b`` goes into its box, the data ``x`` flowing in does not.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ..errors import DTypeError
from ..graph import Node
from .text import GraphView, fmt

__all__ = ["module_groups"]


def module_groups(view: GraphView, collapse: Any) -> tuple[dict[int, int], list]:
    """Which drawn node goes into which module box, and each box's label lines.

    A module's box takes its parameters and every node computed between them and the
    ops that use them: the descendants of its parameters that lead to such an op.
    """
    group_of: dict[int, int] = {}
    boxes: list[tuple[str, list[str]]] = []
    for label, params in _collapse_targets(collapse):
        members = _hull(view, {id(p) for _, p in params}) - set(group_of)
        if not members:
            continue  # the module took no part in this graph
        for m in members:
            group_of[m] = len(boxes)
        shown = [(name, p) for name, p in params if id(p) in members]
        lines = ([f"{len(shown)} parameters"] if len(shown) > 3
                 else [f"{name} {p.shape}" if np.ndim(p.data) else f"{name} = {fmt(p.data)}"
                       for name, p in shown])
        boxes.append((label, lines))
    return group_of, boxes


def _collapse_targets(collapse: Any) -> list[tuple[str, list[tuple[str, Node]]]]:
    """``(box label, [(name, parameter)])`` per box: a model's modules that own parameters
    (``Linear layers.0``), or each module of a list."""
    if hasattr(collapse, "named_parameters"):
        owners: dict[str, tuple[Any, list[tuple[str, Node]]]] = {}
        for name, p in collapse.named_parameters():
            path, owner = _owner(collapse, name)
            owners.setdefault(path, (owner, []))[1].append((name[len(path):].lstrip("."), p))
        return [(f"{type(m).__name__} {path}".strip(), ps) for path, (m, ps) in owners.items()]
    if isinstance(collapse, (list, tuple)) and all(hasattr(m, "named_parameters")
                                                   for m in collapse):
        return [(f"{type(m).__name__} {_path_in_model(m, i)}", list(m.named_parameters()))
                for i, m in enumerate(collapse)]
    raise DTypeError(f"draw_graph: collapse takes an nn.Module or a list of modules, got "
                     f"{type(collapse).__name__}")


def _path_in_model(module: Any, i: int) -> str:
    """``layers.1`` when the model named the module's parameters, else its list index."""
    for rel, p in module.named_parameters():
        if isinstance(p.name, str) and p.name.endswith("." + rel):
            return p.name[: -len(rel) - 1]
    return str(i)


def _owner(model: Any, name: str) -> tuple[str, Any]:
    """The deepest module on a parameter's dotted path (``layers.0.weight`` -> layers.0)."""
    parts = name.split(".")[:-1]
    obj, path, owner = model, "", model
    for i, part in enumerate(parts):
        if isinstance(obj, (list, tuple)) and part.isdigit() and int(part) < len(obj):
            obj = obj[int(part)]
        else:
            obj = getattr(obj, part, None)
        if obj is None:
            break
        if hasattr(obj, "named_parameters"):
            path, owner = ".".join(parts[: i + 1]), obj
    return path, owner


def _hull(view: GraphView, params: set[int]) -> set[int]:
    """``params`` in the graph, the nodes that descend from them and lead to their users,
    and the ops that combine only those (constants aside)."""
    users = {id(n) for n in view.nodes if any(id(p) in params for p in n.parents)}
    below: set[int] = set()  # descendants of the parameters
    for n in view.nodes:
        if any(id(p) in params or id(p) in below for p in n.parents):
            below.add(id(n))
    above: set[int] = set()  # the users and everything they depend on
    for n in reversed(view.nodes):
        if id(n) in users or id(n) in above:
            above.add(id(n))
            above.update(id(p) for p in n.parents)
    hull = {id(n) for n in view.nodes if id(n) in params} | (below & above)
    for n in view.nodes:  # and ops that only combine its results (a neuron's last sum)
        ins = [id(p) in hull for p in n.parents if view.kind(p) != "constant"]
        if len(n.parents) > 1 and ins and all(ins):
            hull.add(id(n))
    return hull
