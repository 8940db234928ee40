"""Hypothesis strategies for gradient tests: Values, Tensors, shapes, op arguments, expressions.

``op_args`` draws arguments for a registered op from ``OP_ARGS``, a table keyed by op
name; ``expressions`` draws random differentiable programs built from the registered ops.
Both keep away from kinks, ties and domain edges, where finite differences are wrong.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from ..ops import OpSpec
from ..tensor import Tensor
from ..value import Value
from .expressions import Expression, grow

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))
REAL = st.floats(-2.0, 2.0)
POSITIVE = st.floats(0.25, 3.0)
ON_GRID = st.integers(-12, 12).map(lambda k: k / 4)  # multiples of 1/4 ...
OFF_GRID = st.integers(-12, 11).map(lambda k: k / 4 + 1 / 8)  # ... never within 1/8 of these
DISTINCT = st.integers(-40, 40).map(lambda k: k / 4)  # with unique=True: no ties

# ----- values, tensors, shapes ------------------------------------------------------------


def values(min_value: float = -2.0, max_value: float = 2.0,
           name: str | None = None) -> st.SearchStrategy[Value]:
    """Values (``requires_grad=True``) with data in ``[min_value, max_value]``."""
    return st.floats(min_value, max_value).map(lambda x: Value(x, name=name))


def tensors(shape: Any = None, dtype: Any = None, elements: st.SearchStrategy | None = None,
            *, contiguous: bool | None = None, name: str | None = None
            ) -> st.SearchStrategy[Tensor]:
    """Tensors with ``requires_grad=True``.

    Args:
        shape: a tuple or a strategy of tuples (default: up to 3 axes of up to 4).
        dtype: float32, float64 or a strategy of them (default: either).
        elements: a strategy of floats, drawn in float64 then cast (default: [-2, 2]).
        contiguous: True for C order only, False for non-contiguous layouts only (Fortran
            order, strided and reversed views), None for any of them.
    """
    shapes = shape if isinstance(shape, st.SearchStrategy) else (
        hnp.array_shapes(min_dims=0, max_dims=3, max_side=4) if shape is None else st.just(shape))
    dtypes = dtype if isinstance(dtype, st.SearchStrategy) else (
        st.sampled_from(FLOAT_DTYPES) if dtype is None else st.just(np.dtype(dtype)))

    @st.composite
    def draw_tensor(draw: Callable) -> Tensor:
        arr = draw(hnp.arrays(np.float64, draw(shapes), elements=elements or REAL))
        arr = _layout(arr.astype(draw(dtypes)), draw(_LAYOUTS[contiguous]))
        return Tensor(arr, requires_grad=True, name=name)

    return draw_tensor()


_LAYOUTS = {True: st.just("C"), False: st.sampled_from(["F", "strided", "reversed"]),
            None: st.sampled_from(["C", "F", "strided", "reversed"])}


def _layout(arr: np.ndarray, layout: str) -> np.ndarray:
    """The same numbers in another memory layout (a view where possible)."""
    if arr.ndim == 0 or layout == "C":
        return arr
    if layout == "F":
        return np.asfortranarray(arr)
    if layout == "reversed":
        return np.ascontiguousarray(arr[::-1])[::-1]
    big = np.zeros(tuple(2 * n for n in arr.shape), arr.dtype)
    view = big[(slice(None, None, 2),) * arr.ndim]
    view[...] = arr
    return view


def broadcastable_shapes(num_shapes: int = 2, *, min_dims: int = 0, max_dims: int = 3,
                         min_side: int = 1, max_side: int = 4
                         ) -> st.SearchStrategy[tuple[tuple[int, ...], ...]]:
    """``num_shapes`` shapes that numpy can broadcast together."""
    return hnp.mutually_broadcastable_shapes(
        num_shapes=num_shapes, min_dims=min_dims, max_dims=max_dims, min_side=min_side,
        max_side=max_side).map(lambda b: b.input_shapes)


@st.composite
def expressions(draw: Callable, kind: str = "tensor", *, max_inputs: int = 3,
                max_steps: int = 6, dtype: Any = None) -> tuple[Expression, tuple]:
    """``(fn, inputs)``: a random differentiable expression over the registered ops and
    the Values (``kind="value"``) or Tensors (broadcastable shapes, float32 or float64 unless
    ``dtype`` says, any memory layout) to call it on. Domains, kinks and ties are avoided."""
    n = draw(st.integers(1, max_inputs))
    scalar = kind == "value"
    shapes = [()] * n if scalar else draw(broadcastable_shapes(n, max_dims=2, max_side=3))
    datas = [draw(hnp.arrays(np.float64, s, elements=REAL)) for s in shapes]
    fn = grow(draw, datas, draw(st.integers(1, max_steps)), arrays=not scalar)
    if scalar:
        return fn, tuple(Value(float(d)) for d in datas)
    dt = np.dtype(dtype) if dtype is not None else draw(st.sampled_from(FLOAT_DTYPES))
    return fn, tuple(Tensor(_layout(d.astype(dt), draw(_LAYOUTS[None])), requires_grad=True)
                     for d in datas)


# ----- arguments for registered ops ---------------------------------------------------------


@dataclass(frozen=True, repr=False)
class OpCall:
    """Drawn arguments for one op; calling it applies the op with the drawn settings."""

    spec: OpSpec
    inputs: tuple
    settings: dict

    def __call__(self, *inputs: Any) -> Any:
        return self.spec.fn(*inputs, **self.settings)

    def __repr__(self) -> str:
        shown = [f"{type(x).__name__}{getattr(x, 'shape', ())} {x.data.dtype}"
                 if isinstance(x, Tensor) else repr(x) for x in self.inputs]
        shown += [f"{k}={v!r}" for k, v in self.settings.items()]
        return f"{self.spec.name}({', '.join(shown)})"


@dataclass(frozen=True)
class OpArgs:
    """How to draw one op's arguments: ``draw(spec, dtype, scalar)`` -> (arrays, settings)."""

    draw: Callable[..., st.SearchStrategy]
    scalar: bool = False  # whether the op makes sense on Values


