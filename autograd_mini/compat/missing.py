"""One clear error for a TensorFlow name the compat layer does not have.

Each compat namespace (``tf``, ``tf.nn``, ``tf.train``, ...) ends with::

    __getattr__ = missing("tf.nn")

so ``tf.nn.conv3d`` raises ``NotInCompatError`` ("tf.nn.conv3d: autograd_mini's TF layer
does not have it yet") instead of a bare ``AttributeError`` from a module. It subclasses
``AttributeError``, so ``hasattr`` and ``getattr(tf, name, default)`` still work.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import NoReturn

from ..errors import NotInCompatError


def missing(namespace: str) -> Callable[[str], NoReturn]:
    """A module ``__getattr__`` that names ``namespace.name`` as not supported yet."""

    def __getattr__(name: str) -> NoReturn:
        if name.startswith("__") and name.endswith("__"):  # import machinery's probes
            raise AttributeError(f"{namespace} has no attribute {name!r}")
        raise NotInCompatError(
            f"{namespace}.{name}: autograd_mini's TF layer does not have it yet "
            f"(autograd_mini.compat offers what the course's programs use; see the README)")

    return __getattr__
