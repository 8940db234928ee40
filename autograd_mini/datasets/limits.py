"""How much untrusted data a dataset reader will take: a cap, checked before allocating.

A small crafted file must not make a reader allocate gigabytes: an IDX header may declare
any shape, a gzip stream may inflate a thousandfold, a pickle may announce a 2 GB string
or ask for an empty array of any shape. Every reader here reads through these helpers,
which stop at ``MAX_BYTES`` (256 MiB; all of MNIST is 55 MB) unless told otherwise, and
allocate only as much as the data really holds.
"""

from __future__ import annotations

import io
import zlib
from typing import IO

__all__ = ["MAX_BYTES", "DataTooLargeError", "BoundedReader", "gunzip", "read_all"]

MAX_BYTES = 256 * 2**20
_CHUNK = 1 << 20


class DataTooLargeError(ValueError):
    """Data declares or inflates to more bytes than the reader's cap allows."""


def _too_large(name: str, limit: int, what: str = "data") -> DataTooLargeError:
    return DataTooLargeError(
        f"{name}: {what} larger than the cap of {limit} bytes, refused "
        f"(autograd_mini.datasets.limits.MAX_BYTES; pass max_bytes= to allow more)")


def read_all(file: IO[bytes], name: str, limit: int = MAX_BYTES) -> bytes:
    """All of ``file``, refused with ``DataTooLargeError`` past ``limit`` bytes."""
    data = file.read(limit + 1)
    if len(data) > limit:
        raise _too_large(name, limit, "the file is")
    return data


def gunzip(raw: bytes, name: str, limit: int = MAX_BYTES) -> bytes:
    """Decompress gzip ``raw``, refusing output past ``limit`` bytes (a gzip bomb)."""
    inflate = zlib.decompressobj(wbits=16 + zlib.MAX_WBITS)
    out = inflate.decompress(raw, limit + 1)
    if len(out) > limit or inflate.unconsumed_tail:
        raise _too_large(name, limit, "the decompressed data is")
    if not inflate.eof:
        raise EOFError(f"{name}: the gzip stream ends early (truncated file)")
    return out


class BoundedReader(io.RawIOBase):
    """A read-only view of ``file`` that hands out at most ``limit`` bytes in all, and
    allocates a large read only as it arrives, never by the size a reader asks for."""

    def __init__(self, file: IO[bytes], name: str, limit: int = MAX_BYTES):
        self._file, self._name, self._left = file, name, limit
        self._limit = limit

    def readable(self) -> bool:
        return True

    def read(self, n: int | None = -1) -> bytes:
        want = self._left + 1 if n is None or n < 0 else n
        if want > self._left:
            if n is not None and n >= 0:  # a declared size beyond the cap
                raise _too_large(self._name, self._limit, f"a declared {n}-byte item is")
        parts, got = [], 0
        while got < want:
            part = self._file.read(min(_CHUNK, want - got))
            if not part:
                break
            parts.append(part)
            got += len(part)
        if got > self._left:
            raise _too_large(self._name, self._limit)
        self._left -= got
        return b"".join(parts)

    def readinto(self, buffer: memoryview) -> int:  # type: ignore[override]
        data = self.read(len(buffer))
        buffer[: len(data)] = data
        return len(data)

    def readline(self, size: int | None = -1) -> bytes:
        line = self._file.readline(min(self._left + 1, size if size and size > 0 else _CHUNK))
        if len(line) > self._left:
            raise _too_large(self._name, self._limit)
        self._left -= len(line)
        return line
