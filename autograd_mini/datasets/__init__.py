"""Small datasets for the demos; each loader is a submodule, such as ``datasets.mnist``
(``datasets.input_data`` serves MNIST as TensorFlow 1's tutorials did)."""

from __future__ import annotations

import importlib
from types import ModuleType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from . import input_data, iris, mnist

__all__ = ["input_data", "iris", "mnist"]


def __getattr__(name: str) -> ModuleType:
    # Lazy: ``import autograd_mini.datasets`` stays cheap until a loader is used.
    if name in __all__:
        return importlib.import_module(f".{name}", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
