"""``compile(step)``: trace an eager step once, then replay it as straight-line Python.

The first call with a new kind of arguments runs the step eagerly, as always, while a
``tracing.Trace`` watches it; the events become one Python function, written by the
engine's compiler (``codegen``): a line per forward op, per VJP that sent a gradient and
per update, no nodes, no topological sort. Later calls with arguments of the same kind
run that function. ``compiled.source`` shows it, with the step's own names::

    @am.compile
    def step(x, y):
        a1 = am.sigmoid(x @ W1 + b1)
        ...

    # ... the backward pass the engine wrote (``replay``), as seed 001 wrote it by hand:
    d_add = d_a2 * a2 * (1 - a2)
    d_W2 = a1.T @ d_add

What makes a kind of arguments: for each Tensor, Value and numpy array its class,
shape and dtype (their values are the inputs of the replay) and for nodes whether they
require a gradient; every other argument by value (numbers, strings) or identity (a
model, an optimizer). A new kind traces again; the ``cache_size`` newest kinds are kept.
Nodes the step reaches that existed before the call (parameters) are read and updated
through the objects themselves; one that starts or stops requiring its gradient (a layer
frozen for fine-tuning), a module leaving the mode it was traced in (``model.eval()``
after training with dropout), or another object put in a parameter's place where the
step finds it (``model.fc = nn.Linear(...)``, a new optimizer, ``W1 = Variable(...)``
run again; see ``_places``), makes the kind be traced again for that state; each state's
replay is kept with its kind (up to ``cache_size`` of them). A parameter the step
reaches only through another module's globals (a helper's own) is not watched there.

A number or string the step reads from its module's globals or its closure (a learning
rate decayed between epochs, a mode flag) is part of the state too: a new value traces
again. A numpy array it reads there (and a view of one: ``X[start:start + 64]``) is read
as it is at each call, so a batch refilled in place is seen; another array put there
traces again. A kind traced again ``cache_size`` times warns: a value that changes
every call belongs in a Variable or an array argument.

What a replay does not repeat: Python side effects (``print``, appending to a list;
a step that sets a global number it reads is refused); numbers read some other way (an
attribute's ``opt.lr`` in the step's own arithmetic) and the traced values; ``float(t)``.
A step that branches on a value it computed raises ``TraceError`` while tracing. See
``tracing`` for what is followed.
"""

from __future__ import annotations

import builtins
import contextlib
import dis
import functools
import inspect
import sys
import threading
import types
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _fast
from .errors import DTypeError, TraceError
from .graph import Node
from .recording import ANOMALY
from .replay import write
from .tracing import Trace, TracedArray, TracedFloat, node_slot, owner, plain, tracing
from .versions import next_id

__all__ = ["Compiled", "TraceError", "compile"]

def compile(fn: Callable | None = None, *, cache_size: int = 8) -> Any:  # noqa: A001
    """``compile(step)`` or ``@compile``: ``step`` traced once per kind of arguments and
    replayed as straight-line code (see the module docstring)."""
    if fn is None:
        return lambda f: Compiled(f, cache_size)
    return Compiled(fn, cache_size)


class _Entry:
    """One kind of arguments' generated function, and its variant without silent checks.

    ``enter``, once the fast variant is written: a function of the call's argument tuple
    that checks it is of this kind (as ``_kinds`` keys it) and replays, or returns
    ``_MISS``; a call of the latest kind then costs a few comparisons.
    """

    def __init__(self, source: str, run: Callable, noted: set, sites: int, write: Callable,
                 guard: _Guard | None, shared: bool, summed: dict, flags: list,
                 unchanged: Callable[[], bool] | None):
        self.source, self.run, self._noted, self._sites, self._write = \
            source, run, noted, sites, write
        self.flags = flags  # (obj, attr, True or False) the replay is made for (``_trace``)
        self.unchanged = unchanged  # whether the step still finds its parameters (``_places``)
        self._summed = summed  # what the first variant's sites summed from, as it runs
        self.fast_source: str | None = None
        self.enter: Callable | None = None
        self._guard = guard
        self._replays = 0
        self._checked: Callable | None = None
        # one replay at a time when they share buffers
        self._lock = threading.Lock() if shared else None

    def stale(self) -> bool:
        """Whether a parameter the step reached started or stopped taking a gradient (a
        layer frozen for fine-tuning), a mode changed (``model.eval()``), or another object
        took a parameter's place (``model.fc = nn.Linear(...)``) since the trace: the kind
        must be traced again."""
        return any(bool(getattr(obj, attr)) is not value for obj, attr, value in self.flags) \
            or (self.unchanged is not None and not self.unchanged())

    def __call__(self, inputs: list) -> Any:
        with self._lock or contextlib.nullcontext():
            if ANOMALY.get():
                if self._checked is None:
                    self._checked = self._write(anomaly=True)[1]
                return self._checked(*inputs)
            if self._replays:
                return self.run(*inputs)
            out = self.run(*inputs)
            self._replays = 1  # after a first replay: leave out the checks that slept
            skip = set(range(1, self._sites + 1)) - self._noted
            if skip or any(shape is not None for shape in self._summed.values()):
                self.fast_source, self.run = self._write(skip=skip, summed=self._summed)[:2]
            if self._guard is not None:
                self.enter = self._guard.function(self.run, self._lock, self.flags,
                                                  self.unchanged)
            return out


