"""Bad command lines are one-line errors with exit status 2: ``--epochs 0`` and
``--limit 0``, an ``--out`` that cannot be written, a ``graph --out`` whose suffix names
no format; and ``graph --out x.jpg`` writes a JPEG."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from autograd_mini import _io, cli

ROOT = Path(__file__).resolve().parents[1]
needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")


def run(argv: list[str], capsys) -> tuple[int, str, str]:
    """``autograd-mini ARGV`` in this process: exit status, stdout, stderr."""
    try:
        code = cli.main(argv)
    except SystemExit as e:  # argparse's errors
        code = e.code
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(result: tuple[int, str, str], *words: str) -> None:
    code, out, err = result
    assert code == 2, (out, err)
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err, err
    assert all(w in err for w in words), err


# ----- counts -----------------------------------------------------------------------------


@pytest.mark.parametrize("argv", [["demo", "descent", "--epochs", "0"],
                                  ["demo", "xor", "--quick", "--epochs", "0"],
                                  ["demo", "mnist", "--quick", "--epochs", "0"],
                                  ["demo", "mnist", "--quick", "--limit", "0"],
                                  ["graph", "neuron", "--dpi", "0"]])
def test_a_zero_count_is_an_error_not_the_default(argv, capsys):
    result = run(argv, capsys)
    assert_one_line_error(result, argv[-2], "at least 1, got 0")
    assert result[1] == ""  # nothing ran


# ----- --out ------------------------------------------------------------------------------


def test_demo_out_that_is_a_file_is_refused_before_the_demo_runs(tmp_path, capsys):
    (tmp_path / "notes").write_text("mine")
    result = run(["demo", "descent", "--out", str(tmp_path / "notes")], capsys)
    assert_one_line_error(result, "notes is a file, not a folder")
    assert result[1] == ""
    assert (tmp_path / "notes").read_text() == "mine"


@pytest.mark.parametrize("command", [["demo", "all"], ["demo", "xor"], ["graph", "neuron"]])
def test_out_below_a_file_is_refused(tmp_path, capsys, command):
    (tmp_path / "notes").write_text("mine")
    result = run([*command, "--out", str(tmp_path / "notes" / "sub.svg")], capsys)
    assert_one_line_error(result, "notes is a file, so")


@pytest.mark.skipif(os.geteuid() == 0, reason="root may write in any folder")
def test_out_in_a_folder_without_write_permission_is_refused(tmp_path, capsys):
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o555)
    assert_one_line_error(run(["demo", "descent", "--out", str(locked / "pics")], capsys),
                          "permission denied")


def test_graph_out_that_is_a_folder_is_refused(tmp_path, capsys):
    assert_one_line_error(run(["graph", "neuron", "--out", str(tmp_path)], capsys),
                          "is a folder; give a file name")


@pytest.mark.parametrize("argv", [["demo", "descent"],
                                  ["graph", "neuron", "--format", "dot", "--out", "g.dot"]])
def test_a_write_that_fails_later_is_one_line_with_status_2(argv, tmp_path, capsys,
                                                            monkeypatch):
    monkeypatch.chdir(tmp_path)

    def no_permission(*args, **kwargs):
        raise PermissionError(13, "Permission denied", str(tmp_path))

    monkeypatch.setattr(_io.tempfile, "mkstemp", no_permission)
    if argv[0] == "demo":
        pytest.importorskip("matplotlib")
        argv = [*argv, "--out", str(tmp_path)]
    assert_one_line_error(run(argv, capsys), "Permission denied")


def test_the_installed_command_says_it_in_one_line(tmp_path):
    (tmp_path / "notes").write_text("mine")
    done = subprocess.run([sys.executable, "-m", "autograd_mini", "demo", "descent", "--out",
                           str(tmp_path / "notes")], capture_output=True, text=True, cwd=ROOT,
                          timeout=120)
    assert_one_line_error((done.returncode, done.stdout, done.stderr), "not a folder")


# ----- graph --out FILE.SUFFIX ------------------------------------------------------------


@needs_dot
def test_graph_out_jpg_writes_a_jpeg(tmp_path, capsys):
    out = tmp_path / "neuron.jpg"
    assert run(["graph", "neuron", "--out", str(out), "--dpi", "30"], capsys)[0] == 0
    assert out.read_bytes()[:3] == b"\xff\xd8\xff"


@pytest.mark.parametrize("name", ["neuron.jpgg", "neuron", "neuron.html"])
def test_graph_out_with_a_suffix_naming_no_format_is_refused(tmp_path, capsys, name):
    assert_one_line_error(run(["graph", "neuron", "--out", str(tmp_path / name)], capsys),
                          "cannot tell which format", ".svg")
    assert os.listdir(tmp_path) == []


def test_graph_format_contradicting_the_suffix_is_refused(tmp_path, capsys):
    out = tmp_path / "neuron.jpg"
    assert_one_line_error(run(["graph", "neuron", "--format", "svg", "--out", str(out)],
                              capsys), "ends in .jpg but --format is svg")
    assert not out.exists()


def test_graph_format_with_a_suffix_of_no_format_writes_what_was_asked(tmp_path, capsys):
    out = tmp_path / "neuron.graph"
    assert run(["graph", "neuron", "--format", "dot", "--out", str(out)], capsys)[0] == 0
    assert out.read_text().startswith("digraph")
