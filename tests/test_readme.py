"""The README's promises: its Python examples print what their comments say, and CI runs
exactly the README's test command."""

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)


def _expected(block: str) -> list[str]:
    return [m.strip() for m in re.findall(r"# prints (.*)", block)]


def test_readme_has_python_examples_with_expected_output():
    assert len(PYTHON_BLOCKS) >= 3
    assert sum(len(_expected(b)) for b in PYTHON_BLOCKS) >= 5


@pytest.mark.parametrize("index", range(len(PYTHON_BLOCKS)))
def test_readme_example_prints_what_it_promises(index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    block = PYTHON_BLOCKS[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, f"README block {index}", "exec"), {"__name__": "__readme__"})
    printed = [line.strip() for line in out.getvalue().splitlines()]
    for want in _expected(block):
        assert want in printed, f"README block {index}: expected a line {want!r}, got {printed}"


def test_ci_runs_the_readme_test_command():
    commands = re.findall(r"```bash\n(.*?)\n```", README, flags=re.S)
    with_pytest = [c for c in commands if "pytest" in c]
    assert len(with_pytest) == 1, "the README should show exactly one test command"
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    assert 'eval "$readme_test_command"' in ci
    assert "pytest" not in ci.split("readme_test_command=")[0]


def test_readme_says_what_the_browser_test_needs():
    browser_test = (ROOT / "tests" / "test_viz_html_browser.py").read_text(encoding="utf-8")
    needs = re.findall(r"apt-get install \w+", browser_test)  # its skip reasons' hints
    assert needs == ["apt-get install chromium"]
    assert needs[0] in README and "playwright" in README
    assert "skips" in README[README.index(needs[0]):][:300]
