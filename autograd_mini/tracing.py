"""One call of a step function, watched: what ``autograd_mini.compile`` learns from it.

A traced call runs eagerly, as every call does, and the engine reports to its ``Trace``:

- each op it records (``make_node``) and each Tensor made from data (``Tensor(x)``,
  ``Value(x)``), with where that data came from;
- each backward walk (``_fast.backprop`` hands it here, where the reference walk
  ``graph.backprop`` runs with a hook noting every VJP that sent a gradient);
- the library calls that change state, kept whole: optimizer ``step()`` and
  ``apply_gradients``, ``Variable.assign*``.

The user's own code is seen through attributes: reading ``.data`` or ``.grad`` of a node
(or ``.numpy()``, ``.item()``, or comparing a Tensor: ``t > 0``) gives a *traced* float or
array that notes the arithmetic done on it, and writing ``.data`` or ``.grad`` of a node
is an event. Library code that computes with numpy outside the ops says so with
``noted`` (dropout's mask, one-hot labels). Reading a value to branch on it (``if
loss.item() > 1:``) raises ``TraceError`` naming the line: a replay could not take the
other branch. So does a compat.v1 ``Session.run``, whose plan is generated code of its
own. The events, in order, are what ``replay`` writes out as straight-line code.
While a trace runs, ``Node.data``/``.grad`` and those library methods are wrapped on their
classes; the wrappers act only in the traced call's own thread and asyncio task
(``recording.TRACE``).
"""

from __future__ import annotations

import operator
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from . import graph
from .errors import TraceError
from .graph import Node
from .recording import GENERAL, TRACE

# ----- events --------------------------------------------------------------------------------


@dataclass(eq=False)
class Op:
    """An op recorded: ``node = spec(parents..., **settings)``."""
    spec: Any
    settings: dict
    parents: tuple
    node: Node


@dataclass(eq=False)
class Leaf:
    """A Tensor or Value made from data (an argument, a traced value, or a constant)."""
    node: Node
    source: Any


@dataclass(eq=False)
class Backprop:
    """One backward walk: ``steps`` are ``(node, [(input index, ...)])`` as they ran."""
    root: Node
    seed: Any
    steps: list
    grads: dict


@dataclass(eq=False)
class Accumulate:
    """``backward()`` adding a walk's gradients into ``.grad``."""
    walk: Backprop
    gradient: Any  # what the user passed as backward(gradient=...), or None


@dataclass(eq=False)
class Gradient:
    """``tape.gradient(...)``: its walks and the results the user got."""
    tape: Any
    sources: list
    walks: list
    results: list  # one per source: the object returned (a Tensor, a traced float, None)
    unconnected: str


@dataclass(eq=False)
class Call:
    """A library method that changes state, called whole (``opt.step()``)."""
    obj: Any
    method: str
    args: tuple


@dataclass(eq=False)
class Read:
    """User code reading ``node.<attr>`` (``data``, ``grad``, ``numpy()``, ``item()``)."""
    node: Node
    attr: str
    proxy: Any


@dataclass(eq=False)
class Write:
    """User code setting ``node.<attr> = value``."""
    node: Node
    attr: str
    value: Any


@dataclass(eq=False)
class Numeric:
    """Arithmetic on traced values: ``out = fn(*args, **kwargs)`` (``into``: in place;
    ``library``: numpy a library function computes outside the ops, ``noted``)."""
    out: Any
    fn: Callable
    args: tuple
    kwargs: dict
    into: Any = None
    library: bool = False


