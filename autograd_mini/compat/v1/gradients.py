"""``gradients(ys, xs)``: gradient tensors, computed in a session by the ops' own VJPs.

Each call makes one group of ``GradientTensor``s. When a session plan needs any of
them it writes the group's backward pass once, as straight-line code: seed ``ys``,
then for the nodes between ``xs`` and ``ys``, newest first, each op's VJPs on the
values of that run, each gradient summed back to its input's shape when numpy
broadcast that input (as the eager core does), added up where several arrive::

    d_loss = ones_loss
    d_square = mean_vjp0(d_loss, None, square, axis=None, keepdims=False)
    if d_square is not None and (... d_square.shape != square.shape): d_square = fit(...)
    if d_square is not None:
        d_sub = square_vjp0(d_square, square, sub)
        ...
    if d_add is not None:
        c = add_vjp1(d_add, None, matmul, w)   # w is used twice: gradients add up
        if c is not None:
            if type(c) is not ndarray or c.shape != w.shape: c = fit(c, w, 7)
            d_w = c if d_w is None else d_w + c

(A VJP may return None, "no gradient": nodes no gradient reached are skipped. An op
whose VJPs do not read its result gets None for it, so the result need not be kept.)
"""

from __future__ import annotations

from collections import Counter
from typing import TYPE_CHECKING, Any

import numpy as np

from ...codegen import write_vjps
from ...errors import DTypeError, NoGradientError, ShapeError
from .graph import GraphElement, SymbolicTensor, _check_element

if TYPE_CHECKING:
    from .compile import Code
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

    def _emit(self, plan: _Plan, code: Code) -> None:
        if self.group not in code.memo:  # the first member needed writes the group's pass
            code.memo[self.group] = True
            self.group.emit(plan, code)


class _Group:
    """One ``gradients()`` call: its targets, seeds and the nodes between sources and targets."""

    def __init__(self, ys: list[SymbolicTensor], seeds: list[SymbolicTensor | None],
                 sources: list[SymbolicTensor]):
        self.ys, self.seeds = ys, [s for s in seeds if s is not None]
        self.y_seeds = seeds
        self.path, self.connected = _between(ys, sources)
        self.on_path = set(self.path)
        self.members: list[GradientTensor] = []

    def emit(self, plan: _Plan, code: Code) -> None:
        """Write the backward pass that gives every needed member its value for a run."""
        nodes = [n for n in self.path if n in plan.needed]
        grad = {n: code.local(f"d_{n.name}") for n in dict.fromkeys([*nodes, *self.ys])}
        schedule = [(node, calls) for node in reversed(nodes)  # each op's VJPs, output first
                    if node._ctx is not None and node not in plan.fed  # else a leaf this run
                    and (calls := self._calls(node))]
        code.line(f"# gradients of {', '.join(y.name for y in self.ys)}")
        arrivals = Counter(p for _, calls in schedule for _, p, _ in calls)
        once = {p for p, n in arrivals.items() if n == 1 and p not in self.ys}
        # a fast variant knows which gradients its first run had: the ys' seeds, and those
        # that came once, are set on lines of their own (unguarded), with no None first
        sure: set = set()
        if code.layout is not None:
            sure = {n for n in once if code.grad_value(n) is not None} | set(self.ys)
        unset = [g for n, g in grad.items() if n not in sure]
        if unset:
            code.line(" = ".join(unset) + " = None")
        seeded: set = set()
        for y, s in zip(self.ys, self.y_seeds):
            if s is not None:
                seed = code.names[s]
            elif y.shape is not None and None not in y.shape:
                ones = np.ones(y.shape, y.dtype)
                ones.flags.writeable = False  # shared by every run: VJPs may pass it on
                seed = code.bind(ones, f"ones_{y.name}")
            else:
                seed = f"ones_like({code.names[y]})"
            code.line(f"{grad[y]} = {grad[y]} + {seed}" if y in seeded else f"{grad[y]} = {seed}")
            seeded.add(y)
        for node, calls in schedule:
            self._emit_vjps(node, calls, grad, code, seeded=node in seeded, once=once)
        for m in self.members:
            if m in plan.needed:
                g, source = grad[m.source], code.names[m.source]
                code.line(f"{code.define(m)} = {g} if {g} is not None else zeros_like({source})")
        code.grads.update((n, grad[n]) for n in nodes)  # what drawings show as .grad

    def _calls(self, node: SymbolicTensor) -> list[tuple[int, SymbolicTensor, Any]]:
        """``(i, input, vjp)`` for each input of ``node`` that gradients flow to."""
        spec = node._ctx[0]
        return [(i, p, vjp) for i, p in enumerate(node.parents)
                if p in self.on_path and (vjp := spec.vjp(i)) is not None]

    def _emit_vjps(self, node: SymbolicTensor, calls: list, grad: dict, code: Code,
                   seeded: bool, once: set) -> None:
        """``node``'s VJPs (under ``if d_node is not None:`` unless it is a seeded y, or a
        fast variant's first run had its gradient), each result summed back to its input's
        shape; an input with ``once`` one gradient arriving takes it as it is, others add
        theirs up."""
        spec, settings = node._ctx
        ins = [code.names[p] for p in node.parents]
        inline = None
        if code.layout is not None:
            values = [code.grad_value(node), code.value(node) if spec.reads_out else None,
                      *[code.value(p) for p in node.parents]]

            def inline(i: int, args: list[str]) -> str | None:
                return code.expanded(spec.vjp(i), args, values, settings)
        write_vjps(code, spec, settings, grad[node], code.names[node], ins,
                   [(i, code.names[p], grad[p], p in once) for i, p, _ in calls],
                   guarded=not seeded and (code.layout is None or code.grad_value(node) is None),
                   inline=inline)


def seeds_only(order: list, targets: list, fed: set) -> set:
    """The op results in ``order`` a run need not compute: not fetched, read by no other
    op, only seeding gradients (as a ``ys``) with a known shape, and with VJPs that do
    not read their ``out``. TF1 prunes them too: a train step alone skips its loss."""
    readers: dict = {}
    for n in order:
        for p in n.parents:
            readers.setdefault(p, []).append(n)
    wanted = set(targets) | fed
    return {n for n in order
            if isinstance(n, SymbolicTensor) and not isinstance(n, GradientTensor)
            and n._ctx is not None and not n._ctx[0].reads_out and n not in wanted
            and n.shape is not None and None not in n.shape
            and all(isinstance(r, GradientTensor) and n in r.group.ys and n is not r.source
                    for r in readers.get(n, ()))}


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
