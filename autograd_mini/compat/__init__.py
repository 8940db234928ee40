"""Run programs written for other frameworks' APIs on autograd_mini's engine.

``compat.v1`` is TensorFlow 1.x's define-then-run style: build a graph of placeholders,
variables and ops, then evaluate it with ``Session.run``. Nothing here adds gradient
formulas: every op and update rule comes from ``autograd_mini.ops`` and ``optim``.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["v1"]


def __getattr__(name: str) -> Any:
    """Import ``v1`` on first use."""
    if name in __all__:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
