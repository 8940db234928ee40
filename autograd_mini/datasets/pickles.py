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

from .limits import MAX_BYTES, BoundedReader

__all__ = ["NumpyUnpickler", "load_pickle"]


@functools.cache
def _allowed_globals() -> dict[str, Any]:
    try:
        from numpy._core.multiarray import _reconstruct
    except ImportError:  # numpy < 2
        from numpy.core.multiarray import _reconstruct

    def reconstruct(subtype: Any, shape: Any, dtype: Any) -> np.ndarray:
        """numpy's ``_reconstruct``, for ``ndarray`` only and never for a large array:
        a pickle may ask for any shape before it supplies the data."""
        if subtype is not _NDARRAY:
            raise pickle.UnpicklingError("refused: only plain numpy arrays can be rebuilt")
        size = int(np.prod(shape, dtype=np.int64)) * np.dtype(dtype).itemsize
        if size > _RECONSTRUCT_BYTES:
            raise pickle.UnpicklingError(
                f"refused: a pickle asked for an empty {shape} array ({size} bytes) before "
                "its data (numpy's own pickles start from shape (0,))")
        return _reconstruct(np.ndarray, shape, dtype)

    return {
        "numpy.core.multiarray._reconstruct": reconstruct,
        "numpy._core.multiarray._reconstruct": reconstruct,
        "numpy.ndarray": _NDARRAY,
        "numpy.dtype": np.dtype,
    }


class _NDArrayName:
    """What the name ``numpy.ndarray`` means inside a pickle: the subtype argument of
    ``_reconstruct``, never a callable (``ndarray((10**9,))`` would allocate)."""

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        raise pickle.UnpicklingError("refused: a pickle may not call numpy.ndarray")


_NDARRAY = _NDArrayName()
_RECONSTRUCT_BYTES = 1 << 16


# The pure-Python unpickler, not the C one: the C one allocates an item as large as the
# pickle declares before reading it, so a 100-byte file could ask for gigabytes; this one
# asks the (bounded) file for the bytes first. The cost is nil for a few large arrays.
class NumpyUnpickler(pickle._Unpickler):
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


def load_pickle(path: str | os.PathLike[str], max_bytes: int = MAX_BYTES) -> Any:
    """Load a pickle of numpy arrays (gzip-compressed or not) with :class:`NumpyUnpickler`.

    At most ``max_bytes`` of (decompressed) pickle are read, and a declared item larger
    than what is left is refused before anything is allocated for it
    (:class:`~autograd_mini.datasets.limits.DataTooLargeError`).
    """
    name = os.fspath(path)
    with open(path, "rb") as file:
        compressed = file.read(2) == b"\x1f\x8b"
        file.seek(0)
        if compressed:
            with gzip.GzipFile(fileobj=file, mode="rb") as unzipped:
                return NumpyUnpickler(BoundedReader(unzipped, name, max_bytes)).load()
        return NumpyUnpickler(BoundedReader(file, name, max_bytes)).load()
