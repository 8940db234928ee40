"""``tf.GradientTape``: the engine's ``Tape``, handing back gradients as EagerTensors."""

from __future__ import annotations

from typing import Any

from ...tape import Tape
from .tensor import as_eager


class GradientTape(Tape):
    """The engine's ``Tape`` (TF2's GradientTape semantics, see its docstring); gradients
    come back as EagerTensors, so they print and compute as TF2's do."""

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = "none") -> Any:
        return as_eager(super().gradient(target, sources, output_gradients,
                                         unconnected_gradients))

    def jacobian(self, target: Any, sources: Any, unconnected_gradients: str = "none") -> Any:
        return as_eager(super().jacobian(target, sources, unconnected_gradients))
