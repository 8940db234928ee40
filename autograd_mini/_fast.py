"""Everything in the engine that exists only for speed, fenced in one module.

Read ``graph.backprop`` and the op files to learn the engine; this module does the
same things faster, and a test (tests/test_fast_path.py) requires identical gradients
from both on every fuzzed expression. What each trick buys, measured once on a 2-core
machine (Python 3.11, numpy 2.4), fast path against the plain one:

- ``backprop``: ``graph.backprop`` unrolled for one- and two-input ops (no ``*inputs``,
  no ``**settings``, no per-edge ``enumerate``), floats accumulated without the shape
  and alias checks a Value never needs: 124 -> 60 ms (2.1x) on W1's 66,000-node Value
  backward, 42 -> 37 us on a 4-op Tensor step.
- no sort first: ``backprop`` takes the nodes newest first from a heap of the ones
  reached (the order ``graph.toposort`` sorts them in), so the graph is walked once,
  not twice; a leaf's fresh array gradient is kept without a ``_private`` call: 575k
  -> 519k instructions a W3 step on tiny shapes (numpy's own share: 220k), 286k ->
  259k a W4 step (callgrind); W1's Value backward about even (+0.8%).
- ``inlined``: ``a * b`` on two nodes of one kind builds the result node itself (its
  slots written in place, as ``link`` would) instead of going through ``Value._apply``
  and ``make_node``: 820 -> 500 ns per op.
- ``accumulate_values``/``accumulate_arrays``: the ``.grad`` updates after a backward
  in one loop, not a method call per node.
- ``constant``: a constant node around data already in its class's payload form,
  without the constructor's checks (``2 * v``, ``0.5 * t``): 1.4x a ``Value``'s
  constructor, 2.5x a ``Tensor``'s.
- numpy: ``sum_array`` (``np.add.reduce``: ``np.sum`` without its Python layer, 4.4 ->
  2.6 us on a (64, 128) array), ``spread`` (a fresh broadcast by one assignment, 4.9 ->
  1.7 us against ``np.broadcast_to(...).copy()``), ``one`` (``np.array(1).reshape(shape)``,
  0.75 -> 0.34 us against ``np.ones`` for a backward's seed).
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from typing import Any

import numpy as np

from .errors import ShapeError
from .graph import _MANY, NO_SETTINGS, Node, check_unchanged, data_of, link, released_check
from .recording import ANOMALY, GENERAL, RECORDING, TRACE, check_finite, recording_state
from .versions import last_write, next_id

# ----- the backward walk -------------------------------------------------------------------


def backprop(root: Node, seed: Any, *, retain_graph: bool = False, create_graph: bool = False,
             expand: Callable[[Node], bool] | None = None) -> dict[Node, Any]:
    """``graph.backprop`` (the same steps, order, errors and results), unrolled.

    No sort first: the first node that uses a node puts its negated id on a heap (ints
    compare fast; a dict maps them back), and the newest node waiting is taken next. Ids
    grow as nodes are made, so a node comes out only after every node that uses it, in
    ``graph.toposort``'s order: the same gradients summed in the same order. A node is
    put there whether or not a gradient reaches it, so it is released (and checked for a
    second backward) as in the plain walk; leaves, with nothing to do, are not.
    """
    trace = TRACE.get()
    if trace is not None:  # autograd_mini.compile is tracing: the plain walk, watched
        return trace.backprop(root, seed, retain_graph, create_graph, expand)
    grads: dict[Node, Any] = {root: seed}
    if root._in0 is None:
        return grads
    anomaly = ANOMALY.get()
    written = last_write()  # ops recorded after this saw every in-place write: no check
    key = -root._id
    heap, waiting = [key], {key: root}
    take, push = waiting.pop, heapq.heappush
    token = RECORDING.set(recording_state(create_graph))
    try:
        while heap:
            node = take(heappop(heap))
            if expand is not None and not expand(node):
                continue
            ctx = node._ctx
            if ctx is None:
                released_check(node, retain_graph)  # raises: the graph was released
            spec, kwargs = ctx
            if kwargs is not NO_SETTINGS:  # raises if released; releases all but small settings
                released_check(node, retain_graph)
            elif not retain_graph:
                node._ctx = None
            a, b = node._in0, node._in1
            g = grads.get(node)
            if g is None:  # no gradient came: its inputs are still reached (and released)
                _reach((a,) if b is None else (a, b) if b is not _MANY else a, (), waiting, heap)
                continue
            if node._id < written:
                check_unchanged(node, spec)
            vjps = spec.vjps
            if b is None:  # (an op has a VJP for its first input, or none: input_vjps raises)
                parents, arity = (a,), 1
                if create_graph:
                    out, inputs, x0, x1 = node, parents, a, b
                else:
                    out, x0, x1 = node.data, a.data, None
                    inputs = (x0,)
            elif b is not _MANY:
                parents, arity = (a, b), 2
                if create_graph:
                    out, inputs, x0, x1 = node, parents, a, b
                else:
                    out, x0, x1 = node.data, a.data, b.data
                    inputs = (x0, x1)
                if len(vjps) < 2:
                    _reach(parents, vjps, waiting, heap)
            else:
                parents, arity, x0, x1 = a, 0, None, None
                out, inputs = (node, a) if create_graph else (node.data, [p.data for p in a])
                if len(vjps) < len(a):
                    _reach(parents, vjps, waiting, heap)
            if not vjps:
                vjps = spec.input_vjps(len(parents))
            if kwargs:  # one or two inputs and no settings: the VJPs are called without * or **
                arity = 0
            for p, vjp in zip(parents, vjps):
                if not p.requires_grad:
                    continue
                leaf = p._in0 is None
                if not leaf and (key := -p._id) not in waiting:
                    waiting[key] = p
                    push(heap, key)
                if vjp is None:
                    continue
                if arity == 2:
                    contrib = vjp(g, out, x0, x1)
                elif arity == 1:
                    contrib = vjp(g, out, x0)
                else:
                    contrib = vjp(g, out, *inputs, **kwargs)
                kind = type(contrib)
                if kind is float and not anomaly:  # a Value's: nothing to fit or copy
                    prev = grads.get(p)
                    grads[p] = contrib if prev is None else prev + contrib
                    continue
                if contrib is None:
                    continue
                if p._broadcasts and (contrib.shape if kind is _ndarray else
                                      getattr(contrib, "shape", None)) != p.data.shape:
                    try:
                        contrib = p._unbroadcast(contrib)
                    except ShapeError as e:
                        i = _input_index(parents, vjps, p, vjp)
                        raise ShapeError(f"backward of '{node.op}', input {i}: {e}") from None
                if anomaly:
                    i = _input_index(parents, vjps, p, vjp)
                    check_finite(data_of(contrib),
                                 f"backward of '{node.op}' (gradient for input {i})")
                prev = grads.get(p)
                if prev is not None:
                    grads[p] = prev + contrib
                elif not leaf or create_graph:
                    grads[p] = contrib
                elif kind is _ndarray and contrib.base is None and contrib is not g and \
                        contrib is not out and contrib is not x0 and contrib is not x1 and \
                        (arity or all(contrib is not x for x in inputs)) and \
                        contrib.flags.writeable:  # a leaf's, fresh: no copy to make
                    grads[p] = contrib
                else:  # a leaf: its .grad must not alias another gradient
                    grads[p] = p._private(contrib, g, out, inputs)
    finally:
        RECORDING.reset(token)
    return grads


_ndarray, heappop = np.ndarray, heapq.heappop


def _reach(parents: tuple, vjps: Any, waiting: dict, heap: list) -> None:
    """Put the inputs past an op's VJPs (all of them, for ``vjps=()``) in the heap: reached,
    so released, as in the plain walk."""
    for p in parents[len(vjps):]:
        if p.requires_grad and p._in0 is not None and (key := -p._id) not in waiting:
            waiting[key] = p
            heapq.heappush(heap, key)


def _input_index(parents: tuple, vjps: Any, p: Node, vjp: Any) -> int:
    """Which input of the op ``p`` is, told apart by its VJP when it is used twice (x * x)."""
    return next(i for i, (q, v) in enumerate(zip(parents, vjps)) if q is p and v is vjp)


def accumulate_values(grads: dict[Node, Any]) -> None:
    """``Value._accumulate`` for every node of a backward, floats inline."""
    for node, g in grads.items():
        if type(g) is float:
            node.grad = node.grad + g
        else:
            node._accumulate(g)


def accumulate_arrays(grads: dict[Node, Any]) -> None:
    """``Tensor._accumulate`` for every node of a backward; a first fresh array is kept."""
    array = np.ndarray
    for node, g in grads.items():
        if type(g) is array and g.dtype is node.data.dtype and node.grad is None:
            node.grad = g
        else:
            node._accumulate(g)


# ----- building nodes ------------------------------------------------------------------------


def constant(cls: type, data: Any) -> Any:
    """A leaf of ``cls`` that needs no gradient around ``data`` already in the class's
    payload form (a float, a float array), built without the constructor's checks."""
    node = object.__new__(cls)
    node.data, node.grad, node.name = data, cls._empty_grad, None
    return link(node)