class _Guard:
    """The test that a call's arguments are of one kind, written as Python: for each
    argument what ``_kinds`` keys it by (``type(a1) is ndarray and a1.shape == (8, 2) and
    a1.dtype is float32``), lists and tuples unpacked level by level, and the names of
    the inputs the replay takes."""

    def __init__(self, args: tuple):
        self.levels: list[tuple[list[str], list[str]]] = []  # (unpackings, tests) each
        self.inputs: list[str] = []
        self.env: dict[str, Any] = {"ndarray": np.ndarray, "ANOMALY": ANOMALY, "MISS": _MISS}
        self._add_items(args, "args", 0)
        self.arity = len(args)

    def _name(self, obj: Any) -> str:
        name = f"k{len(self.env)}"
        self.env[name] = obj
        return name

    def _add_items(self, items: Any, at: str, level: int) -> None:
        if level == len(self.levels):
            self.levels.append(([], []))
        names = [f"{'a' if at == 'args' else at + '_'}{i}" for i in range(len(items))]
        if names:
            self.levels[level][0].append(f"{', '.join(names)}{',' * (len(names) == 1)} = {at}")
        for x, name in zip(items, names):
            self._add(x, name, level)

    def _add(self, x: Any, at: str, level: int) -> None:
        tests = self.levels[level][1]
        t = type(x)
        if t is np.ndarray:
            self.inputs.append(at)
            tests += [f"type({at}) is ndarray", f"{at}.shape == {x.shape!r}",
                      f"{at}.dtype is {self._name(x.dtype)}"]
        elif isinstance(x, Node):
            self.inputs.append(at)
            d = x.data
            tests += [f"type({at}) is {self._name(t)}",
                      f"{at}.requires_grad is {x.requires_grad!r}"]
            if type(d) is np.ndarray:
                tests += [f"type({at}_data := {at}.data) is ndarray",
                          f"{at}_data.shape == {d.shape!r}",
                          f"{at}_data.dtype is {self._name(d.dtype)}"]
            elif type(d) in (float, int):  # (np.shape of a number: ())
                tests.append(f"type({at}.data) is {type(d).__name__}")
            else:
                raise _Unguarded
        elif t is list or t is tuple:
            tests += [f"type({at}) is {t.__name__}", f"len({at}) == {len(x)}"]
            self._add_items(x, at, level + 1)
        elif x is None or t is bool:
            tests.append(f"{at} is {x!r}")
        elif t in (int, str) or (t is float and x == x):
            tests.append(f"type({at}) is {t.__name__} and {at} == {x!r}")
        elif t is dict or t is complex or t is float:
            raise _Unguarded
        else:  # a dtype, a class, an object known by identity
            tests.append(f"{at} is {self._name(x)}")

    def function(self, run: Callable, lock: Any, flags: list,
                 unchanged: Callable[[], bool] | None = None) -> Callable:
        """``enter(args)``: ``run``'s result for arguments of this kind, else ``MISS``;
        under ``lock`` unless it is None. ``flags``: ``(obj, attr, True or False)`` the
        replay is made for (``_Entry.flags``), tested too (a flag set to another truthy
        value misses here and takes the general path, which compares truth), and so is
        ``unchanged()`` (``_Entry.unchanged``) unless it is None."""
        same = "".join(f" and {self._name(obj)}.{attr} is {value!r}"
                       for obj, attr, value in flags)
        if unchanged is not None:
            same += f" and {self._name(unchanged)}()"
        lines = ["def enter(args):",
                 f"    if len(args) == {self.arity} and not ANOMALY.get(){same}:"]
        depth = 2
        for unpack, tests in self.levels:
            lines += ["    " * depth + u for u in unpack]
            if tests:
                lines.append("    " * depth + f"if {' and '.join(tests)}:")
                depth += 1
        call = f"return run({', '.join(self.inputs)})"
        if lock is not None:
            lines.append("    " * depth + "with lock:")
            depth += 1
        lines += ["    " * depth + call, "    return MISS", ""]
        env = {**self.env, "run": run, "lock": lock}
        exec(builtins.compile("\n".join(lines), "<compile guard>", "exec"), env)  # noqa: S102
        return env["enter"]


