"""``tf.train``'s optimizers: ``minimize(loss)`` builds a train op for ``Session.run``.

The namespace also holds the rest of TF1's training kit, each in its own module:
``exponential_decay`` (learning_rate.py), ``ExponentialMovingAverage``
(moving_averages.py), ``Saver`` and ``get_checkpoint_state`` (saver.py).

The op's parents are the gradient tensors and the variables. When it runs, the
session's own ``autograd_mini.optim`` optimizer (one per train op and session, holding
the slots such as Adam's moments) updates the session's variables by its own rule
(``_update``), so each update rule exists once, in ``autograd_mini/optim.py``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ... import optim
from ..._namespace import public_dir
from ...errors import DTypeError, NoGradientError, ShapeError
from ..missing import missing
from .gradients import gradients
from .graph import Operation, SymbolicTensor, _check_element
from .learning_rate import exponential_decay
from .moving_averages import ExponentialMovingAverage
from .saver import CheckpointState, Saver, get_checkpoint_state, latest_checkpoint
from .session import freeze
from .variables import Variable

if TYPE_CHECKING:
    from .compile import Code
    from .session import _Plan


class Optimizer:
    """What every TF1 optimizer offers: ``compute_gradients``, ``apply_gradients``,
    ``minimize``. Subclasses name their ``autograd_mini.optim`` class and hyperparameters."""

    _eager: type[optim.Optimizer] = optim.Optimizer

    def __init__(self, learning_rate: float | SymbolicTensor, name: str, **hyper: Any):
        if isinstance(learning_rate, SymbolicTensor):
            _check_element(learning_rate, f"{name} (learning_rate)", tensor=True)
        elif not isinstance(learning_rate, (int, float)):
            raise DTypeError(f"{name}: learning_rate must be a number or a graph tensor, got "
                             f"{type(learning_rate).__name__}")
        self.learning_rate = learning_rate
        self.name = name
        self.hyper = hyper

    def compute_gradients(self, loss: SymbolicTensor,
                          var_list: list[Variable] | None = None) -> list[tuple[Any, Variable]]:
        """``[(gradient tensor or None, variable)]`` of ``loss`` for ``var_list`` (default:
        the loss's graph's trainable variables)."""
        _check_element(loss, f"{self.name}: the loss", tensor=True)
        if var_list is None:
            var_list = [v for v in loss.graph.variables if v.trainable]
        var_list = list(var_list)
        for v in var_list:
            if not isinstance(v, Variable):
                raise DTypeError(f"{self.name}: var_list holds {v!r}, not a Variable")
        if not var_list:
            raise NoGradientError(f"{self.name}: there are no variables to train; create "
                                  "them with tf.Variable(...) before minimize()")
        return list(zip(gradients(loss, var_list), var_list))

    def apply_gradients(self, grads_and_vars: Any, global_step: Variable | None = None,
                        name: str | None = None) -> Operation:
        """A train op applying each gradient to its variable; None gradients are skipped."""
        pairs = [(g, v) for g, v in grads_and_vars if g is not None]
        if not pairs:
            raise NoGradientError(f"{self.name}: no gradients for any variable: the loss does "
                                  "not depend on the variables it should train")
        for g, v in pairs:
            _check_element(g, f"{self.name}: a gradient", tensor=True)
            if not isinstance(v, Variable):
                raise DTypeError(f"{self.name}: {v!r} is not a Variable")
        if global_step is not None and not isinstance(global_step, Variable):
            raise DTypeError(f"{self.name}: global_step must be a Variable")
        return _ApplyGradients(self, pairs, global_step, name or self.name)

    def minimize(self, loss: SymbolicTensor, global_step: Variable | None = None,
                 var_list: list[Variable] | None = None, name: str | None = None) -> Operation:
        """``apply_gradients(compute_gradients(loss, var_list))``: the train op.

        Raises:
            NoGradientError: ``loss`` depends on none of the variables.
        """
        pairs = self.compute_gradients(loss, var_list)
        if all(g is None for g, _ in pairs):
            names = ", ".join(v.name for _, v in pairs)
            raise NoGradientError(f"{self.name}.minimize: '{loss.name}' does not depend on "
                                  f"any of the variables [{names}]; nothing to train")
        return self.apply_gradients(pairs, global_step, name)

    def _new_eager(self) -> optim.Optimizer:
        lr = 0.0 if isinstance(self.learning_rate, SymbolicTensor) else self.learning_rate
        return self._eager(lr=lr, **self.hyper)


class GradientDescentOptimizer(Optimizer):
    """``var -= learning_rate * grad`` (``optim.SGD``)."""

    _eager = optim.SGD

    def __init__(self, learning_rate: float | SymbolicTensor, name: str = "GradientDescent"):
        super().__init__(learning_rate, name)


class MomentumOptimizer(Optimizer):
    """``accum = momentum * accum + grad; var -= learning_rate * accum`` (``optim.Momentum``)."""

    _eager = optim.Momentum

    def __init__(self, learning_rate: float | SymbolicTensor, momentum: float,
                 use_nesterov: bool = False, name: str = "Momentum"):
        super().__init__(learning_rate, name, momentum=momentum, nesterov=use_nesterov)


class AdamOptimizer(Optimizer):
    """TF1's Adam (``optim.Adam``): moments ``m``, ``v`` and a bias-corrected step size."""

    _eager = optim.Adam

    def __init__(self, learning_rate: float | SymbolicTensor = 0.001, beta1: float = 0.9,
                 beta2: float = 0.999, epsilon: float = 1e-8, name: str = "Adam"):
        super().__init__(learning_rate, name, beta1=beta1, beta2=beta2, epsilon=epsilon)


