"""The ``autograd-mini`` command: finding, listing and running demos; dispatching ``graph``."""

from __future__ import annotations

import subprocess
import sys
import types
from pathlib import Path

import pytest

from autograd_mini import cli


def test_python_m_autograd_mini_demo_descent_prints_the_seeds_table(tmp_path):
    done = subprocess.run([sys.executable, "-m", "autograd_mini", "demo", "descent",
                           "--out", str(tmp_path)], capture_output=True, text=True,
                          cwd=tmp_path, timeout=120)
    lines = done.stdout.splitlines()
    assert sum(line.startswith("After ") for line in lines) == 40
    assert "matches seed 003: yes (40/40 lines)" in lines
    assert (tmp_path / "descent_lr0.2.png").is_file()
    assert done.returncode == 0, done.stderr


def test_demo_list_gives_one_line_per_demo(capsys):
    assert cli.main(["demo", "--list"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for name in cli.DEMOS:
        assert sum(line.split()[0] == name for line in lines if line.strip()) == 1


def test_list_reads_the_demo_docstrings_without_running_them(monkeypatch):
    monkeypatch.setattr(cli, "load_demo", lambda name: pytest.fail("a demo was run"))
    assert cli.describe("xor").startswith("XOR with a 2-2-1 sigmoid net")


def test_demo_without_a_name_lists_the_demos_and_exits_2(capsys):
    assert cli.main(["demo"]) == 2
    assert "descent" in capsys.readouterr().out


def test_unknown_demo_exits_2_and_names_the_demos(capsys):
    assert cli.main(["demo", "nope"]) == 2
    err = capsys.readouterr().err
    assert "no demo named 'nope'" in err and "tf1-net" in err


def test_demo_options_after_the_name_reach_the_demo(monkeypatch):
    seen = []
    monkeypatch.setattr(cli, "run_demo", lambda name, argv: seen.append((name, argv)) or 0)
    assert cli.main(["demo", "tf1_net", "--optimizer", "adam"]) == 0
    assert seen == [("tf1-net", ["--optimizer", "adam"])]


def test_demo_all_runs_each_demo_in_turn_in_full(monkeypatch, tmp_path):
    seen = []
    monkeypatch.setattr(cli, "run_demo", lambda name, argv: seen.append((name, argv)) or 0)
    assert cli.main(["demo", "all", "--out", str(tmp_path)]) == 0
    assert [name for name, _ in seen] == list(cli.DEMOS)
    assert all(argv == ["--out", str(tmp_path)] for _, argv in seen)


def test_demo_all_quick_runs_each_demo_in_its_quick_mode(monkeypatch, tmp_path):
    seen = {}
    monkeypatch.setattr(cli, "run_demo", lambda name, argv: seen.update({name: argv}) or 0)
    cli.main(["demo", "all", "--quick", "--out", str(tmp_path)])
    assert seen["mnist"] == ["--out", str(tmp_path), "--quick"]


def test_demo_all_keeps_going_after_a_failing_demo_and_exits_1(monkeypatch, capsys):
    def fake(name, argv):
        if name == "linreg":
            raise RuntimeError("boom")
        return 1 if name == "xor" else 0

    monkeypatch.setattr(cli, "run_demo", fake)
    assert cli.main(["demo", "all"]) == 1
    captured = capsys.readouterr()
    summary = " ".join(captured.out.split("===== summary")[1].split())
    assert "linreg raised an error" in summary and "xor differs from its seed" in summary
    assert "mnist ok" in summary and "RuntimeError: boom" in captured.err


def _package_layout(root: Path, folder: str) -> Path:
    package = root / "autograd_mini"
    package.mkdir()
    demos = root / folder
    demos.mkdir(parents=True)
    (demos / "descent.py").write_text('"""Fake descent."""\n\ndef main(argv=None):\n'
                                      '    return 7\n')
    return package / "cli.py"


def test_demos_are_found_in_the_wheels_autograd_mini_demos(monkeypatch, tmp_path):
    fake_cli = _package_layout(tmp_path, "autograd_mini/_demos")
    monkeypatch.setattr(cli, "__file__", str(fake_cli))
    assert cli.demos_dir() == tmp_path / "autograd_mini" / "_demos"
    assert cli.run_demo("descent", []) == 7  # loaded by path, not imported as a package


def test_demos_are_found_in_a_clones_demos_folder(monkeypatch, tmp_path):
    fake_cli = _package_layout(tmp_path, "demos")
    monkeypatch.setattr(cli, "__file__", str(fake_cli))
    assert cli.demos_dir() == tmp_path / "demos"


def test_missing_demos_folder_says_where_it_looked(monkeypatch, tmp_path):
    monkeypatch.setattr(cli, "__file__", str(tmp_path / "autograd_mini" / "cli.py"))
    with pytest.raises(FileNotFoundError, match="_demos"):
        cli.demos_dir()


def test_graph_dispatches_its_arguments_to_viz_graph_command(monkeypatch):
    seen = []
    command = types.ModuleType("autograd_mini.viz.command")
    command.graph_command = lambda argv: seen.append(argv) or 0
    monkeypatch.setitem(sys.modules, "autograd_mini.viz.command", command)
    assert cli.main(["graph", "--expr", "a*b", "--out", "g.svg"]) == 0
    assert seen == [["--expr", "a*b", "--out", "g.svg"]]


def test_graph_without_viz_command_says_so_and_exits_2(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "autograd_mini.viz.command", None)
    assert cli.main(["graph", "x"]) == 2
    assert "graph_command" in capsys.readouterr().err


def test_no_command_prints_help_and_exits_2(capsys):
    assert cli.main([]) == 2
    assert "demo" in capsys.readouterr().out
