"""Optimizers with TensorFlow 1.x's update rules: SGD, Momentum, Adam, in order of complexity.

Each rule lives in ONE function on numpy arrays (``_sgd_update``, ``_momentum_update``,
``_adam_update``); the classes only find gradients, keep per-variable slots and write the
result back. ``compat.v1``'s ``train.GradientDescentOptimizer`` / ``MomentumOptimizer`` /
``AdamOptimizer`` run these classes' ``_update`` (with ``_slots_for``) in a session's
train op, so there is one copy of each rule. Updates are computed in the variable's
dtype (float32 stays float32).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ._namespace import public_dir
from .errors import DTypeError, ShapeError
from .graph import Node, data_of
from .tape import Tape
from .value import Value
from .versions import mark_written

# ----- the update rules: one function each, numpy in, numpy out ------------------------


def _sgd_update(var: np.ndarray, grad: np.ndarray, slots: dict, *, lr: float) -> np.ndarray:
    """TF's ApplyGradientDescent: ``var - lr * grad``."""
    return var - lr * grad  # a Python float keeps a float32 array float32


def _momentum_update(var: np.ndarray, grad: np.ndarray, slots: dict, *, lr: float,
                     momentum: float, nesterov: bool) -> np.ndarray:
    """TF's ApplyMomentum: ``accum = momentum * accum + grad; var - lr * accum``.

    With ``nesterov``: ``var - lr * (grad + momentum * accum)``, after the accum update.
    """
    lr, momentum = var.dtype.type(lr), var.dtype.type(momentum)
    accum = momentum * slots["accum"] + grad
    slots["accum"] = accum
    if nesterov:
        return var - lr * (grad + momentum * accum)
    return var - lr * accum


def _adam_update(var: np.ndarray, grad: np.ndarray, slots: dict, *, lr: float, beta1: float,
                 beta2: float, epsilon: float) -> np.ndarray:
    """TF's ApplyAdam, with ``t`` counting this variable's updates from 1::

        lr_t = lr * sqrt(1 - beta2**t) / (1 - beta1**t)
        m = beta1 * m + (1 - beta1) * g
        v = beta2 * v + (1 - beta2) * g * g
        var = var - lr_t * m / (sqrt(v) + epsilon)
    """
    f = var.dtype.type
    one, beta1, beta2 = f(1), f(beta1), f(beta2)
    t = slots["t"] + 1
    lr_t = f(lr) * np.sqrt(one - beta2 ** t) / (one - beta1 ** t)
    m = beta1 * slots["m"] + (one - beta1) * grad
    v = beta2 * slots["v"] + (one - beta2) * grad * grad
    slots.update(t=t, m=m, v=v)
    return var - lr_t * m / (np.sqrt(v) + f(epsilon))


# ----- the optimizer classes ---------------------------------------------------------------


