"""Fetch named files from a list of mirrors into a folder, each checked before it is kept.

A file is accepted only whole: within a size cap and an overall deadline, as long as its
``Content-Length`` says, and with the expected MD5 when one is given. It is written to a
temporary file beside its target and renamed into place (``autograd_mini._io``), so a
failed or interrupted download leaves nothing behind. Used by ``datasets.mnist``.
"""

from __future__ import annotations

import contextlib
import hashlib
import http.client
import logging
import time
import urllib.error
import urllib.request
from collections.abc import Mapping, Sequence
from pathlib import Path

from .._io import atomic_open

__all__ = ["DEFAULT_DEADLINE", "DEFAULT_TIMEOUT", "DownloadError", "download_files"]

log = logging.getLogger(__name__)

#: Seconds a network connect or read may block before a mirror counts as failed.
DEFAULT_TIMEOUT = 10.0
#: Seconds one file's whole download may take, however steadily a slow mirror trickles.
DEFAULT_DEADLINE = 120.0

_MAX_DOWNLOAD_BYTES = 64 * 2**20  # the largest MNIST file is under 10 MB


class DownloadError(OSError):
    """A file could not be fetched, with a matching checksum, from any mirror."""


class _RejectedFile(Exception):
    """A mirror sent a file that fails the checksum or size check."""


def download_files(
    folder: Path,
    names: Sequence[str],
    *,
    mirrors: Sequence[str],
    checksums: Mapping[str, str] | None,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Fetch each of ``names`` from ``mirrors`` into ``folder`` (created if need be).

    For each file the mirrors are tried in order (``mirror + name``); a file whose MD5
    differs from ``checksums[name]`` is deleted and the next mirror is tried, and a mirror
    that cannot be reached is skipped for the remaining files. Files already present with
    the right checksum are kept. Files missing from ``checksums`` (all of them if it is
    ``None``) are not verified. Raises :class:`DownloadError` when some file cannot be
    fetched, after removing ``folder`` if this call created it and it is empty.
    """
    if not mirrors:
        raise DownloadError("no mirrors to download from")
    created = not folder.exists()
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DownloadError(f"cannot create the cache folder {folder}: {exc}") from exc
    try:
        unreachable: set[str] = set()
        for name in names:
            expected = None if checksums is None else checksums.get(name)
            _fetch_from_mirrors(name, folder / name, expected, mirrors, unreachable, timeout)
    except DownloadError:
        if created:  # leave no empty folder behind
            with contextlib.suppress(OSError):
                folder.rmdir()
        raise
    return folder


def _fetch_from_mirrors(name: str, target: Path, expected: str | None,
                        mirrors: Sequence[str], unreachable: set[str], timeout: float) -> None:
    """Keep ``target`` if it checks out, else fetch it from the first mirror that works."""
    if target.is_file() and (expected is None or _md5(target) == expected.lower()):
        return
    errors = []
    for base in mirrors:
        url = base.rstrip("/") + "/" + name
        if base in unreachable:
            errors.append(f"{url}: skipped, the mirror was unreachable")
            continue
        try:
            _fetch(url, target, expected, timeout)
        except _RejectedFile as exc:
            errors.append(str(exc))
        except urllib.error.HTTPError as exc:
            errors.append(f"{url}: HTTP {exc.code} {exc.reason}")
        except (urllib.error.URLError, OSError, http.client.HTTPException, ValueError) as exc:
            unreachable.add(base)
            errors.append(f"{url}: {getattr(exc, 'reason', exc)}")
        else:
            log.info("downloaded %s to %s", url, target)
            return
    raise DownloadError(f"could not download {name}:\n    " + "\n    ".join(errors))


def _md5(path: Path) -> str:
    digest = hashlib.md5(usedforsecurity=False)
    with open(path, "rb") as file:
        for block in iter(lambda: file.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _fetch(url: str, target: Path, md5: str | None, timeout: float,
           deadline: float = DEFAULT_DEADLINE) -> None:
    """Download ``url`` to ``target`` atomically, or raise ``_RejectedFile`` and keep nothing.

    Rejected: a body over ``_MAX_DOWNLOAD_BYTES``, one that takes longer than ``deadline``
    seconds in all, one shorter than its ``Content-Length`` (checked with or without a
    checksum) and one whose MD5 is not ``md5``."""
    stop = time.monotonic() + deadline
    digest = hashlib.md5(usedforsecurity=False)
    size = 0
    with atomic_open(target, "wb") as out, \
            urllib.request.urlopen(url, timeout=timeout) as response:
        declared = response.headers.get("Content-Length")
        try:
            while chunk := response.read(1 << 16):
                size += len(chunk)
                if size > _MAX_DOWNLOAD_BYTES:
                    raise _RejectedFile(f"{url}: larger than {_MAX_DOWNLOAD_BYTES} bytes, rejected")
                if time.monotonic() > stop:
                    raise _RejectedFile(f"{url}: not complete after {deadline:g} s "
                                        f"({size} bytes), rejected")
                digest.update(chunk)
                out.write(chunk)
        except http.client.IncompleteRead as exc:
            raise _RejectedFile(f"{url}: the body ended early ({exc}), rejected") from exc
        if declared is not None and declared.isdigit() and size != int(declared):
            raise _RejectedFile(f"{url}: {size} bytes received of the {declared} its "
                                "Content-Length declares (truncated), rejected")
        got = digest.hexdigest()
        if md5 is not None and got != md5.lower():
            raise _RejectedFile(f"{url}: checksum mismatch (md5 {got}, expected {md5}), rejected")
