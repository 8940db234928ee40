"""A trace written out as one function: the replay ``compile`` runs.

``write(trace, inputs, out, names)`` turns the events of one traced call (``tracing``)
into straight-line Python through the engine's compiler (``codegen``): each forward op
and each VJP that sent a gradient while tracing as a line (an expression where ``inline``
can expand the op's own code for the call at hand), the updates and library calls in
their order, the state the step changed stored back into the nodes at the end, and
dead results pruned. Values are the function's locals; nodes that existed before the
call are its globals (or parameters), read and written through. Before it is used, the
trace is checked for what a replay could not repeat (``TraceError``).
"""

from __future__ import annotations

import ast
import functools
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from . import _fast
from .codegen import Code, Source, is_literal, tuple_source, write_vjps
from .errors import TraceError
from .graph import Node
from .inline import expand
from .tensor import accumulated, as_array, private
from .tracing import (
    Accumulate,
    Backprop,
    Call,
    Gradient,
    Leaf,
    Numeric,
    Op,
    Read,
    Trace,
    TracedArray,
    TracedFloat,
    Write,
    node_slot,
    owner,
    same_value,
)

_SMALL = 1024  # bytes: numpy keeps freed blocks up to this size, so a buffer buys nothing
_INFIX = {operator.add: "+", operator.sub: "-", operator.mul: "*", operator.truediv: "/",
          operator.pow: "**", operator.lt: "<", operator.le: "<=", operator.gt: ">",
          operator.ge: ">=", operator.eq: "==", operator.ne: "!="}


