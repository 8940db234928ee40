"""TF1's learning-rate schedules: ``tf.train.exponential_decay``, a tensor of the global step.

The schedule is a graph tensor that a run computes from the step's value before any
update (as TF1 feeds it to the optimizer), so it can be passed as an optimizer's
``learning_rate`` and fetched like any tensor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from ...errors import DTypeError, OpError
from .graph import SymbolicTensor, _check_element, constant, get_default_graph

if TYPE_CHECKING:
    from .compile import Code
    from .session import _Plan


class _ExponentialDecay(SymbolicTensor):
    """``learning_rate * decay_rate ** (step / decay_steps)``, in float32 as TF1 computes
    it; ``staircase`` floors the exponent. It has no gradient."""

    __slots__ = ("rate", "decay_steps", "decay_rate", "staircase")

    def __init__(self, step: SymbolicTensor, rate: float, decay_steps: float,
                 decay_rate: float, staircase: bool, name: str):
        super().__init__(name, np.float32, (), parents=(step,), op="ExponentialDecay",
                         graph=step.graph)
        self.rate, self.decay_steps = np.float32(rate), np.float32(decay_steps)
        self.decay_rate, self.staircase = np.float32(decay_rate), bool(staircase)

    def _emit(self, plan: _Plan, code: Code) -> None:
        def decayed(step: Any) -> np.ndarray:
            p = np.float32(step) / self.decay_steps
            if self.staircase:
                p = np.floor(p)
            return np.array(self.rate * np.power(self.decay_rate, p), dtype=np.float32)

        step = code.names[self.parents[0]]
        code.line(f"{code.define(self)} = {code.bind(decayed, 'decayed')}({step})")


def exponential_decay(learning_rate: float, global_step: Any, decay_steps: float,
                      decay_rate: float, staircase: bool = False,
                      name: str = "ExponentialDecay") -> SymbolicTensor:
    """The learning rate ``learning_rate * decay_rate ** (global_step / decay_steps)``.

    Args:
        global_step: the step counter, usually ``tf.Variable(0, trainable=False)`` passed
            to ``minimize(..., global_step=)`` too (or a number).
        decay_steps: steps per decay (e.g. examples per epoch / batch size).
        staircase: decay in whole steps of ``decay_steps`` (``floor`` of the exponent).
    Raises:
        OpError: ``global_step`` is None or ``decay_steps`` is not positive.
    """
    if global_step is None:
        raise OpError("exponential_decay: global_step is required (a tf.Variable(0, "
                      "trainable=False) that minimize(..., global_step=) increments)")
    for what, v in (("learning_rate", learning_rate), ("decay_steps", decay_steps),
                    ("decay_rate", decay_rate)):
        if isinstance(v, SymbolicTensor) or not isinstance(v, (int, float, np.number)):
            raise DTypeError(f"exponential_decay: {what} must be a number, got {v!r}")
    if not decay_steps > 0:
        raise OpError(f"exponential_decay: decay_steps must be positive, got {decay_steps}")
    if isinstance(global_step, SymbolicTensor):
        _check_element(global_step, "exponential_decay (global_step)", tensor=True)
    else:
        global_step = constant(global_step, np.float32, graph=get_default_graph())
    return _ExponentialDecay(global_step, learning_rate, decay_steps, decay_rate, staircase,
                             name)
