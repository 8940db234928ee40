"""``Variable``: the trainable leaf that holds a model's state, updated in place.

Tapes watch trainable Variables automatically; ``assign``, ``assign_add`` and
``assign_sub`` change the value without recording anything, and mark the Variable
written (``graph.mark_written``): a backward through an op that read the old value raises
instead of giving a wrong gradient.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .errors import DTypeError, ShapeError
from .graph import Node
from .i18n import message
from .tensor import Tensor, as_array
from .versions import mark_written


class Variable(Tensor):
    """A Tensor that holds a model's state: trainable, watched by tapes, updated in place.

    Args:
        initial: the starting value (number, list, array or Tensor; copied).
        dtype: float32 (the default for numbers and lists) or float64.
        name: a label for reprs and drawings.
        trainable: False makes a state variable that tapes do not watch.
    """

    __slots__ = ("_trainable",)

    def __init__(self, initial: Any, dtype: Any = None, name: str | None = None,
                 trainable: bool = True):
        super().__init__(np.array(as_array(initial, dtype)), requires_grad=trainable,
                         name=name)
        self._trainable = bool(trainable)

    @property
    def trainable(self) -> bool:
        return self._trainable

    @property
    def value(self) -> Tensor:
        """The current value as a constant Tensor (a snapshot, not recorded)."""
        return Tensor(self.data.copy())

    def numpy(self) -> np.ndarray:
        """A copy of the current value (the Variable changes in place, so no live view)."""
        return self.data.copy()

    def assign(self, new: Any) -> Variable:
        """Set the value in place (not recorded); the shape must match, the dtype is kept."""
        self.data[...] = self._checked(new, "assign", scalar_ok=False)
        mark_written(self)
        return self

    def assign_add(self, delta: Any) -> Variable:
        """``self += delta`` in place, not recorded; ``delta`` has this shape or is a scalar."""
        self.data += self._checked(delta, "assign_add", scalar_ok=True)
        mark_written(self)
        return self

    def assign_sub(self, delta: Any) -> Variable:
        """``self -= delta`` in place, not recorded; ``delta`` has this shape or is a scalar."""
        self.data -= self._checked(delta, "assign_sub", scalar_ok=True)
        mark_written(self)
        return self

    def _checked(self, new: Any, verb: str, scalar_ok: bool) -> np.ndarray:
        """``new`` as an array of this Variable's dtype, or a clear error."""
        if isinstance(new, Tensor) and new.dtype != self.dtype:
            raise DTypeError(f"{verb}: a {new.dtype} Tensor does not fit a {self.dtype} "
                             f"Variable; convert it first, e.g. Tensor(t.numpy(), "
                             f"dtype='{self.dtype}')")
        arr = np.asarray(new.data if isinstance(new, Node) else new)
        if arr.dtype.kind not in "biuf":
            raise DTypeError(f"{verb}: expected real numbers, got dtype {arr.dtype}")
        if arr.shape != self.shape and not (scalar_ok and arr.ndim == 0):
            raise ShapeError(message("err.assign_shape", verb=verb, shape=arr.shape,
                                     expected=self.shape))
        return arr.astype(self.dtype, copy=False)
