"""``tf.keras`` of TF2 (Keras 3): the layers, models, training loop (``compile``, ``fit``,
``evaluate``, ``predict``), callbacks and datasets of the course's Keras chapters, and the
``losses`` and ``optimizers`` (``SGD``, ``Adam`` with ``apply_gradients``) its
GradientTape chapters use."""

from __future__ import annotations

from ...._namespace import public_dir
from ...missing import missing
from . import (
    activations,
    backend,
    callbacks,
    datasets,
    initializers,
    layers,
    losses,
    metrics,
    models,
    optimizers,
    regularizers,
)
from .models import Model, Sequential

__all__ = ["activations", "backend", "callbacks", "datasets", "initializers", "layers",
           "losses", "metrics", "models", "optimizers", "regularizers", "Model", "Sequential"]

__getattr__ = missing("tf.keras")
__dir__ = public_dir(globals())
