"""Gradient checks users can run on their own functions and ops.

``gradcheck`` and ``gradgradcheck`` compare gradients with central differences,
``check_backward`` checks a hand-written numpy backward pass against the engine, and
``strategies`` holds hypothesis strategies (imported on first use: hypothesis is a test
dependency, not a runtime one).
"""

from __future__ import annotations

import importlib
from typing import Any

from .._namespace import public_dir
from .backward import check_backward
from .gradcheck import GradcheckError, Mismatch, gradcheck, gradgradcheck

__all__ = ["gradcheck", "gradgradcheck", "check_backward", "GradcheckError", "Mismatch",
           "strategies"]


def __getattr__(name: str) -> Any:
    if name == "strategies":
        return importlib.import_module(f"{__name__}.strategies")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__dir__ = public_dir(globals())
