"""Files written whole or not at all.

Every file autograd_mini writes (checkpoints, drawings, pages, pictures) goes through
``atomic_path``: the writer fills a temporary file in the destination's own folder, and
only a writer that finished has it renamed over the destination (``os.replace`` is atomic
on one file system). A full disk, an exception or Ctrl-C leaves the old file as it was and
no half-written one beside it.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any


def _mode_for(target: Path) -> int:
    """The permissions ``open()`` would give: the old file's, else 0o666 less the umask."""
    try:
        return target.stat().st_mode & 0o7777
    except FileNotFoundError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


@contextmanager
def atomic_path(path: str | os.PathLike) -> Iterator[Path]:
    """Yield a temporary path beside ``path``; on success rename it onto ``path``.

    The temporary name keeps ``path``'s suffix, so tools that choose a format by suffix
    (Pillow, Graphviz) write the right one. On any exception the temporary file is removed
    and ``path`` is untouched.
    """
    target = Path(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent if str(target.parent) else ".",
                               prefix=f".{target.name}.", suffix=f".tmp{target.suffix}")
    os.close(fd)
    try:
        yield Path(tmp)
        os.chmod(tmp, _mode_for(target))
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except FileNotFoundError:
            pass
        raise


@contextmanager
def atomic_open(path: str | os.PathLike, mode: str = "wb", **kwargs: Any) -> Iterator[IO]:
    """``open(path, mode)`` for writing, made atomic by ``atomic_path``; flushed and fsynced."""
    if not any(c in mode for c in "wxa") or "a" in mode or "+" in mode:
        raise ValueError(f"atomic_open writes a new file; mode {mode!r} is not 'w'/'wb'")
    with atomic_path(path) as tmp, open(tmp, mode.replace("x", "w"), **kwargs) as file:
        yield file
        file.flush()
        os.fsync(file.fileno())


def write_text(path: str | os.PathLike, text: str, encoding: str = "utf-8") -> Path:
    """Write ``text`` to ``path`` atomically; returns the path."""
    with atomic_open(path, "w", encoding=encoding) as file:
        file.write(text)
    return Path(path)


def write_bytes(path: str | os.PathLike, data: bytes) -> Path:
    """Write ``data`` to ``path`` atomically; returns the path."""
    with atomic_open(path, "wb") as file:
        file.write(data)
    return Path(path)