@dataclass(eq=False)
class Trace:
    """What one traced call did, in order (see the module docstring)."""
    start: int  # nodes with smaller ids existed before the call
    events: list = field(default_factory=list)
    active: bool = True
    quiet: int = 0  # > 0 inside library calls kept whole: their insides are not events
    first: dict = field(default_factory=dict)  # id(node) -> (node, data, grad) when first met
    flags: list = field(default_factory=list)  # (obj, attr, value): modes the call ran in

    # ----- what the engine reports ---------------------------------------------------------

    def op(self, spec: Any, settings: dict, parents: tuple, node: Node) -> None:
        if not self.quiet:
            for p in parents:
                self.meet(p)
            self.events.append(Op(spec, settings, parents, node))

    def leaf(self, node: Node, source: Any) -> None:
        if not self.quiet:
            if isinstance(source, Node):
                self.meet(source)
            self.events.append(Leaf(node, source))

    def backprop(self, root: Node, seed: Any, retain_graph: bool, create_graph: bool,
                 expand: Any) -> dict:
        if create_graph:
            raise TraceError(f"compile: {user_line()}: a backward with create_graph (a "
                             "gradient of a gradient) cannot be compiled; run that step "
                             "eagerly")
        steps: list = []
        token = TRACE.set(None)  # the walk itself is the engine's (its VJPs on raw data)
        try:
            grads = graph.backprop(root, seed, retain_graph=retain_graph, expand=expand,
                                   on_step=lambda node, g, sends: steps.append((node, sends)))
        finally:
            TRACE.reset(token)
        self.events.append(Backprop(root, seed, steps, grads))
        return grads

    def meet(self, node: Node) -> None:
        """Note a node that existed before the call as it first was (a sanity check)."""
        if node._id < self.start and id(node) not in self.first:
            self.first[id(node)] = (node, _copy(node_slot(node, "data")),
                                    _copy(node_slot(node, "grad")))

    @contextmanager
    def kept_whole(self) -> Iterator[None]:
        self.quiet += 1
        try:
            yield
        finally:
            self.quiet -= 1

    # ----- what user code does to nodes ----------------------------------------------------

    def read(self, node: Node, attr: str, value: Any) -> Any:
        self.meet(node)
        proxy = traced(self, value)
        if proxy is not value:
            self.events.append(Read(node, attr, proxy))
        return proxy

    def write(self, node: Node, attr: str, value: Any) -> Any:
        """Note ``node.attr = value``; returns what to store (never a traced value)."""
        self.meet(node)
        now = node_slot(node, "data")
        if attr == "data" and isinstance(value, TracedArray) and owner(value) is owner(now):
            return now  # `t.data -= x`: changed in place, not replaced
        if attr == "data" and value is now and isinstance(value, np.ndarray):
            raise TraceError(f"compile: {user_line()}: {getattr(node, 'name', None) or 'a'} "
                             "node's data was changed in place by code compile does not "
                             "follow; update it with `t.data -= ...` in the step itself, an "
                             "optimizer or Variable.assign*")
        self.events.append(Write(node, attr, value))
        return plain(value)

    def numeric(self, fn: Callable, args: tuple, kwargs: dict, value: Any,
                into: Any = None) -> Any:
        out = into if into is not None else traced(self, value)
        self.events.append(Numeric(out, fn, args, kwargs, into))
        return out


_slots = {"data": Node.__dict__["data"], "grad": Node.__dict__["grad"]}


def node_slot(node: Node, attr: str) -> Any:
    """``node.data`` or ``node.grad`` read past any trace."""
    return _slots[attr].__get__(node, type(node))


def same_value(now: Any, then: Any) -> bool:
    """Whether a node's data ``now`` holds what it held ``then`` (a copy)."""
    return now is then or (type(now) is type(then) and (
        now == then if type(now) is float else np.array_equal(now, then, equal_nan=True)))


def _copy(x: Any) -> Any:
    return x.copy() if isinstance(x, np.ndarray) else x


def owner(a: Any) -> Any:
    """The array that owns ``a``'s memory (``a`` itself when it is no view)."""
    while isinstance(a, np.ndarray) and a.base is not None:
        a = a.base
    return a


def internal(frame: Any) -> bool:
    """Whether ``frame`` runs the library's own code (not the user's, nor a demo's)."""
    name = frame.f_globals.get("__name__", "")
    return (name == "autograd_mini" or name.startswith("autograd_mini.")) and \
        not name.startswith("autograd_mini._demos")


