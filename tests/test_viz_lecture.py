"""Lecture mode: backward numbering, gradients on edges, explain_backward, animate_backward."""

from __future__ import annotations

import io
import json
import re
import shutil
import types

import numpy as np
import pytest
from graphs import masked, neuron

import autograd_mini as am
from autograd_mini import GraphError, Tensor, Value, Variable, tanh
from autograd_mini.graph import toposort
from autograd_mini.viz import BackwardWalk, animate_backward, draw_graph, explain_backward
from autograd_mini.viz.lecture import backward_frames
from autograd_mini.viz.text import GraphView

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot program is not installed "
                                      "(apt-get install graphviz)")




def descent() -> Tensor:
    """Seed 003's first epoch."""
    w = Variable(5.0, name="w")
    loss = (w + 1) ** 2
    loss.name = "loss"
    return loss


def labels(source: str) -> dict[str, str]:
    """First label line -> DOT node id."""
    return {m.group(2).split("\\n")[0]: m.group(1)
            for m in re.finditer(r'^\t(\w+) \[label="([^"]*)"', source, re.M)}


def edge_labels(source: str) -> dict[tuple[str, str], str]:
    """The gradients written on edges (not those laid out unseen for later steps)."""
    return {(m.group(1), m.group(2)): m.group(3)
            for m in re.finditer(r'^\t(\w+) -> (\w+) \[label=" (.*?) "(?! fontcolor=transparent)',
                                 source, re.M)}


# ----- the walk -----------------------------------------------------------------------------


def test_walk_visits_nodes_in_the_order_backward_does():
    o = neuron()
    walk = BackwardWalk(o)
    assert [v.node for v in walk.visits] == toposort(o)


def test_walk_totals_equal_the_gradients_backward_accumulates():
    rng = np.random.default_rng(0)
    w = Variable(rng.normal(size=(3, 2)), name="w")
    b = Variable(rng.normal(size=(2,)), name="b")
    x = Tensor(rng.normal(size=(4, 3)))
    loss = (tanh(x @ w + b) * (x @ w)).mean()
    totals = BackwardWalk(loss).totals()
    loss.backward()
    np.testing.assert_allclose(totals[id(w)], w.grad, rtol=1e-12)
    np.testing.assert_allclose(totals[id(b)], b.grad, rtol=1e-12)


def test_walk_touches_no_grad_and_leaves_the_graph_usable():
    o = neuron()
    BackwardWalk(o)
    w1 = o.parents[0].parents[0].parents[0].parents[1]
    assert w1.name == "w1" and w1.grad == 0.0
    o.backward()
    assert w1.grad == pytest.approx(1.0)


def test_walk_after_a_plain_backward_shows_the_gradients_backward_computed():
    o = neuron()
    o.backward()  # releases the graph
    totals = BackwardWalk(o).totals()
    nodes = [n for n in toposort(o)]
    assert len(nodes) == 8 and all(totals[id(n)] == n.grad for n in nodes)


def test_walk_after_a_plain_backward_keeps_small_settings_such_as_means_axis():
    x = Tensor([[1.0, 2.0], [3.0, 5.0]], requires_grad=True)
    loss = am.mean(am.square(x), axis=0).sum()
    loss.backward()
    np.testing.assert_array_equal(BackwardWalk(loss).totals()[id(x)], x.grad)


def test_walk_of_a_graph_whose_release_freed_an_array_says_what_happened_and_the_fix():
    loss = masked()
    loss.backward()  # frees where's condition
    with pytest.raises(GraphError, match=r"'where' was released by an earlier backward\(\).*"
                                         r"retain_graph=True"):
        BackwardWalk(loss)


def test_walk_works_after_backward_with_retain_graph():
    o = neuron()
    o.backward(retain_graph=True)
    assert len(BackwardWalk(o).visits) == 8


# ----- draw_graph(lecture=True) ---------------------------------------------------------------


def test_lecture_numbers_each_node_by_its_backward_step():
    o = neuron()
    source = draw_graph(o, lecture=True).source
    view = GraphView(o)
    for k, node in enumerate(toposort(o), 1):
        assert f"#{k}  {view.label(node)}" in labels(source)
    assert "x1" in labels(source)  # inputs are not visited and get no number


def test_lecture_edges_carry_the_gradient_sent_back():
    source = draw_graph(neuron(), lecture=True).source
    ids = {name.split()[-1]: k for name, k in labels(source).items()}
    carried = edge_labels(source)
    assert carried[(ids["w1"], ids["mul1"] + "op")] == "1"
    assert carried[(ids["w2"], ids["mul2"] + "op")] == "0"
    assert carried[(ids["n"], ids["o"] + "op")] == "0.5"
    assert (ids["x1"], ids["mul1"] + "op") not in carried  # inputs get nothing