class inlined:  # noqa: N801  (used like a decorator in class bodies)
    """``__mul__ = inlined(ops.mul)`` in a node class's body: the operator's common case
    (two nodes of the class, or one and a Python number; recording; no anomaly check
    and no trace)
    builds the node ``op`` would build, without its calls. Every other case takes the
    op's general path, so the op's rules stay in one place.

    Replaces itself, when the class is made, with a method for that class; the class
    gives ``_payload`` (the type of its data), ``_convert`` (to that type) and
    ``_number(x, node)`` (a constant for a Python number beside ``node``, or None to
    send numbers down the general path).
    """

    def __init__(self, fn: Any, reflected: bool = False):
        self.spec, self.reflected = fn.spec, reflected

    def __set_name__(self, owner: type, name: str) -> None:
        specialize(owner, name, self)


def specialize(owner: type, name: str, how: inlined) -> None:
    """Set ``owner.name`` to the inlined method ``how`` describes, made for ``owner``."""
    spec = how.spec
    method = (_unary(owner, spec, name) if spec.vjps and len(spec.vjps) == 1 else
              _binary(owner, spec, name, how.reflected))
    setattr(owner, name, method)
    if method.__code__.co_argcount == 1:  # t.exp(): the module function (am.exp(t)) too
        spec.inlined[owner] = method
    owner._inlined = {**getattr(owner, "_inlined", {}), name: how}


