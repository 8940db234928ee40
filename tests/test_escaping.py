"""A user's ``name=`` is shown literally by every renderer: fuzzed names go through DOT
(rendered by ``dot`` and read back as SVG), the lecture page, LaTeX, Markdown, the text
tree and Mermaid, and each output is parsed back."""

from __future__ import annotations

import json
import re
import shutil
import xml.etree.ElementTree as ET
from collections import Counter
from html.parser import HTMLParser

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini.viz import draw_graph, explain_backward, to_html, to_mermaid, to_text
from autograd_mini.viz.text import visible

needs_dot = pytest.mark.skipif(shutil.which("dot") is None, reason="needs Graphviz's dot")
SVG = "{http://www.w3.org/2000/svg}"
TRICKY = list('<>&"\'\\%#$_{}~^|`*[]!:;/ ') + ["\n", "\r", "\t", "\x00", "\x85", "\u2028",
                                              "\ud800", "中", "文", "a", "b", "&amp;",
                                              "<IMG SRC=\"/etc/passwd\"/>", "\\l", "\\N",
                                              "\n\\input{/etc/passwd}", "</script>", "<!--"]
names = st.lists(st.sampled_from(TRICKY) | st.characters(codec="utf-8"), min_size=1,
                 max_size=8).map("".join).filter(lambda s: visible(s).strip())


def graph(x: str, w: str, out: str) -> am.Value:
    """``out = tanh(x * w)`` with the given names (the product keeps its automatic name)."""
    xv, wv = am.Value(2.0, name=x, requires_grad=False), am.Value(-0.5, name=w)
    root = am.tanh(xv * wv)
    root.name = out
    return root


PLAIN = ("x", "w", "out")


# ----- DOT and SVG -------------------------------------------------------------------------


def svg_nodes(svg: str | bytes) -> dict[str, list[str]]:
    """Node title -> its lines of text (Graphviz writes a run of spaces with no-break ones)."""
    root = ET.fromstring(svg)
    return {g.find(f"{SVG}title").text: [t.text.replace("\xa0", " ") for t in g.iter(f"{SVG}text")]
            for g in root.iter(f"{SVG}g") if g.get("class") == "node"}


def test_a_dot_label_is_never_html_an_escape_or_an_entity():
    source = draw_graph(graph('<<IMG SRC="/etc/passwd"/>>', "a\\lb&amp;", "o"), legend=False).source
    assert 'label=<' not in source and "&amp;amp;" in source and "a\\\\lb" in source


@needs_dot
@settings(max_examples=25)
@given(x=names, w=names, out=names)
def test_names_come_back_from_dots_svg_as_written(x, w, out):
    svg = draw_graph(graph(x, w, out), lecture=True).pipe(format="svg")
    nodes = svg_nodes(svg)
    plain = svg_nodes(draw_graph(graph(*PLAIN), lecture=True).pipe(format="svg"))
    assert {k: len(v) for k, v in nodes.items()} == {k: len(v) for k, v in plain.items()}
    heads = [re.sub(r"^#\d+  ", "", nodes[f"n{i}"][0]).strip() for i in (0, 1, 3)]
    assert heads == [visible(s).replace("\xa0", " ").strip() for s in (x, w, out)]


# ----- the lecture page ----------------------------------------------------------------------


class PageParser(HTMLParser):
    """The tags of a page, the text of its title and heading, and its script."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: Counter = Counter()
        self.text: dict[str, str] = {}
        self.scripts: list[str] = []
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[tag] += 1
        self._in = tag

    def handle_endtag(self, tag: str) -> None:
        self._in = None

    def handle_data(self, data: str) -> None:
        if self._in in ("title", "h1") and self._in not in self.text:
            self.text[self._in] = data
        elif self._in == "script":
            self.scripts.append(data)


def parse_page(page: str) -> PageParser:
    parser = PageParser()
    parser.feed(page)
    parser.close()
    return parser


@needs_dot
@settings(max_examples=15)
@given(x=names, w=names, out=names)
def test_names_reach_the_lecture_page_as_text_only(x, w, out):
    page = parse_page(to_html(graph(x, w, out)))
    plain = parse_page(to_html(graph(*PLAIN)))
    assert page.tags == plain.tags  # no element came from a name
    heading = "Backpropagation through " + visible(out)
    assert page.text == {"title": heading, "h1": heading}
    (script,) = page.scripts
    data = json.loads(re.search(r"^const PAGE = (.*);$", script, re.M)[1])
    assert [n["label"] for n in data["nodes"].values()][:2] == [visible(x), visible(w)]


# ----- LaTeX -------------------------------------------------------------------------------


TEX_COMMANDS = {"begin", "end", "hline", "texttt", "\\", "&", "%", "$", "#", "_", "{", "}",
                "textbackslash", "textasciitilde", "textasciicircum"}
TEX_UNESCAPE = {"textbackslash": "\\", "textasciitilde": "~", "textasciicircum": "^"}


def tex_tokens(src: str) -> list[tuple[str, str]]:
    """TeX's view of ``src``: control sequences, comments and single characters."""
    out, i = [], 0
    while i < len(src):
        c = src[i]
        if c == "\\":
            m = re.match(r"[A-Za-z]+", src[i + 1:])
            name = m[0] if m else src[i + 1]
            out.append(("cs", name))
            i += 1 + len(name)
        elif c == "%":
            end = src.find("\n", i)
            end = len(src) if end < 0 else end
            out.append(("comment", src[i:end]))
            i = end
        else:
            out.append(("char", c))
            i += 1
    return out