@st.composite
def op_args(draw: Callable, spec: OpSpec, kind: str = "tensor") -> OpCall:
    """Arguments for a registered op: Tensors (float32 or float64, any memory layout) or,
    with ``kind="value"``, Values. Ops missing from ``OP_ARGS`` are treated as elementwise
    with ``spec.domain``."""
    entry = OP_ARGS.get(spec.name, OpArgs(_elementwise, scalar=True))
    if kind not in ("tensor", "value") or (kind == "value" and not entry.scalar):
        raise InvalidArgument(f"op_args: kind must be 'tensor' or 'value' (for elementwise "
                              f"ops); got kind={kind!r} for {spec.name}")
    scalar = kind == "value"
    dtype = np.dtype(np.float64) if scalar else draw(st.sampled_from(FLOAT_DTYPES))
    arrays, settings = draw(entry.draw(spec, dtype, scalar))
    if scalar:
        return OpCall(spec, tuple(Value(float(a)) for a in arrays), settings)
    inputs = tuple(Tensor(_layout(np.asarray(a, dtype), draw(_LAYOUTS[None])), requires_grad=True)
                   for a in arrays)
    return OpCall(spec, inputs, settings)


def _domain_elements(domain: tuple | None) -> st.SearchStrategy[float]:
    """Floats inside an op's domain, a margin away from its edges."""
    low, high = domain or (None, None)
    if low is not None and high is not None:
        margin = (high - low) / 8
        return st.floats(low + margin, high - margin)
    if low is not None:
        return st.floats(low + 0.25, low + 3.0)
    if high is not None:
        return st.floats(high - 3.0, high - 0.25)
    return REAL


def _arrays(draw: Callable, shapes: Any, elements: Any, unique: bool = False) -> list:
    return [draw(hnp.arrays(np.float64, s, elements=e, unique=unique))
            for s, e in zip(shapes, elements)]


def _shape(draw: Callable, min_dims: int = 0) -> tuple:
    return draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, max_side=3))


@st.composite
def _elementwise(draw, spec, dtype, scalar, elements=None, settings=None):
    n = _n_inputs(spec)
    shapes = [()] * n if scalar else draw(broadcastable_shapes(n, max_side=3))
    elements = elements or [_domain_elements(spec.domain)] * n
    return _arrays(draw, shapes, elements), dict(settings or {})


def _n_inputs(spec: OpSpec) -> int:
    params = inspect.signature(spec.forward).parameters.values()
    return len([p for p in params if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD])


@st.composite
def _where(draw, spec, dtype, scalar):
    shapes = [()] * 3 if scalar else draw(broadcastable_shapes(3, max_side=3))
    condition = draw(hnp.arrays(bool, shapes[2]))
    return _arrays(draw, shapes[:2], [REAL, REAL]), {"condition": condition}


@st.composite
def _clip(draw, spec, dtype, scalar):
    (x,), _ = draw(_elementwise(spec, dtype, scalar, elements=[OFF_GRID]))
    low, high = sorted(draw(st.lists(ON_GRID, min_size=2, max_size=2, unique=True)))
    low, high = draw(st.sampled_from([(low, high), (None, high), (low, None)]))
    return [x], {"low": low, "high": high}


@st.composite
def _reduce(draw, spec, dtype, scalar, elements=REAL, unique=False):
    shape = _shape(draw)
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1) | hnp.valid_tuple_axes(
        len(shape), min_size=1)) if shape else None
    return _arrays(draw, [shape], [elements], unique), {"axis": axis,
                                                        "keepdims": draw(st.booleans())}


@st.composite
def _along_axis(draw, spec, dtype, scalar, keepdims=False):
    shape = _shape(draw, min_dims=1)
    settings = {"axis": draw(st.integers(-len(shape), len(shape) - 1))}
    if keepdims:
        settings["keepdims"] = draw(st.booleans())
    return _arrays(draw, [shape], [REAL]), settings