class _Writer:
    """The events of a trace as lines of one function (see ``_write``)."""

    def __init__(self, trace: Trace, inputs: list, out: Any, names: dict[int, str], code: Code,
                 anomaly: bool, live: set[int]):
        self.trace, self.code, self.names, self.anomaly = trace, code, names, anomaly
        self.live = live  # ids of the memory of arrays the step reads from its globals
        self.ops = {id(e.node): e for e in trace.events if isinstance(e, Op)}
        self.objects: dict[int, str] = {}  # id(node) -> the expression for the node itself
        self.values: dict[int, str] = {}  # id(node or traced value) -> its value's name
        self.grads: dict[int, str] = {}  # id(node) -> its .grad now (for nodes we know)
        self.dirty: dict[tuple, tuple[Node, str]] = {}  # state to store back: (node, attr)
        self.changed: set[int] = set()  # existing nodes whose data the events change
        # nodes made in the call whose .grad the step reads (others need no .grad lines)
        self.grad_read = {id(e.node) for e in trace.events
                          if isinstance(e, Read) and e.attr == "grad"}
        self.private = _private_arrays(trace, out)
        self.views: dict[int, TracedArray] = {}  # id(the memory's owner) -> a traced view
        self.settings: dict[int, dict] = {}  # id(op node) -> its settings as the replay's
        self.datas: dict[int, Node] = {}  # id(array) -> the input or existing node holding it
        self.buffered = False  # whether replays share a buffer (so run one at a time)
        for x in inputs:
            if id(x) not in self.objects:
                name = code.param(self._label(x, "x"))
                if isinstance(x, Node):
                    self.objects[id(x)] = name
                    self.datas[id(node_slot(x, "data"))] = x
                else:
                    self.values[id(x)] = name

    # ----- names ------------------------------------------------------------------------

    def _label(self, x: Any, default: str) -> str:
        name = getattr(x, "name", None) or self.names.get(id(x))
        if not name and isinstance(x, Node):
            name = x.op or default
        return str(name or default)

    def existing(self, node: Node) -> bool:
        return node._id < self.trace.start

    def obj(self, node: Node) -> str:
        """The expression for a node that existed before the call (a parameter)."""
        name = self.objects.get(id(node))
        if name is None:
            name = self.objects[id(node)] = self.code.bind(node, self._label(node, "v") + "_node")
            self.datas[id(node_slot(node, "data"))] = node
        return name

    def value(self, x: Any) -> str:
        """The expression for the value of ``x`` at this point of the replay."""
        name = self.values.get(id(x))
        if name is not None:
            return name
        if isinstance(x, Node):
            if self.existing(x) or id(x) in self.objects:
                name = self.code.fresh(self._label(x, "v"))
                self.code.line(f"{name} = {self.obj(x)}.data")
                self.values[id(x)] = name
                return name
            # made in the call, not by an op: a result handed on in a new node (its array
            # is a value of the replay), else a constant, under its own name if it has one
            data = node_slot(x, "data")
            if isinstance(data, np.ndarray) and (known := self.known_array(data)) is not None:
                self.values[id(x)] = known
                return known
            label = getattr(x, "name", None) or self.names.get(id(x))
            if isinstance(data, np.ndarray):
                name = self.code.bind(_frozen(data), self._label(x, "const"))
            elif label and is_literal(data):
                name = self.code.fresh(str(label))
                self.code.line(f"{name} = {data!r}")
            else:
                name = self.code.literal(data, "const")
            self.values[id(x)] = name
            return name
        if isinstance(x, (TracedFloat, TracedArray)):
            raise TraceError("compile: a traced value reached the replay without a source; "
                             "please report this step")
        if isinstance(x, list):
            return f"[{', '.join(self.value(v) for v in x)}]"
        if isinstance(x, tuple):
            return tuple_source([self.value(v) for v in x])
        if isinstance(x, np.ndarray):
            known = self.known_array(x)
            if known is not None:
                return known
            x = _frozen(x)
        return self.code.literal(x, "const")

    def alias_data(self, node: Any) -> None:
        """Let a node made in the call be found by its array too: library code that wraps
        a result anew (``EagerTensor(g.data)``) hands on the array, not the node."""
        if isinstance(node, Node) and not self.existing(node) and id(node) in self.values:
            data = node_slot(node, "data")
            if isinstance(data, np.ndarray):
                self.values.setdefault(id(data), self.values[id(node)])

    def known_array(self, a: np.ndarray) -> str | None:
        """The name of a value of the replay that ``a`` is, or views whole (numpy's
        ``asarray`` of a traced array is a view of the same memory), if any."""
        name = self.values.get(id(a))
        if name is not None:
            return name
        node = self.datas.get(id(a))  # an input's or parameter's own array (library code
        if node is not None:          # read its .data, as data_of does)
            return self.value(node)
        if id(owner(a)) in self.live:  # a global's array or a view of one: read as it is
            name = self.values[id(a)] = self.code.bind(a, self.names.get(id(a), "array"))
            return name
        proxy = self.views.get(id(owner(a)))
        if proxy is not None and proxy.shape == a.shape and proxy.dtype == a.dtype and \
                proxy.strides == a.strides:
            return self.values.get(id(proxy))
        return None

    def define(self, x: Any, base: str) -> str:
        if isinstance(x, TracedArray):
            self.views[id(owner(x))] = x
        name = self.values[id(x)] = self.code.fresh(base)
        return name

    def grad_now(self, node: Node) -> str:
        """The expression for ``node.grad`` at this point (loaded once if unknown)."""
        name = self.grads.get(id(node))
        if name is None:
            if self.existing(node) or id(node) in self.objects:
                name = self.code.fresh("grad_" + self._label(node, "v"))
                self.code.line(f"{name} = {self.obj(node)}.grad")
            else:
                name = repr(type(node)._empty_grad)  # made in the call: no gradient yet
            self.grads[id(node)] = name
        return name

    def store(self) -> None:
        """Write the state the replay changed back into the nodes."""
        for node, attr in self.dirty.values():
            source = self.grads[id(node)] if attr == "grad" else self.values[id(node)]
            self.code.line(f"{self.obj(node)}.{attr} = {source}")
        self.dirty.clear()

    # ----- the events ---------------------------------------------------------------------

    def op(self, e: Op) -> None:
        settings = self.settings[id(e.node)] = {k: self.setting(e.spec.name, k, v)
                                                for k, v in e.settings.items()}
        ins = [self.value(p) for p in e.parents]
        out = self.code.fresh(self._label(e.node, e.spec.name))
        is_value = type(node_slot(e.node, "data")) is float
        values = [node_slot(p, "data") for p in e.parents]
        expr = None if any(isinstance(v, Source) for v in settings.values()) else expand(
            self.code, (e.spec.scalar or e.spec.forward) if is_value else e.spec.forward, ins,
            values, e.settings, floats=is_value, forward=True)
        if expr is None:
            fn = _scalar(e.spec) if is_value else e.spec.forward
            fn = self.code.bind(fn, f"{e.spec.name}_{'scalar' if is_value else 'forward'}")
            expr = self.code.call(fn, ins, settings)
        self.code.line(f"{out} = {expr}")
        if not is_value and (site := self.code.site()) is not None:
            self.code.line(f"if type({out}) is not ndarray: {out} = to_array({out}, {site})")
        if self.anomaly:
            self.code.finite(out, f"forward of '{e.spec.name}'")
        self.values[id(e.node)] = out

    def setting(self, op: str, key: str, value: Any) -> Any:
        """An op's setting as the replay passes it: an array the trace knows (an input, a
        traced mask) by its name, other values as they are; refuses an array it cannot
        trace to the step's inputs, which a replay would silently reuse."""
        if not isinstance(value, np.ndarray):
            return value
        known = self.known_array(value)
        if known is not None:
            return Source(known)
        raise TraceError(
            f"compile: '{op}' takes {key}=, an array compile cannot trace to the step's "
            "inputs (a mask or index made with numpy, or drawn at random, as dropout's "
            "mask is); a replay would reuse this one. Make it from the step's tensors "
            "(a comparison such as t > 0 is traced), pass it as an argument, or run the "
            "step eagerly")

    def leaf(self, e: Leaf) -> None:
        data = node_slot(e.node, "data")
        src = e.source
        known = id(src) in self.values or (isinstance(src, Node) and (
            self.existing(src) or id(src) in self.objects)) or (
            isinstance(src, np.ndarray) and self.known_array(src) is not None)
        if not known:
            return  # a constant: `value` binds it where it is used
        if type(data) is float:
            self.code.line(f"{self.define(e.node, self._label(e.node, 'v'))} = "
                           f"float({self.value(src)})")
        elif data is src and type(src) is np.ndarray:
            self.values[id(e.node)] = self.value(src)  # taken as it is (the dtype fits)
        else:
            convert = self.code.bind(as_array, "as_array")
            dtype = self.code.bind(data.dtype, data.dtype.name)
            self.code.line(f"{self.define(e.node, self._label(e.node, 'x'))} = "
                           f"{convert}({self.value(src)}, {dtype})")

    def walk(self, w: Backprop, seed: str | None = None) -> dict[int, str]:
        """One backward pass: each VJP that sent a gradient while tracing, output first."""
        code = self.code
        grads: dict[int, str] = {}

        def grad(node: Node) -> str:
            if id(node) not in grads:
                grads[id(node)] = code.fresh("d_" + self._label(node, "v"))
            return grads[id(node)]

        if seed is None:
            seed = repr(w.seed) if isinstance(w.seed, float) else self.code.bind(
                _frozen(w.seed), "ones")
        code.line(f"{grad(w.root)} = {seed}")
        arrived = {id(w.root)}
        floats = isinstance(w.seed, float)
        for node, sends in w.steps:
            if not sends:
                continue
            event = self.ops.get(id(node))
            if event is None:
                raise TraceError(f"compile: the step's backward reaches '{node.op}', which was "
                                 "recorded before the call; build the whole graph inside "
                                 "the compiled function")
            ins = [self.value(p) for p in event.parents]
            calls, firsts = [], []
            for k, (i, contrib) in enumerate(sends):
                p = event.parents[i]
                first = id(p) not in arrived
                arrived.add(id(p))
                calls.append((i, ins[i], grad(p), first))
                if first and p._in0 is None and not floats:
                    firsts.append((k, p, contrib))
            spec, settings = event.spec, self.settings[id(node)]
            values = [w.grads[node], node_slot(node, "data"),
                      *[node_slot(p, "data") for p in event.parents]]
            expandable = not any(isinstance(v, Source) for v in settings.values())
            written = write_vjps(
                code, spec, settings, grads[id(node)], self.value(node), ins, calls,
                guarded=False, static=True, fits=not floats,
                inline=functools.partial(_expand_vjp, code, spec, values, event.settings,
                                         floats) if expandable else None,
                shapes={i: np.shape(node_slot(event.parents[i], "data")) for i, _ in sends})
            for k, p, contrib in firsts:  # a leaf's gradient must not alias another array
                dtype = node_slot(p, "data").dtype
                if _fresh(written[k]) and type(contrib) is np.ndarray and contrib.dtype == dtype:
                    continue  # a new array every time (a product, a matmul): nothing to copy
                own = code.bind(private, "private")
                dtype = code.bind(dtype, dtype.name)
                code.line(f"{grad(p)} = {own}({grad(p)}, {grads[id(node)]}, {self.value(node)}, "
                          f"{tuple_source(ins)}, {dtype})")
            if self.anomaly:
                for _, _, g, _ in calls:
                    code.finite(g, f"backward of '{event.spec.name}'")
        return grads

    def accumulate(self, e: Accumulate) -> None:
        gradient = None if e.gradient is None else self.value(e.gradient)
        if gradient is not None:
            gradient = f"{self.code.bind(_seed_of, 'seed_of')}({gradient})"
        grads = self.walk(e.walk, gradient)
        for node in e.walk.grads:
            if not (self.existing(node) or id(node) in self.objects
                    or id(node) in self.grad_read):
                continue  # made in the call and never read: its .grad is not needed
            g = grads[id(node)]
            before = self.grad_now(node)
            name = self.code.fresh("grad_" + self._label(node, "v"))
            data, traced = node_slot(node, "data"), e.walk.grads[node]
            if type(data) is float:
                self.code.line(f"{name} = {before} + {g}")
            elif before == "None" and type(traced) is np.ndarray and traced.dtype == data.dtype:
                self.code.line(f"{name} = {g}")  # the first gradient: kept as it is
            else:
                add = self.code.bind(accumulated, "accumulate")
                dtype = self.code.bind(data.dtype, data.dtype.name)
                self.code.line(f"{name} = {add}({before}, {g}, {dtype})")
            self.grads[id(node)] = name
            if self.existing(node) or id(node) in self.objects:
                self.dirty[id(node), "grad"] = (node, "grad")

    def gradient(self, e: Gradient) -> None:
        rows = [self.walk(w) for w in e.walks]
        for s, r in zip(e.sources, e.results):
            if r is None:
                continue
            parts = [row[id(s)] for row in rows if id(s) in row]
            total = " + ".join(parts) if parts else f"zeros_like({self.value(s)})"
            data = node_slot(s, "data")
            if type(data) is float:
                self.code.line(f"{self.define(r, 'g_' + self._label(s, 'v'))} = float({total})")
            else:
                dtype = self.code.bind(data.dtype, data.dtype.name)
                array = self.code.bind(np.array, "array")
                self.code.line(f"{self.define(r, 'g_' + self._label(s, 'v'))} = "
                               f"{array}({total}, dtype={dtype})")

    def call(self, e: Call) -> None:
        self.store()  # the library reads the nodes themselves
        if e.method == "apply_gradients":
            pairs = [f"({'None' if g is None else self.value(g)}, {self.obj(v)})"
                     for g, v in e.args[0]]
            args = [f"[{', '.join(pairs)}]"]
            for _, v in e.args[0]:
                self.changed.add(id(v))
        else:
            args = [self.value(a) for a in e.args]
        if isinstance(e.obj, Node):
            target = self.obj(e.obj)
            self.changed.add(id(e.obj))
        else:
            target = self.code.bind(e.obj, type(e.obj).__name__.lower())
            for p in getattr(e.obj, "params", None) or ():
                self.changed.add(id(p))
        self.code.line(f"{target}.{e.method}({', '.join(args)})")
        for key in [k for k in self.values if k in self.objects]:
            del self.values[key]  # the library may have replaced what they hold: read again

    def read(self, e: Read) -> None:
        if isinstance(e.proxy, TracedArray):
            self.views[id(owner(e.proxy))] = e.proxy
        if e.attr == "grad":
            self.values[id(e.proxy)] = self.grad_now(e.node)
        elif e.attr == "item":
            value = self.value(e.node)
            item = value if type(node_slot(e.node, "data")) is float else f"{value}.item()"
            self.code.line(f"{self.define(e.proxy, 'item')} = {item}")
        else:
            self.values[id(e.proxy)] = self.value(e.node)

    def write(self, e: Write) -> None:
        value = self.value(e.value)
        if e.attr == "grad":
            self.grads[id(e.node)] = value
        else:
            self.values[id(e.node)] = value
            self.changed.add(id(e.node))
        if self.existing(e.node) or id(e.node) in self.objects:
            self.dirty[id(e.node), e.attr] = (e.node, e.attr)

    def numeric(self, e: Numeric) -> None:
        if e.library:  # library numpy on arrays: each must be a value of the replay
            for a in e.args:
                if isinstance(a, np.ndarray) and self.known_array(a) is None:
                    raise TraceError(
                        f"compile: {getattr(e.fn, '__qualname__', e.fn)} computes with an "
                        "array compile cannot trace to the step's inputs (a view or copy "
                        "of one); a replay would reuse this one. Pass the array as it is "
                        "(labels of shape (N,), not (N, 1)), or run the step eagerly")
        args = [self.value(a) for a in e.args]
        if e.into is not None:
            target = self.values[id(e.into)]
            kwargs = {k: v for k, v in e.kwargs.items() if k != "out"}
            fn = self.code.bind(e.fn, getattr(e.fn, "__name__", "fn"))
            settings = "".join(f", {k}={self.value(v)}" for k, v in kwargs.items())
            self.code.line(f"{fn}({', '.join(args)}{settings}, out={target})")
            for key, name in self.values.items():
                if name == target and key in self.objects:
                    self.changed.add(key)
            return
        infix = _INFIX.get(e.fn)
        if infix is not None and len(args) == 2:
            expr = f"{args[0]} {infix} {args[1]}"
        elif e.fn is operator.neg:
            expr = f"-{args[0]}"
        else:
            fn = self.code.bind(e.fn, getattr(e.fn, "__name__", "fn"))
            settings = "".join(f", {k}={self.value(v)}" for k, v in e.kwargs.items())
            if id(e.out) in self.private and isinstance(e.fn, np.ufunc) and not e.kwargs \
                    and e.out.nbytes > _SMALL:
                # a temporary of a fixed shape that never leaves the step: one buffer for
                # every replay, so a large update allocates no memory (numpy would)
                buffer = self.code.bind(np.empty(e.out.shape, e.out.dtype), "buffer")
                settings = f", out={buffer}"
                self.buffered = True
            expr = f"{fn}({', '.join(args)}{settings})"
        self.code.line(f"{self.define(e.out, 'value')} = {expr}")

    def returned(self, x: Any) -> str:
        """The expression for what the step returned (nodes made in the call, detached)."""
        if isinstance(x, Node):
            if self.existing(x) or id(x) in self.objects:
                return self.obj(x)
            detached = self.code.bind(_fast.constant, "detached")
            return f"{detached}({self.code.bind(type(x), type(x).__name__)}, {self.value(x)})"
        if isinstance(x, (TracedFloat, TracedArray)):
            return self.values[id(x)]
        if type(x) in (list, tuple):
            parts = [self.returned(v) for v in x]
            return f"[{', '.join(parts)}]" if type(x) is list else tuple_source(parts)
        if type(x) is dict:
            items = [f"{self.code.literal(k, 'key')}: {self.returned(v)}" for k, v in x.items()]
            return "{" + ", ".join(items) + "}"
        return self.code.literal(x, "result") if is_literal(x) else self.code.bind(x, "result")


