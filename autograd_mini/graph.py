"""The graph core shared by ``Value`` and ``Tensor``: nodes, recording state, backward.

Every op result is a node that remembers its inputs (``parents``), the op's name and
what the op needs to send gradients back (``_ctx``)::

    (x) --+
          +--> [mul] --> (out)        out.parents == (x, y), out.op == "mul"
    (y) --+

``backward()`` orders the graph topologically without recursion, then applies each
node's vector-Jacobian products from the output back to the leaves. The ops themselves
live in ``autograd_mini.ops``; this module knows no calculus.

In-place writes through the library (``Variable.assign*``, optimizer steps) stamp the
node they change (``mark_written``), so backward refuses an op whose VJP would read an
input changed after the op was recorded, rather than return a wrong gradient.
"""

from __future__ import annotations

import contextvars
import functools
import itertools
import operator
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .errors import AnomalyError, GraphError, ShapeError

# ----- recording state (per thread and per contextvars context) -----------------------

# False under no_grad; when on, True or (while tapes record here) the tuple of those tapes,
# which each recorded node keeps in ``_tapes``: a tape sees only its own thread's and
# asyncio task's ops (each thread has its own context, each task a copy of its creator's)
_RECORDING: contextvars.ContextVar[bool | tuple] = contextvars.ContextVar("recording",
                                                                         default=True)
_TAPES: contextvars.ContextVar[tuple] = contextvars.ContextVar("tapes_recording", default=())
_ANOMALY: contextvars.ContextVar[bool] = contextvars.ContextVar("anomaly", default=False)
_ids = itertools.count()  # creation order: stable node ids for tapes and drawings
_last_write = -1  # the id clock at the latest in-place write to any node (mark_written)


def is_recording() -> bool:
    """True when new ops are recorded into the graph (outside ``no_grad``)."""
    return _RECORDING.get() is not False


def recording_state(on: bool) -> bool | tuple:
    """The value of ``_RECORDING`` that turns recording on (with this context's tapes) or off."""
    return (_TAPES.get() or True) if on else False


class _RecordingSwitch:
    """``no_grad()`` / ``enable_grad()``: a context manager that is also a decorator."""

    def __init__(self, on: bool):
        self.on = on
        self._tokens: list[contextvars.Token] = []

    def __enter__(self) -> None:
        self._tokens.append(_RECORDING.set(recording_state(self.on)))

    def __exit__(self, *exc: object) -> None:
        _RECORDING.reset(self._tokens.pop())

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _RecordingSwitch(self.on):
                return fn(*args, **kwargs)

        return wrapper


def no_grad() -> _RecordingSwitch:
    """Stop recording ops inside a ``with`` block or a decorated function."""
    return _RecordingSwitch(False)