class _Unguarded(Exception):
    """An argument the guard does not write a test for (a dict): calls take the key."""


_MISS = object()


class Compiled:
    """A step function, traced per kind of arguments and replayed (``compile(step)``).

    Attributes:
        traces: how many calls were traced so far.
    """

    def __init__(self, fn: Callable, cache_size: int = 8):
        if not callable(fn):
            raise DTypeError(f"compile: expected a function, got {type(fn).__name__}")
        functools.update_wrapper(self, fn)
        self.fn, self.cache_size = fn, cache_size
        # a kind's entries (one per set of modes it was traced in, ``_Entry.flags``) and
        # the objects its key names by identity, kept alive with them
        self._cache: OrderedDict[tuple, tuple[list[_Entry], list]] = OrderedDict()
        self._latest: _Entry | None = None
        self._enter: Callable | None = None  # the latest kind's guarded replay
        self.traces = 0
        self._again = 0  # traces of a kind seen before (a state that changed)

    @property
    def source(self) -> str | None:
        """The Python the latest kind of arguments runs: after its first replay, the
        variant without the checks that found nothing to do (None before any call)."""
        entry = self._latest
        return None if entry is None else entry.fast_source or entry.source

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        if self._enter is not None and not kwargs:
            out = self._enter(args)
            if out is not _MISS:
                return out
        inputs: list = []
        keep: list = []
        kinds: list = []
        _kinds(args, inputs, keep, kinds)
        if kwargs:
            kinds.append(tuple(kwargs))
            _kinds(kwargs.values(), inputs, keep, kinds)
        key = tuple(kinds)
        hit = self._cache.get(key)
        if hit is not None:
            if len(self._cache) > 1:  # (the order matters only among several kinds)
                self._cache.move_to_end(key)
            entry = next((e for e in reversed(hit[0]) if not e.stale()), None)
            if entry is not None:
                self._latest = entry
                out = entry(inputs)
                self._enter = entry.enter
                return out
            self._again += 1
            if self._again == self.cache_size:
                warnings.warn(
                    f"compile: {getattr(self.fn, '__name__', 'the step')} was traced again "
                    f"{self._again} times for arguments it had seen, because something it "
                    "reads keeps changing between calls (a global or closure number, a "
                    "parameter put in another's place, requires_grad, a module's mode). "
                    "Each trace runs the step eagerly and more slowly; keep a value that "
                    "changes every call in a Variable or pass it as an array",
                    RuntimeWarning, stacklevel=2)
        return self._trace(key, inputs, keep, args, kwargs)

    def _trace(self, key: tuple, inputs: list, keep: list, args: tuple, kwargs: dict) -> Any:
        trace = Trace(start=next_id())
        names = _parameter_names(self.fn, args, kwargs)
        numbers = _read(self.fn)
        with tracing(trace), _local_names(self.fn, names):
            out = self.fn(*args, **kwargs)
        self.traces += 1
        _check_left(self.fn, trace)
        _check_read(numbers)
        live = {id(owner(v)) for _, _, v in numbers if type(v) is np.ndarray}
        writer = functools.partial(write, trace, inputs, out, names, live=live)
        try:
            guard = None if kwargs else _Guard(args)
        except _Unguarded:
            guard = None
        source, run, noted, sites, shared, summed = writer()
        # whether each node from before the call that the step computed with (a parameter)
        # took a gradient, and the modes library code took its path by (dropout's training)
        flags = [(node, "requires_grad", bool(node.requires_grad))
                 for node, _, _ in trace.first.values()] + trace.flags
        bound = set(trace.first) - {id(x) for x in inputs}  # the nodes the replay binds
        places = numbers + (_places(self.fn, args, kwargs, bound) if bound else [])
        entry = self._latest = _Entry(source, run, noted, sites, writer, guard, shared, summed,
                                      flags, _unchanged(places) if places else None)
        self._enter = None
        entries = self._cache.setdefault(key, ([], keep))[0]
        entries.append(entry)
        del entries[:-self.cache_size]
        self._cache.move_to_end(key)
        while len(self._cache) > self.cache_size:
            self._cache.popitem(last=False)
        return _detached(out, trace)