def test_lecture_shows_its_own_gradients_before_any_backward():
    source = draw_graph(descent(), lecture=True).source
    assert '"#3  w\\ndata 5\\ngrad 12"' in source
    assert '"#1  loss\\ndata 36\\ngrad 1"' in source


def test_lecture_step_shows_only_what_was_sent_so_far_and_outlines_the_current_node():
    loss = descent()
    source = draw_graph(loss, lecture=True, step=1).source
    assert list(edge_labels(source).values()) == ["12"]  # loss sent 12 to w + 1
    assert '"#3  w\\ndata 5\\ngrad –"' in source
    current = re.search(r'\t(\w+) \[label="#1  loss[^\n]*', source).group(0)
    assert 'color="#d7191c"' in current and "penwidth=4" in current
    before = draw_graph(loss, lecture=True, step=0).source
    assert edge_labels(before) == {} and "grad 1" not in before


def test_lecture_step_past_the_last_one_is_refused():
    with pytest.raises(ValueError, match="step must be between 0 and 3"):
        draw_graph(descent(), step=4)


def test_lecture_after_a_plain_backward_draws_the_gradients_backward_computed():
    o = neuron()
    o.backward()
    after = draw_graph(o, lecture=True).source
    assert after == draw_graph(neuron(), lecture=True).source
    assert "#1  o" in after and 'grad 0.5"' in after


def test_lecture_on_a_graph_whose_release_freed_an_array_raises_graph_error():
    loss = masked()
    loss.backward()
    with pytest.raises(GraphError, match="draw_graph"):
        draw_graph(loss, lecture=True)


# ----- explain_backward -----------------------------------------------------------------------


def test_explain_seed_003_first_epoch_shows_the_update_to_2_6():
    out = io.StringIO()
    table = explain_backward(descent(), lr=0.2, file=out)
    assert "w: 5 - 0.2*12 = 2.6" in out.getvalue()
    assert table.updates[0].new == pytest.approx(2.6, rel=1e-6)


def test_explain_prints_to_the_current_stdout_by_default(capsys):
    explain_backward(descent(), lr=0.2)
    assert "w: 5 - 0.2*12 = 2.6" in capsys.readouterr().out


def test_explain_rows_give_node_formula_upstream_and_what_goes_where():
    table = explain_backward(descent(), file=None)
    first, second, leaf = table.rows
    assert (first.step, first.expression, first.formula) == (1, "loss = add1 ** 2",
                                                             "d/dx = y*x**(y-1)")
    assert (first.upstream, first.input, first.local, first.gradient) == (1.0, "add1", 12, 12)
    assert (second.expression, second.input, second.gradient, second.total) == (
        "add1 = w + 1", "w", 12, 12)
    assert (leaf.step, leaf.input, leaf.total) == (3, None, 12)


def test_explain_running_total_adds_up_when_a_node_is_used_twice():
    x = Value(3.0, name="x")
    y = x * x
    y.name = "y"
    rows = [r for r in explain_backward(y, file=None).rows if r.input == "x"]
    assert [(r.formula, r.gradient, r.total) for r in rows] == [
        ("d/dx = y", 3.0, 3.0), ("d/dy = x", 3.0, 6.0)]


def test_explain_text_is_an_aligned_table():
    text = explain_backward(neuron(), file=None).to_text()
    lines = text.splitlines()
    assert lines[0] == "backward pass from o: 8 steps"
    assert lines[1].split() == ["step", "node", "upstream", "input", "local", "derivative",
                                "local", "sends", "total"]
    assert re.search(r"^1 +o = tanh\(n\) +1 +n +d/dx = 1 - tanh\(x\)\*\*2 +0\.5 +0\.5 +0\.5$",
                     text, re.M)


def test_explain_latex_is_a_tabular_with_escaped_names():
    w = Variable(5.0, name="w_0")
    loss = (w + 1) ** 2
    latex = explain_backward(loss, lr=0.2, file=None).to_latex()
    assert "\\begin{tabular}" in latex and "\\end{tabular}" in latex
    assert "w\\_0" in latex and "w_0" not in latex.replace("w\\_0", "")
    out = io.StringIO()
    explain_backward(descent(), file=out, fmt="latex")
    assert out.getvalue().startswith("% backward pass from loss")


def test_explain_shows_as_markdown_in_jupyter():
    md = explain_backward(descent(), lr=0.2, file=None)._repr_markdown_()
    assert "| step | node |" in md and "`w: 5 - 0.2*12 = 2.6`" in md