def texttt_arguments(tokens: list[tuple[str, str]]) -> list[str]:
    """The text of every ``\\texttt{...}``, escapes undone; no group may open inside."""
    args, i = [], 0
    while i < len(tokens):
        if tokens[i] == ("cs", "texttt"):
            assert tokens[i + 1] == ("char", "{")
            text, i = "", i + 2
            while tokens[i] != ("char", "}"):
                kind, t = tokens[i]
                assert (kind, t) != ("char", "{")
                if kind == "cs" and t in TEX_UNESCAPE:
                    assert tokens[i + 1:i + 3] == [("char", "{"), ("char", "}")]
                    i += 2
                text += TEX_UNESCAPE.get(t, t)
                i += 1
            args.append(text)
        i += 1
    return args


@settings(max_examples=50)
@given(x=names, w=names, out=names)
def test_latex_table_lets_no_name_out_of_its_cell(x, w, out):
    table = explain_backward(graph(x, w, out), lr=0.1, file=None)
    tokens = tex_tokens(table.to_latex())
    assert {t for kind, t in tokens if kind == "cs"} <= TEX_COMMANDS
    comments = [t for kind, t in tokens if kind == "comment"]
    assert comments == [tokens[0][1]]  # only the title line, which the table opens with
    assert not {t for kind, t in tokens if kind == "char"} & set("$#^_~\r\x00")
    cells = [c for row in table.cells() for c in row if c]
    updates = [str(u) for u in table.updates]
    assert texttt_arguments(tokens) == cells + updates


def test_a_newline_in_a_name_does_not_end_the_latex_comment():
    latex = explain_backward(graph("x", "w", "o\n\\input{/etc/passwd}"), file=None).to_latex()
    assert latex.splitlines()[0].startswith("% backward pass from o\\textbackslash{}n")
    assert "\\input" not in latex


# ----- Markdown ------------------------------------------------------------------------------


def gfm_cells(line: str) -> list[str]:
    """A GFM table row's cells: split at each ``|`` that no backslash escapes."""
    return [c.strip().replace("\\|", "|") for c in re.split(r"(?<!\\)\|", line)[1:-1]]


def code_span(cell: str) -> str:
    m = re.fullmatch(r"(`+)(.*?)\1", cell, re.S)
    assert m, cell
    text = m[2]
    return text[1:-1] if text[:1] == text[-1:] == " " and text.strip() else text


@settings(max_examples=50)
@given(x=names, w=names, out=names)
def test_markdown_table_keeps_its_columns_and_shows_names_as_code(x, w, out):
    table = explain_backward(graph(x, w, out), lr=0.1, file=None)
    lines = table.to_markdown().splitlines()
    title = re.fullmatch(r"\*\*(.*)\*\*", lines[0])[1]
    assert re.sub(r"\\(.)", r"\1", title) == table._title()
    assert not re.search(r"(?<!\\)[<>&`*_\[\]$|]", title)
    rows = [gfm_cells(line) for line in lines[2:] if line.startswith("|")]
    assert {len(r) for r in rows} == {len(table.header)}
    assert [[code_span(c) if c else "" for c in r] for r in rows[2:]] == table.cells()


# ----- text and Mermaid ---------------------------------------------------------------------


@settings(max_examples=50)
@given(x=names, w=names, out=names)
def test_text_tree_keeps_one_line_per_node(x, w, out):
    lines = to_text(graph(x, w, out)).splitlines()
    assert len(lines) == len(to_text(graph(*PLAIN)).splitlines())
    assert lines[0].startswith(visible(out) + " = tanh")


MERMAID_ENTITIES = {"#quot;": '"', "#lt;": "<", "#gt;": ">", "#amp;": "&", "#96;": "`",
                    "#35;": "#"}


@settings(max_examples=50)
@given(x=names, w=names, out=names)
def test_mermaid_labels_stay_inside_their_quotes(x, w, out):
    src = to_mermaid(graph(x, w, out))
    assert len(src.splitlines()) == len(to_mermaid(graph(*PLAIN)).splitlines())
    labels = re.findall(r'^  n\d+\["([^"]*)"\]:::\w+$', src, re.M)
    first = [re.sub("|".join(MERMAID_ENTITIES), lambda m: MERMAID_ENTITIES[m[0]],
                    label.split("<br/>")[0]) for label in labels]
    assert first[:2] == [visible(x), visible(w)] and first[-1] == visible(out)
    assert not re.search(r"<(?!br/>)|(?<!br/)>", "".join(labels))


def test_chinese_names_render_in_every_output():
    root = graph("输入", "权重", "损失")
    assert "权重" in to_text(root) and "权重" in to_mermaid(root)
    table = explain_backward(root, file=None)
    assert "权重" in table.to_latex() and "权重" in table.to_markdown()
    if shutil.which("dot"):
        assert svg_nodes(draw_graph(root).pipe(format="svg"))["n1"][0] == "权重"
