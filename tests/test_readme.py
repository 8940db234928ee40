"""The README's promises: its Python examples print what their comments say, and CI runs
exactly the README's test command."""

import contextlib
import io
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
README_ZH = (ROOT / "README.zh-CN.md").read_text(encoding="utf-8")
PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README, flags=re.S)
ZH_PYTHON_BLOCKS = re.findall(r"```python\n(.*?)```", README_ZH, flags=re.S)


def _expected(block: str) -> list[str]:
    return [m.strip() for m in re.findall(r"# prints (.*)", block)]


def test_readme_has_python_examples_with_expected_output():
    assert len(PYTHON_BLOCKS) >= 3
    assert sum(len(_expected(b)) for b in PYTHON_BLOCKS) >= 5


@pytest.mark.parametrize(("readme", "index"),
                         [("README.md", i) for i in range(len(PYTHON_BLOCKS))]
                         + [("README.zh-CN.md", i) for i in range(len(ZH_PYTHON_BLOCKS))])
def test_readme_example_prints_what_it_promises(readme, index, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    block = (PYTHON_BLOCKS if readme == "README.md" else ZH_PYTHON_BLOCKS)[index]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(block, f"{readme} block {index}", "exec"), {"__name__": "__readme__"})
    printed = [line.strip() for line in out.getvalue().splitlines()]
    for want in _expected(block):
        assert want in printed, f"{readme} block {index}: expected a line {want!r}, got {printed}"


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


def test_the_chinese_readme_shows_the_same_code_and_commands_and_each_links_the_other():
    fences = r"```\w+\n.*?```"  # code and commands; the untagged file tree is translated
    assert re.findall(fences, README_ZH, flags=re.S) == re.findall(fences, README, flags=re.S)
    assert README.splitlines()[0] == "中文说明: [README.zh-CN.md](README.zh-CN.md)"
    assert "[README.md](README.md)" in README_ZH.splitlines()[0]
