"""The graph core shared by ``Value`` and ``Tensor``: nodes, and backprop as a lesson.

Every op result is a node that remembers its inputs (``parents``), the op's name and
what the op needs to send gradients back (``_ctx``)::

    (x) --+
          +--> [mul] --> (out)        out.parents == (x, y), out.op == "mul"
    (y) --+

``backprop`` below is the whole algorithm in three beats: order the graph, seed the
output, apply each op's vector-Jacobian products from the output back to the leaves.
``backward()`` and ``Tape`` run the same walk unrolled for speed (``autograd_mini._fast``);
a test requires both to give identical gradients. The ops live in ``autograd_mini.ops``;
this module knows no calculus.

In-place writes through the library (``Variable.assign*``, optimizer steps) stamp the
node they change (``mark_written``), so backward refuses an op whose VJP would read an
input changed after the op was recorded, rather than return a wrong gradient.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from .errors import GraphError, ShapeError
from .i18n import message
from .recording import ANOMALY, check_finite, enable_grad, no_grad
from .versions import check_unchanged, next_id

_MANY = object()  # Node._in1 when the op has three or more inputs, all held in _in0
NO_SETTINGS: dict[str, Any] = {}  # shared by calls of ops without settings; never mutated


class Node:
    """A value in the graph. ``Value`` (a float) and ``Tensor`` (an array) subclass it.

    Attributes:
        data: the payload.
        grad: the gradient after ``backward()``.
        parents: the input nodes of the op that made this node; ``()`` for a leaf.
        op: that op's name (``""`` for a leaf), shown in drawings.
        name: an optional label for drawings and reprs.
        requires_grad: whether gradients flow to this node.
    """

    # The inputs live in two slots, not in a tuple of their own: one object per node
    # instead of two halves the work of CPython's cyclic garbage collector, which rescans
    # the live graph while it grows (a third of a scalar training step's time otherwise).
    # Only ``link`` writes them. ``_written``: the id clock at the latest in-place write
    # to ``data``; ``_tapes``: the tapes that recorded this node's op; ``_calls``: the
    # ``(module, first id)`` of each nn.Module call this node is the output of (drawings
    # box the nodes between as one layer). All left unset (no cost) where they don't apply.
    __slots__ = ("data", "grad", "_in0", "_in1", "op", "name", "requires_grad", "_ctx", "_id",
                 "_written", "_tapes", "_calls", "__weakref__")
    __array_priority__ = 1000  # numpy defers `ndarray + node` to the node

    _broadcasts = True  # whether gradients may need summing back to this node's shape

    data: Any
    grad: Any

    @property
    def parents(self) -> tuple[Node, ...]:
        """The input nodes of the op that made this node; ``()`` for a leaf."""
        a, b = self._in0, self._in1
        if a is None:
            return ()
        if b is None:
            return (a,)
        return a if b is _MANY else (a, b)

    @property
    def is_leaf(self) -> bool:
        """True for nodes not made by a recorded op (inputs, parameters, constants)."""
        return self._in0 is None

    def backward(self, gradient: Any = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(node) into ``.grad`` of every node that requires it.

        Args:
            gradient: the upstream gradient; needed when ``self`` is not a scalar.
            retain_graph: keep the chain-rule closures for another backward.
            create_graph: record the backward pass itself, so ``.grad`` holds graph nodes
                that can be differentiated again (implies ``retain_graph``).
        """
        grads = _fast.backprop(self, self._seed(gradient),  # ``backprop`` below, made fast
                               retain_graph=retain_graph or create_graph,
                               create_graph=create_graph)
        self._accumulate_all(grads)

    def zero_grad(self) -> None:
        """Reset this node's gradient."""
        raise NotImplementedError

    def _seed(self, gradient: Any) -> Any:
        raise NotImplementedError

    def _accumulate(self, g: Any) -> None:
        raise NotImplementedError

    def _unbroadcast(self, g: Any) -> Any:
        return g

    def _private(self, g: Any, upstream: Any, out: Any, inputs: Any) -> Any:
        return g

    @staticmethod
    def _accumulate_all(grads: dict[Node, Any]) -> None:
        """``_accumulate`` each node's gradient (a subclass may do all of them faster)."""
        for node, g in grads.items():
            node._accumulate(g)

    # comparisons give plain, non-differentiable results; the arithmetic operators are
    # in each subclass's body (Value, Tensor), built by the ops
    def __lt__(self, other):       return self.data < data_of(other)
    def __le__(self, other):       return self.data <= data_of(other)
    def __gt__(self, other):       return self.data > data_of(other)
    def __ge__(self, other):       return self.data >= data_of(other)
    def __pos__(self):             return self


def link(node: Node, parents: tuple = (), op: str = "", ctx: Any = None,
         requires_grad: bool = False) -> Node:
    """Make ``node`` the result of ``op`` on ``parents`` (a leaf when there are none).

    The one place that writes a node's input slots and gives it its id (``_fast``'s
    inlined operators write the same in place); ``ctx`` is ``(OpSpec, settings)``, what
    backprop needs to call the op's VJPs.
    """
    n = len(parents)
    node._in0 = None if n == 0 else parents[0] if n < 3 else tuple(parents)
    node._in1 = None if n < 2 else parents[1] if n == 2 else _MANY
    node.op = op  # one by one: no tuple packed and unpacked
    node._ctx = ctx
    node.requires_grad = requires_grad
    node._id = next_id()
    return node


def zero_grad(params: Any) -> None:
    """Reset ``.grad`` of every node in an iterable of parameters."""
    for p in params:
        p.zero_grad()