def user_line() -> str:
    """``file:line`` of the innermost frame outside autograd_mini (the user's code)."""
    frame = sys._getframe(1)
    while frame is not None and internal(frame):
        frame = frame.f_back
    if frame is None:
        return "<unknown line>"
    return f"{frame.f_code.co_filename}:{frame.f_lineno}"


# ----- traced values: floats and arrays that note their arithmetic --------------------------


def traced(trace: Trace, value: Any) -> Any:
    """``value`` as a traced float or array of ``trace`` (other values as they are)."""
    if type(value) is float:
        out = TracedFloat(value)
    elif type(value) is np.ndarray:
        out = value.view(TracedArray)
    else:
        return value
    out._trace = trace
    return out


def plain(value: Any) -> Any:
    """A traced value as a plain float or array; containers looked into."""
    if isinstance(value, TracedFloat):
        return float(value)
    if isinstance(value, TracedArray):
        return value.view(np.ndarray)
    if type(value) in (list, tuple):
        return type(value)(plain(v) for v in value)
    if type(value) is dict:
        return {k: plain(v) for k, v in value.items()}
    return value


def _branch(self: Any, *args: Any) -> Any:
    trace = self._trace
    if trace is not None and trace.active:
        raise TraceError(
            f"compile: {user_line()}: the step turns a traced value into a Python bool, int, "
            "float or comparison, to branch on it or keep it; a compiled replay cannot "
            "recompute a plain number. Return the value (t, or t.item()) and decide "
            "outside the compiled function, or run the step eagerly")
    return NotImplemented


class TracedFloat(float):
    """A float read from a node in a traced call: arithmetic on it is noted."""

    __slots__ = ("_trace",)

    def _op(self, fn: Callable, *args: Any) -> Any:
        value = fn(*[float(a) if isinstance(a, TracedFloat) else a for a in args])
        trace = self._trace
        if not trace.active or not isinstance(value, float):
            return value
        return trace.numeric(fn, args, {}, value)

    def __add__(self, o):       return self._op(operator.add, self, o)
    def __radd__(self, o):      return self._op(operator.add, o, self)
    def __sub__(self, o):       return self._op(operator.sub, self, o)
    def __rsub__(self, o):      return self._op(operator.sub, o, self)
    def __mul__(self, o):       return self._op(operator.mul, self, o)
    def __rmul__(self, o):      return self._op(operator.mul, o, self)
    def __truediv__(self, o):   return self._op(operator.truediv, self, o)
    def __rtruediv__(self, o):  return self._op(operator.truediv, o, self)
    def __pow__(self, o):       return self._op(operator.pow, self, o)
    def __rpow__(self, o):      return self._op(operator.pow, o, self)
    def __neg__(self):          return self._op(operator.neg, self)
    def __pos__(self):          return self
    def __abs__(self):          return self._op(operator.abs, self)

    def __bool__(self):
        _branch(self)
        return float(self) != 0.0

    def __int__(self):
        _branch(self)
        return int(float(self))

    __index__ = __int__

    def __round__(self, n=None):
        _branch(self)
        return round(float(self), n)

    def __lt__(self, o): return _branch(self) if self._trace.active else float(self) < o
    def __le__(self, o): return _branch(self) if self._trace.active else float(self) <= o
    def __gt__(self, o): return _branch(self) if self._trace.active else float(self) > o
    def __ge__(self, o): return _branch(self) if self._trace.active else float(self) >= o
    def __eq__(self, o): return _branch(self) if self._trace.active else float(self) == o
    def __ne__(self, o): return _branch(self) if self._trace.active else float(self) != o
    __hash__ = float.__hash__


