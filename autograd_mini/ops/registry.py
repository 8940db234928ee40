"""The ``@op`` decorator and the ``OPS`` table: what every op gets without writing it.

An op is a forward on raw floats/arrays plus one vector-Jacobian product per input,
written side by side in ``elementwise.py``, ``reduce.py`` and friends. The registry
dispatches on the inputs (plain data computes plainly; a ``Value`` or ``Tensor`` records
a graph node), wraps forward failures in errors that name the op, and un-broadcasts
gradients back to each input's shape.
"""

from __future__ import annotations

import dis
import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import DTypeError, NoGradientError
from ..graph import _ANOMALY, _RECORDING, Node, _ids, check_finite

Vjp = Callable[..., Any]
NO_SETTINGS: dict[str, Any] = {}  # shared by calls of ops without settings; never mutated


@dataclass(eq=False)
class OpSpec:
    """Everything the engine knows about one op.

    Attributes:
        name: the op's name, shown in graphs (``"mul"``).
        forward: computes on raw floats and numpy arrays.
        vjps: one function per input, ``vjp(g, out, *inputs, **kwargs)`` -> that input's
            gradient; ``None`` marks an input with no gradient.
        vjp_argnum: for variadic ops, ``vjp(i, g, out, *inputs, **kwargs)`` instead.
        scalar: an optional faster forward for Python floats (``math.exp``).
        domain: ``(low, high)`` of inputs the op is defined on; used by property tests.
        formula: the local derivative in plain text, for lectures (``"d/dx = 1/x"``).
        differentiable: False for ops that only compute (their results are constants).
        reads_out: False when no VJP reads ``out``, so a define-then-run plan need not
            compute a result that only seeds gradients (TF1 skips an unfetched loss too).
        saves: per input, whether some VJP reads that input's values (not only its shape),
            read off the VJPs' code; backward refuses to run such a VJP on an input
            changed in place after the op was recorded (``graph.mark_written``).
    """

    name: str
    forward: Callable[..., Any]
    vjps: tuple[Vjp | None, ...] = ()
    vjp_argnum: Vjp | None = None
    scalar: Callable[..., Any] | None = None
    domain: tuple[float | None, float | None] | None = None
    formula: str = ""
    differentiable: bool = True
    reads_out: bool = True
    fn: Callable[..., Any] = field(default=None, repr=False)  # type: ignore[assignment]

    def __post_init__(self) -> None:
        # the ``_ctx`` shared by every node of this op that has no settings: one object
        # fewer per node for the garbage collector to scan (read-only by convention)
        self.bare_ctx = (self, NO_SETTINGS)
        self.inlined: dict[type, Callable] = {}  # node class -> its inlined one-input method
        self.saves: tuple[bool, ...] | bool = ()  # a bool for variadic ops: all inputs alike

    def defvjp(self, *vjps: Vjp | None, reads_out: bool = True) -> None:
        """Set the VJPs, one per input in input order; ``reads_out=False`` promises that
        none of them reads its ``out`` argument (tests check the promise)."""
        self.vjps = vjps
        self.reads_out = reads_out
        self.saves = tuple(any(_reads_input(v, i) for v in vjps if v is not None)
                           for i in range(len(vjps)))

    def defvjp_argnum(self, vjp: Vjp) -> None:
        """Set one VJP for all inputs of a variadic op: ``vjp(i, g, out, *inputs)``."""
        self.vjp_argnum = vjp
        self.saves = _reads_input(vjp, 0, skip=3)  # vjp(i, g, out, *inputs)

    def saved(self, i: int) -> bool:
        """Whether input ``i``'s values are read by a VJP (so an in-place change matters)."""
        saves = self.saves
        return saves if type(saves) is bool else i < len(saves) and saves[i]

    def vjp(self, i: int) -> Vjp | None:
        """Input ``i``'s VJP, ``vjp(g, out, *inputs, **settings)``; None if it has none."""
        if self.vjp_argnum is not None:
            return functools.partial(self.vjp_argnum, i)
        return self.vjps[i] if i < len(self.vjps) else None

    def input_vjps(self, n: int) -> Sequence[Vjp | None]:
        """The VJPs of this op called with ``n`` inputs, in input order.

        Raises:
            NoGradientError: the op was registered without any VJP.
        """
        if self.vjps:
            return self.vjps
        if self.vjp_argnum is None:
            raise NoGradientError(f"'{self.name}' has no gradient: register one with "
                                  f"{self.name}.defvjp(...) (one VJP per input)")
        return [self.vjp(i) for i in range(n)]


