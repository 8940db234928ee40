"""The classroom notebooks in lessons/: committed without outputs, the same code in both
languages, written by lessons/build.py; each runs top to bottom in Jupyter's kernel and
prints its seed's figures, and each grader says "not done yet" for its placeholder and
accepts the working answer kept in the lesson's source.

Running the twelve notebooks takes about 30 s (marked ``lessons``: deselect them with
``-m "not lessons"``); they need nbclient, nbformat and ipykernel, and skip without them.
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import sys
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pytest
import seed000
from mnist_source import mnist_or_skip
from seed003 import SEED_003_OUTPUT

ROOT = Path(__file__).resolve().parents[1]
LESSONS = ROOT / "lessons"
NAMES = sorted(p.stem for p in (LESSONS / "source").glob("*.txt"))
LANGUAGES = ("en", "zh")
NOTEBOOKS = [LESSONS / lang / f"{name}.ipynb" for name in NAMES for lang in LANGUAGES]
ZH_LINE = 'os.environ["AUTOGRAD_MINI_LANG"] = "zh"'
NEEDS_MNIST = {"05_xor_mnist", "06_lenet5"}
CELL_TIMEOUT = 120  # seconds; a lesson takes a few


def cells(path: Path, kind: str) -> list[dict]:
    return [c for c in json.loads(path.read_text(encoding="utf-8"))["cells"]
            if c["cell_type"] == kind]


def source(cell: dict) -> str:
    return "".join(cell["source"])


def load_build():
    """lessons/build.py as a module (loaded once)."""
    pytest.importorskip("nbformat", reason="lessons/build.py needs nbformat (pip install nbformat)")
    if "lessons_build" not in sys.modules:
        spec = importlib.util.spec_from_file_location("lessons_build", LESSONS / "build.py")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # before running it: its dataclasses look it up
        spec.loader.exec_module(module)
    return sys.modules["lessons_build"]


# ----- what is committed --------------------------------------------------------------------


def test_there_are_six_lessons_each_in_both_languages_and_nothing_else():
    assert NAMES == ["01_descent", "02_neuron", "03_tf1_net", "04_numpy_layer",
                     "05_xor_mnist", "06_lenet5"]
    assert sorted(LESSONS.glob("*/*.ipynb")) == sorted(NOTEBOOKS)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_committed_notebook_has_no_outputs_or_execution_counts(path):
    for cell in cells(path, "code"):
        assert cell["outputs"] == [], f"{path.name}: run `python lessons/build.py`"
        assert cell["execution_count"] is None, f"{path.name}: run `python lessons/build.py`"


@pytest.mark.parametrize("name", NAMES)
def test_both_languages_have_the_same_code_and_their_own_prose(name):
    en, zh = LESSONS / "en" / f"{name}.ipynb", LESSONS / "zh" / f"{name}.ipynb"
    zh_code = [source(c) for c in cells(zh, "code")]
    assert ZH_LINE in zh_code[0] and "autograd_mini" not in zh_code[0].replace(
        "AUTOGRAD_MINI_LANG", "").replace("导入 autograd_mini", "")
    assert zh_code[1:] == [source(c) for c in cells(en, "code")]
    assert not any("AUTOGRAD_MINI_LANG" in source(c) for c in cells(en, "code"))
    cjk = re.compile("[\u4e00-\u9fff]")
    en_prose = [source(c) for c in cells(en, "markdown")]
    zh_prose = [source(c) for c in cells(zh, "markdown")]
    assert len(en_prose) == len(zh_prose)
    for english, chinese in zip(en_prose, zh_prose):
        assert cjk.search(chinese) and chinese != english
        assert len(cjk.findall(english)) < 0.05 * len(english)  # the seeds' titles at most


@pytest.mark.parametrize("name", NAMES)
def test_every_exercise_is_followed_by_its_grader(name):
    code = cells(LESSONS / "en" / f"{name}.ipynb", "code")
    tags = [c["metadata"].get("tags", []) for c in code]
    exercises = [i for i, t in enumerate(tags) if "exercise" in t]
    assert 1 <= len(exercises) <= 3
    assert all("grader" in tags[i + 1] for i in exercises)
    assert sum("grader" in t for t in tags) == len(exercises)


def test_notebooks_are_what_build_writes_from_the_sources():
    build = load_build()
    assert build.stale() == [], "run `python lessons/build.py` and commit the notebooks"


def test_the_lessons_readme_lists_every_lesson():
    readme = (LESSONS / "README.md").read_text(encoding="utf-8")
    assert all(f"`{name}`" in readme for name in NAMES)
    assert "jupyter lab lessons/" in readme and "pip install -e '.[demos]' jupyter" in readme


def test_build_refuses_prose_without_its_translation_and_unknown_cells(tmp_path):
    build = load_build()
    lone = tmp_path / "lone.txt"
    lone.write_text("%% en\nHello\n%% code\nx = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"cell 1 \(en\) must be followed by a 'zh' cell"):
        build.parse(lone)
    typo = tmp_path / "typo.txt"
    typo.write_text("%% cod\nx = 1\n", encoding="utf-8")
    with pytest.raises(ValueError, match="typo.txt:1: unknown cell kind 'cod'"):
        build.parse(typo)
    unanswered = tmp_path / "unanswered.txt"
    unanswered.write_text("%% exercise\nf = None\n%% grade\nprint(f)\n", encoding="utf-8")
    with pytest.raises(ValueError, match="must be followed by a 'solution' cell"):
        build.parse(unanswered)


def test_build_writes_no_solutions_and_a_language_cell_first_in_chinese():
    build = load_build()
    cells_ = build.parse(LESSONS / "source" / "01_descent.txt")
    solution = next(c.text for c in cells_ if c.kind == "solution")
    for lang in LANGUAGES:
        code = [c.source for c in build.notebook(cells_, lang).cells if c.cell_type == "code"]
        assert solution not in code
        assert (ZH_LINE in code[0]) == (lang == "zh")


# ----- running them -------------------------------------------------------------------------


@dataclass
class Run:
    """What a notebook showed: the committed cells' text and the graders' verdicts."""

    text: str  # every printed line, text/plain and text/markdown result, in order
    mimes: set[str]  # the kinds of rich output shown (image/svg+xml, image/png, ...)
    graders: list[str]  # what each grading cell printed with the committed placeholders
    answers: list[str]  # what each printed again once the source's solution had run
    probe: dict  # values read from the kernel after the run


def texts(cell) -> str:
    out = []
    for o in cell.get("outputs", []):
        if o["output_type"] == "stream":
            assert o["name"] == "stdout", f"a cell wrote to stderr: {o['text']}"
            out.append(o["text"])
        elif "data" in o:
            out += [o["data"][k] + "\n" for k in ("text/markdown", "text/plain")
                    if k in o["data"]][:1]
    return "".join(out)


@pytest.fixture(scope="module")
def kernel_dir(tmp_path_factory) -> Path:
    """A kernel spec running this interpreter, whatever other Python kernels are installed."""
    pytest.importorskip("nbclient", reason="running the lessons needs nbclient, nbformat and "
                                           "ipykernel (pip install nbclient nbformat ipykernel)")
    pytest.importorskip("ipykernel", reason="running the lessons needs ipykernel")
    pytest.importorskip("matplotlib", reason="the lessons plot with matplotlib (the demos extra)")
    if shutil.which("dot") is None:
        pytest.skip("the lessons draw graphs inline: Graphviz's dot is not installed "
                    "(apt-get install graphviz)")
    folder = tmp_path_factory.mktemp("kernels")
    (folder / "python3").mkdir()
    (folder / "python3" / "kernel.json").write_text(json.dumps({
        "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
        "display_name": "Python 3", "language": "python"}))
    return folder


def execute(name: str, lang: str, kernel_dir: Path, cwd: Path, probe: dict[str, str]) -> Run:
    """Run the committed notebook top to bottom, then each solution and its grader again,
    then a cell printing ``probe`` (name: expression) as JSON."""
    import nbclient
    import nbformat
    from jupyter_client.kernelspec import KernelSpecManager
    from jupyter_client.manager import KernelManager

    nb = nbformat.read(LESSONS / lang / f"{name}.ipynb", as_version=4)
    committed = len(nb.cells)
    for exercise in load_build().exercises(LESSONS / "source" / f"{name}.txt"):
        nb.cells += [nbformat.v4.new_code_cell(exercise.solution),
                     nbformat.v4.new_code_cell(exercise.grade)]
    nb.cells.append(nbformat.v4.new_code_cell(
        "import json\nprint(json.dumps({%s}))" % ", ".join(  # noqa: UP031
            f"{key!r}: {expr}" for key, expr in probe.items())))
    env = {k: v for k, v in os.environ.items() if k != "AUTOGRAD_MINI_LANG"}
    env["PYTHONPATH"] = os.pathsep.join([str(ROOT), env.get("PYTHONPATH", "")]).rstrip(os.pathsep)
    env.setdefault("OPENBLAS_NUM_THREADS", "1")  # on busy shared cores BLAS threads only wait
    km = KernelManager(kernel_name="python3", kernel_spec_manager=KernelSpecManager(
        kernel_dirs=[str(kernel_dir)], ensure_native_kernel=False))
    client = nbclient.NotebookClient(nb, km=km, timeout=CELL_TIMEOUT,
                                     resources={"metadata": {"path": str(cwd)}})
    client.execute(env=env)  # raises CellExecutionError, with the traceback, if a cell fails
    shown = nb.cells[:committed]
    graders = [texts(c) for c in shown if "grader" in c.metadata.get("tags", [])]
    return Run(text="".join(texts(c) for c in shown),
               mimes={k for c in shown for o in c.get("outputs", []) for k in o.get("data", {})},
               graders=graders,
               answers=[texts(c) for c in nb.cells[committed + 1:-1:2]],
               probe=json.loads(texts(nb.cells[-1])))


def check_descent(run: Run) -> None:
    for line in SEED_003_OUTPUT.splitlines():  # the seed's 40 lines, word for word
        assert line + "\n" in run.text
    assert "5 - 0.2*12 = 2.6" in run.text  # explain_backward's update line


def check_neuron(run: Run) -> None:
    assert "o = 0.7071\nx1.grad = -1.5000\nw1.grad = 1.0000" in run.text  # micrograd's figures
    assert "engine 1.000000, finite difference 1.000000" in run.text
    assert float(re.findall(r"step 19, loss ([\d.]+)", run.text)[0]) < 0.1


def check_tf1_net(run: Run) -> None:
    for step, loss in zip(range(0, seed000.STEPS, seed000.REPORT_EVERY), seed000.TABLE):
        line = f"After {step} training step(s), loss_mse on all data is {loss}\n"
        assert run.text.count(line) == 2, line  # once in the session, once eagerly
    p = {k: np.array(v) for k, v in run.probe.items()}
    np.testing.assert_allclose(p["w1_start"], seed000.W1, rtol=0, atol=1e-7)
    np.testing.assert_allclose(p["w2_start"], seed000.W2, rtol=0, atol=1e-7)
    for style in ("session", "eager"):
        np.testing.assert_allclose(p[f"w1_{style}"], seed000.W1_FINAL, rtol=0, atol=1e-6)
        np.testing.assert_allclose(p[f"w2_{style}"], seed000.W2_FINAL, rtol=0, atol=1e-6)
    assert "def run(" in run.text  # the session's plan, printed


def check_numpy_layer(run: Run) -> None:
    assert "W1==W: True \nb1==b:  True" in run.text  # the seed's last two lines
    assert run.probe["loss"] < 1e-15
    assert "wrong: {'dz': 2.0}" in run.text  # the seed's dz lacks the 1/N, N = 2


def check_xor_mnist(run: Run) -> None:
    rounded = re.findall(r"(\d) xor (\d) -> [\d.]+ \(rounds to (\d)\)", run.text)
    assert [(int(a) ^ int(b), int(r)) for a, b, r in rounded] == [(0, 0), (1, 1), (1, 1), (0, 0)]
    assert float(re.search(r"after 10000 epochs: max difference (\S+)", run.text)[1]) < 1e-12
    assert float(re.search(r"Test Accuracy: ([\d.]+)%", run.text)[1]) > 25  # chance is 10


def check_lenet5(run: Run) -> None:
    assert "61706 parameters" in run.text  # LeCun's LeNet-5 sizes
    assert "gradient: 1, 2, 3, 4 at each window's largest pixel" in run.text
    assert float(re.search(r"Test Accuracy: ([\d.]+)%", run.text)[1]) > 50  # chance is 10


CHECKS = {"01_descent": check_descent, "02_neuron": check_neuron, "03_tf1_net": check_tf1_net,
          "04_numpy_layer": check_numpy_layer, "05_xor_mnist": check_xor_mnist,
          "06_lenet5": check_lenet5}
PROBES = {  # values the checks read from the kernel, by name: expression
    "03_tf1_net": {f"{w}_{when}": f"{w}_{when}.tolist()" for w in ("w1", "w2")
                   for when in ("start", "session", "eager")},
    "04_numpy_layer": {"loss": "float(loss)"},
}


@pytest.mark.lessons
@pytest.mark.parametrize("lang", LANGUAGES)
@pytest.mark.parametrize("name", NAMES)
def test_lesson_runs_top_to_bottom_prints_its_figures_and_grades_its_exercises(
        name, lang, kernel_dir, tmp_path):
    if name in NEEDS_MNIST:
        mnist_or_skip()
    run = execute(name, lang, kernel_dir, tmp_path, PROBES.get(name, {}))
    CHECKS[name](run)
    assert "image/svg+xml" in run.mimes  # a graph drawn inline by draw_graph
    assert "text/markdown" in run.mimes  # an explain_backward table
    if lang == "en":  # (the Chinese notebooks' library messages may be translated)
        assert "| step | node | upstream |" in run.text
    assert run.graders and all("not done yet" in g for g in run.graders), run.graders
    assert len(run.answers) == len(run.graders)
    assert all("correct" in a and "not done" not in a for a in run.answers), run.answers
    assert list(tmp_path.iterdir()) == []  # a lesson writes no files
