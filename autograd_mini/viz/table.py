"""The backward pass as a table: ``Row`` (one edge of one step), ``Update`` (a leaf's
gradient-descent step) and ``BackwardTable``, printed as text, LaTeX or Markdown.

``explain_backward`` in ``lecture.py`` fills it; nothing here walks the graph.
"""

from __future__ import annotations

import re
import sys
from dataclasses import dataclass, field
from typing import Any

from ..i18n import columns, message, pad
from .text import fmt as fmt_value
from .text import visible


@dataclass(frozen=True)
class Row:
    """One edge of one backward step (for a leaf: the step that ends at it).

    ``input`` is None on a leaf's row; ``local`` is None when the local derivative is a
    Jacobian rather than a number.
    """

    step: int
    node: str
    expression: str  # "mul1 = x1 * w1"
    op: str
    formula: str  # "d/dy = x"
    upstream: Any  # the node's complete gradient
    input: str | None
    local: Any
    gradient: Any  # sent to ``input`` and added to its gradient
    total: Any  # the input's gradient so far (a leaf's row: its final gradient)


@dataclass(frozen=True)
class Update:
    """A parameter's gradient-descent step ``new = data - lr * grad``."""

    name: str
    data: Any
    lr: float
    grad: Any
    new: Any

    def __str__(self) -> str:
        return (f"{self.name}: {_cell(self.data)} - {fmt_value(self.lr)}*{_cell(self.grad)} = "
                f"{_cell(self.new)}")


@dataclass(frozen=True)
class BackwardTable:
    """What ``explain_backward`` found: ``rows``, ``updates``, and ways to print them.

    ``printed_in``: the IPython cell (its execution count) whose output already shows the
    table, printed by ``explain_backward``; that cell does not echo it a second time.
    """

    root: str
    rows: list[Row]
    updates: list[Update]
    lr: float | None = None
    printed_in: int | None = field(default=None, compare=False, repr=False)

    COLUMNS = ("step", "node", "upstream", "input", "formula", "local", "sends", "total")

    @property
    def header(self) -> list[str]:
        """The column titles in the current language (``set_language``)."""
        return [message(f"table.{c}") for c in self.COLUMNS]

    def cells(self) -> list[list[str]]:
        """The rows as strings under ``header``; a step's node is written on its first row."""
        out, last = [], None
        for r in self.rows:
            first = r.step != last
            last = r.step
            lead = [str(r.step), r.expression, _cell(r.upstream)] if first else ["", "", ""]
            if r.input is None:
                what = message("table.leaf") if not r.op else ""
                out.append(lead + ["", f"{what}{r.node}.grad = {_cell(r.total)}", "", "", ""])
            else:
                local = "" if r.local is None else _cell(r.local)
                out.append(lead + [r.input, r.formula, local, _cell(r.gradient),
                                   _cell(r.total)])
        return out

    def _title(self) -> str:
        return message("table.title", root=self.root, steps=len({r.step for r in self.rows}))

    def _update_title(self) -> str:
        return message("table.updates", lr=fmt_value(self.lr))

    def to_text(self) -> str:
        """An aligned plain-text table, for terminals and notebooks."""
        grid = [self.header] + self.cells()
        widths = [max(columns(row[i]) for row in grid) for i in range(len(self.COLUMNS))]
        lines = [self._title()]
        lines += ["  ".join(pad(c, w) for c, w in zip(row, widths)).rstrip() for row in grid]
        if self.updates:
            lines += [self._update_title()] + [f"  {u}" for u in self.updates]
        return "\n".join(lines)

    def to_latex(self) -> str:
        """A LaTeX ``tabular`` (booktabs-free) for slides."""
        cols = "r" + "l" * (len(self.COLUMNS) - 1)
        lines = [f"% {_tex(self._title())}", f"\\begin{{tabular}}{{{cols}}}", "\\hline",
                 " & ".join(map(_tex, self.header)) + " \\\\", "\\hline"]
        lines += [" & ".join(f"\\texttt{{{_tex(c)}}}" if c else "" for c in row) + " \\\\"
                  for row in self.cells()]
        lines += ["\\hline", "\\end{tabular}"]
        if self.updates:
            lines += ["", _tex(self._update_title()) + "\\\\"]
            lines += [f"\\texttt{{{_tex(str(u))}}}\\\\" for u in self.updates]
        return "\n".join(lines)

    def to_markdown(self) -> str:
        """A Markdown table; Jupyter shows it this way."""
        lines = [f"**{_md_text(self._title())}**", "", "| " + " | ".join(self.header) + " |",
                 "|" + "---|" * len(self.COLUMNS)]
        lines += ["| " + " | ".join(_md_code(c).replace("|", "\\|") if c else "" for c in row)
                  + " |" for row in self.cells()]
        if self.updates:
            lines += ["", _md_text(self._update_title()), ""]
            lines += [f"- {_md_code(str(u))}" for u in self.updates]
        return "\n".join(lines)

    __str__ = to_text
    _repr_markdown_ = to_markdown

    def _ipython_display_(self) -> None:
        """Jupyter shows the table as Markdown, unless this cell printed it already."""
        from IPython.display import display

        if self.printed_in is None or self.printed_in != ipython_cell():
            display({"text/markdown": self.to_markdown(), "text/plain": self.to_text()},
                     raw=True)


def ipython_cell() -> int | None:
    """The execution count of the IPython cell running now; None outside IPython."""
    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    return getattr(shell, "execution_count", None)


def _cell(x: Any) -> str:
    return fmt_value(x).replace("\n", "")


_TEX = {"\\": r"\textbackslash{}", "&": r"\&", "%": r"\%", "$": r"\$", "#": r"\#",
        "_": r"\_", "{": r"\{", "}": r"\}", "~": r"\textasciitilde{}",
        "^": r"\textasciicircum{}"}


def _tex(s: str) -> str:
    """``s`` as LaTeX text: its special characters escaped, on one line (``visible``)."""
    return "".join(_TEX.get(c, c) for c in visible(s))


_MARKDOWN = set("\\`*_[]<>&|~$")  # emphasis, code, links, HTML, entities, cells, math


def _md_text(s: str) -> str:
    """``s`` as Markdown text: the characters that start markup backslash-escaped."""
    return "".join("\\" + c if c in _MARKDOWN else c for c in visible(s))


def _md_code(s: str) -> str:
    """``s`` as a Markdown code span, fenced by more backticks than it holds in a row."""
    s = visible(s)
    fence = "`" * (max(map(len, re.findall("`+", s)), default=0) + 1)
    if s[:1] == "`" or s[-1:] == "`" or (s[:1] == s[-1:] == " " and s.strip()):
        s = f" {s} "  # the reader strips one space from each side
    return f"{fence}{s}{fence}"