@pytest.fixture
def notebook(monkeypatch):
    """A stand-in for the IPython shell running a cell, and what IPython's display shows."""
    IPython = pytest.importorskip("IPython")
    display = pytest.importorskip("IPython.display")
    cell, shown = types.SimpleNamespace(execution_count=7), []
    monkeypatch.setattr(IPython, "get_ipython", lambda: cell)
    monkeypatch.setattr(display, "display", lambda *data, **kw: shown.extend(data))
    return cell, shown


def test_explain_in_a_notebook_cell_shows_the_table_once(notebook, capsys):
    from IPython.core.formatters import DisplayFormatter

    cell, shown = notebook
    table = explain_backward(descent())  # printed into the cell's output...
    assert DisplayFormatter().format(table) == ({}, {}) and shown == []  # ...and not echoed
    cell.execution_count += 1  # `table` alone in a later cell
    DisplayFormatter().format(table)
    assert capsys.readouterr().out.count("backward pass from loss") == 1
    assert "| step | node |" in shown[0]["text/markdown"]


def test_explain_without_printing_shows_in_the_notebook(notebook):
    from IPython.core.formatters import DisplayFormatter

    DisplayFormatter().format(explain_backward(descent(), file=None))
    assert len(notebook[1]) == 1


def test_explain_rejects_an_unknown_format():
    with pytest.raises(ValueError, match="'text' or 'latex'"):
        explain_backward(descent(), fmt="html")


def test_explain_after_a_plain_backward_gives_the_same_table():
    loss = descent()
    loss.backward()
    assert explain_backward(loss, file=None) == explain_backward(descent(), file=None)


def test_explain_on_a_graph_whose_release_freed_an_array_says_how_to_fix_it():
    loss = masked()
    loss.backward()
    with pytest.raises(GraphError, match="explain_backward.*retain_graph=True"):
        explain_backward(loss, file=None)


def test_explain_leaves_grad_alone_and_backward_still_works():
    loss = descent()
    w = loss.parents[0].parents[0]
    explain_backward(loss, file=None)
    assert w.grad is None
    loss.backward()
    assert float(w.grad) == 12.0


# ----- animate_backward ---------------------------------------------------------------------


def pdf_pages(data: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", data))


@needs_dot
def test_animate_writes_one_frame_per_step_as_gif_and_pdf(tmp_path):
    from PIL import Image

    anim = animate_backward(neuron(), tmp_path / "backward.gif", dpi=40)
    assert anim.frames == 9  # the forward graph, then one frame per backward step
    with Image.open(anim.gif) as gif:
        assert gif.format == "GIF" and gif.n_frames == 9
    assert anim.pdf == tmp_path / "backward.pdf"
    assert pdf_pages(anim.pdf.read_bytes()) == 9


@needs_dot
def test_animation_frames_change_as_the_gradient_flows(tmp_path):
    from PIL import Image, ImageChops

    anim = animate_backward(descent(), tmp_path / "descent", dpi=40)
    with Image.open(anim.gif) as gif:
        frames = []
        for i in range(gif.n_frames):
            gif.seek(i)
            frames.append(gif.convert("RGB"))
    assert len({f.size for f in frames}) == 1
    assert all(ImageChops.difference(a, b).getbbox() for a, b in zip(frames, frames[1:]))


@needs_dot
def test_animation_frames_share_one_layout_so_the_loop_does_not_jump():
    frames = [json.loads(f.pipe(format="json0")) for f in backward_frames(neuron())]
    layouts = {(f["bb"], tuple((o["name"], o["pos"], o["width"]) for o in f["objects"]))
               for f in frames}
    assert len(frames) == 9 and len(layouts) == 1


def test_a_lecture_step_lays_out_the_labels_of_edges_still_to_carry_unseen():
    source = draw_graph(descent(), step=0).source
    assert source.count('[label=" 12 " fontcolor=transparent]') == 2
    assert 'fontcolor="#d7191c"' not in source


@needs_dot
def test_animation_shows_inline_as_an_html_image(tmp_path):
    anim = animate_backward(descent(), tmp_path / "d.gif", dpi=30)
    assert anim._repr_html_().startswith('<img src="data:image/gif;base64,')


@needs_dot
def test_animate_after_a_plain_backward_writes_every_frame(tmp_path):
    loss = descent()
    loss.backward()
    assert animate_backward(loss, tmp_path / "d.gif", dpi=30).frames == 4


def test_animate_on_a_graph_whose_release_freed_an_array_raises_graph_error(tmp_path):
    loss = masked()
    loss.backward()
    with pytest.raises(GraphError, match="animate_backward"):
        animate_backward(loss, tmp_path / "x.gif")
    assert list(tmp_path.iterdir()) == []
