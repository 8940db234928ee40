"""``gradients(ys, xs)``: gradient tensors, computed in a session by the ops' own VJPs.

Each call makes one group of ``GradientTensor``s. When a session plan needs any of
them it adds one backward step: seed ``ys``, then walk the nodes between ``xs`` and
``ys`` newest first, calling each op's VJPs on the values of that run and summing each
gradient back to its input's shape, as the eager core does.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import DTypeError, NoGradientError, ShapeError
from ...tensor import unbroadcast
from .graph import GraphElement, Step, SymbolicTensor, _check_element

if TYPE_CHECKING:
    from .session import _Plan


class GradientTensor(SymbolicTensor):
    """d(sum of ``ys``)/d(``source``); its parents are ``ys`` and ``source`` (for drawings)."""

    __slots__ = ("group", "source")

    def __init__(self, group: _Group, source: SymbolicTensor, name: str):
        super().__init__(name, source.dtype, source.shape,
                         parents=(*group.ys, *group.seeds, source), op="gradients",
                         graph=source.graph)
        self.group = group
        self.source = source

    def _make_step(self, plan: _Plan) -> Step | None:
        if self.group in plan.memo:  # the group's backward step is already in the plan
            return None
        plan.memo[self.group] = True
        return self.group.backward_step(plan)


class _Group:
    """One ``gradients()`` call: its targets, seeds and the nodes between sources and targets."""

    def __init__(self, ys: list[SymbolicTensor], seeds: list[SymbolicTensor | None],
                 sources: list[SymbolicTensor]):
        self.ys, self.seeds = ys, [s for s in seeds if s is not None]
        self.y_seeds = seeds
        self.path, self.connected = _between(ys, sources)
        self.on_path = set(self.path)
        self.members: list[GradientTensor] = []

    def backward_step(self, plan: _Plan) -> Step:
        """The plan step that fills every member's slot with its gradient for one run."""
        slot, size = plan.slot, plan.size
        seeds = []  # (y slot, fixed seed of ones or None, grad_ys slot or None)
        for y, s in zip(self.ys, self.y_seeds):
            known = s is None and y.shape is not None and None not in y.shape
            seeds.append((slot[y], np.ones(y.shape, y.dtype) if known else None,
                          None if s is None else slot[s]))
        schedule = []  # (node slot, input slots, [(input slot, vjp)], settings), newest first
        for node in reversed(self.path):
            if node._ctx is None or node in plan.fed:
                continue  # a leaf, or fed this run: gradients stop here
            spec, settings = node._ctx
            calls = [(slot[p], vjp) for i, p in enumerate(node.parents)
                     if p in self.on_path and (vjp := spec.vjp(i)) is not None]
            schedule.append((slot[node], [slot[p] for p in node.parents], calls, settings))
        results = [(slot[m], slot[m.source]) for m in self.members if m in slot]
        shown = [(n, slot[n]) for n in self.path if n in slot]

        def step(vals: list) -> None:
            grads: list[Any] = [None] * size
            for ky, ones, ks in seeds:
                g = vals[ks] if ks is not None else (
                    ones if ones is not None else np.ones_like(vals[ky]))
                grads[ky] = g if grads[ky] is None else grads[ky] + g
            for k, ins, calls, settings in schedule:  # each op's VJPs, output first
                g = grads[k]
                if g is None:
                    continue
                out, inputs = vals[k], [vals[i] for i in ins]
                for j, vjp in calls:
                    c = vjp(g, out, *inputs, **settings)
                    if c is None:  # this input has no gradient
                        continue
                    if getattr(c, "shape", ()) != vals[j].shape:
                        c = unbroadcast(c, np.shape(vals[j]))
                    prev = grads[j]
                    grads[j] = c if prev is None else prev + c
            for k, ksource in results:
                g = grads[ksource]
                vals[k] = np.zeros_like(vals[ksource]) if g is None else g
            for node, k in shown:  # what drawings show as .grad after this run
                node.grad = grads[k]
        return step


def gradients(ys: Any, xs: Any, grad_ys: Any = None,
              name: str = "gradients") -> list[GradientTensor | None]:
    """Gradient tensors of ``sum(ys)`` with respect to each of ``xs`` (TF1's ``tf.gradients``).

    Returns a list in the order of ``xs``; ``None`` for an ``x`` that ``ys`` do not
    depend on. ``grad_ys`` (tensors shaped like ``ys``) replace the seeds of ones.

    Raises:
        NoGradientError: the path from an ``x`` to ``ys`` goes through another gradient
            (second derivatives need the eager ``Tape``, nested).
    """
    ys = _as_list(ys, "ys")
    xs = _as_list(xs, "xs")
    seeds = [None] * len(ys) if grad_ys is None else (
        list(grad_ys) if isinstance(grad_ys, (list, tuple)) else [grad_ys])
    for s in seeds:
        if s is not None:
            _check_element(s, "gradients (grad_ys)", tensor=True)
    if len(seeds) != len(ys):
        raise ShapeError(f"gradients: {len(ys)} ys but {len(seeds)} grad_ys")
    if xs[0].graph is not ys[0].graph:
        raise DTypeError("gradients: ys and xs belong to different graphs")
    group = _Group(ys, seeds, xs)
    out: list[GradientTensor | None] = []
    for x in xs:
        if x not in group.connected:
            out.append(None)
            continue
        g = GradientTensor(group, x, f"{name}/{x.name}_grad")
        group.members.append(g)
        out.append(g)
    return out


def _between(ys: list, xs: list) -> tuple[list, set]:
    """The nodes on a differentiable path from some x to some y (creation order), and
    the xs that have one."""
    ancestors, stack = set(), list(ys)
    while stack:
        n = stack.pop()
        if n not in ancestors:
            ancestors.add(n)
            stack.extend(n.parents)
    reach = set(ys)  # nodes some y depends on through differentiable ops
    for n in sorted(ancestors, key=lambda n: n._id, reverse=True):
        if n not in reach:
            continue
        if isinstance(n, GradientTensor) and any(x in _upstream(n) for x in xs):
            raise NoGradientError(
                f"gradients: the path to {n.name} goes through a gradient; second derivatives "
                "are not supported in graph mode: use nested eager Tapes")
        if n._ctx is not None and n._ctx[0].differentiable:
            reach.update(n.parents)
    below = set(xs) & reach  # ... and that depend on some x
    for n in sorted(reach, key=lambda n: n._id):
        if n._ctx is not None and any(p in below for p in n.parents):
            below.add(n)
    return sorted(below, key=lambda n: n._id), {x for x in xs if x in reach}


def _upstream(node: GraphElement) -> set:
    seen, stack = set(), [node]
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            stack.extend(n.parents)
    return seen


def _as_list(x: Any, what: str) -> list[SymbolicTensor]:
    items = list(x) if isinstance(x, (list, tuple)) else [x]
    if not items:
        raise DTypeError(f"gradients: {what} is empty")
    for item in items:
        _check_element(item, f"gradients ({what})", tensor=True)
    graphs = {item.graph for item in items}
    if len(graphs) > 1:
        raise DTypeError(f"gradients: the {what} belong to different graphs")
    return items