class TracedArray(np.ndarray):
    """An array read from a node in a traced call: numpy's ufuncs and functions on it are
    noted. What numpy does in C without them (views such as ``.T``, methods such as
    ``argmax``) gives an untraced array that raises when it is used where it matters."""

    _trace: Trace | None = None
    _opaque: str | None = None  # where an array made without a noted op came from

    def __array_finalize__(self, obj: Any) -> None:
        self._trace = getattr(obj, "_trace", None)
        self._opaque = user_line() if self._trace is not None else None

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any):
        return _numpy_call(ufunc if method == "__call__" else getattr(ufunc, method), inputs,
                           kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any):
        return _numpy_call(func, args, kwargs)

    def __getitem__(self, index: Any) -> Any:
        return _numpy_call(operator.getitem, (self, index), {})

    def __setitem__(self, index: Any, value: Any) -> None:
        trace = self._trace
        if trace is not None and trace.active:
            raise TraceError(f"compile: {user_line()}: writing into a traced array by index "
                             "cannot be compiled; compute the new value and assign it "
                             "(t.data = ..., or Variable.assign)")
        np.ndarray.__setitem__(self.view(np.ndarray), index, plain(value))

    def __bool__(self):
        _branch(self)
        return bool(self.view(np.ndarray))

    def __int__(self):
        _branch(self)
        return int(self.view(np.ndarray))

    __index__ = __float__ = __int__  # a plain number: a replay could not recompute it

    def item(self, *args: Any) -> Any:
        """The one number as a traced float (``float(a)`` would give a plain one)."""
        value = np.ndarray.item(self.view(np.ndarray), *args)
        trace = self._trace
        if trace is None or not trace.active or type(value) is not float:
            return value
        return trace.numeric(item, (self, *args), {}, value)

    def __reduce__(self):  # pickled or copied: a plain array
        return self.view(np.ndarray).__reduce__()


def item(a: Any, *index: Any) -> Any:
    """``a.item()`` for an array or a numpy scalar (what a replay calls)."""
    return a.item(*index)


def _numpy_call(fn: Callable, args: tuple, kwargs: dict) -> Any:
    """Run a numpy call on the plain arrays behind traced ones; note it while tracing."""
    trace = next((a._trace for a in _leaves(args, kwargs) if isinstance(a, TracedArray)),
                 None)
    out = kwargs.get("out")
    plain_kwargs = {k: plain(v) for k, v in kwargs.items()}
    if isinstance(out, tuple):
        plain_kwargs["out"] = tuple(plain(o) for o in out)
    value = fn(*[plain(a) for a in args], **plain_kwargs)
    if trace is None or not trace.active:
        return value
    for a in _leaves(args, kwargs):
        if isinstance(a, TracedArray) and a._opaque is not None:
            raise TraceError(f"compile: {user_line()}: an array made at {a._opaque} by a "
                             "numpy method or view that compile does not follow (.T, "
                             ".argmax(), ...) is used; use the numpy function instead "
                             "(np.transpose, np.argmax) or an autograd_mini op")
    into = None
    if out is not None:
        target = out[0] if isinstance(out, tuple) else out
        if not isinstance(target, TracedArray):
            raise TraceError(f"compile: {user_line()}: an in-place update of an array that "
                             "is not a node's .data or .grad cannot be compiled")
        into = target
    elif not isinstance(value, (np.ndarray, np.generic, float)):
        return value
    if isinstance(value, np.generic):
        value = np.asarray(value)
    return trace.numeric(fn, args, kwargs, value, into)


def flag(obj: Any, attr: str) -> Any:
    """``obj.<attr>``, a mode that library code takes a path by (a module's ``training``,
    which decides whether dropout drops): while tracing, noted, so that a replay runs
    only while the mode is as it was (a call after ``model.eval()`` traces again)."""
    value = getattr(obj, attr)
    trace = TRACE.get()
    if trace is not None and not trace.quiet:
        trace.flags.append((obj, attr, bool(value)))  # (the path taken by its truth)
    return value


def noted(fn: Callable, *args: Any) -> Any:
    """``fn(*args)``, numpy that library code computes outside the ops (dropout's random
    mask, one-hot rows for integer labels): while tracing, a traced array that every
    replay computes again (a mask drawn again from the same generator)."""
    value = fn(*args)
    trace = TRACE.get()
    if trace is None or trace.quiet or not isinstance(value, np.ndarray):
        return value
    out = traced(trace, value)
    trace.events.append(Numeric(out, fn, args, {}, library=True))
    return out