def _detached(x: Any, trace: Trace) -> Any:
    """What the traced call returned, as replays return it: nodes made in the call cut
    from their graph, traced values plain."""
    if isinstance(x, Node) and x._id >= trace.start:
        return _fast.constant(type(x), node_slot(x, "data"))
    if type(x) in (list, tuple):
        return type(x)(_detached(v, trace) for v in x)
    if type(x) is dict:
        return {k: _detached(v, trace) for k, v in x.items()}
    return plain(x)


def _check_left(fn: Callable, trace: Trace) -> None:
    """Refuse a step that left a value it made (a node, a traced number) in a variable
    outside it, its module's or a closure's (``m = beta * m + g``, ``losses.append(loss)``):
    replays do not repeat Python assignments, so that variable would keep this call's
    value while the step's numbers went on."""
    for name, value in _closure(fn).items():
        _refuse_made(value, trace, f"the closure's variable '{name}'")
    for name, value in list(getattr(fn, "__globals__", {}).items()):
        if not name.startswith("__"):
            _refuse_made(value, trace, f"the global '{name}'")


def _refuse_made(x: Any, trace: Trace, where: str, depth: int = 0) -> None:
    """Raise if ``x`` is, or holds (in lists, tuples, dicts, sets, a plain object's
    attributes, two levels down, the last 100 items of each), a value the traced call
    made."""
    if isinstance(x, Node):
        made = x._id >= trace.start
    else:
        made = isinstance(x, (TracedFloat, TracedArray))
    if made:
        raise TraceError(
            f"compile: the step left {type(x).__name__} it computed in {where}; a replay "
            "does not repeat Python assignments, so that variable would keep this first "
            "call's value. Keep such state in a Variable (assign, or an optimizer's "
            "slots), return it from the step and pass it back in, or run the step eagerly")
    if depth >= 2 or isinstance(x, (Node, np.ndarray, str, bytes, type)) or \
            inspect.ismodule(x) or callable(x):
        return
    if type(x) in (list, tuple, set, frozenset):
        items = list(x)[-100:]  # (what a step appends is at the end)
    elif type(x) is dict:
        items = list(x.values())[-100:]
    elif type(getattr(x, "__dict__", None)) is dict and \
            type(x).__module__.split(".")[0] != "autograd_mini":
        items = list(vars(x).values())[-100:]
    else:
        return
    for v in items:
        _refuse_made(v, trace, where, depth + 1)


def _kinds(items: Any, inputs: list, keep: list, out: list) -> None:
    """Append to ``out`` what of each of ``items`` a replay is specialised to (one flat
    list: a call's key is made on every call); Tensors, Values and arrays go to
    ``inputs``, objects known by identity to ``keep``."""
    for x in items:
        t = type(x)
        if t is np.ndarray:
            inputs.append(x)
            out.append((t, x.shape, x.dtype))
        elif isinstance(x, Node):  # (whether it takes a gradient: the trace's backward)
            inputs.append(x)
            d = x.data
            out.append((t, d.shape, d.dtype, x.requires_grad) if type(d) is np.ndarray
                       else (t, np.shape(d), x.requires_grad))
        elif t is list or t is tuple:
            out.append((t, len(x)))
            _kinds(x, inputs, keep, out)
        elif t is dict:
            out.append((t, tuple(x)))
            _kinds(x.values(), inputs, keep, out)
        elif x is None or t in (bool, int, float, str, complex, np.dtype) or \
                isinstance(x, type):
            out.append((t, x))
        else:
            keep.append(x)  # kept alive with the entry, so its id names it
            out.append((t, id(x)))


_DEPTH, _ITEMS, _OBJECTS = 6, 1000, 20_000  # how far ``_places`` looks
_OPAQUE = (np.ndarray, str, bytes, int, float, complex, bool, type, types.ModuleType,
           types.FunctionType, types.BuiltinFunctionType, types.MethodType, functools.partial)