# what reads an input's layout, never its values: x.shape, shape_of(x), np.ndim(x) ...
_LAYOUT_ATTRS = frozenset({"shape", "ndim", "size", "dtype"})
_LAYOUT_CALLS = frozenset({"shape", "ndim", "size", "shape_of", "len", "type"})


def _reads_input(vjp: Vjp, i: int, skip: int = 2) -> bool:
    """Whether ``vjp`` may read input ``i``'s values; its first ``skip`` parameters are not
    inputs (``g, out``), and inputs past its named ones arrive in its ``*args``."""
    code = getattr(vjp, "__code__", None)
    if code is None:
        return True
    named = code.co_varnames[skip:code.co_argcount]
    if i < len(named):
        return _reads(code, named[i])
    if code.co_flags & inspect.CO_VARARGS:
        return _reads(code, code.co_varnames[code.co_argcount + code.co_kwonlyargcount])
    return False


def _reads(code: Any, name: str) -> bool:
    """Whether ``code`` may read the values of its parameter ``name``.

    Conservative: any use counts except its shape, ndim, size or dtype (``x.shape``,
    ``shape_of(x)``, ``type(x)``); a closure or an unknown callable counts as a read.
    """
    if name in code.co_cellvars:
        return True
    ins = [i for i in dis.get_instructions(code) if i.opname not in ("PRECALL", "CACHE")]
    for k, i in enumerate(ins):
        if i.opname.startswith("LOAD_FAST") and name in (
                i.argval if isinstance(i.argval, tuple) else (i.argval,)):
            after = ins[k + 1] if k + 1 < len(ins) else None
            before = ins[k - 1] if k else None
            if after is not None and after.opname in ("LOAD_ATTR", "LOAD_METHOD") \
                    and after.argval in _LAYOUT_ATTRS:
                continue  # x.shape
            if before is not None and before.argval in _LAYOUT_CALLS and after is not None \
                    and after.opname.startswith("CALL") and after.arg == 1:
                continue  # shape_of(x), np.shape(x), type(x)
            return True
    return False


OPS: dict[str, OpSpec] = {}


def op(forward: Callable | None = None, *, name: str | None = None, nin: int | None = None,
       scalar: Callable | None = None, domain: tuple[float | None, float | None] | None = None,
       differentiable: bool = True) -> Any:
    """Register ``forward`` as an op; returns the callable users call.

    The callable computes plainly on plain inputs and records a node when any input is
    a ``Value`` or ``Tensor``. Attach gradients with ``f.defvjp(...)``. The inputs are
    the leading positional parameters without defaults (or the first ``nin``); the
    parameters after them (``axis``, ``shape``) are settings, passed to the VJPs by name.
    """

    def register(forward: Callable) -> Callable:
        doc = (forward.__doc__ or "").strip()
        formula = doc.split("  ", 1)[1].strip() if doc and "  " in doc.splitlines()[0] else ""
        spec = OpSpec(name or forward.__name__, forward, scalar=scalar, domain=domain,
                      formula=formula, differentiable=differentiable)
        n_in, settings = _split_signature(forward, nin)
        defaults = {k: v for k, v in settings.items() if v is not inspect.Parameter.empty}
        names = list(settings)

        def call_with_settings(*args: Any, **kwargs: Any) -> Any:
            for a in args:
                if isinstance(a, Node):
                    break
            else:  # plain data (as inside a plain backward): just compute
                return forward(*args, **kwargs)
            settings = {**defaults, **kwargs}
            if n_in is not None and len(args) > n_in:
                settings.update(zip(names, args[n_in:]))
                args = args[:n_in]
            # the first node decides: Value or Tensor (they check the rest)
            return a._family._apply(spec, args, settings)

        inlined = spec.inlined

        def call(*args: Any) -> Any:  # the same without settings: every scalar op's path
            if len(args) == 1 and (method := inlined.get(type(args[0]))) is not None:
                return method(args[0])  # am.exp(t) as t.exp(): the inlined common case
            for a in args:
                if isinstance(a, Node):
                    return a._family._apply(spec, args, NO_SETTINGS)
            return forward(*args)

        if settings:
            call = call_with_settings
        call.__name__ = call.__qualname__ = spec.name
        call.__doc__ = forward.__doc__
        call.__module__ = forward.__module__
        call.spec = spec  # type: ignore[attr-defined]
        call.defvjp = spec.defvjp  # type: ignore[attr-defined]
        call.defvjp_argnum = spec.defvjp_argnum  # type: ignore[attr-defined]
        spec.fn = call
        OPS[spec.name] = spec
        return call

    return register(forward) if forward is not None else register


