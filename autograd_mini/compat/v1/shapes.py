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
