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

import numpy as np

from ..errors import DTypeError, NoGradientError, ShapeError
from ..graph import NO_SETTINGS, Node, data_of, link
from ..i18n import message
from ..recording import ANOMALY, RECORDING, TRACE, check_finite

Vjp = Callable[..., Any]


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
        kinks: the inputs where the op is not differentiable (relu's and abs's ``(0.0,)``,
            multiples of 1/4): its tests draw inputs away from them.
        ties: True for ops whose gradient picks one of equal inputs (max, maximum): their
            tests draw no two inputs (or elements) alike.
        args: the name of the recipe that draws the op's test arguments (``"reduce"``,
            ``"along_axis"``, see ``testing.op_table.RECIPES``); None for an elementwise op
            without settings, whose inputs are drawn from ``domain``.
        numpy: the numpy ufunc and function names that reach this op on Tensors
            (``("divide", "true_divide")``); they call ``public``.
        tf_node: the name TF1 gives the op's graph node where it differs from ``name``
            (``"MatMul"``, shown as "MatMul:0").
        formula: the local derivative in plain text, for lectures (``"d/dx = 1/x"``).
        differentiable: False for ops that only compute (their results are constants).
        nin: the number of inputs (None: variadic); settings: the names of the rest.
        fn: the registered callable; public: the function users call, ``fn`` or the
            wrapper declared with ``@public_wrapper(fn)`` (``clip``, ``concatenate``).
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
    kinks: tuple[float, ...] = ()
    ties: bool = False
    args: str | None = None
    numpy: tuple[str, ...] = ()
    tf_node: str | None = None
    reads_out: bool = True
    nin: int | None = None
    settings: tuple[str, ...] = ()
    fn: Callable[..., Any] = field(default=None, repr=False)  # type: ignore[assignment]
    public: Callable[..., Any] = field(default=None, repr=False)  # type: ignore[assignment]

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
LAYOUT_ATTRS = frozenset({"shape", "ndim", "size", "dtype"})
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
                    and after.argval in LAYOUT_ATTRS:
                continue  # x.shape
            if before is not None and before.argval in _LAYOUT_CALLS and after is not None \
                    and after.opname.startswith("CALL") and after.arg == 1:
                continue  # shape_of(x), np.shape(x), type(x)
            return True
    return False


OPS: dict[str, OpSpec] = {}


def op(forward: Callable | None = None, *, name: str | None = None, nin: int | None = None,
       scalar: Callable | None = None, domain: tuple[float | None, float | None] | None = None,
       differentiable: bool = True, kinks: Sequence[float] = (), ties: bool = False,
       args: str | None = None, numpy: str | Sequence[str] = (),
       tf_node: str | None = None) -> Any:
    """Register ``forward`` as an op; returns the callable users call.

    The callable computes plainly on plain inputs and records a node when any input is
    a ``Value`` or ``Tensor``. Attach gradients with ``f.defvjp(...)``. The inputs are
    the leading positional parameters without defaults (or the first ``nin``); the
    parameters after them (``axis``, ``shape``) are settings, passed to the VJPs by name.

    The rest declares what the rest of the package reads off the op (see ``OpSpec``):
    ``domain``, ``kinks`` and ``ties`` keep its tests and random expressions where finite
    differences hold; ``args`` names the recipe drawing its test arguments (needed for an
    op with settings); ``numpy="exp"`` makes ``np.exp(t)`` reach it; ``tf_node="Exp"`` is
    its TF1 node name. ``@op(scalar=math.exp, numpy="exp", tf_node="Exp")`` says it all.
    """

    def register(forward: Callable) -> Callable:
        doc = (forward.__doc__ or "").strip()
        formula = doc.split("  ", 1)[1].strip() if doc and "  " in doc.splitlines()[0] else ""
        n_in, settings = _split_signature(forward, nin)
        spec = OpSpec(name or forward.__name__, forward, scalar=scalar, domain=domain,
                      formula=formula, differentiable=differentiable, kinks=tuple(kinks),
                      ties=ties, args=args,
                      numpy=(numpy,) if isinstance(numpy, str) else tuple(numpy),
                      tf_node=tf_node, nin=n_in, settings=tuple(settings))
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
        spec.fn = spec.public = call
        OPS[spec.name] = spec
        return call

    return register(forward) if forward is not None else register