def _leaves(args: tuple, kwargs: dict) -> Iterator[Any]:
    for a in (*args, *kwargs.values()):
        if isinstance(a, (tuple, list)):
            yield from a
        else:
            yield a


# ----- the wrappers installed while a trace runs -----------------------------------------------


class _Watched:
    """``Node.data`` / ``Node.grad`` while tracing: user code's reads give traced values,
    writes to existing nodes are events; everything else goes straight to the slot."""

    def __init__(self, attr: str):
        self.attr, self.slot = attr, _slots[attr]

    def __get__(self, obj: Any, cls: Any = None) -> Any:
        value = self.slot.__get__(obj, cls)
        if obj is None:
            return value
        trace = TRACE.get()
        if trace is None or trace.quiet or internal(sys._getframe(1)):
            return value
        return trace.read(obj, self.attr, value)

    def __set__(self, obj: Any, value: Any) -> None:
        trace = TRACE.get()
        if trace is not None and not trace.quiet and _linked(obj):
            value = trace.write(obj, self.attr, value)
        self.slot.__set__(obj, value)


def _linked(node: Node) -> bool:
    """Whether ``node`` is made (a node being built has no id yet: writes to it are not
    events)."""
    try:
        node._id  # noqa: B018  (reading the slot is the test)
    except AttributeError:
        return False
    return True


def _kept_whole(method: Callable, name: str) -> Callable:
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        trace = TRACE.get()
        if trace is None or trace.quiet:
            return method(self, *args, **kwargs)
        if name == "apply_gradients":
            args = ([tuple(pair) for pair in args[0]],)  # a zip is read once
        if kwargs:
            raise TraceError(f"compile: {user_line()}: pass {name}'s arguments by position "
                             "in a compiled step")
        for a in _leaves(args, {}):
            if isinstance(a, Node):
                trace.meet(a)
        if isinstance(self, Node):
            trace.meet(self)
        with trace.kept_whole():
            out = method(self, *[plain(a) for a in args])
        trace.events.append(Call(self, name, args))
        return out

    wrapper.__name__ = wrapper.__qualname__ = name
    return wrapper