def _split_signature(forward: Callable, nin: int | None) -> tuple[int | None, dict]:
    """How many inputs ``forward`` takes (None: variadic) and its settings with defaults."""
    params = list(inspect.signature(forward).parameters.values())
    if any(p.kind is p.VAR_POSITIONAL for p in params):
        return None, {p.name: p.default for p in params if p.kind is p.KEYWORD_ONLY}
    if nin is None:
        nin = len([p for p in params if p.default is p.empty and p.kind is not p.KEYWORD_ONLY])
    return nin, {p.name: p.default for p in params[nin:]}


def make_node(cls: type, data: Any, parents: tuple, spec: OpSpec, kwargs: dict) -> Any:
    """Wrap an op's result in a node of ``cls``; record the op when gradients need it."""
    node = object.__new__(cls)
    node.data = data
    node.grad = cls._empty_grad
    node.name = None
    node._id = next(_ids)
    record = False
    rec = _RECORDING.get()
    recording = spec.differentiable and rec
    if recording:
        for p in parents:
            if p.requires_grad:  # record only when some input needs a gradient
                record = True
                break
    if record:
        node.parents = parents  # the property stores them in the node's two input slots
        node.op = spec.name
        node._ctx = (spec, kwargs) if kwargs else spec.bare_ctx
        node.requires_grad = True
        if rec is not True:  # tapes record here
            node._tapes = rec
    else:
        node._in0 = node._in1 = None
        node.op = ""
        node._ctx = None
        node.requires_grad = False
        if not recording:  # a cut (no_grad, or an op without gradient), not a constant:
            for p in parents:  # keep the op's name so Tape.why_none can point at it
                if p.requires_grad:
                    node.op = spec.name
                    break
    if _ANOMALY.get():
        check_finite(data, f"forward of '{spec.name}'")
    return node


# ----- the hot path: operators with the common case inlined ------------------------------
# ``a * b`` on two nodes of one kind (or a node and a Python number, for Value), recording,
# no anomaly check: the node ``_apply`` and ``make_node`` would make, built without their
# calls. Every other case (errors, no_grad, detect_anomaly, other types) takes the general
# path, so the ops' rules stay in one place.


def inline_operators(cls: type, payload: type, convert: Callable,
                     number: Callable | None = None, extra: tuple = ()) -> None:
    """Give ``cls`` inlined arithmetic operators and elementwise methods.

    Args:
        payload: the type of ``cls``'s data (``float``, ``np.ndarray``); results of
            another type are passed through ``convert``.
        number: ``number(x, node)`` makes a constant node from a Python int or float
            ``x`` combined with ``node``; None sends numbers down the general path.
        extra: more ``(dunder, op)`` pairs, such as ``("matmul", matmul)``.
    """
    from . import elementwise as ew  # registered after this module

    for dunder, fn in (("add", ew.add), ("sub", ew.sub), ("mul", ew.mul),
                       ("truediv", ew.div), ("pow", ew.pow), *extra):
        for reflected in (False, True):
            name = f"__{'r' if reflected else ''}{dunder}__"
            setattr(cls, name, _binary(cls, fn.spec, payload, convert, number, name, reflected))
    ew.neg.spec.inlined[cls] = cls.__neg__ = _unary(cls, ew.neg.spec, payload, convert,
                                                    "__neg__")
    for fn in (ew.exp, ew.log, ew.sqrt, ew.square, ew.tanh, ew.sigmoid, ew.relu, ew.sin,
               ew.cos, ew.abs):
        method = _unary(cls, fn.spec, payload, convert, fn.spec.name)
        setattr(cls, fn.spec.name, method)
        fn.spec.inlined[cls] = method  # the module function (am.exp) takes it too