def _places(fn: Callable, args: tuple, kwargs: dict, bound: set[int]) -> list[tuple]:
    """Every slot on the way from what the step reads to a node the replay binds (one from
    before the call that is not an input: a parameter), as ``(container, key, what it
    held)``. What the step reads: the module globals it names, its closure, its defaults,
    the object of a method, and the objects passed to it; slots are a dict's (globals, an
    object's attributes), a list's or a closure cell's, looked into ``_DEPTH`` levels down.
    A replay computes with the bound nodes themselves, so one replaced in any of these
    places (``model.fc = nn.Linear(...)``, ``W1 = Variable(...)`` run again) must make
    the kind be traced again; a tuple's items cannot be replaced, so its own slot is
    watched."""
    found: dict[tuple[int, Any], tuple] = {}
    leads: dict[int, bool] = {}  # id(object) -> whether a bound node is under it
    budget = [_OBJECTS]

    def walk(x: Any, depth: int) -> bool:
        if isinstance(x, Node):
            return id(x) in bound
        if isinstance(x, _OPAQUE) or x is None or depth > _DEPTH or budget[0] <= 0:
            return False
        hit = leads.get(id(x))
        if hit is not None:
            return hit
        leads[id(x)] = False  # (a cycle ends here)
        budget[0] -= 1
        hit = False
        for container, key, child in _slots(x):
            if walk(child, depth + 1):
                hit = True
                if container is not None:
                    found.setdefault((id(container), key), (container, key, child))
        leads[id(x)] = hit
        return hit

    roots = [r for r in _globals_and_cells(fn) if not str(r[1]).startswith("__")]
    if getattr(fn, "__code__", None) is not None:
        roots += [(None, None, v) for v in fn.__defaults__ or ()]
        kw = fn.__kwdefaults__ or {}
        roots += [(kw, n, v) for n, v in kw.items()]
    else:  # an object with __call__ (a module)
        roots.append((None, None, fn))
    if getattr(fn, "__self__", None) is not None:
        roots.append((None, None, fn.__self__))
    roots += [(None, None, v) for v in (*args, *kwargs.values())]  # (the guard reads these)
    for container, key, value in roots:
        if walk(value, 0) and container is not None:
            found.setdefault((id(container), key), (container, key, value))
    return list(found.values())


def _read(fn: Callable) -> list[tuple]:
    """The numbers, strings and numpy arrays the step reads from its module's globals and
    its closure (``lr``, ``MODE``, ``batch``), as places ``(container, key, value)``: a
    replay computes with the values the numbers had, so a new value (a learning rate
    decayed between epochs) must make the kind be traced again; it reads such an array
    itself, so a change in place is seen, and another array there traces again."""
    return [place for place in _globals_and_cells(fn) if _is_read(place[2])]


def _globals_and_cells(fn: Callable) -> list[tuple]:
    """``(container, key, value)`` for each module global the step's code loads and each
    assigned cell of its closure (key None)."""
    code = getattr(fn, "__code__", None)
    if code is None:
        return []
    g = fn.__globals__
    out = [(g, n, g[n]) for n in sorted(_names(code)) if n in g]
    for cell in fn.__closure__ or ():
        try:
            out.append((cell, None, cell.cell_contents))
        except ValueError:  # a cell not yet assigned
            pass
    return out


def _is_number(x: Any) -> bool:
    return type(x) in (int, float, bool, str) or isinstance(x, np.generic)


def _is_read(x: Any) -> bool:
    return _is_number(x) or type(x) is np.ndarray


def _check_read(numbers: list[tuple]) -> None:
    """Refuse a step that set a global or closure number it reads (``global i; i += 1``),
    or gave it another array: a replay does not repeat Python assignments."""
    for container, key, value in numbers:
        now = container.cell_contents if type(container) is types.CellType else container[key]
        if not _same_number(now, value):
            where = f"the global '{key}'" if key is not None else "a closure's variable"
            what = f"{value!r} -> {now!r}" if _is_number(value) else "another array"
            raise TraceError(
                f"compile: the step changed {where} ({what}); a replay does "
                "not repeat Python assignments, so later calls would not change it. Keep "
                "such a count in a Variable (assign_add), return it and pass it back in, or "
                "run the step eagerly")


def _same_number(a: Any, b: Any) -> bool:
    return a is b or (type(a) is type(b) and _is_number(a) and a == b)


@functools.lru_cache(maxsize=256)
def _names(code: types.CodeType) -> frozenset[str]:
    """The global names a function's code reads, its comprehensions' and inner functions'
    too (not its attribute names, which ``co_names`` holds as well); read once a code."""
    out = {i.argval for i in dis.get_instructions(code)
           if i.opname in ("LOAD_GLOBAL", "LOAD_NAME")}
    for c in code.co_consts:
        if isinstance(c, types.CodeType):
            out |= _names(c)
    return frozenset(out)


