"""Write the classroom notebooks ``lessons/en/*.ipynb`` and ``lessons/zh/*.ipynb`` from
``lessons/source/*.txt``, without outputs.

A source holds one lesson's cells in order, each opened by a line ``%% KIND``:
``%% en`` then ``%% zh`` (a Markdown cell in each language), ``%% code`` (a code cell,
the same in both), ``%% exercise`` (a code cell the student fills in, written with its
placeholder), ``%% solution`` (a working answer to the exercise before it: not written
to the notebooks; tests/test_lessons.py runs it to prove the grader accepts it) and
``%% grade`` (the grading cell). The Chinese notebooks have one code cell more, first:
it sets ``AUTOGRAD_MINI_LANG=zh`` before autograd_mini is imported.

Run ``python lessons/build.py`` from the repository root after editing a source;
``--check`` only lists the notebooks that differ from their sources.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

HERE = Path(__file__).resolve().parent
LANGUAGES = ("en", "zh")
KINDS = ("en", "zh", "code", "exercise", "solution", "grade")
ZH_SETUP = ('import os\n\n'
            'os.environ["AUTOGRAD_MINI_LANG"] = "zh"  # 中文提示：在导入 autograd_mini 之前设置')
KERNEL = {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
          "language_info": {"name": "python"}}


@dataclass(frozen=True)
class Cell:
    kind: str  # one of KINDS
    text: str


@dataclass(frozen=True)
class Exercise:
    """An exercise's working answer and the cell that grades it."""

    solution: str
    grade: str


def parse(source: Path) -> list[Cell]:
    """The cells of a lesson source, checked: each en cell followed by its zh cell, each
    exercise by a solution and then a grading cell."""
    cells: list[Cell] = []
    for number, line in enumerate(source.read_text(encoding="utf-8").splitlines(), 1):
        if line.startswith("%% "):
            kind = line[3:].strip()
            if kind not in KINDS:
                raise ValueError(f"{source.name}:{number}: unknown cell kind {kind!r}; "
                                 f"one of {', '.join(KINDS)}")
            cells.append(Cell(kind, ""))
        elif cells:
            cells[-1] = Cell(cells[-1].kind, cells[-1].text + line + "\n")
        elif line.strip():
            raise ValueError(f"{source.name}:{number}: text before the first '%% KIND' line")
    cells = [Cell(c.kind, c.text.strip("\n")) for c in cells]
    kinds = [c.kind for c in cells]
    for i, kind in enumerate(kinds):
        after = kinds[i + 1] if i + 1 < len(kinds) else None
        need = {"en": "zh", "exercise": "solution", "solution": "grade"}.get(kind)
        if need and after != need:
            raise ValueError(f"{source.name}: cell {i + 1} ({kind}) must be followed by a "
                             f"'{need}' cell, not {after!r}")
        if kind == "zh" and (i == 0 or kinds[i - 1] != "en"):
            raise ValueError(f"{source.name}: cell {i + 1} (zh) must follow an 'en' cell")
    return cells


def notebook(cells: list[Cell], lang: str) -> nbformat.NotebookNode:
    """The notebook of one language: its prose, every code cell, no solutions."""
    out, setup_done = [], False
    for cell in cells:
        if cell.kind in LANGUAGES:
            if cell.kind == lang:
                out.append(new_markdown_cell(cell.text))
        elif cell.kind != "solution":
            if lang == "zh" and not setup_done:
                out.append(new_code_cell(ZH_SETUP))
            setup_done = True
            tags = {"exercise": ["exercise"], "grade": ["grader"]}.get(cell.kind)
            out.append(new_code_cell(cell.text, metadata={"tags": tags} if tags else {}))
    for i, cell in enumerate(out):
        cell["id"] = f"cell-{i:02d}"  # stable ids: rebuilding changes nothing
    nb = new_notebook(cells=out, metadata=KERNEL)
    nbformat.validate(nb)
    return nb


def exercises(source: Path) -> list[Exercise]:
    """Each exercise's solution and grading cell, in order."""
    cells = parse(source)
    return [Exercise(cells[i + 1].text, cells[i + 2].text)
            for i, c in enumerate(cells) if c.kind == "exercise"]


def sources() -> list[Path]:
    return sorted((HERE / "source").glob("*.txt"))


def render() -> dict[Path, str]:
    """Each notebook's path and its text, as the sources make them."""
    out = {}
    for source in sources():
        cells = parse(source)
        for lang in LANGUAGES:
            text = nbformat.writes(notebook(cells, lang))
            out[HERE / lang / f"{source.stem}.ipynb"] = text + "\n"
    return out


def stale() -> list[Path]:
    """The notebooks missing or different from what their sources make."""
    return [path for path, text in render().items()
            if not path.is_file() or path.read_text(encoding="utf-8") != text]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--check", action="store_true",
                        help="list the stale notebooks and exit 1 if any; write nothing")
    args = parser.parse_args(argv)
    if args.check:
        paths = stale()
        for path in paths:
            print(f"stale: {path.relative_to(HERE.parent)}")
        return 1 if paths else 0
    sys.path.insert(0, str(HERE.parent))  # autograd_mini's _io from this checkout
    from autograd_mini._io import write_text

    for path, text in render().items():
        path.parent.mkdir(exist_ok=True)
        write_text(path, text)
        print(f"wrote {path.relative_to(HERE.parent)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