class Optimizer:
    """Finds gradients, keeps per-variable slots, applies an update rule in place.

    Two ways to use one:

    * PyTorch style, with ``params``: ``opt.zero_grad(); loss.backward(); opt.step()``.
    * TF style, with or without ``params``: ``opt.apply_gradients(zip(grads, vars))`` or
      ``opt.minimize(loss_fn, var_list)``.

    Parameters may be ``Variable``s / Tensors (their ``.data`` is updated in place) or
    ``Value``s (their ``.data`` float is replaced). Slots are created for a variable the
    first time it is updated; ``state_dict()`` lists them in that order. An update marks
    the variable written: a backward through ops recorded before it that read the
    variable raises (take gradients first, then step).
    """

    _slot_names: tuple[str, ...] = ()
    _hyper_names: tuple[str, ...] = ("lr",)

    def __init__(self, params: Iterable[Node] | None = None, lr: float = 0.01):
        self.params = None if params is None else _check_params(params)
        self.lr = lr
        self._vars: list[Node] = []  # in the order first seen: the slots' index
        self._slots: dict[int, dict] = {}  # id(var) -> that variable's slots
        self._pending: dict[int, dict] = {}  # loaded slots for variables not seen yet
        for p in self.params or ():
            self._slots_for(p)

    # ----- the rule each subclass supplies ------------------------------------------------

    def _update(self, var: np.ndarray, grad: np.ndarray, slots: dict) -> np.ndarray:
        raise NotImplementedError

    def _new_slots(self, var: np.ndarray) -> dict:
        return {}

    # ----- PyTorch style ----------------------------------------------------------------------

    def step(self) -> None:
        """Update every parameter from its ``.grad`` (skipping Tensors whose grad is None)."""
        params = self._require_params("step()")
        self.apply_gradients((p.grad, p) for p in params)

    def zero_grad(self) -> None:
        """Reset ``.grad`` of every parameter."""
        for p in self._require_params("zero_grad()"):
            p.zero_grad()

    # ----- TF style ---------------------------------------------------------------------------

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Node]]) -> None:
        """Apply one update to each variable; a ``None`` gradient skips its variable.

        Raises:
            ShapeError: a gradient's shape differs from its variable's.
        """
        for grad, var in grads_and_vars:
            if grad is None:
                continue
            if not isinstance(var, Node):
                raise DTypeError(f"{type(self).__name__}: can only update Variables, Tensors "
                                 f"and Values, got {type(var).__name__}")
            self._apply(var, grad)

    def minimize(self, loss_fn: Callable[[], Node],
                 var_list: Iterable[Node] | None = None) -> Node:
        """Run ``loss_fn()`` under a Tape, apply the gradients, return the loss.

        Args:
            loss_fn: a zero-argument callable returning a scalar loss.
            var_list: the variables to train; defaults to the optimizer's ``params``.
        """
        if not callable(loss_fn):
            raise DTypeError("minimize: loss_fn must be a zero-argument callable that returns "
                             "the loss, e.g. opt.minimize(lambda: mse(model(x), y), params)")
        variables = (_check_params(var_list) if var_list is not None
                     else self._require_params("minimize() without var_list"))
        with Tape() as tape:
            loss = loss_fn()
        grads = tape.gradient(loss, variables)
        self.apply_gradients(zip(grads, variables))
        return loss

    # ----- state --------------------------------------------------------------------------------

    def state_dict(self) -> dict:
        """Hyperparameters and a copy of each variable's slots, in the order first seen."""
        state: dict[str, Any] = {k: getattr(self, k) for k in self._hyper_names}
        slots = [self._slots[id(v)] for v in self._vars]
        slots += [self._pending[i] for i in sorted(self._pending)]  # loaded, not used yet
        state["slots"] = [_copy_slots(s) for s in slots]
        return state

    def load_state_dict(self, state: dict) -> None:
        """Restore what ``state_dict()`` gave; slots for variables not seen yet wait for them.

        Raises:
            ShapeError: a slot's shape does not fit its variable, or keys are missing.
        """
        missing = [k for k in (*self._hyper_names, "slots") if k not in state]
        if missing:
            raise ShapeError(f"{type(self).__name__}.load_state_dict: missing {missing}")
        for k in self._hyper_names:
            setattr(self, k, state[k])
        self._pending.clear()
        for i, slots in enumerate(state["slots"]):
            slots = _copy_slots(slots)
            if i < len(self._vars):
                var = self._vars[i]
                self._check_slots(var, slots, i)
                self._slots[id(var)] = slots
            else:
                self._pending[i] = slots

    # ----- helpers ------------------------------------------------------------------------------

    def _apply(self, var: Node, grad: Any) -> None:
        data = _as_array(var)
        g = np.asarray(data_of(grad), dtype=data.dtype)
        if g.shape != data.shape:
            raise ShapeError(f"{type(self).__name__}: gradient of shape {g.shape} does not fit "
                             f"{_label(var)} of shape {data.shape}")
        new = self._update(data, g, self._slots_for(var))
        if isinstance(var, Value):
            var.data = float(new)
        elif var.data.flags.writeable:
            var.data[...] = new
        else:
            var.data = np.asarray(new, dtype=data.dtype)
        mark_written(var)  # a backward through ops that read the old value now raises

    def _slots_for(self, var: Node) -> dict:
        slots = self._slots.get(id(var))
        if slots is None:
            i = len(self._vars)
            self._vars.append(var)
            slots = self._pending.pop(i, None)
            if slots is None:
                slots = self._new_slots(_as_array(var))
            else:
                self._check_slots(var, slots, i)
            self._slots[id(var)] = slots
        return slots

    def _check_slots(self, var: Node, slots: dict, i: int) -> None:
        shape = _as_array(var).shape
        for name in self._slot_names:
            if name not in slots:
                raise ShapeError(f"{type(self).__name__}: slot '{name}' missing for variable "
                                 f"{i} ({_label(var)})")
            got = np.shape(slots[name])
            if name != "t" and got != shape:
                raise ShapeError(f"{type(self).__name__}: slot '{name}' of variable {i} "
                                 f"({_label(var)}) has shape {got}, the variable {shape}")

    def _require_params(self, what: str) -> list[Node]:
        if self.params is None:
            raise DTypeError(f"{type(self).__name__}.{what} needs the parameters: create it as "
                             f"{type(self).__name__}(model.parameters(), ...), or use "
                             "apply_gradients(zip(grads, vars)) / minimize(loss_fn, var_list)")
        return self.params

    def __repr__(self) -> str:
        hyper = ", ".join(f"{k}={getattr(self, k)!r}" for k in self._hyper_names)
        return f"{type(self).__name__}({hyper})"