def _slots(x: Any) -> list[tuple]:
    """``(container, key, value)`` for what ``x`` holds (container None: cannot be set)."""
    t = type(x)
    if t is list:
        return [(x, i, v) for i, v in enumerate(x[:_ITEMS])]
    if t is tuple:
        return [(None, i, v) for i, v in enumerate(x[:_ITEMS])]
    if t is dict:
        return [(x, k, v) for k, v in list(x.items())[:_ITEMS]]
    try:
        d = object.__getattribute__(x, "__dict__")  # (no class __getattr__ is run)
    except AttributeError:
        return []
    if type(d) is dict:
        return [(d, k, v) for k, v in list(d.items())[:_ITEMS]]
    return []


def _unchanged(places: list[tuple]) -> Callable[[], bool]:
    """A function telling whether each place still holds what it held (``_places``, and
    ``_read``'s numbers by value), written as one expression: ``c0['model'] is v0 and ...``."""
    env: dict[str, Any] = {}
    names: dict[int, str] = {}

    def name(obj: Any, prefix: str) -> str:
        if id(obj) not in names:
            names[id(obj)] = f"{prefix}{len(env)}"
            env[names[id(obj)]] = obj
        return names[id(obj)]

    tests = []
    env["same"] = _same_number
    for container, key, value in places:
        c, v = name(container, "c"), name(value, "v")
        if type(container) is types.CellType:
            held = f"{c}.cell_contents"
        else:
            held = f"{c}[{repr(key) if type(key) in (str, int) else name(key, 'k')}]"
        tests.append(f"same({held}, {v})" if _is_number(value) else f"{held} is {v}")
    source = "\n".join(["def unchanged():", "    try:", f"        return {' and '.join(tests)}",
                        "    except (KeyError, IndexError, ValueError):  # a place is gone",
                        "        return False", ""])
    exec(builtins.compile(source, "<compile places>", "exec"), env)  # noqa: S102
    return env["unchanged"]


def _closure(fn: Callable) -> dict[str, Any]:
    """The variables ``fn`` closes over, by name (empty cells left out)."""
    code = getattr(fn, "__code__", None)
    out = {}
    cells = getattr(fn, "__closure__", None) or ()
    for name, cell in zip(code.co_freevars if code is not None else (), cells):
        try:
            out[name] = cell.cell_contents
        except ValueError:  # a cell not yet assigned
            pass
    return out


def _parameter_names(fn: Callable, args: tuple, kwargs: dict) -> dict[int, str]:
    """id(node or array) -> a name the step knows it by: its parameter's (``x``,
    ``params_0``), or the closure's or module's variable it reads (``W1``)."""
    names: dict[int, str] = {}

    def walk(x: Any, name: str) -> None:
        if isinstance(x, (Node, np.ndarray)):
            names.setdefault(id(x), name)
        elif type(x) in (list, tuple):
            for i, v in enumerate(x):
                walk(v, f"{name}_{i}")
        elif type(x) is dict:
            for k, v in x.items():
                walk(v, f"{name}_{k}")

    try:
        bound = inspect.signature(fn).bind(*args, **kwargs).arguments
    except (TypeError, ValueError):
        bound = {}
    code = getattr(fn, "__code__", None)
    read = {name: v for name, v in _closure(fn).items() if v is not None}
    if code is not None:
        read.update((n, fn.__globals__[n]) for n in code.co_names if n in fn.__globals__)
    for name, value in (*bound.items(), *read.items()):
        if isinstance(value, (Node, np.ndarray, list, tuple, dict)):
            walk(value, name)
    return names


class _local_names:  # noqa: N801  (a context manager)
    """The step's own local names of the nodes it held when it returned (for the source)."""

    def __init__(self, fn: Callable, names: dict[int, str]):
        self.code, self.names = getattr(fn, "__code__", None), names

    def __enter__(self) -> None:
        self.old = sys.getprofile()
        if self.code is not None and self.old is None:
            sys.setprofile(self.profile)

    def profile(self, frame: Any, event: str, arg: Any) -> None:
        if event == "return" and frame.f_code is self.code:
            for name, v in frame.f_locals.items():
                if isinstance(v, Node):
                    self.names.setdefault(id(v), name)

    def __exit__(self, *exc: object) -> None:
        if self.code is not None and self.old is None:
            sys.setprofile(None)