def enable_grad() -> _RecordingSwitch:
    """Turn recording back on inside a ``no_grad`` block."""
    return _RecordingSwitch(True)


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Check every forward result and every gradient for NaN/inf and name the op that made it."""
    token = _ANOMALY.set(True)
    try:
        yield
    finally:
        _ANOMALY.reset(token)


def check_finite(x: Any, what: str) -> None:
    """Raise ``AnomalyError`` naming ``what`` if ``x`` holds a NaN or inf."""
    data = x.data if isinstance(x, Node) else x
    if not np.all(np.isfinite(data)):
        bad = "nan" if np.any(np.isnan(data)) else "inf"
        raise AnomalyError(f"{what} produced {bad}")


# ----- the node ---------------------------------------------------------------------

_MANY = object()  # Node._in1 when the op has three or more inputs, all held in _in0


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
    # ``_in0``/``_in1`` hold the first and second input (None when absent); an op with
    # three or more inputs keeps all of them as a tuple in ``_in0`` and ``_MANY`` in ``_in1``.
    # ``_written``: the id clock at the latest in-place write to ``data``; ``_tapes``: the
    # tapes that recorded this node's op (see ``_RECORDING``). Both are left unset (no
    # cost) on the nodes they do not concern: nodes never written in place, ops run while
    # no tape records. ``_calls``, set by ``nn.Module.__call__`` on what a module returns:
    # ``(module, first id)`` per module call this node is the output of, innermost first;
    # the ids between mark the nodes the call made (drawings box them as one layer).
    __slots__ = ("data", "grad", "_in0", "_in1", "op", "name", "requires_grad", "_ctx", "_id",
                 "_written", "_tapes", "_calls", "__weakref__")
    __array_priority__ = 1000  # numpy defers `ndarray + node` to the node

    _broadcasts = True  # whether gradients may need summing back to this node's shape

    data: Any
    grad: Any

    @classmethod
    def _new_constant(cls, data: Any) -> Node:
        """A leaf that needs no gradient around ``data`` already in this class's payload
        form (a float, a float array), built without the constructor's checks."""
        node = object.__new__(cls)
        node.data, node.grad, node.name, node.requires_grad = data, cls._empty_grad, None, False
        node._in0 = node._in1 = None
        node.op, node._ctx, node._id = "", None, next(_ids)
        return node

    @property
    def parents(self) -> tuple[Node, ...]:
        """The input nodes of the op that made this node; ``()`` for a leaf."""
        a, b = self._in0, self._in1
        if a is None:
            return ()
        if b is None:
            return (a,)
        return a if b is _MANY else (a, b)

    @parents.setter
    def parents(self, parents: tuple[Node, ...]) -> None:
        n = len(parents)
        self._in0 = parents[0] if n in (1, 2) else tuple(parents) if n else None
        self._in1 = parents[1] if n == 2 else _MANY if n > 2 else None

    @property
    def is_leaf(self) -> bool:
        """True for nodes not made by a recorded op (inputs, parameters, constants)."""
        return self._in0 is None

    # ----- backward -------------------------------------------------------------------

    def backward(self, gradient: Any = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        """Accumulate d(self)/d(node) into ``.grad`` of every node that requires it.

        Args:
            gradient: the upstream gradient; needed when ``self`` is not a scalar.
            retain_graph: keep the chain-rule closures for another backward.
            create_graph: record the backward pass itself, so ``.grad`` holds graph nodes
                that can be differentiated again (implies ``retain_graph``).
        """
        seed = self._seed(gradient)
        grads = backprop(self, seed, retain_graph=retain_graph or create_graph,
                         create_graph=create_graph)
        self._accumulate_all(grads)

    def zero_grad(self) -> None:
        """Reset this node's gradient."""
        raise NotImplementedError

    def _seed(self, gradient: Any) -> Any:
        raise NotImplementedError

    def _accumulate(self, g: Any) -> None:
        raise NotImplementedError

    @staticmethod
    def _accumulate_all(grads: dict[Node, Any]) -> None:
        """``_accumulate`` each node's gradient (a subclass may do all of them faster)."""
        for node, g in grads.items():
            node._accumulate(g)

    # ----- operator sugar: one line per dunder, math in autograd_mini.ops -------------

    def __add__(self, other):      return ops.add(self, other)
    def __radd__(self, other):     return ops.add(other, self)
    def __sub__(self, other):      return ops.sub(self, other)
    def __rsub__(self, other):     return ops.sub(other, self)
    def __mul__(self, other):      return ops.mul(self, other)
    def __rmul__(self, other):     return ops.mul(other, self)
    def __truediv__(self, other):  return ops.div(self, other)
    def __rtruediv__(self, other): return ops.div(other, self)
    def __pow__(self, other):      return ops.pow(self, other)
    def __rpow__(self, other):     return ops.pow(other, self)
    def __neg__(self):             return ops.neg(self)
    def __pos__(self):             return self
    def __abs__(self):             return ops.abs(self)

    # comparisons give plain, non-differentiable results
    def __lt__(self, other):       return self.data < data_of(other)
    def __le__(self, other):       return self.data <= data_of(other)
    def __gt__(self, other):       return self.data > data_of(other)
    def __ge__(self, other):       return self.data >= data_of(other)

    # ----- elementwise math as methods --------------------------------------------------

    def exp(self):     return ops.exp(self)
    def log(self):     return ops.log(self)
    def sqrt(self):    return ops.sqrt(self)
    def square(self):  return ops.square(self)
    def tanh(self):    return ops.tanh(self)
    def sigmoid(self): return ops.sigmoid(self)
    def relu(self):    return ops.relu(self)
    def sin(self):     return ops.sin(self)
    def cos(self):     return ops.cos(self)
    def abs(self):     return ops.abs(self)


def zero_grad(params: Any) -> None:
    """Reset ``.grad`` of every node in an iterable of parameters."""
    for p in params:
        p.zero_grad()


def mark_written(node: Node) -> None:
    """Note that ``node.data`` was just changed in place (by ``assign``, an optimizer...).

    PyTorch keeps a version counter per tensor; here the stamp is the id clock, so an op
    recorded before the write (an older ``_id``) is told apart without storing anything
    per op: backward compares the two only for ops older than the latest write.
    """
    global _last_write
    node._written = _last_write = next(_ids)


def data_of(x: Any) -> Any:
    """The raw payload of a node, or ``x`` itself: a stop-gradient."""
    return x.data if isinstance(x, Node) else x


def shape_of(x: Any) -> tuple[int, ...]:
    """The shape of a node's payload, or of a plain number or array."""
    return np.shape(x.data if isinstance(x, Node) else x)


# ----- backward: toposort, then chain rule from the output back ------------------------


def toposort(root: Node, expand: Callable[[Node], bool] | None = None) -> list[Node]:
    """Nodes that need gradients, each before all of its parents, ``root`` first.

    Iterative, so a million-node chain needs no recursion: one walk collects the nodes,
    then they are sorted newest first. Creation order is already topological (an op's
    inputs exist before its output), so no child counting is needed. ``expand(node)``
    may return False to treat a node as a leaf.
    """
    seen = {root}
    stack = [root]
    found = [root]  # in the order the walk meets them: long runs of falling ids to sort
    add, push, pop, keep = seen.add, stack.append, stack.pop, found.append  # bound once
    while stack:
        node = pop()
        if expand is not None and not expand(node):
            continue
        a, b = node._in0, node._in1  # node.parents, unrolled: this loop is hot
        if a is None:
            continue
        for p in (a,) if b is None else a if b is _MANY else (a, b):
            if p not in seen and p.requires_grad:
                add(p)
                push(p)
                keep(p)
    found.sort(key=_creation, reverse=True)  # timsort: near-linear on the walk's runs
    return found


_creation = operator.attrgetter("_id")


def backprop(root: Node, seed: Any, *, retain_graph: bool = False, create_graph: bool = False,
             expand: Callable[[Node], bool] | None = None) -> dict[Node, Any]:
    """Propagate ``seed`` from ``root`` to every node; return each node's total gradient.

    With ``create_graph`` the VJPs get graph nodes and record what they compute, so the
    gradients are themselves differentiable; otherwise they get raw floats and arrays.
    Does not touch ``.grad``: ``Node.backward`` and ``Tape.gradient`` decide that.
    """
    order = toposort(root, expand)  # 1. order the graph: every node before its parents
    anomaly = _ANOMALY.get()
    written = _last_write  # ops recorded after this saw every in-place write: no check
    grads: dict[Node, Any] = {root: seed}
    token = _RECORDING.set(recording_state(create_graph))
    try:
        for node in order:  # 2. apply each node's VJPs, output first, leaves last
            a, b = node._in0, node._in1  # node.parents, unrolled: this loop is hot
            if a is None or (expand is not None and not expand(node)):
                continue
            ctx = node._ctx
            if ctx is None:
                raise GraphError(
                    f"backward through '{node.op}' a second time: its graph was released by "
                    "an earlier backward(); call backward(retain_graph=True) the first time")
            if not retain_graph:
                node._ctx = None
            g = grads.get(node)
            if g is None:  # no path from the root brought a gradient here
                continue
            spec, kwargs = ctx
            if node._id < written:
                _check_unchanged(node, spec)
            # one or two inputs and no settings: the VJPs are called without * or **
            parents, arity = ((a,), 1) if b is None else (a, 0) if b is _MANY else ((a, b), 2)
            if kwargs:
                arity = 0
            if create_graph:
                out, inputs, x0, x1 = node, parents, a, b
            elif arity == 2:
                out, x0, x1 = node.data, a.data, b.data
                inputs = (x0, x1)
            elif arity == 1:
                out, x0 = node.data, a.data
                inputs = (x0,)
            else:
                out, inputs = node.data, [p.data for p in parents]
            vjps = spec.vjps or spec.input_vjps(len(parents))
            for p, vjp in zip(parents, vjps):
                if vjp is None or not p.requires_grad:
                    continue
                contrib = (vjp(g, out, x0, x1) if arity == 2 else vjp(g, out, x0) if arity == 1
                           else vjp(g, out, *inputs, **kwargs))
                if type(contrib) is float and not anomaly:  # a Value's: nothing to fit or copy
                    prev = grads.get(p)
                    grads[p] = contrib if prev is None else prev + contrib
                    continue
                if contrib is None:  # this input has no gradient
                    continue
                if p._broadcasts and getattr(contrib, "shape", None) != p.data.shape:
                    try:
                        contrib = p._unbroadcast(contrib)
                    except ShapeError as e:
                        i = _input_index(parents, vjps, p, vjp)
                        raise ShapeError(f"backward of '{node.op}', input {i}: {e}") from None
                if anomaly:
                    check_finite(contrib, f"backward of '{node.op}' (gradient for input "
                                          f"{_input_index(parents, vjps, p, vjp)})")
                prev = grads.get(p)
                if prev is not None:
                    grads[p] = prev + contrib
                elif p._in0 is not None or create_graph:
                    grads[p] = contrib
                else:  # a leaf: its .grad must not alias another gradient
                    grads[p] = p._private(contrib, g, out, inputs)
    finally:
        _RECORDING.reset(token)
    return grads


def _check_unchanged(node: Node, spec: Any) -> None:
    """Raise if an input the op's VJP reads was changed in place after the op ran."""
    for i, p in enumerate(node.parents):
        if getattr(p, "_written", -1) > node._id and spec.saved(i):
            what = f"{type(p).__name__} '{p.name}'" if p.name else f"a {type(p).__name__}"
            who = p.name or "it"
            raise GraphError(
                f"backward of '{node.op}': input {i} ({what}) was changed in place after "
                f"'{node.op}' read it, so its gradient would be wrong: the result was "
                f"computed before an in-place update of {who} (assign, assign_add, "
                "assign_sub or an optimizer step); call backward() (or tape.gradient) "
                "before opt.step(), or clone the value first (v.value, Tensor(v.numpy()))")


def _input_index(parents: tuple, vjps: Any, p: Node, vjp: Any) -> int:
    """Which input of the op ``p`` is, told apart by its VJP when it is used twice (x * x)."""
    return next(i for i, (q, v) in enumerate(zip(parents, vjps)) if q is p and v is vjp)


from . import ops  # noqa: E402  (ops build on Node; the dunders above call them)
