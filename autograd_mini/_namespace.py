"""``public_dir``: a module's ``__dir__`` that lists its API, not the names its code imports."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def public_dir(namespace: dict[str, Any]) -> Callable[[], list[str]]:
    """The ``__dir__`` of the module whose globals are ``namespace``: its ``__all__`` (lazy
    submodules included) and its private names, so ``dir()`` and tab completion offer the
    API and not ``annotations``, ``np`` or ``Any``. Each package ends with::

        __dir__ = public_dir(globals())
    """

    def __dir__() -> list[str]:
        return sorted({*namespace["__all__"], *(n for n in namespace if n.startswith("_"))})

    return __dir__