def _binary(cls: type, spec: OpSpec, payload: type, convert: Callable,
            number: Callable | None, method_name: str, reflected: bool) -> Callable:
    forward = spec.scalar if payload is float and spec.scalar else spec.forward
    general, name, ctx, empty, new = spec.fn, spec.name, spec.bare_ctx, cls._empty_grad, \
        object.__new__

    def method(self: Any, other: Any) -> Any:
        if type(other) is not cls and not isinstance(other, cls):
            if number is None or (type(other) is not float and type(other) is not int):
                return general(other, self) if reflected else general(self, other)
            other = number(other, self)
        x, y = (other, self) if reflected else (self, other)
        rec = _RECORDING.get()
        if not (rec and (x.requires_grad or y.requires_grad)) or _ANOMALY.get():
            return general(x, y)
        try:
            out = forward(x.data, y.data)
        except Exception:  # noqa: BLE001  (the general path: float64 inf/nan or an OpError)
            return general(x, y)
        node = new(cls)
        node.data = out if type(out) is payload else convert(out)
        node.grad, node.name, node._id = empty, None, next(_ids)
        node._in0, node._in1, node.op, node._ctx, node.requires_grad = x, y, name, ctx, True
        if rec is not True:  # tapes record here
            node._tapes = rec
        return node

    method.__name__ = method.__qualname__ = method_name
    return method


def _unary(cls: type, spec: OpSpec, payload: type, convert: Callable,
           method_name: str) -> Callable:
    forward = spec.scalar if payload is float and spec.scalar else spec.forward
    general, name, ctx, empty, new = cls._apply, spec.name, spec.bare_ctx, cls._empty_grad, \
        object.__new__

    def method(self: Any) -> Any:
        rec = _RECORDING.get()
        if not (rec and self.requires_grad) or _ANOMALY.get():
            return general(spec, (self,), NO_SETTINGS)
        try:
            out = forward(self.data)
        except Exception:  # noqa: BLE001  (the general path: float64 inf/nan or an OpError)
            return general(spec, (self,), NO_SETTINGS)
        node = new(cls)
        node.data = out if type(out) is payload else convert(out)
        node.grad, node.name, node._id = empty, None, next(_ids)
        node._in0, node._in1, node.op, node._ctx, node.requires_grad = self, None, name, ctx, True
        if rec is not True:  # tapes record here
            node._tapes = rec
        return node

    method.__name__ = method.__qualname__ = method_name
    method.__doc__ = spec.forward.__doc__
    return method


def mixed_inputs(spec: OpSpec, kind: type, other: Node) -> DTypeError:
    """The error for an op given nodes of two kinds, such as a ``Value`` and a ``Tensor``."""
    hint = ("wrap the Value's number in a Tensor (Tensor(v.data)) or use Values throughout"
            if {kind.__name__, type(other).__name__} <= {"Value", "Tensor", "Variable"} else
            "a graph built for a Session and eager nodes do not combine; use one or the other")
    return DTypeError(f"{spec.name}: cannot mix {kind.__name__} and {type(other).__name__} "
                      f"inputs; {hint}")


def forward_failed(spec: OpSpec, error: Exception, shapes: list) -> str:
    """A message for a forward that raised: the op, the input shapes and numpy's reason."""
    shown = ", ".join(str(s) for s in shapes)
    reason = str(error).split("\n")[0]
    return f"{spec.name}: cannot apply to inputs of shape {shown}: {reason}"
