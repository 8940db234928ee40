"""The leaves of a TF1 graph: placeholders (fed at each run) and variables (kept by a session).

A ``Variable``'s value lives in each ``Session`` as an eager ``autograd_mini.Variable``,
created by running an initializer op, so two sessions on one graph train separately.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import DTypeError, GraphError, ShapeError
from ...tensor import FLOAT_DTYPES
from .graph import (
    Graph,
    Operation,
    Shape,
    SymbolicTensor,
    constant,
    get_default_graph,
)

if TYPE_CHECKING:
    from .compile import Code
    from .session import _Plan

float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)


class Placeholder(SymbolicTensor):
    """An input whose value every ``Session.run`` that needs it must feed."""

    __slots__ = ()

    def expected(self) -> str:
        """The shape as TF1 users write it, ``(None, 2)``."""
        return "unknown" if self.shape is None else str(self.shape)

    def _emit(self, plan: _Plan, code: Code) -> None:
        raise GraphError(  # a fed placeholder is the plan's parameter: this one is not fed
            f"placeholder '{self.name}' (shape {self.expected()}, {self.dtype.name}) needs a "
            f"value: pass it in feed_dict, e.g. sess.run(fetches, feed_dict={{{self.name}: "
            "value})")


def placeholder(dtype: Any = float32, shape: Any = None, name: str = "Placeholder") -> Placeholder:
    """An input of ``dtype`` and ``shape`` (``None`` sizes take any size; ``shape=None``
    takes any shape), fed through ``Session.run(..., feed_dict={p: value})``."""
    dt = np.dtype(dtype)
    if dt not in FLOAT_DTYPES:
        raise DTypeError(f"placeholder: dtype must be float32 or float64, got {dt}")
    if shape is not None:
        shape = tuple(None if n is None else int(n) for n in shape)
    return Placeholder(name, dt, shape)


class Variable(SymbolicTensor):
    """State a session keeps between runs (weights), set by running an initializer.

    Args:
        initial_value: a number, list, array or graph tensor (e.g. ``random_normal(...)``),
            evaluated when an initializer runs.
        trainable: whether optimizers and ``trainable_variables()`` include it.
        name: TF1's default is ``"Variable"``, made unique.
        dtype: float32 (the default for numbers and lists) or float64.
    """

    __slots__ = ("initial_value", "trainable", "initializer")

    def __init__(self, initial_value: Any, trainable: bool = True, name: str = "Variable",
                 dtype: Any = None):
        graph = (initial_value.graph if isinstance(initial_value, SymbolicTensor)
                 else get_default_graph())
        if not isinstance(initial_value, SymbolicTensor):
            initial_value = constant(initial_value, dtype, name=f"{name}/initial_value",
                                     graph=graph)
        shape = initial_value.shape
        if shape is None or None in shape:
            raise ShapeError(f"Variable '{name}': its initial value has shape {shape}; a "
                             "variable needs a fully known shape, e.g. random_normal([2, 3])")
        super().__init__(name, initial_value.dtype if dtype is None else dtype, shape,
                         requires_grad=bool(trainable), graph=graph)
        self.initial_value = initial_value
        self.trainable = bool(trainable)
        graph.variables.append(self)
        self.initializer = _Initializer(f"{self.name}/Assign", [self], graph, global_=False)

    def __repr__(self) -> str:
        # TF1's graph variables are reference variables: their dtype prints as float32_ref
        return (f"<tf.Variable '{self.name}:0' shape={self.get_shape()} "
                f"dtype={self.dtype.name}_ref>")

    __str__ = __repr__

    def _emit(self, plan: _Plan, code: Code) -> None:
        store = code.bind(plan.session._variables, "variables")  # this session's values
        v = code.define(self)
        code.memo[self] = f"{store}[{code.bind(self, 'tf_' + v)}].data"
        code.line(f"{v} = {code.memo[self]}", self._uninitialised)

    def _fetched(self, code: Code) -> str:
        # the value after the run's updates (TF1's variables are read when the run ends);
        # a fed variable is its fed value
        return f"result({code.memo.get(self, code.names[self])})"

    def _uninitialised(self, e: Exception, lookup: Any) -> Exception | None:
        if not isinstance(e, KeyError):
            return None
        return GraphError(f"variable '{self.name}' is used before it was initialised in this "
                          "Session; run sess.run(tf.global_variables_initializer()) first (or "
                          f"sess.run({self.name}.initializer))")


class _Initializer(Operation):
    """Sets variables to their initial values in the running session."""

    __slots__ = ("variables", "global_")
    _waits = False  # as in TF1, which makes initializers outside control_dependencies

    def __init__(self, name: str, variables: list[Variable], graph: Graph, global_: bool):
        super().__init__(name, tuple(v.initial_value for v in variables), op="init",
                         graph=graph)
        self.variables = list(variables)
        self.global_ = global_  # TF1's global initializer also resets optimizer slots

    def _emit(self, plan: _Plan, code: Code) -> None:
        session, variables = plan.session, self.variables

        def initialise(values: list) -> None:
            for var, value in zip(variables, values):
                session._set_variable(var, value)
            if self.global_:
                session._optimizers.clear()

        values = ", ".join(code.names[v.initial_value] for v in variables)
        code.line(f"{code.bind(initialise, self.name)}([{values}])")


def global_variables_initializer() -> Operation:
    """An op that initialises every variable of the default graph created so far."""
    graph = get_default_graph()
    return _Initializer("init", graph.variables, graph, global_=True)


def variables_initializer(var_list: list[Variable], name: str = "init") -> Operation:
    """An op that initialises the variables in ``var_list``."""
    var_list = list(var_list)
    for v in var_list:
        if not isinstance(v, Variable):
            raise DTypeError(f"variables_initializer: {v!r} is not a Variable")
    graph = var_list[0].graph if var_list else get_default_graph()
    return _Initializer(name, var_list, graph, global_=False)


def global_variables() -> list[Variable]:
    """The default graph's variables, in creation order."""
    return list(get_default_graph().variables)


def trainable_variables() -> list[Variable]:
    """The default graph's trainable variables, in creation order."""
    return [v for v in get_default_graph().variables if v.trainable]


def zeros(shape: Any, dtype: Any = float32, name: str = "zeros") -> SymbolicTensor:
    """A constant tensor of zeros."""
    return constant(np.zeros(_dims(shape), dtype=np.dtype(dtype)), name=name)


def ones(shape: Any, dtype: Any = float32, name: str = "ones") -> SymbolicTensor:
    """A constant tensor of ones."""
    return constant(np.ones(_dims(shape), dtype=np.dtype(dtype)), name=name)


def _dims(shape: Any) -> Shape:
    return (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
