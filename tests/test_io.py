"""Files are written whole or not at all (autograd_mini._io)."""

import os
import stat

import pytest

from autograd_mini import _io


def test_write_replaces_whole(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    _io.write_text(path, "new")
    assert path.read_text() == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.txt"]


def test_failed_writer_keeps_old_file_and_leaves_no_temp(tmp_path):
    path = tmp_path / "model.npz"
    path.write_bytes(b"good checkpoint")
    with pytest.raises(KeyboardInterrupt):
        with _io.atomic_open(path, "wb") as f:
            f.write(b"half")
            raise KeyboardInterrupt
    assert path.read_bytes() == b"good checkpoint"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["model.npz"]


def test_temp_keeps_suffix_and_new_file_gets_umask_mode(tmp_path):
    path = tmp_path / "pic.png"
    with _io.atomic_path(path) as tmp:
        assert tmp.suffix == ".png" and tmp.parent == tmp_path
        tmp.write_bytes(b"x")
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(path.stat().st_mode) == 0o666 & ~umask


def test_existing_mode_is_kept(tmp_path):
    path = tmp_path / "a.txt"
    path.write_text("old")
    path.chmod(0o640)
    _io.write_text(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o640


def test_append_mode_is_refused(tmp_path):
    with pytest.raises(ValueError, match="atomic_open"):
        with _io.atomic_open(tmp_path / "a", "ab"):
            pass