def public_wrapper(registered: Callable) -> Callable[[Callable], Callable]:
    """Declare the decorated function as the one users call for the op ``registered``
    (it converts its arguments, then calls it): numpy's names of the op reach it."""

    def declare(wrapper: Callable) -> Callable:
        registered.spec.public = wrapper  # type: ignore[attr-defined]
        return wrapper

    return declare


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
    node.data, node.grad, node.name = data, cls._empty_grad, None
    needs = False
    for p in parents:
        if p.requires_grad:
            needs = True
            break
    rec = RECORDING.get()
    if needs and rec and spec.differentiable:  # record: some input needs a gradient
        link(node, parents, spec.name, (spec, kwargs) if kwargs else spec.bare_ctx, True)
        if rec is not True:  # tapes record here
            node._tapes = rec
    else:  # a constant; or a cut (no_grad, an op without gradient) that keeps the op's
        link(node, (), spec.name if needs else "")  # name for Tape.why_none to point at
    if ANOMALY.get():
        check_finite(data, f"forward of '{spec.name}'")
    trace = TRACE.get()
    if trace is not None:  # autograd_mini.compile is tracing this call
        trace.op(spec, kwargs, parents, node)
    return node


def mixed_inputs(spec: OpSpec, kind: type, other: Node) -> DTypeError:
    """The error for an op given nodes of two kinds, such as a ``Value`` and a ``Tensor``."""
    eager = {kind.__name__, type(other).__name__} <= {"Value", "Tensor", "Variable"}
    hint = message("err.mix_value_tensor" if eager else "err.mix_graph_eager")
    return DTypeError(message("err.mixed_inputs", op=spec.name, kind=kind.__name__,
                              other=type(other).__name__, hint=hint))


def forward_failed(spec: OpSpec, error: Exception, shapes: list) -> str:
    """A message for a forward that raised: the op, the input shapes and numpy's reason."""
    shown = ", ".join(str(s) for s in shapes)
    reason = str(error).split("\n")[0]
    return message("err.forward_failed", op=spec.name, shapes=shown, reason=reason)


def unbroadcast(g: Any, shape: tuple[int, ...]) -> Any:
    """Sum ``g`` (an array or a recorded Tensor) over the axes numpy broadcast ``shape`` along.

    Raises:
        ShapeError: ``g`` cannot come from broadcasting ``shape`` (a VJP bug).
    """
    plain = type(g) is np.ndarray
    gshape = g.shape if plain else np.shape(data_of(g))
    if gshape == shape:
        return g
    axes = broadcast_axes(gshape, shape)
    lead = len(gshape) - len(shape)
    if plain:  # a plain backward: numpy's own methods will do
        g = np.add.reduce(g, axis=axes, keepdims=True) if axes else g
        return g.reshape(shape) if lead else g  # drop the summed leading axes
    from .reduce import sum as sum_op  # a recorded backward: the sum is recorded too
    from .shape import reshape as reshape_op

    g = sum_op(g, axis=axes, keepdims=True) if axes else g
    return reshape_op(g, shape) if lead else g


@functools.lru_cache(maxsize=1024)  # a pure function of two shapes, asked once per edge
def broadcast_axes(gshape: tuple[int, ...], shape: tuple[int, ...]) -> tuple[int, ...]:
    """The axes of ``gshape`` that numpy's broadcasting made from ``shape``: the new
    leading axes, then the stretched size-1 axes.

    Raises:
        ShapeError: ``shape`` does not broadcast to ``gshape``.
    """
    lead = len(gshape) - len(shape)
    axes = list(range(lead))
    for i, n in enumerate(shape):
        if lead < 0 or (n != gshape[i + lead] and n != 1):
            raise ShapeError(f"a gradient of shape {gshape} cannot belong to an input of "
                             f"shape {shape}: the op's VJP returned the wrong shape")
        if n != gshape[i + lead]:
            axes.append(i + lead)
    return tuple(axes)