_WRITERS = {Op: _Writer.op, Leaf: _Writer.leaf, Accumulate: _Writer.accumulate,
            Gradient: _Writer.gradient, Call: _Writer.call, Read: _Writer.read,
            Write: _Writer.write, Numeric: _Writer.numeric}


def write(trace: Trace, inputs: list, out: Any, names: dict[int, str], skip: Any = None,
          anomaly: bool = False, summed: dict | None = None,
          live: set[int] | None = None
          ) -> tuple[str, Callable, set, int, bool, dict]:
    """The trace's events as one function: its source, the function, its noted sites,
    their number, whether its replays share buffers, and what its sites summed from
    (``Code.summed``; a later variant given it as ``summed`` writes those sums out).
    ``live``: the ids of the memory owners of arrays the step reads from its globals; the
    replay reads such arrays (and views of them) as they are then, not copies of the
    traced call's values."""
    code = Code(skip, summed=summed)
    code.kind = "compiled step"
    w = _Writer(trace, inputs, out, names, code, anomaly, live or set())
    for e in trace.events:  # (a Backprop of its own belongs to an Accumulate or a Gradient)
        writer = _WRITERS.get(type(e))
        if writer is not None:
            writer(w, e)
            for node in (e.results if type(e) is Gradient else (getattr(e, "node", None),)):
                w.alias_data(node)
    w.store()
    if skip is None and not anomaly:  # the call's first function: the trace is checked once,
        _check_state(trace, w)        # before updates outside the step move the parameters
        _check_inputs(trace, inputs, w)
    returns = w.returned(out)
    code.prune(returns)
    code.fold(returns)
    source, fn = code.finish(returns, name="step")
    return source, fn, code.noted, code.sites, w.buffered, code.summed