class _ApplyGradients(Operation):
    """The train op: gradients and variables in, the optimizer's update applied."""

    __slots__ = ("optimizer", "pairs", "global_step")

    def __init__(self, optimizer: Optimizer, pairs: list, global_step: Variable | None,
                 name: str):
        extra = [optimizer.learning_rate] if isinstance(optimizer.learning_rate,
                                                        SymbolicTensor) else []
        extra += [global_step] if global_step is not None else []
        parents = (*[g for g, _ in pairs], *[v for _, v in pairs], *extra)
        super().__init__(name, parents, op=optimizer.name, graph=pairs[0][1].graph)
        self.optimizer = optimizer
        self.pairs = pairs
        self.global_step = global_step

    def _emit(self, plan: _Plan, code: Code) -> None:
        session = plan.session
        store, optimizers = session._variables, session._optimizers
        variables = [v for _, v in self.pairs]
        step_var = self.global_step
        # a fast variant whose first run's gradients were arrays of their variables' dtypes
        # and shapes has them so every run (its layout is fixed): nothing to convert or check
        fitted = code.layout is not None and all(
            type(g := code.value(grad)) is np.ndarray and g.dtype == v.dtype and
            g.shape == v.shape for grad, v in self.pairs)

        def apply(grads: list, lr: Any = None) -> None:
            """``optim``'s rule on each variable (with ``apply_gradients``' checks); each
            new value replaces the old array, read-only like every session value."""
            opt = optimizers.get(self)
            if opt is None:  # first run in this session (or after re-initialising)
                opt = optimizers[self] = self.optimizer._new_eager()
            if lr is not None:
                opt.lr = float(lr)
            update, slots_for = opt._update, opt._slots_for
            for var, grad in zip(variables, grads):
                held = store[var]
                data = held.data
                if not fitted:
                    if type(grad) is not np.ndarray or grad.dtype is not data.dtype:
                        grad = np.asarray(grad, dtype=data.dtype)
                    if grad.shape != data.shape:
                        raise ShapeError(f"{type(opt).__name__}: gradient of shape "
                                         f"{grad.shape} does not fit variable '{var.name}' of "
                                         f"shape {data.shape}")
                new = update(data, grad, slots_for(held))
                if type(new) is not np.ndarray:  # 0-d results come back as numpy scalars
                    new = np.array(new, dtype=data.dtype)
                new.setflags(write=False)
                held.data = new
            if step_var is not None:
                counter = store[step_var]
                counter.data = counter.data + 1
                freeze(counter)

        grads = ", ".join(code.names[g] for g, _ in self.pairs)
        lr = self.optimizer.learning_rate
        lr = f", {code.names[lr]}" if isinstance(lr, SymbolicTensor) else ""
        code.line(f"{code.bind(apply, self.name)}([{grads}]{lr})")


__all__ = ["Optimizer", "GradientDescentOptimizer", "MomentumOptimizer", "AdamOptimizer",
           "exponential_decay", "ExponentialMovingAverage", "Saver", "CheckpointState",
           "get_checkpoint_state", "latest_checkpoint"]

__getattr__ = missing("tf.train")
__dir__ = public_dir(globals())
