"""IDX, the file format of MNIST: a magic number, the dimensions, then the raw numbers.

:func:`read_idx` reads one file, gzip-compressed or not, and checks it on the way.
"""

from __future__ import annotations

import math
import os
import zlib
from typing import IO

import numpy as np

from .limits import MAX_BYTES, DataTooLargeError, gunzip, read_all

__all__ = ["IDXFormatError", "read_idx"]


class IDXFormatError(ValueError):
    """The data is not a valid IDX file: bad magic number, dimensions or size."""


_IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(np.uint8),
    0x09: np.dtype(np.int8),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}


def read_idx(source: str | os.PathLike[str] | IO[bytes], max_bytes: int = MAX_BYTES
             ) -> np.ndarray:
    """Read an IDX file, gzip-compressed or raw, into a new native-endian array.

    ``source`` is a path or a binary file object. Raises :class:`IDXFormatError` when the
    magic number, the dimensions or the amount of data are wrong, and
    :class:`~autograd_mini.datasets.limits.DataTooLargeError` when the file, its
    decompressed data or its declared shape is over ``max_bytes``.
    """
    if isinstance(source, (str, os.PathLike)):
        name = os.fspath(source)
        with open(source, "rb") as file:
            raw = read_all(file, name, max_bytes)
    else:
        name = str(getattr(source, "name", "<file object>"))
        raw = read_all(source, name, max_bytes)
    if raw[:2] == b"\x1f\x8b":
        try:
            raw = gunzip(raw, name, max_bytes)
        except (EOFError, zlib.error) as exc:
            raise IDXFormatError(f"{name}: broken gzip data ({exc})") from exc
    return _parse_idx(raw, name, max_bytes)


def _parse_idx(raw: bytes, name: str, max_bytes: int = MAX_BYTES) -> np.ndarray:
    if len(raw) < 4:
        raise IDXFormatError(f"{name}: {len(raw)} bytes is too short for an IDX header")
    code, ndim = raw[2], raw[3]
    if raw[:2] != b"\0\0":
        magic = int.from_bytes(raw[:4], "big")
        raise IDXFormatError(
            f"{name}: bad magic number 0x{magic:08X}; an IDX file starts with two zero bytes, "
            "a type code and the number of dimensions"
        )
    if code not in _IDX_DTYPES:
        known = " ".join(f"0x{c:02X}" for c in _IDX_DTYPES)
        raise IDXFormatError(f"{name}: unknown IDX type code 0x{code:02X} (known: {known})")
    if ndim == 0:
        raise IDXFormatError(f"{name}: the IDX header declares 0 dimensions")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise IDXFormatError(
            f"{name}: truncated header: {ndim} dimensions need {header} bytes, "
            f"the file has {len(raw)}"
        )
    shape = tuple(int.from_bytes(raw[4 + 4 * i : 8 + 4 * i], "big") for i in range(ndim))
    dtype = _IDX_DTYPES[code]
    count = math.prod(shape)
    expected, actual = count * dtype.itemsize, len(raw) - header
    if expected > max_bytes:
        raise DataTooLargeError(
            f"{name}: the header declares shape {shape} of {dtype.name}, {expected} bytes, "
            f"over the cap of {max_bytes} (pass max_bytes= to allow more)")
    if actual < expected:
        raise IDXFormatError(
            f"{name}: truncated: shape {shape} of {dtype.name} needs {expected} data bytes, "
            f"only {actual} present"
        )
    if actual > expected:
        raise IDXFormatError(
            f"{name}: {actual - expected} unexpected bytes after the {expected} data bytes "
            f"of shape {shape}"
        )
    data = np.frombuffer(raw, dtype=dtype, count=count, offset=header)
    return data.reshape(shape).astype(dtype.newbyteorder("="))
