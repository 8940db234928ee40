"""Pickles of numpy arrays, loaded without letting the pickle call anything else.

:class:`NumpyUnpickler` rebuilds arrays and refuses every other global, so a file from a
package or a download cannot run code.
"""

from __future__ import annotations

import functools
import gzip
import os
import pickle
from typing import IO, Any

import numpy as np

__all__ = ["NumpyUnpickler", "load_pickle"]


@functools.cache
def _allowed_globals() -> dict[str, Any]:
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct
    return {
        "numpy.core.multiarray._reconstruct": _reconstruct,
        "numpy._core.multiarray._reconstruct": _reconstruct,
        "numpy.ndarray": np.ndarray,
        "numpy.dtype": np.dtype,
    }


class NumpyUnpickler(pickle.Unpickler):
    """An unpickler that rebuilds plain numpy arrays and refuses every other global.

    Only ``numpy.ndarray``, ``numpy.dtype`` and numpy's ``_reconstruct`` can be looked up,
    so a pickle cannot call ``os.system`` or ``eval``. The encoding defaults to ``latin1``,
    which Python 2 numpy pickles need. Python 3 pickles must use protocol 3 or 4: protocol 2
    stores bytes through ``_codecs.encode`` and numpy pickles arrays at protocol 5 through
    ``_frombuffer``, and both are refused.
    """

    def __init__(self, file: IO[bytes], *, encoding: str = "latin1", **kwargs: Any) -> None:
        super().__init__(file, encoding=encoding, **kwargs)

    def find_class(self, module: str, name: str) -> Any:
        qualified = f"{module}.{name}"
        allowed = _allowed_globals()
        if qualified not in allowed:
            raise pickle.UnpicklingError(
                f"refused to unpickle global {qualified!r}: only numpy arrays are allowed "
                f"({', '.join(sorted(allowed))})"
            )
        return allowed[qualified]


def load_pickle(path: str | os.PathLike[str]) -> Any:
    """Load a pickle of numpy arrays (gzip-compressed or not) with :class:`NumpyUnpickler`."""
    with open(path, "rb") as file:
        compressed = file.read(2) == b"\x1f\x8b"
        file.seek(0)
        if compressed:
            with gzip.GzipFile(fileobj=file, mode="rb") as unzipped:
                return NumpyUnpickler(unzipped).load()
        return NumpyUnpickler(file).load()