def specialize_all(owner: type) -> None:
    """Remake every inlined method ``owner`` inherits, for ``owner`` (a subclass whose
    ops make nodes of its own class, such as compat.v2's ``EagerTensor``)."""
    for name, how in dict(owner._inlined).items():
        specialize(owner, name, how)


def _binary(cls: type, spec: Any, method_name: str, reflected: bool) -> Callable:
    payload, convert, number = cls._payload, cls._convert, cls._number
    forward = spec.scalar if payload is float and spec.scalar else spec.forward
    general, name, ctx, empty, new = spec.fn, spec.name, spec.bare_ctx, cls._empty_grad, \
        object.__new__

    def method(self: Any, other: Any) -> Any:
        if type(other) is not cls and not isinstance(other, cls):
            if number is None or (type(other) is not float and type(other) is not int):
                return general(other, self) if reflected else general(self, other)
            other = number(other, self)
        x, y = (other, self) if reflected else (self, other)
        rec = RECORDING.get()
        if not (rec and (x.requires_grad or y.requires_grad)) or GENERAL.get():
            return general(x, y)
        try:
            out = forward(x.data, y.data)
        except Exception:  # noqa: BLE001  (the general path: float64 inf/nan or an OpError)
            return general(x, y)
        node = new(cls)  # what make_node and link write, written here
        node.data = out if type(out) is payload else convert(out)
        node.grad, node.name, node._in0, node._in1 = empty, None, x, y
        node.op, node._ctx, node.requires_grad, node._id = name, ctx, True, next_id()
        if rec is not True:  # tapes record here
            node._tapes = rec
        return node

    method.__name__ = method.__qualname__ = method_name
    return method


def _unary(cls: type, spec: Any, method_name: str) -> Callable:
    payload, convert = cls._payload, cls._convert
    forward = spec.scalar if payload is float and spec.scalar else spec.forward
    name, ctx, empty, new = spec.name, spec.bare_ctx, cls._empty_grad, object.__new__
    settings: dict = {}

    def method(self: Any) -> Any:
        rec = RECORDING.get()
        if not (rec and self.requires_grad) or GENERAL.get():
            return cls._apply(spec, (self,), settings)
        try:
            out = forward(self.data)
        except Exception:  # noqa: BLE001  (the general path: float64 inf/nan or an OpError)
            return cls._apply(spec, (self,), settings)
        node = new(cls)
        node.data = out if type(out) is payload else convert(out)
        node.grad, node.name, node._in0, node._in1 = empty, None, self, None
        node.op, node._ctx, node.requires_grad, node._id = name, ctx, True, next_id()
        if rec is not True:  # tapes record here
            node._tapes = rec
        return node

    method.__name__ = method.__qualname__ = method_name
    method.__doc__ = spec.forward.__doc__
    return method


# ----- numpy -----------------------------------------------------------------------------------

sum_array = np.add.reduce  # np.sum(x, axis=..., keepdims=...) without its Python layer


def spread(g: Any, shape: tuple) -> np.ndarray:
    """``np.broadcast_to(g, shape).copy()``: a fresh array, by one assignment."""
    dtype = g.dtype if isinstance(g, (np.ndarray, np.generic)) else np.result_type(g)
    out = np.empty(shape, dtype)
    out[...] = g
    return out


def one(shape: tuple, dtype: Any) -> np.ndarray:
    """``np.ones(shape, dtype)`` for a backward's seed (a one-element shape)."""
    seed = np.array(1, dtype)
    return seed.reshape(shape) if shape else seed