def _private_arrays(trace: Trace, out: Any) -> set[int]:
    """ids of the traced arrays that user arithmetic made and only user arithmetic reads:
    not stored, passed to the library, made into a Tensor, or returned."""
    made, escaped = set(), set()

    def escape(x: Any) -> None:
        for v in _walk(x):
            escaped.add(id(v))
            if isinstance(v, np.ndarray) and v.base is not None:
                escaped.add(id(v.base))

    for e in trace.events:
        if isinstance(e, Numeric):
            if e.into is None and isinstance(e.out, TracedArray) and e.out.ndim:
                made.add(id(e.out))
        elif isinstance(e, Write):
            escape(e.value)
        elif isinstance(e, Call):
            escape(e.args)
        elif isinstance(e, Leaf):
            escape(e.source)
        elif isinstance(e, Accumulate):
            escape(e.gradient)
    escape(out)
    return made - escaped


def _walk(x: Any) -> list:
    if type(x) in (list, tuple):
        return [w for v in x for w in _walk(v)]
    if type(x) is dict:
        return [w for v in x.values() for w in _walk(v)]
    return [x]


def _check_inputs(trace: Trace, inputs: list, w: _Writer) -> None:
    """Refuse a trace that never saw one of the step's array or node arguments: what the
    step did with it (numpy on its values, inside a library function) is baked into the
    replay, which would ignore the next call's values."""
    seen: set[int] = set()
    for e in trace.events:
        for v in vars(e).values():
            for x in _walk(v):
                seen.add(id(x))
                if isinstance(x, np.ndarray) and x.base is not None:
                    seen.add(id(x.base))
    seen.update(id(n) for n, _, _ in trace.first.values())
    for x in inputs:
        if id(x) not in seen and not (isinstance(x, Node) and id(node_slot(x, "data")) in seen):
            raise TraceError(
                f"compile: the argument {w._label(x, 'passed')} reaches no op, update or "
                "read the trace can follow: its values are used by numpy code compile does "
                "not see (inside a library function that is not an op, say), or not at all. "
                "Use it through autograd_mini ops, drop it from the arguments, or run the "
                "step eagerly")


