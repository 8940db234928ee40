"""TF1's state operations: ``assign``, ``assign_add`` and ``assign_sub`` on a graph ``Variable``.

Each is an operation that, when a session runs it, gives the variable a new value in that
session; fetching it gives the variable's new value, as in TF1. As TF1's (whose
``validate_shape=False`` is not offered), they keep the variable's shape and dtype: a
value must have its shape (no broadcasting) and is converted to its dtype, so a plan's
fast variant may rely on its variables' shapes and dtypes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import DTypeError, ShapeError
from .graph import Operation, SymbolicTensor, constant
from .variables import Variable

if TYPE_CHECKING:
    from .compile import Code
    from .session import _Plan


class _Assign(Operation):
    """Sets (``op="Assign"``) or changes (``"AssignAdd"``, ``"AssignSub"``) a variable."""

    __slots__ = ("variable",)

    def __init__(self, ref: Variable, value: Any, op: str, name: str):
        if not isinstance(ref, Variable):
            raise DTypeError(f"{name}: the first argument must be a tf.Variable, got "
                             f"{type(ref).__name__} {ref!r}")
        if not isinstance(value, SymbolicTensor):
            value = constant(value, ref.dtype, graph=ref.graph)
        if value.shape is not None and None not in value.shape and value.shape != ref.shape:
            raise _misfit(name, value.shape, ref)
        parents = (value,) if op == "Assign" else (value, ref)  # += reads the old value
        super().__init__(name, parents, op=op, graph=ref.graph)
        self.variable = ref

    def _emit(self, plan: _Plan, code: Code) -> None:
        session, var, sign = plan.session, self.variable, {"AssignSub": -1}.get(self.op, 1)
        store = session._variables

        def assign(value: Any) -> None:
            value = np.asarray(value, var.dtype)
            if value.shape != var.shape:  # a fed value of a shape the graph left open
                raise _misfit(self.name, value.shape, var)
            if self.op != "Assign":  # the variable's value now: earlier operations count
                value = store[var].data + sign * value
            session._set_variable(var, value)

        code.line(f"{code.bind(assign, self.name)}({code.names[self.parents[0]]})",
                  var._uninitialised)
        code.memo[self] = f"{code.bind(store, 'variables')}[{code.bind(var, 'tf_' + var.name)}]"

    def _fetched(self, code: Code) -> str:
        return f"result({code.memo[self]}.data)"


def _misfit(name: str, shape: tuple, ref: Variable) -> ShapeError:
    """A value's shape is not its variable's (TF1's assign ops keep a variable's shape)."""
    return ShapeError(f"{name}: a value of shape {shape} does not fit variable '{ref.name}' "
                      f"of shape {ref.shape}")


def assign(ref: Variable, value: Any, name: str = "Assign") -> Operation:
    """An operation setting ``ref`` to ``value`` (a number, array or tensor of its shape)."""
    return _Assign(ref, value, "Assign", name)


def assign_add(ref: Variable, value: Any, name: str = "AssignAdd") -> Operation:
    """An operation adding ``value`` to ``ref``."""
    return _Assign(ref, value, "AssignAdd", name)


def assign_sub(ref: Variable, value: Any, name: str = "AssignSub") -> Operation:
    """An operation subtracting ``value`` from ``ref``."""
    return _Assign(ref, value, "AssignSub", name)