def _backward(method: Callable) -> Callable:
    def backward(self: Node, gradient: Any = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        trace = TRACE.get()
        if trace is None or trace.quiet:
            return method(self, gradient, retain_graph, create_graph)
        with trace.kept_whole():  # its .grad updates are the Accumulate event
            method(self, plain(gradient), retain_graph, create_graph)
        walk = trace.events[-1]
        trace.events.append(Accumulate(walk, gradient))

    return backward


def _gradient(method: Callable) -> Callable:
    def gradient(self: Any, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = "none") -> Any:
        trace = TRACE.get()
        if trace is None or trace.quiet:
            return method(self, target, sources, output_gradients, unconnected_gradients)
        if output_gradients is not None:
            raise TraceError(f"compile: {user_line()}: tape.gradient with output_gradients "
                             "cannot be compiled yet; run that step eagerly")
        from .tape import _flatten, _unflatten

        start = len(trace.events)
        with trace.kept_whole():
            out = method(self, target, sources, None, unconnected_gradients)
        walks = trace.events[start:]
        del trace.events[start:]
        results = [traced(trace, r) for r in _flatten(out)]
        trace.events.append(Gradient(self, _flatten(sources), walks, results,
                                     unconnected_gradients))
        return _unflatten(sources, iter(results))

    return gradient


def _reading(method: Callable) -> Callable:
    """``t.numpy()`` and ``t.item()`` in user code: a traced result. (``float(t)`` cannot
    be: Python makes its result a plain float; it gives the traced call's number.)"""
    def read(self: Node) -> Any:
        value = method(self)
        trace = TRACE.get()
        if trace is None or trace.quiet:
            return value
        trace.meet(self)
        proxy = traced(trace, value)
        if proxy is not value:
            trace.events.append(Read(self, method.__name__, proxy))
        return proxy

    read.__name__ = read.__qualname__ = method.__name__
    return read


def _comparing(method: Callable, fn: Callable) -> Callable:
    """``t > 0`` in user code: a traced mask for a Tensor (``am.where`` may take it); for
    a Value, a Python bool only a branch can use: refused."""
    def compare(self: Node, other: Any) -> Any:
        trace = TRACE.get()
        if trace is None or trace.quiet or internal(sys._getframe(1)):
            return method(self, other)
        value = method(self, plain(other))
        proxy = traced(trace, value)
        if proxy is value:  # a Python bool: the step branches on a value
            raise TraceError(
                f"compile: {user_line()}: the step compares a Value it computed, to branch "
                "on it; a compiled replay cannot take another branch. Keep data-dependent "
                "decisions out of the compiled function, or run the step eagerly")
        trace.meet(self)
        trace.events.append(Numeric(proxy, fn, (self, other), {}))
        return proxy

    compare.__name__ = compare.__qualname__ = method.__name__
    return compare


def _session_run(method: Callable) -> Callable:
    """``Session.run`` in a traced call: refused. The session runs its plan as generated
    code the trace cannot follow (a replay would give the traced call's numbers and skip
    its updates), and that code is straight-line Python already."""
    def run(self: Any, *args: Any, **kwargs: Any) -> Any:
        trace = TRACE.get()
        if trace is not None and not trace.quiet:
            raise TraceError(
                f"compile: {user_line()}: a compat.v1 Session.run cannot be compiled: the "
                "session already runs each kind of run as straight-line Python written once "
                "(sess.plan_source shows it). Call sess.run outside autograd_mini.compile")
        return method(self, *args, **kwargs)

    return run


_installed = 0
_lock = threading.Lock()
_saved: list[tuple[type, str, Any]] = []


def _targets() -> list[tuple[type, str, Callable[[Any], Any]]]:
    from .optim import Optimizer
    from .tape import Tape
    from .tensor import Tensor
    from .value import Value
    from .variable import Variable

    whole = lambda name: lambda m: _kept_whole(m, name)  # noqa: E731
    session = sys.modules.get("autograd_mini.compat.v1.session")  # (none exists unless so)
    return [*([(session.Session, "run", _session_run)] if session is not None else []),
            (Node, "data", lambda _: _Watched("data")), (Node, "grad", lambda _: _Watched("grad")),
            (Node, "backward", _backward), (Tape, "gradient", _gradient),
            (Optimizer, "step", whole("step")),
            (Optimizer, "apply_gradients", whole("apply_gradients")),
            (Variable, "assign", whole("assign")), (Variable, "assign_add", whole("assign_add")),
            (Variable, "assign_sub", whole("assign_sub")),
            (Tensor, "numpy", _reading), (Tensor, "item", _reading),
            (Variable, "numpy", _reading), (Value, "item", _reading),
            *[(cls, name, lambda m, fn=fn: _comparing(m, fn))
              for cls, names in ((Node, ("__lt__", "__le__", "__gt__", "__ge__")),
                                 (Tensor, ("__eq__", "__ne__")))
              for name, fn in ((n, getattr(operator, n.strip("_"))) for n in names)]]


@contextmanager
def tracing(trace: Trace) -> Iterator[None]:
    """Run the block as a traced call: the wrappers are on, this context reports to ``trace``."""
    global _installed
    with _lock:
        if _installed == 0:
            for cls, name, make in _targets():
                original = cls.__dict__[name]
                _saved.append((cls, name, original))
                setattr(cls, name, make(original))
        _installed += 1
    tokens = TRACE.set(trace), GENERAL.set(True)
    try:
        yield
    finally:
        TRACE.reset(tokens[0])
        GENERAL.reset(tokens[1])
        trace.active = False
        with _lock:
            _installed -= 1
            if _installed == 0:
                for cls, name, original in reversed(_saved):
                    setattr(cls, name, original)
                _saved.clear()