def _check_state(trace: Trace, w: _Writer) -> None:
    """Refuse a trace in which an existing node changed through no event the replay
    repeats (a write compile did not see): the replay would silently skip it."""
    for node, data, _ in trace.first.values():
        if id(node) in w.changed:
            continue
        if not same_value(node_slot(node, "data"), data):
            raise TraceError(
                f"compile: the step changed {w._label(node, 'a node')}'s data in a way compile "
                "does not follow (a write through a numpy view, or a library call it does not "
                "know); update parameters with an optimizer, Variable.assign*, or "
                "`p.data -= ...`")


# ----- helpers the generated functions call ----------------------------------------------------


@functools.cache
def _scalar(spec: Any) -> Callable:
    """An op's forward on floats, as ``Value`` computes it (float64 where floats raise)."""
    from .value import in_float64

    forward = spec.scalar or spec.forward

    def scalar(*args: float, **settings: Any) -> float:
        try:
            out = forward(*args, **settings)
        except (ArithmeticError, ValueError) as e:
            out = in_float64(spec, args, settings, e)
        return out if type(out) is float else float(out)

    scalar.__name__ = f"{spec.name}_scalar"
    return scalar


def _fresh(source: str) -> bool:
    """Whether the expression makes a new array whenever its result is one: an operator,
    ``np.matmul`` or a sum over axes (not a name, which may be another's array, nor a call
    that may give a view)."""
    try:
        top = ast.parse(source, mode="eval").body
    except SyntaxError:
        return False
    if isinstance(top, (ast.BinOp, ast.UnaryOp)):
        return True
    return isinstance(top, ast.Call) and isinstance(top.func, ast.Attribute) and (
        top.func.attr == "matmul" and isinstance(top.func.value, ast.Name) or
        top.func.attr == "sum" and any(k.arg == "axis" for k in top.keywords))


def _expand_vjp(code: Code, spec: Any, values: list, settings: dict, floats: bool, i: int,
                args: list[str]) -> str | None:
    """Input ``i``'s VJP expanded for the traced call (``inline.expand``), or None."""
    return expand(code, spec.vjp(i), args, values, settings, floats=floats)


def _frozen(a: np.ndarray) -> np.ndarray:
    a = a.copy()
    a.flags.writeable = False
    return a


def _seed_of(gradient: Any) -> Any:
    """A seed the user passed to ``backward(gradient=...)``, as backward copies it."""
    return np.array(gradient) if isinstance(gradient, np.ndarray) else gradient

