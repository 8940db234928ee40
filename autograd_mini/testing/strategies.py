"""Hypothesis strategies for gradient tests: Values, Tensors, shapes, op arguments, expressions.

``op_args`` draws arguments for a registered op as ``op_table.OP_ARGS`` says; ``expressions``
draws random differentiable programs built from the registered ops. Both keep away from
kinks, ties and domain edges, where finite differences are wrong.
"""

from __future__ import annotations

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
from .op_table import OP_ARGS as OP_ARGS  # the tests read it here
from .op_table import REAL, OpArgs, elementwise, recipe_of

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))

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
        arr = draw(hnp.arrays(np.float64, draw(shapes), elements=REAL if elements is None
                              else elements))
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
    result = () if scalar else draw(hnp.array_shapes(max_dims=2, min_side=2, max_side=3))
    shapes = [_broadcasting_to(draw, result) for _ in range(n)]
    datas = [draw(hnp.arrays(np.float64, s, elements=REAL)) for s in shapes]
    fn = grow(draw, datas, draw(st.integers(1, max_steps)), arrays=not scalar)
    if scalar:
        return fn, tuple(Value(float(d)) for d in datas)
    dt = np.dtype(dtype) if dtype is not None else draw(st.sampled_from(FLOAT_DTYPES))
    return fn, tuple(Tensor(_layout(d.astype(dt), draw(_LAYOUTS[None])), requires_grad=True)
                     for d in datas)


def _broadcasting_to(draw: Callable, shape: tuple) -> tuple:
    """A shape that broadcasts to ``shape``: some axes 1, maybe fewer leading ones (not none).

    (``hnp.broadcastable_shapes`` mostly draws ``()`` and 1s; gradients want real sizes.)
    """
    kept = [1 if draw(st.integers(0, 3)) == 0 else n for n in shape]
    return tuple(kept[draw(st.integers(0, len(kept) - 1)):]) if kept else ()


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
        args = [repr(x) for x in self.inputs] + [f"{k}={v!r}" for k, v in self.settings.items()]
        return f"{self.spec.name}({', '.join(args)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's reports
        printer.text(repr(self))


@st.composite
def op_args(draw: Callable, spec: OpSpec, kind: str = "tensor") -> OpCall:
    """Arguments for a registered op: Tensors (float32 or float64, any memory layout) or,
    with ``kind="value"``, Values. Ops without a recipe (see ``op_table.recipe_of``) are
    treated as elementwise with ``spec.domain``."""
    entry = recipe_of(spec) or OpArgs(elementwise, scalar=True)
    if kind not in ("tensor", "value") or (kind == "value" and not entry.scalar):
        raise InvalidArgument(f"op_args: kind must be 'tensor' or 'value' (for elementwise "
                              f"ops); got kind={kind!r} for {spec.name}")
    arrays, settings = draw(entry.draw(spec, kind == "value"))
    if kind == "value":
        return OpCall(spec, tuple(Value(float(a)) for a in arrays), settings)
    dtype = draw(st.sampled_from(FLOAT_DTYPES))
    return OpCall(spec, tuple(Tensor(_layout(a.astype(dtype), draw(_LAYOUTS[None])),
                                     requires_grad=True) for a in arrays), settings)
