"""The benchmark runner in quick mode: it runs, prints its table and writes its JSON.

Keeps the benchmarks from rotting; nothing here looks at how fast anything was.
"""

from __future__ import annotations

import importlib.util
import json
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
WORKLOADS = {"W1", "W3", "W4", "W5", "W6", "deep chain", "memory"}


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, *args], cwd=ROOT, capture_output=True, text=True,
                          timeout=300)


@pytest.fixture(scope="module")
def quick_run(tmp_path_factory) -> tuple[subprocess.CompletedProcess, dict]:
    out = tmp_path_factory.mktemp("bench") / "quick.json"
    done = _run("-m", "benchmarks", "--quick", "--json", str(out))
    assert done.returncode == 0, done.stderr
    return done, json.loads(out.read_text())


def test_quick_run_prints_a_table_with_every_column(quick_run):
    header = quick_run[0].stdout.splitlines()[0].split()
    assert header == ["workload", "side", "per", "time", "reference", "ref.", "time", "ratio",
                      "target", "met"]


def test_quick_run_covers_every_workload(quick_run):
    assert {row["workload"] for row in quick_run[1]["rows"]} == WORKLOADS


def test_every_workload_has_a_measured_autograd_mini_row(quick_run):
    ours = [r for r in quick_run[1]["rows"] if r["side"].startswith("autograd_mini")]
    assert {r["workload"] for r in ours} == WORKLOADS
    assert all(r["value"] > 0 for r in ours)


def test_ratios_and_verdicts_follow_from_the_figures(quick_run):
    compared = [r for r in quick_run[1]["rows"] if r["value"] and r["reference_value"]]
    assert {r["workload"] for r in compared} >= {"W3", "W4", "memory", "deep chain"}
    for r in compared:
        assert r["ratio"] == pytest.approx(r["value"] / r["reference_value"])
        assert r["met"] == (None if r["target"] is None else r["ratio"] <= r["target"])


@pytest.mark.parametrize(("workload", "peer"), [("W1", "micrograd"), ("W5", "torch")])
def test_a_target_against_a_peer_is_judged_when_the_peer_is_installed(quick_run, workload,
                                                                       peer):
    row = next(r for r in quick_run[1]["rows"]
               if r["workload"] == workload and r["side"] == "autograd_mini")
    if importlib.util.find_spec(peer) is None:
        assert row["met"] is None and "not installed" in row["note"]
    else:
        assert row["target"] is not None and row["met"] is not None


def test_json_records_the_machine_facts(quick_run):
    facts = quick_run[1]["machine"]
    assert quick_run[1]["quick"] is True
    assert {"cpu", "cores", "blas", "versions", "commit", "date"} <= set(facts)
    assert facts["versions"]["numpy"] and facts["versions"]["python"]


def test_rows_without_a_figure_say_why(quick_run):
    for r in quick_run[1]["rows"]:
        if r["value"] is None:
            assert r["note"], r


def test_runner_also_runs_as_a_script_with_one_workload():
    done = _run("benchmarks/run.py", "--quick", "--only", "W5")
    assert done.returncode == 0, done.stderr
    assert {line.split()[0] for line in done.stdout.splitlines()[2:] if line[:2] == "W5"}


def test_unknown_workload_is_refused_with_the_choices():
    done = _run("-m", "benchmarks", "--only", "W2")
    assert done.returncode == 2 and "choose from W1, W3, W4, W5" in done.stderr