@st.composite
def _reshape(draw, spec, dtype, scalar):
    shape = _shape(draw)
    left, new = int(np.prod(shape)), []
    ndim = draw(st.integers(0 if left == 1 else 1, 3))
    for _ in range(ndim - 1):
        new.append(draw(st.sampled_from([d for d in range(1, left + 1) if left % d == 0])))
        left //= new[-1]
    new += [left] if ndim else []
    if new and draw(st.booleans()):
        new[draw(st.integers(0, len(new) - 1))] = -1
    return _arrays(draw, [shape], [REAL]), {"shape": tuple(new)}


@st.composite
def _transpose(draw, spec, dtype, scalar):
    shape = _shape(draw)
    axes = draw(st.none() | st.permutations(range(len(shape))).map(tuple))
    return _arrays(draw, [shape], [REAL]), {"axes": axes}


@st.composite
def _broadcast_to(draw, spec, dtype, scalar):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    return _arrays(draw, shapes.input_shapes[:1], [REAL]), {"shape": shapes.result_shape}


def _index(shape: tuple) -> st.SearchStrategy:
    """Basic indices, integer arrays (with repeats) and boolean masks."""
    options = hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True)
    if shape:
        options |= hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(
            min_dims=1, max_dims=2, max_side=3))
        options |= hnp.arrays(bool, shape)
    return options


@st.composite
def _getitem(draw, spec, dtype, scalar):
    shape = _shape(draw)
    return _arrays(draw, [shape], [REAL]), {"index": draw(_index(shape))}


@st.composite
def _scatter_add(draw, spec, dtype, scalar):
    shape = _shape(draw)
    index = draw(_index(shape))
    return _arrays(draw, [np.empty(shape)[index].shape], [REAL]), {"index": index,
                                                                   "shape": shape}


@st.composite
def _join(draw, spec, dtype, scalar, new_axis=False):
    shape = _shape(draw, min_dims=1)
    n = len(shape) + new_axis
    axis = draw(st.integers(-n, n - 1))
    shapes = []
    for _ in range(draw(st.integers(1, 3))):
        s = list(shape)
        if not new_axis:
            s[axis] = draw(st.integers(1, 3))
        shapes.append(tuple(s))
    return _arrays(draw, shapes, [REAL] * len(shapes)), {"axis": axis}


@st.composite
def _matmul(draw, spec, dtype, scalar):
    shapes = draw(hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2,
                                                    max_side=3))
    return _arrays(draw, shapes.input_shapes, [REAL, REAL]), {}


_ELEMENTWISE = OpArgs(_elementwise, scalar=True)
_BETWEEN = OpArgs(functools.partial(_elementwise, elements=[OFF_GRID, ON_GRID]), scalar=True)
_AWAY_FROM_0 = OpArgs(functools.partial(_elementwise, elements=[OFF_GRID]), scalar=True)
_NONZERO = st.tuples(st.sampled_from([-1.0, 1.0]), st.floats(0.5, 2.0)).map(lambda p: p[0] * p[1])

OP_ARGS: dict[str, OpArgs] = {
    # elementwise: inputs from the op's domain, away from kinks (relu, abs), ties
    # (maximum, minimum), clip bounds and zero denominators
    **dict.fromkeys(["add", "sub", "mul", "neg", "exp", "log", "sqrt", "square", "sin", "cos",
                     "tanh", "sigmoid"], _ELEMENTWISE),
    "div": OpArgs(functools.partial(_elementwise, elements=[REAL, _NONZERO]), scalar=True),
    "pow": OpArgs(functools.partial(_elementwise, elements=[POSITIVE, REAL]), scalar=True),
    "maximum": _BETWEEN, "minimum": _BETWEEN, "relu": _AWAY_FROM_0, "abs": _AWAY_FROM_0,
    "clip": OpArgs(_clip, scalar=True), "where": OpArgs(_where, scalar=True),
    # reductions: axis None, int, negative or tuple; max and min without ties
    "sum": OpArgs(_reduce), "mean": OpArgs(_reduce),
    "max": OpArgs(functools.partial(_reduce, elements=DISTINCT, unique=True)),
    "min": OpArgs(functools.partial(_reduce, elements=DISTINCT, unique=True)),
    "softmax": OpArgs(_along_axis), "log_softmax": OpArgs(_along_axis),
    "logsumexp": OpArgs(functools.partial(_along_axis, keepdims=True)),
    # shape ops and products
    "reshape": OpArgs(_reshape), "transpose": OpArgs(_transpose),
    "broadcast_to": OpArgs(_broadcast_to), "getitem": OpArgs(_getitem),
    "scatter_add": OpArgs(_scatter_add), "concatenate": OpArgs(_join),
    "stack": OpArgs(functools.partial(_join, new_axis=True)), "matmul": OpArgs(_matmul),
}
