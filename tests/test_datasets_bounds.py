"""Untrusted data is bounded: crafted files are refused before anything large is allocated,
and a download that is truncated or never ends is rejected."""

from __future__ import annotations

import gzip
import io
import os
import pickle
import time
import tracemalloc
import zlib

import numpy as np
import pytest

from autograd_mini.datasets import download, limits
from autograd_mini.datasets.idx import IDXFormatError, read_idx
from autograd_mini.datasets.pickles import load_pickle

try:
    from numpy._core.multiarray import _reconstruct
except ImportError:  # numpy < 2
    from numpy.core.multiarray import _reconstruct


def _peak_bytes(fn) -> int:
    tracemalloc.start()
    try:
        with pytest.raises((limits.DataTooLargeError, pickle.UnpicklingError)) as info:
            fn()
        return tracemalloc.get_traced_memory()[1], info.value
    finally:
        tracemalloc.stop()


class _Reduce:
    def __init__(self, fn, args):
        self.fn, self.args = fn, args

    def __reduce__(self):
        return self.fn, self.args


# a 100-byte pickle that announces a 1.4 GB bytes object (protocol 4's BINBYTES8)
HUGE_BYTES = b"\x80\x04\x8e" + (1_400_000_000).to_bytes(8, "little") + b"x" * 16


@pytest.mark.parametrize("payload", [
    HUGE_BYTES,
    pickle.dumps(_Reduce(_reconstruct, (np.ndarray, (1_400_000_000,), b"b")), protocol=3),
    pickle.dumps(_Reduce(np.ndarray, ((1_400_000_000,), np.uint8)), protocol=3),
], ids=["declared-bytes", "reconstruct-shape", "call-ndarray"])
@pytest.mark.parametrize("compress", [False, True])
def test_small_pickle_cannot_allocate_gigabytes(tmp_path, payload, compress):
    path = tmp_path / "evil.pkl"
    path.write_bytes(gzip.compress(payload) if compress else payload)
    assert path.stat().st_size < 200
    peak, error = _peak_bytes(lambda: load_pickle(path))
    assert peak < 20 * 2**20, f"{peak} bytes allocated"
    assert "refused" in str(error)


def test_real_numpy_pickles_still_load(tmp_path):
    arrays = (np.arange(12, dtype=np.uint8).reshape(3, 4), np.array([1.5, -2.0]))
    path = tmp_path / "ok.pkl.gz"
    path.write_bytes(gzip.compress(pickle.dumps(arrays, protocol=3)))
    loaded = load_pickle(path)
    for a, b in zip(arrays, loaded):
        np.testing.assert_array_equal(a, b)


def test_pickle_over_the_cap_is_refused(tmp_path):
    path = tmp_path / "big.pkl"
    path.write_bytes(pickle.dumps(np.zeros(10_000, np.uint8), protocol=3))
    with pytest.raises(limits.DataTooLargeError, match="max_bytes"):
        load_pickle(path, max_bytes=5_000)
    assert load_pickle(path, max_bytes=20_000).shape == (10_000,)


def _idx_header(shape: tuple[int, ...]) -> bytes:
    return b"\0\0\x08" + bytes([len(shape)]) + b"".join(n.to_bytes(4, "big") for n in shape)


def test_gzip_bomb_is_refused_at_the_cap(tmp_path):
    # 8 MB of zeros in a 8 KB .gz, read with a 1 MB cap
    squeeze = zlib.compressobj(9, wbits=16 + zlib.MAX_WBITS)
    chunks = [squeeze.compress(_idx_header((8, 1000, 1000)))]
    chunks += [squeeze.compress(bytes(2**20)) for _ in range(8)]
    path = tmp_path / "bomb-idx3-ubyte.gz"
    path.write_bytes(b"".join(chunks) + squeeze.flush())
    assert path.stat().st_size < 20_000
    peak, error = _peak_bytes(lambda: read_idx(path, max_bytes=2**20))
    assert peak < 4 * 2**20
    assert "decompressed" in str(error)


def test_declared_shape_over_the_cap_is_refused_by_its_header(tmp_path):
    path = tmp_path / "x-idx3-ubyte"
    path.write_bytes(_idx_header((1000, 1000)) + bytes(100))
    with pytest.raises(IDXFormatError, match="truncated"):
        read_idx(path)
    with pytest.raises(limits.DataTooLargeError, match=r"shape \(1000, 1000\)"):
        read_idx(path, max_bytes=10_000)


def test_file_over_the_cap_is_not_read_whole():
    with pytest.raises(limits.DataTooLargeError, match="the file is"):
        read_idx(io.BytesIO(_idx_header((5000,)) + bytes(5000)), max_bytes=1000)


# ----- the download -------------------------------------------------------------------------


class FakeResponse:
    def __init__(self, body: bytes, length: int | None, pause: float = 0.0):
        self.stream = io.BytesIO(body)
        self.headers = {} if length is None else {"Content-Length": str(length)}
        self.pause = pause

    def read(self, n: int) -> bytes:
        time.sleep(self.pause)
        return self.stream.read(min(n, 1000))

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False


def _fetch_with(monkeypatch, tmp_path, response, **kwargs):
    monkeypatch.setattr(download.urllib.request, "urlopen", lambda url, timeout: response)
    target = tmp_path / "file.gz"
    try:
        download._fetch("http://127.0.0.1/file.gz", target, None, 1.0, **kwargs)
    finally:
        assert [p.name for p in tmp_path.iterdir()] in ([], ["file.gz"])  # no .part left
    return target


def test_truncated_body_is_rejected_without_a_checksum(monkeypatch, tmp_path):
    with pytest.raises(download._RejectedFile, match="5000 bytes received of the 9000"):
        _fetch_with(monkeypatch, tmp_path, FakeResponse(bytes(5000), 9000))
    assert not (tmp_path / "file.gz").exists()
    assert _fetch_with(monkeypatch, tmp_path, FakeResponse(bytes(5000), 5000)).stat().st_size \
        == 5000


def test_a_downloaded_file_gets_the_permissions_open_would_give(monkeypatch, tmp_path):
    umask = os.umask(0o022)
    try:
        target = _fetch_with(monkeypatch, tmp_path, FakeResponse(bytes(10), 10))
    finally:
        os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o644  # not a temporary file's 0o600


def test_a_trickling_download_hits_the_overall_deadline(monkeypatch, tmp_path):
    slow = FakeResponse(bytes(100_000), 100_000, pause=0.01)  # 100 reads of 10 ms each
    start = time.monotonic()
    with pytest.raises(download._RejectedFile, match="not complete after 0.1 s"):
        _fetch_with(monkeypatch, tmp_path, slow, deadline=0.1)
    assert time.monotonic() - start < 0.9