def data_of(x: Any) -> Any:
    """The raw payload of a node, or ``x`` itself: a stop-gradient."""
    return x.data if isinstance(x, Node) else x


def shape_of(x: Any) -> tuple[int, ...]:
    """The shape of a node's payload, or of a plain number or array."""
    return np.shape(x.data if isinstance(x, Node) else x)


# ----- backprop: order the graph, seed it, apply the chain rule from the output back ------

Expand = Callable[[Node], bool]
Step = Callable[[Node, Any, list], None]  # (node, its gradient, [(input index, gradient)])


def toposort(root: Node, expand: Expand | None = None) -> list[Node]:
    """Nodes that need gradients, each before all of its parents, ``root`` first.

    Iterative, so a million-node chain needs no recursion. Creation order is already
    topological (an op's inputs exist before its output), so the nodes found are sorted
    newest first. ``expand(node)`` may return False to treat a node as a leaf.
    """
    seen, stack = {root}, [root]
    while stack:
        node = stack.pop()
        if expand is None or expand(node):
            for p in node.parents:
                if p not in seen and p.requires_grad:
                    seen.add(p)
                    stack.append(p)
    return sorted(seen, key=_creation, reverse=True)


_creation = operator.attrgetter("_id")


def backprop(root: Node, seed: Any, *, retain_graph: bool = False, create_graph: bool = False,
             expand: Expand | None = None, on_step: Step | None = None,
             context: Callable[[Node], Any] | None = None) -> dict[Node, Any]:
    """Propagate ``seed`` from ``root`` to every node; return each node's total gradient.

    With ``create_graph`` the VJPs get graph nodes and record what they compute, so the
    gradients are themselves differentiable; otherwise they get raw floats and arrays.
    ``on_step(node, g, sends)`` sees each step (the lecture tables and animations), and
    ``context(node)`` gives a node's ``(spec, settings)`` instead of its ``_ctx``, which is
    then neither read nor released (the lectures replay a released graph this way).
    Does not touch ``.grad``: ``Node.backward`` and ``Tape.gradient`` decide that.
    """
    order = toposort(root, expand)  # 1. every node before its parents
    grads: dict[Node, Any] = {root: seed}  # 2. d(root)/d(root)
    with enable_grad() if create_graph else no_grad():  # record the VJPs, or not
        for node in order:  # 3. each op's VJPs, output first, leaves last
            if node.is_leaf or (expand is not None and not expand(node)):
                if on_step is not None and node in grads:  # a leaf: it sends nothing on
                    on_step(node, grads[node], [])
                continue
            spec, settings = (released_check(node, retain_graph) if context is None
                              else context(node))
            g = grads.get(node)
            if g is None:  # no path from the root brought a gradient here
                continue
            check_unchanged(node, spec)
            parents = node.parents
            out, inputs = (node, parents) if create_graph else (node.data,
                                                                [p.data for p in parents])
            sends = []
            for i, (p, vjp) in enumerate(zip(parents, spec.input_vjps(len(parents)))):
                if vjp is None or not p.requires_grad:
                    continue
                contrib = vjp(g, out, *inputs, **settings)  # g times d(node)/d(input i)
                if contrib is None:
                    continue
                contrib = fit(node, i, p, contrib)
                prev = grads.get(p)
                if prev is None and p.is_leaf and not create_graph:
                    contrib = p._private(contrib, g, out, inputs)  # never an alias
                grads[p] = contrib if prev is None else prev + contrib  # the chain rule's sum
                sends.append((i, contrib))
            if on_step is not None:
                on_step(node, g, sends)
    return grads


class Released(tuple):
    """``(spec, settings)`` that a plain backward leaves in ``_ctx`` of a node whose op has
    settings: only the small ones (an axis, a shape, a slice), so drawings can still replay
    the op's local derivatives; arrays saved for the VJP (``where``'s condition, a dropout
    mask, an index array) are freed. An op without settings leaves None: ``node.op``
    names it, and the parents' ``data`` that its VJPs read stays with the graph anyway."""


_SMALL = (type(None), bool, int, float, str, slice, type(Ellipsis))


def released_check(node: Node, retain_graph: bool) -> Any:
    """The node's ``(spec, settings)``, released unless ``retain_graph``; raises if gone."""
    ctx = node._ctx
    if ctx is None or type(ctx) is Released:
        raise GraphError(message("err.backward_twice", op=node.op))
    if not retain_graph:
        spec, settings = ctx
        if settings is NO_SETTINGS:
            node._ctx = None
        else:
            for v in settings.values():  # (the usual case, all small, keeps the dict itself)
                if type(v) not in _SMALL:
                    settings = {k: v for k, v in settings.items() if _small(v)}
                    break
            node._ctx = Released((spec, settings))
    return ctx


def _small(value: Any) -> bool:
    """Whether a setting is kept after release: a number, a name, a slice, a tuple of them."""
    if type(value) is tuple:
        return all(_small(v) for v in value)
    return type(value) in _SMALL


def fit(node: Node, i: int, p: Node, contrib: Any) -> Any:
    """Input ``i``'s gradient summed back to its shape, checked under ``detect_anomaly``."""
    if p._broadcasts and getattr(contrib, "shape", None) != p.data.shape:
        try:
            contrib = p._unbroadcast(contrib)
        except ShapeError as e:
            raise ShapeError(f"backward of '{node.op}', input {i}: {e}") from None
    if ANOMALY.get():
        check_finite(data_of(contrib), f"backward of '{node.op}' (gradient for input {i})")
    return contrib


from . import _fast  # noqa: E402  (last: it builds on this module)
