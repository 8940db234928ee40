"""``tf.keras.optimizers.SGD`` and ``Adam`` with Keras 3's update rules (not TF1's).

Keras counts ``iterations`` once per ``apply_gradients`` call (not per variable) and
writes its moment updates as ``m += (g - m) * (1 - beta_1)``; its Adam adds ``epsilon``
(1e-7, TF1 used 1e-8) to ``sqrt(v)`` and folds both bias corrections into the step size::

    alpha = lr * sqrt(1 - beta_2**t) / (1 - beta_1**t)
    var  -= m * alpha / (sqrt(v) + epsilon)

SGD with ``momentum`` keeps ``m = momentum * m - lr * g`` and adds it (``nesterov``:
``var += momentum * m - lr * g``). Slots and the write-back come from ``optim.Optimizer``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from .... import optim
from ...._namespace import public_dir
from ....errors import DTypeError
from ....graph import Node
from ...missing import missing

__all__ = ["SGD", "Adam", "get"]


class _KerasOptimizer(optim.Optimizer):
    """Keras's bookkeeping on the engine's optimizer: ``learning_rate``, ``iterations``."""

    def __init__(self, learning_rate: float, kwargs: dict):
        if "lr" in kwargs:  # Keras 2's name (the course's SGD(lr=0.1)); Keras 3 refuses it
            learning_rate = kwargs.pop("lr")
        if kwargs:
            raise DTypeError(f"{type(self).__name__}: unknown argument(s) "
                             f"{', '.join(sorted(kwargs))}")
        super().__init__(None, float(learning_rate))
        self.iterations = 0

    @property
    def learning_rate(self) -> float:
        return self.lr

    @learning_rate.setter
    def learning_rate(self, value: float) -> None:
        self.lr = float(value)

    def apply_gradients(self, grads_and_vars: Iterable[tuple[Any, Node]]) -> int:
        """One update of each variable from its gradient (None skips it); returns the
        new ``iterations`` count."""
        pairs = list(grads_and_vars)
        self.iterations += 1
        super().apply_gradients(pairs)
        return self.iterations


class SGD(_KerasOptimizer):
    """``tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.0, nesterov=False)``."""

    _slot_names = ("m",)
    _hyper_names = ("lr", "momentum", "nesterov")

    def __init__(self, learning_rate: float = 0.01, momentum: float = 0.0,
                 nesterov: bool = False, name: str = "SGD", **kwargs: Any):
        self.momentum, self.nesterov = float(momentum), bool(nesterov)
        self._slot_names = ("m",) if self.momentum else ()
        super().__init__(learning_rate, kwargs)

    def _new_slots(self, var: np.ndarray) -> dict:
        return {"m": np.zeros_like(var)} if self.momentum else {}

    def _update(self, var: np.ndarray, grad: np.ndarray, slots: dict) -> np.ndarray:
        f = var.dtype.type
        lr = f(self.lr)
        if not self.momentum:
            return var - lr * grad
        momentum = f(self.momentum)
        m = momentum * slots["m"] - lr * grad
        slots["m"] = m
        return var + (momentum * m - lr * grad if self.nesterov else m)


class Adam(_KerasOptimizer):
    """``tf.keras.optimizers.Adam(learning_rate=0.001, beta_1=0.9, beta_2=0.999,
    epsilon=1e-7)``, without amsgrad."""

    _slot_names = ("m", "v")
    _hyper_names = ("lr", "beta_1", "beta_2", "epsilon")

    def __init__(self, learning_rate: float = 0.001, beta_1: float = 0.9,
                 beta_2: float = 0.999, epsilon: float = 1e-7, amsgrad: bool = False,
                 name: str = "adam", **kwargs: Any):
        if amsgrad:
            raise NotImplementedError("Adam(amsgrad=True) is not in autograd_mini's TF layer")
        self.beta_1, self.beta_2, self.epsilon = beta_1, beta_2, epsilon
        super().__init__(learning_rate, kwargs)

    def _new_slots(self, var: np.ndarray) -> dict:
        return {"m": np.zeros_like(var), "v": np.zeros_like(var)}

    def _update(self, var: np.ndarray, grad: np.ndarray, slots: dict) -> np.ndarray:
        f = var.dtype.type
        one, beta_1, beta_2 = f(1), f(self.beta_1), f(self.beta_2)
        t = f(self.iterations)
        alpha = f(self.lr) * np.sqrt(one - beta_2 ** t) / (one - beta_1 ** t)
        # Keras takes 1 - beta in Python (double) before rounding: 0.1, not 1 - 0.9f
        m = slots["m"] + (grad - slots["m"]) * f(1 - self.beta_1)
        v = slots["v"] + (np.square(grad) - slots["v"]) * f(1 - self.beta_2)
        slots.update(m=m, v=v)
        return var - (m * alpha) / (np.sqrt(v) + f(self.epsilon))


def get(identifier: Any) -> _KerasOptimizer:
    """An optimizer with Keras's defaults for ``'sgd'``/``'adam'``, else the one given."""
    if isinstance(identifier, str) and identifier.lower() in ("sgd", "adam"):
        return SGD() if identifier.lower() == "sgd" else Adam()
    if not isinstance(identifier, _KerasOptimizer):
        raise DTypeError(f"optimizer must be 'sgd', 'adam' or a tf.keras.optimizers object, "
                         f"got {identifier!r}")
    return identifier


__getattr__ = missing("tf.keras.optimizers")
__dir__ = public_dir(globals())
