"""``autograd-mini graph DEMO``: the demos' graphs written to files, and the README picture."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from autograd_mini.viz.command import DEMOS, descent, graph_command, neuron, tf1_net

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot program is not installed "
                                      "(apt-get install graphviz)")
SVG = "{http://www.w3.org/2000/svg}"
DOCS = Path(__file__).resolve().parents[1] / "docs"


def svg_nodes(path: Path) -> dict[str, list[str]]:
    """Node title -> its text lines, from an SVG file."""
    root = ET.parse(path).getroot()
    return {g.find(f"{SVG}title").text: [t.text for t in g.iter(f"{SVG}text")]
            for g in root.iter(f"{SVG}g") if g.get("class") == "node"}


# ----- the demos ----------------------------------------------------------------------------


@pytest.mark.parametrize(("demo", "lines"), [
    ("neuron", ["def step(w1, w2, b):", "o = tanh_scalar(n)", "d_n = d_o * (1 - o * o)",
                "d_w1 = d_x1_w1 * x1", "w1.grad = grad_w1", "b.grad = grad_b"]),
    ("tf1-net", ["def step(w1, w2):", "y = a @ w2_2", "d_sub = d_square_2 * sub",
                 "d_a = d_y @ w2_2.T", "d_w1 = x.T @ d_a", "w1.grad = grad_w1"]),
    ("descent", ["def step(w):", "d_add = pow_vjp0(", "w.grad = grad_w"]),
])
def test_source_prints_the_forward_and_the_backward_to_the_weights(demo, lines, capsys):
    """``--source``: the compiled step of the demo, its weights as inputs, with the backward
    pass down to their gradients (not a forward of constants worked out once)."""
    assert graph_command([demo, "--source"]) == 0
    source = capsys.readouterr().out
    for line in lines:
        assert line in source, line


def test_neuron_demo_is_micrographs_neuron_with_its_numbers():
    o = neuron()
    assert o.name == "o" and o.op == "tanh"
    assert o.data == pytest.approx(0.7071067811865476)
    o.backward()
    assert o.parents[0].grad == pytest.approx(0.5)


def test_descent_demo_is_seed_003_first_epoch():
    loss = descent()
    loss.backward()
    w = loss.parents[0].parents[0]
    assert (float(loss.data), float(w.grad)) == (36.0, 12.0)


def test_tf1_net_demo_uses_seed_000_weights_and_first_batch():
    loss = tf1_net()
    assert loss.name == "loss_mse" and loss.op == "mean"
    y, y_ = loss.parents[0].parents[0].parents
    assert (y.name, y_.name, y.shape) == ("y", "y_", (8, 1))
    assert float(loss.data) == pytest.approx(5.583, rel=1e-3)


# ----- files written --------------------------------------------------------------------------


@needs_dot
def test_neuron_command_writes_an_svg_with_fifteen_nodes(tmp_path, capsys):
    out = tmp_path / "neuron.svg"
    assert graph_command(["neuron", "--out", str(out)]) == 0
    nodes = svg_nodes(out)
    assert len(nodes) == 15
    assert nodes["n1"] == ["w1", "data -3", "grad 1"]
    assert capsys.readouterr().out == f"wrote {out}\n"


@needs_dot
@pytest.mark.parametrize("demo", sorted(DEMOS))
def test_every_demo_renders_to_png(tmp_path, demo):
    out = tmp_path / f"{demo}.png"
    assert graph_command([demo, "--out", str(out), "--dpi", "40"]) == 0
    assert out.read_bytes().startswith(b"\x89PNG")


MAGIC = {"svg": b"<?xml", "png": b"\x89PNG", "jpg": b"\xff\xd8\xff", "jpeg": b"\xff\xd8\xff",
         "pdf": b"%PDF"}


@needs_dot
@pytest.mark.parametrize("suffix", sorted(MAGIC))
def test_out_suffix_chooses_the_picture_format(tmp_path, suffix):
    out = tmp_path / f"neuron.{suffix}"
    assert graph_command(["neuron", "--out", str(out), "--dpi", "20"]) == 0
    assert out.read_bytes().startswith(MAGIC[suffix])


def test_unknown_suffix_error_lists_the_formats(tmp_path, capsys):
    with pytest.raises(SystemExit):
        graph_command(["neuron", "--out", str(tmp_path / "neuron.bmp")])
    err = capsys.readouterr().err
    assert all(f".{f}" in err for f in ("svg", "png", "jpg", "pdf", "dot", "gif", "txt"))


def test_before_backward_draws_data_without_gradients(tmp_path):
    out = tmp_path / "d.dot"
    assert graph_command(["descent", "--before-backward", "--out", str(out)]) == 0
    source = out.read_text()
    assert "data 5" in source and "\\ngrad" not in source


def test_lecture_flag_numbers_the_steps_and_labels_edges(tmp_path):
    out = tmp_path / "d.dot"
    assert graph_command(["descent", "--lecture", "--format", "dot", "--out", str(out)]) == 0
    source = out.read_text()
    assert '"#1  loss\\ndata 36\\ngrad 1"' in source
    assert re.search(r'-> \w+ \[label=" 12 "', source)


def test_rankdir_option_reaches_the_drawing(tmp_path):
    out = tmp_path / "n.dot"
    assert graph_command(["neuron", "--rankdir", "TB", "--out", str(out)]) == 0
    assert "rankdir=TB" in out.read_text()


@needs_dot
def test_seed_000s_net_is_drawn_for_a_slide_by_default(tmp_path):
    from PIL import Image

    for flags in ([], ["--lecture"]):
        out = tmp_path / "net.png"
        assert graph_command(["tf1-net", "--out", str(out), *flags]) == 0
        with Image.open(out) as png:  # at 150 dpi; was 3798x560 (5498x612 with --lecture)
            assert png.width < 2.5 * png.height and png.width < 2400


def test_text_and_mermaid_formats_need_no_graphviz(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert graph_command(["descent", "--out", str(tmp_path / "d.txt")]) == 0
    assert (tmp_path / "d.txt").read_text().startswith("loss = **")
    assert graph_command(["neuron", "--format", "mmd", "--out", str(tmp_path / "n.md")]) == 0
    assert (tmp_path / "n.md").read_text().startswith("flowchart LR")


@needs_dot
def test_gif_format_writes_the_backward_animation_and_its_pdf(tmp_path):
    out = tmp_path / "descent.gif"
    assert graph_command(["descent", "--out", str(out), "--dpi", "30"]) == 0
    assert out.read_bytes().startswith(b"GIF8")
    assert (tmp_path / "descent.pdf").read_bytes().startswith(b"%PDF")


def test_default_output_name_comes_from_the_demo(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert graph_command(["tf1-net", "--format", "dot"]) == 0
    assert (tmp_path / "tf1_net_graph.dot").read_text().startswith("digraph")


def test_missing_dot_exits_1_with_the_install_hint(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("PATH", str(tmp_path))
    assert graph_command(["neuron", "--out", str(tmp_path / "n.svg")]) == 1
    assert "apt-get install graphviz" in capsys.readouterr().err


def test_unknown_demo_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        graph_command(["nope"])
    assert info.value.code == 2
    assert "invalid choice: 'nope'" in capsys.readouterr().err


# ----- the README picture -----------------------------------------------------------------------


@needs_dot
def test_readme_picture_matches_what_the_command_draws_now(tmp_path):
    fresh = tmp_path / "neuron_graph.svg"
    assert graph_command(["neuron", "--out", str(fresh)]) == 0
    assert svg_nodes(DOCS / "neuron_graph.svg") == svg_nodes(fresh)
    assert (DOCS / "neuron_graph.png").read_bytes().startswith(b"\x89PNG")
