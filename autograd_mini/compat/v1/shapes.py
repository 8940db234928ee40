"""Static shapes of graph tensors, found by calling an op's forward on small stand-ins.

Fully known shapes are checked when the graph is built (a misfit raises ``ShapeError``
at once, as in TF1); a size known only when fed is ``None``.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from ...errors import ShapeError
from ...ops.registry import OpSpec, forward_failed

Shape = tuple[int | None, ...] | None  # None: even the rank is unknown


def infer(spec: OpSpec, parents: tuple, kwargs: dict, dtype: Any,
          known: list) -> tuple[Shape, Any]:
    """The result's static shape and dtype, by calling the forward on stand-ins.

    Fully known shapes are checked now (a misfit raises ``ShapeError``); unknown sizes
    are tried as 2 and as 3, and result sizes that differ become ``None``.
    """
    shapes = [p.shape for p in parents]
    if any(s is None for s in shapes):
        return None, dtype
    if all(None not in s for s in shapes):
        try:
            out = _probe(spec, parents, known, kwargs, 0)
        except (ValueError, IndexError, TypeError) as e:
            raise ShapeError(forward_failed(spec, e, shapes)) from None
        return np.shape(out), np.result_type(out)
    try:
        two, three = (_probe(spec, parents, known, kwargs, n) for n in (2, 3))
    except (ValueError, IndexError, TypeError):
        return None, dtype  # may still fit for the sizes fed: checked at run time
    a, b = np.shape(two), np.shape(three)
    if len(a) != len(b):
        return None, np.result_type(two)
    return tuple(x if x == y else None for x, y in zip(a, b)), np.result_type(two)


def _probe(spec: OpSpec, parents: tuple, known: list, kwargs: dict, unknown: int) -> Any:
    """The forward on ones shaped like ``parents`` (``unknown`` for None sizes), except
    where ``known`` gives the real value (constants)."""
    args = [v if v is not None else
            np.ones(tuple(unknown if n is None else n for n in p.shape), dtype=p.dtype)
            for p, v in zip(parents, known)]
    with np.errstate(all="ignore"):
        return spec.forward(*args, **kwargs)


# ----- what get_shape() returns: TF1's TensorShape of Dimensions ---------------------------------


class Dimension:
    """One size of a ``TensorShape``, as TF1 gives it: ``.value`` is an int, or None when
    the size is known only at run time (printed ``?``); arithmetic keeps it unknown."""

    __slots__ = ("value",)

    def __init__(self, value: Any):
        value = value.value if isinstance(value, Dimension) else value
        self.value = None if value is None else int(value)

    def __int__(self) -> int:
        if self.value is None:
            raise TypeError("int() of an unknown Dimension (?): the size is known only when "
                            "the graph runs")
        return self.value

    __index__ = __int__

    def _combine(self, other: Any, fn: Any) -> Dimension:
        other = other if isinstance(other, Dimension) else Dimension(other)
        return Dimension(None if None in (self.value, other.value) else fn(self.value,
                                                                         other.value))

    def __add__(self, o):       return self._combine(o, lambda a, b: a + b)
    def __radd__(self, o):      return self._combine(o, lambda a, b: b + a)
    def __sub__(self, o):       return self._combine(o, lambda a, b: a - b)
    def __rsub__(self, o):      return self._combine(o, lambda a, b: b - a)
    def __mul__(self, o):       return self._combine(o, lambda a, b: a * b)
    def __rmul__(self, o):      return self._combine(o, lambda a, b: b * a)
    def __floordiv__(self, o):  return self._combine(o, lambda a, b: a // b)
    def __rfloordiv__(self, o): return self._combine(o, lambda a, b: b // a)

    def __eq__(self, other: object) -> bool | None:  # type: ignore[override]
        """True or False, or None when either size is unknown (as in TF1)."""
        other = other.value if isinstance(other, Dimension) else other
        return None if self.value is None or other is None else self.value == other

    def __hash__(self) -> int:
        return hash(self.value)

    def __repr__(self) -> str:
        return f"Dimension({self.value})"

    def __str__(self) -> str:
        return "?" if self.value is None else str(self.value)


class TensorShape:
    """A graph tensor's static shape as ``get_shape()`` gives it in TF1: indexing gives
    ``Dimension``s (``.value``), ``as_list()`` the sizes with None for unknown ones."""

    __slots__ = ("dims",)

    def __init__(self, dims: Shape):
        self.dims = None if dims is None else tuple(
            d.value if isinstance(d, Dimension) else None if d is None else int(d)
            for d in dims)

    def as_list(self) -> list[int | None]:
        """The sizes as a list (None where unknown)."""
        if self.dims is None:
            raise ValueError("as_list() is not defined on an unknown TensorShape (even the "
                             "rank is known only when the graph runs)")
        return list(self.dims)

    @property
    def ndims(self) -> int | None:
        """The number of axes, or None if unknown."""
        return None if self.dims is None else len(self.dims)

    rank = ndims

    def is_fully_defined(self) -> bool:
        return self.dims is not None and None not in self.dims

    def num_elements(self) -> int | None:
        """How many numbers a tensor of this shape holds, or None if unknown."""
        return int(np.prod(self.dims)) if self.is_fully_defined() else None

    def __len__(self) -> int:
        if self.dims is None:
            raise ValueError("len() of an unknown TensorShape")
        return len(self.dims)

    def __iter__(self):
        return iter(Dimension(d) for d in self.as_list())

    def __getitem__(self, index: int | slice) -> Dimension | TensorShape:
        dims = self.as_list()[index]
        return TensorShape(dims) if isinstance(index, slice) else Dimension(dims)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, TensorShape):
            return self.dims == other.dims
        try:
            return self.dims == TensorShape(other).dims  # type: ignore[arg-type]
        except (TypeError, ValueError):
            return NotImplemented

    def __hash__(self) -> int:
        return hash(self.dims)

    def __repr__(self) -> str:
        if self.dims is None:
            return "TensorShape(None)"
        return f"TensorShape([{', '.join(repr(Dimension(d)) for d in self.dims)}])"

    def __str__(self) -> str:
        if self.dims is None:
            return "<unknown>"
        sizes = ", ".join("?" if d is None else str(d) for d in self.dims)
        return f"({sizes},)" if len(self.dims) == 1 else f"({sizes})"
