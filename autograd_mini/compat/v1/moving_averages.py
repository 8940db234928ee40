"""TF1's ``tf.train.ExponentialMovingAverage``: a shadow variable per variable, moved by ``apply``.

Each run of the op ``apply`` returns moves every shadow towards its variable's value::

    shadow -= (shadow - variable) * (1 - decay)     decay = min(decay, (1 + n) / (10 + n))

with ``n`` the ``num_updates`` counter if one was given. What the update reads follows
TF1's graph, which orders an ``apply`` only after what it depends on:

- made outside ``control_dependencies`` (the course's ``control_dependencies([train_step,
  ema_op])`` around a ``no_op``), it reads ``n`` and the variables as the run found them,
  before the train step's updates. TF1 runs the two in parallel; its reads are done long
  before the train step's gradients are, for any real model (784-500-10 MNIST: every time).
- made inside ``control_dependencies([train_step])`` (TF's own documented pattern), it
  reads both after the train step: the trained values and the incremented step.

Shadows start at their variable's initial value and are saved and restored like any
variable, under ``variables_to_restore()``'s names.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import DTypeError, GraphError, OpError
from ...tensor import FLOAT_DTYPES
from .graph import Operation, SymbolicTensor, _check_element, constant, get_default_graph
from .variables import Variable

if TYPE_CHECKING:
    from .compile import Code
    from .session import _Plan


class ExponentialMovingAverage:
    """Moving averages of variables (``apply``), read as ``average(var)`` or restored into
    the variables themselves by ``Saver(ema.variables_to_restore())``.

    Args:
        decay: how much of the old average each update keeps (0.99, 0.999, ...).
        num_updates: a step counter (a variable or tensor); early updates then use the
            smaller decay ``(1 + n) / (10 + n)``.
        name: the suffix of the shadows' names (``w/ExponentialMovingAverage``).
    """

    def __init__(self, decay: float, num_updates: Any = None,
                 name: str = "ExponentialMovingAverage"):
        if isinstance(decay, SymbolicTensor) or not isinstance(decay, (int, float, np.number)):
            raise DTypeError(f"ExponentialMovingAverage: decay must be a number, got {decay!r}")
        if num_updates is not None and not isinstance(num_updates, SymbolicTensor):
            num_updates = constant(num_updates, np.float32, graph=get_default_graph())
        elif num_updates is not None:
            _check_element(num_updates, "ExponentialMovingAverage (num_updates)", tensor=True)
        self.decay = decay
        self.num_updates = num_updates
        self.name = name
        self._averages: dict[Variable, Variable] = {}

    def apply(self, var_list: Any = None) -> Operation:
        """Make a shadow for each variable (default: the trainable ones) and return the op
        that updates them all.

        Raises:
            DTypeError: an entry is not a float tf.Variable.
            OpError: a variable already has a moving average here.
        """
        var_list = [v for v in get_default_graph().variables if v.trainable] \
            if var_list is None else list(var_list)
        for v in var_list:
            if not isinstance(v, Variable) or v.dtype not in FLOAT_DTYPES:
                raise DTypeError(f"{self.name}.apply: {v!r} is not a float32 or float64 "
                                 "tf.Variable")
            if v in self._averages:
                raise OpError(f"{self.name}.apply: '{v.name}' already has a moving average")
        for v in var_list:  # the shadow starts at the variable's initial value
            self._averages[v] = Variable(v.initial_value, trainable=False,
                                         name=self.average_name(v))
        return _UpdateAverages(self, [(v, self._averages[v]) for v in var_list])

    def average(self, var: Variable) -> Variable | None:
        """The shadow variable of ``var``; None if ``apply`` did not average it."""
        return self._averages.get(var)

    def average_name(self, var: Variable) -> str:
        """The name of ``var``'s shadow, as checkpoints know it."""
        return f"{var.name}/{self.name}"

    def variables_to_restore(self, moving_avg_variables: Any = None) -> dict[str, Variable]:
        """``{checkpoint name: variable}`` that loads each averaged variable (default: the
        trainable ones and those ``apply`` averaged) from its shadow, the others from
        themselves; for ``tf.train.Saver(...)`` in a graph that evaluates a model."""
        graph = get_default_graph()
        if moving_avg_variables is None:
            moving_avg_variables = [v for v in graph.variables if v.trainable]
            moving_avg_variables += list(self._averages)
        averaged = list(dict.fromkeys(moving_avg_variables))
        names = {self.average_name(v): v for v in averaged}
        for v in graph.variables:
            if v not in averaged and v.name not in names:
                names[v.name] = v
        return names


class _UpdateAverages(Operation):
    """``ExponentialMovingAverage.apply``'s op: moves each shadow towards its variable."""

    __slots__ = ("ema", "pairs")

    def __init__(self, ema: ExponentialMovingAverage, pairs: list[tuple[Variable, Variable]]):
        counter = () if ema.num_updates is None else (ema.num_updates,)
        graph = pairs[0][0].graph if pairs else get_default_graph()
        super().__init__(ema.name, (*[v for v, _ in pairs], *counter), op="MovingAverage",
                         graph=graph)
        self.ema = ema
        self.pairs = pairs

    def _emit(self, plan: _Plan, code: Code) -> None:
        session, pairs, store = plan.session, self.pairs, plan.session._variables
        decay = np.float32(self.ema.decay)
        one, ten = np.float32(1.0), np.float32(10.0)

        # after the operations it waits for (control inputs): the store's values then;
        # else the run's values read before any update
        waits = any(isinstance(p, Operation) for p in self.parents)
        counter = self.ema.num_updates

        def update(values: list, n: Any = None) -> None:
            if waits:
                values = [store[var].data for var, _ in pairs]
                n = store[counter].data if isinstance(counter, Variable) else n
            d = decay if n is None else min(decay, (one + np.float32(n)) / (ten + np.float32(n)))
            keep = one - d  # float32, as TF1 computes it
            for (_, shadow), value in zip(pairs, values):
                old = store[shadow].data
                session._set_variable(shadow, old - (old - value) * keep.astype(old.dtype))

        def uninitialised(e: Exception, lookup: Any) -> Exception | None:
            if not isinstance(e, KeyError):
                return None
            return GraphError(f"{self.name}: the moving averages are used before they were "
                              "initialised in this Session; run "
                              "sess.run(tf.global_variables_initializer()) after ema.apply()")

        values = ", ".join(code.names[var] for var, _ in pairs)
        n = f", {code.names[counter]}" if counter is not None else ""
        code.line(f"{code.bind(update, self.name)}([{values}]{n})", uninitialised)