class SGD(Optimizer):
    """Plain gradient descent, TF's ``GradientDescentOptimizer``: ``var -= lr * grad``."""

    def _update(self, var: np.ndarray, grad: np.ndarray, slots: dict) -> np.ndarray:
        return _sgd_update(var, grad, slots, lr=self.lr)


class Momentum(Optimizer):
    """TF's ``MomentumOptimizer``: ``accum = momentum * accum + grad; var -= lr * accum``.

    Note TF's form differs from PyTorch's only in where ``lr`` multiplies; with a constant
    ``lr`` the two give the same steps.
    """

    _slot_names = ("accum",)
    _hyper_names = ("lr", "momentum", "nesterov")

    def __init__(self, params: Iterable[Node] | None = None, lr: float = 0.01,
                 momentum: float = 0.9, nesterov: bool = False):
        self.momentum = momentum
        self.nesterov = nesterov
        super().__init__(params, lr)

    def _new_slots(self, var: np.ndarray) -> dict:
        return {"accum": np.zeros_like(var)}

    def _update(self, var: np.ndarray, grad: np.ndarray, slots: dict) -> np.ndarray:
        return _momentum_update(var, grad, slots, lr=self.lr, momentum=self.momentum,
                                nesterov=self.nesterov)


class Adam(Optimizer):
    """TF's ``AdamOptimizer``: bias correction folded into the step size ``lr_t``.

    Note ``epsilon`` is added to ``sqrt(v)`` before the bias correction of ``v`` (TF's
    placement; PyTorch adds it after), which matters only while ``v`` is tiny.
    """

    _slot_names = ("m", "v", "t")
    _hyper_names = ("lr", "beta1", "beta2", "epsilon")

    def __init__(self, params: Iterable[Node] | None = None, lr: float = 0.001,
                 beta1: float = 0.9, beta2: float = 0.999, epsilon: float = 1e-8):
        self.beta1, self.beta2, self.epsilon = beta1, beta2, epsilon
        super().__init__(params, lr)

    def _new_slots(self, var: np.ndarray) -> dict:
        return {"m": np.zeros_like(var), "v": np.zeros_like(var), "t": 0}

    def _update(self, var: np.ndarray, grad: np.ndarray, slots: dict) -> np.ndarray:
        return _adam_update(var, grad, slots, lr=self.lr, beta1=self.beta1, beta2=self.beta2,
                            epsilon=self.epsilon)


# ----- small helpers ---------------------------------------------------------------------------


def _check_params(params: Iterable[Node]) -> list[Node]:
    params = list(params)
    for p in params:
        if not isinstance(p, Node):
            raise DTypeError(f"optimizer parameters must be Variables, Tensors or Values, got "
                             f"{type(p).__name__}; pass model.parameters()")
    return params


def _as_array(var: Node) -> np.ndarray:
    """The variable's data as an array: Values become float64 0-d arrays."""
    return np.asarray(var.data, dtype=np.float64) if isinstance(var, Value) else var.data


def _copy_slots(slots: dict) -> dict:
    return {k: (v if k == "t" else np.array(v, copy=True)) for k, v in slots.items()}


def _label(var: Node) -> str:
    return f"variable '{var.name}'" if var.name else f"a {type(var).__name__}"


__all__ = ["Optimizer", "SGD", "Momentum", "Adam"]
__dir__ = public_dir(globals())
