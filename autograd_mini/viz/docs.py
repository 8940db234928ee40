"""``python -m autograd_mini.viz.docs``: write the README's drawings of a neuron into ``docs/``.

The lecture page ``neuron_lecture.html`` and the picture ``neuron_graph.svg`` / ``.png``
(what ``autograd-mini graph neuron --out docs/neuron_graph.svg`` draws) are made from the
code, never edited by hand: the same code and Graphviz give the same bytes. Run it from
the repository root after changing the drawing, the page or its script; ``--check`` only
lists the files that differ. The screenshot ``lecture_page.png`` is taken by hand.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from .._io import write_bytes
from ..errors import AutogradError
from ..i18n import language
from .command import neuron
from .graphviz import draw_graph
from .html import to_html

#: The lecture page's heading.
TITLE = "A neuron: o = tanh(x1*w1 + x2*w2 + b)"
#: The resolution of the PNG, ``autograd-mini graph``'s default ``--dpi``.
DPI = 150


def render() -> dict[str, bytes]:
    """The name and content of each file the docs command writes, as the code makes them
    (in English, the README's language, whatever the locale)."""
    with language("en"):
        page = to_html(neuron(), title=TITLE)
    root = neuron()
    root.backward()
    drawing = draw_graph(root, show_grad=True)  # as `autograd-mini graph neuron` draws it
    svg = drawing.pipe(format="svg")
    drawing.graph_attr["dpi"] = str(DPI)
    return {"neuron_lecture.html": page.encode("utf-8"), "neuron_graph.svg": svg,
            "neuron_graph.png": drawing.pipe(format="png")}


def stale(folder: str | Path, rendered: dict[str, bytes] | None = None) -> list[str]:
    """The names of the files in ``folder`` that are missing or differ from ``render()``."""
    files = render() if rendered is None else rendered
    return [name for name, data in files.items()
            if not (Path(folder) / name).is_file() or (Path(folder) / name).read_bytes() != data]


def build(folder: str | Path) -> list[Path]:
    """Write every file of ``render()`` into ``folder`` (each atomically); return the paths."""
    Path(folder).mkdir(parents=True, exist_ok=True)
    return [write_bytes(Path(folder) / name, data) for name, data in render().items()]


def main(argv: list[str] | None = None) -> int:
    """Run the command; returns the exit status (1: ``--check`` found stale files)."""
    parser = argparse.ArgumentParser(
        prog="python -m autograd_mini.viz.docs", description=__doc__.splitlines()[0])
    parser.add_argument("folder", nargs="?", default="docs", type=Path,
                        help="where the files go (default: docs, from the repository root)")
    parser.add_argument("--check", action="store_true",
                        help="write nothing; list the files that differ and exit 1 if any do")
    args = parser.parse_args(argv)
    try:
        if args.check:
            names = stale(args.folder)
            for name in names:
                print(f"{args.folder / name} is not what the code makes now")
            return 1 if names else 0
        print(f"wrote {', '.join(str(p) for p in build(args.folder))}")
    except (AutogradError, OSError) as e:  # no Graphviz, a folder that cannot be written
        print(f"{parser.prog}: {e}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
