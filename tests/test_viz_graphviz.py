"""draw_graph: nodes, edges, labels and styles in the DOT source and in the rendered SVG."""

from __future__ import annotations

import re
import shutil
import xml.etree.ElementTree as ET

import graphviz
import numpy as np
import pytest
from graphs import neuron

from autograd_mini import DTypeError, GraphError, Tensor, Value, Variable, mean, nn, square
from autograd_mini.viz import DotNotFoundError, GraphDrawing, draw_graph
from autograd_mini.viz.text import COLORS

needs_dot = pytest.mark.skipif(shutil.which("dot") is None,
                               reason="Graphviz's dot program is not installed "
                                      "(apt-get install graphviz)")
SVG = "{http://www.w3.org/2000/svg}"


# ----- reading a drawing back ---------------------------------------------------------------

_ATTR = r'(\w+)=("(?:[^"\\]|\\.)*"|<<.*?>>|[^ \]]+)'


def dot_nodes(g: graphviz.Digraph) -> dict[str, dict[str, str]]:
    """Node id -> attributes, from the DOT source."""
    out = {}
    for line in g.source.splitlines():
        m = re.match(r"^\t(\w+) \[(.*)\]$", line)
        if m and m.group(1) not in ("graph", "node", "edge"):
            out[m.group(1)] = {k: v.strip('"') for k, v in re.findall(_ATTR, m.group(2))}
    return out


def dot_edges(g: graphviz.Digraph) -> list[tuple[str, str, str]]:
    """(source, target, label) per edge, in the order of the DOT source."""
    out = []
    for line in g.source.splitlines():
        m = re.match(r"^\t(\w+) -> (\w+)(?: \[(.*)\])?$", line)
        if m:
            attrs = dict(re.findall(_ATTR, m.group(3) or ""))
            out.append((m.group(1), m.group(2), attrs.get("label", "").strip('" ')))
    return out


def svg_graph(g: graphviz.Digraph) -> tuple[dict[str, list[str]], list[tuple[str, str]]]:
    """Node title -> text lines, and (source, target) edges, from the rendered SVG."""
    root = ET.fromstring(g.pipe(format="svg"))
    nodes, edges = {}, []
    for group in root.iter(f"{SVG}g"):
        title = group.find(f"{SVG}title").text if group.find(f"{SVG}title") is not None else ""
        if group.get("class") == "node":
            nodes[title] = [t.text for t in group.iter(f"{SVG}text")]
        elif group.get("class") == "edge":
            edges.append(tuple(title.split("->")))
    return nodes, edges




def label_of(g: graphviz.Digraph, name: str) -> str:
    """The DOT label of the value node whose first line is ``name``."""
    for attrs in dot_nodes(g).values():
        if attrs.get("label", "").split("\\n")[0] == name:
            return attrs["label"]
    raise AssertionError(f"no node labelled {name}")


# ----- structure ------------------------------------------------------------------------------


@needs_dot
def test_neuron_svg_has_one_box_per_value_and_one_ellipse_per_op():
    nodes, edges = svg_graph(draw_graph(neuron()))
    values = [t for t in nodes if not t.endswith("op")]
    ops = [t for t in nodes if t.endswith("op")]
    assert (len(values), len(ops), len(edges)) == (10, 5, 14)


@needs_dot
def test_svg_edges_run_in_the_direction_data_flows():
    a, b = Value(1.0, name="a"), Value(2.0, name="b")
    out = a * b
    out.name = "out"
    nodes, edges = svg_graph(draw_graph(out))
    assert nodes["n0"][0] == "a" and nodes["n2"][0] == "out" and nodes["n2op"] == ["*"]
    assert sorted(edges) == [("n0", "n2op"), ("n1", "n2op"), ("n2op", "n2")]


def test_inputs_keep_their_order_in_node_ids_and_edges():
    a, b = Value(5.0, name="a"), Value(3.0, name="b")
    g = draw_graph(a - b)
    assert [(s, t) for s, t, _ in dot_edges(g)] == [("n2op", "n2"), ("n0", "n2op"),
                                                  ("n1", "n2op")]
    assert label_of(g, "a").startswith("a\\n") and dot_nodes(g)["n1"]["label"].startswith("b")


def test_a_value_used_twice_sends_two_edges_into_its_op():
    x = Value(3.0, name="x")
    g = draw_graph(x * x)
    assert [(s, t) for s, t, _ in dot_edges(g)].count(("n0", "n1op")) == 2


def test_the_same_script_draws_the_same_source_every_time():
    first = draw_graph(neuron()).source
    for _ in range(5):  # other work in between changes every _id, not the drawing
        Value(1.0) + Value(2.0)
    assert draw_graph(neuron()).source == first


# ----- what the boxes say ---------------------------------------------------------------------


def test_after_backward_each_box_shows_name_data_and_grad():
    o = neuron()
    o.backward()
    g = draw_graph(o)
    assert label_of(g, "w1") == "w1\\ndata -3\\ngrad 1"
    assert label_of(g, "o") == "o\\ndata 0.7071\\ngrad 1"
    assert label_of(g, "x1") == "x1\\ndata 2"  # inputs get no gradient


def test_show_data_and_show_grad_switch_lines_off():
    o = neuron()
    o.backward()
    assert label_of(draw_graph(o, show_data=False), "w1") == "w1\\ngrad 1"
    assert label_of(draw_graph(o, show_grad=False), "w1") == "w1\\ndata -3"


def test_tensor_boxes_show_shape_and_dtype_and_no_grad_before_backward():
    w = Variable(np.ones((2, 3)), name="w")
    x = Tensor(np.ones((4, 2)), name="x")
    g = draw_graph((x @ w).sum())
    assert label_of(g, "w").startswith("w\\n(2, 3) float64\\ndata ")
    assert "\\ngrad" not in g.source


def test_large_arrays_are_summarised_never_dumped():
    x = Variable(np.linspace(-1.0, 1.0, 10_000), name="x")
    loss = (x * x).sum()
    loss.backward()
    label = label_of(draw_graph(loss), "x")
    assert label.endswith("\\ndata -1 … 1\\ngrad -2 … 2")
    assert len(label) < 120


def test_a_small_matrix_is_summarised_too_and_a_short_vector_written_out():
    w = Variable(np.array([[-0.811, 1.48, 0.0653], [-2.44, 0.0992, 0.591]]), name="w")
    b = Variable(np.array([0.5, -1.0]), name="b")
    loss = (w.sum(axis=0) * 2.0).sum() + b.sum()
    loss.backward()
    g = draw_graph(loss)
    assert label_of(g, "w") == "w\\n(2, 3) float64\\ndata -2.44 … 1.48\\ngrad all 2"
    assert label_of(g, "b") == "b\\n(2,) float64\\ndata [0.5 -1]\\ngrad all 1"


def test_kinds_get_distinct_fill_colours():
    w = Variable(5.0, name="w")
    x = Tensor([1.0, 2.0], name="x")
    loss = ((w * x) + 1.0).sum()
    nodes = dot_nodes(draw_graph(loss))
    fills = {a["label"].split("\\n")[0]: a["fillcolor"] for a in nodes.values() if "label" in a}
    assert fills["w"] == COLORS["parameter"][0]
    assert fills["x"] == COLORS["input"][0]
    assert fills["1"] == COLORS["constant"][0]
    assert fills["mul1"] == COLORS["result"][0]
    assert fills["sum1"] == COLORS["output"][0]
    assert len({c[0] for c in COLORS.values()}) == len(COLORS)


def test_legend_names_only_the_kinds_in_the_picture():
    g = draw_graph(neuron())
    legend = re.search(r"label=<<TABLE.*</TABLE>>", g.source).group(0)
    assert "parameter" in legend and "input data" in legend and "op" in legend
    assert "constant" not in legend and "module" not in legend
    assert "TABLE" not in draw_graph(neuron(), legend=False).source


# ----- options and limits ---------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("lecture", [False, True])
def test_seed_000s_net_is_laid_out_to_fit_a_slide(lecture):
    from autograd_mini.viz.command import tf1_net
    from autograd_mini.viz.graphviz import LEGIBLE, _slide_scale

    root = tf1_net()
    root.backward()
    drawing = draw_graph(root, lecture=lecture)
    assert drawing.layout == "stairs" and _slide_scale(drawing) >= LEGIBLE
    assert _slide_scale(draw_graph(root, "LR", lecture=lecture)) < LEGIBLE


@needs_dot
def test_small_graphs_stay_left_to_right():
    assert draw_graph(neuron()).layout == draw_graph(neuron(), lecture=True).layout == "LR"
    assert draw_graph(neuron()).source == draw_graph(neuron(), "LR").source


def test_stairs_put_each_op_on_its_results_rank():
    source = draw_graph(neuron(), "stairs").source
    assert "rankdir=TB" in source and "{rank=same; n2op; n2}" in source


def test_auto_without_graphviz_is_left_to_right(monkeypatch, tmp_path):
    from autograd_mini.viz.command import tf1_net

    monkeypatch.setenv("PATH", str(tmp_path))
    drawing = draw_graph(tf1_net())
    assert drawing.layout == "LR" and "rankdir=LR" in drawing.source


def test_rankdir_reaches_dot_and_bad_values_are_refused():
    assert "rankdir=TB" in draw_graph(neuron(), rankdir="TB").source
    with pytest.raises(ValueError, match="rankdir must be one of LR, TB, RL, BT"):
        draw_graph(neuron(), rankdir="sideways")


def test_more_nodes_than_max_nodes_is_refused_with_the_way_out():
    y = Value(1.0)
    for _ in range(300):
        y = y * 1.01
    with pytest.raises(GraphError, match=r"901 nodes.*max_nodes=500.*collapse=model"):
        draw_graph(y)
    assert draw_graph(y, max_nodes=None).source.count("->") == 900


def test_drawing_a_number_says_a_value_or_tensor_is_needed():
    with pytest.raises(DTypeError, match="Value or Tensor"):
        draw_graph(np.ones(3))


# ----- collapsing modules ---------------------------------------------------------------------


def mlp_loss() -> tuple[nn.MLP, Tensor]:
    model = nn.MLP([2, 3, 1], seed=0)
    x, y = Tensor(np.ones((4, 2)), name="x"), Tensor(np.zeros((4, 1)), name="y")
    return model, mean(square(model(x) - y))


def test_collapse_model_draws_each_layer_as_one_labelled_box():
    model, loss = mlp_loss()
    nodes = dot_nodes(draw_graph(loss, collapse=model))
    boxes = {k: v["label"] for k, v in nodes.items() if k.startswith("m")}
    assert boxes == {"m0": "Linear layers.0\\nweight (2, 3)\\nbias (3,)\\nout (4, 3)",
                     "m1": "Linear layers.1\\nweight (3, 1)\\nbias (1,)\\nout (4, 1)"}
    assert not any("weight" in v.get("label", "") for k, v in nodes.items() if k[0] == "n")


def test_collapsed_boxes_sit_between_the_activation_edges():
    model, loss = mlp_loss()
    g = draw_graph(loss, collapse=model)
    edges = [(s, t) for s, t, _ in dot_edges(g)]
    ids = {v["label"].split("\\n")[0]: k for k, v in dot_nodes(g).items()}
    assert (ids["x"], "m0") in edges and ("m0", ids["sigmoid1"] + "op") in edges
    assert (ids["sigmoid1"], "m1") in edges and ("m1", ids["sub1"] + "op") in edges
    assert edges.count((ids["x"], "m0")) == 1


def test_collapse_a_list_boxes_only_those_modules():
    model, loss = mlp_loss()
    nodes = dot_nodes(draw_graph(loss, collapse=[model.layers[1]]))
    assert [k for k in nodes if k.startswith("m")] == ["m0"]
    assert nodes["m0"]["label"].startswith("Linear layers.1")
    assert any(v.get("label", "").startswith("layers.0.weight") for v in nodes.values())


def test_collapse_value_neurons_keeps_their_sum_and_activation_inside_the_box():
    model = nn.ValueMLP([2, 2, 1], seed=0)
    out = model([1.0, -2.0])
    g = draw_graph(out, collapse=model)
    boxes = [v["label"] for k, v in dot_nodes(g).items() if k.startswith("m")]
    assert boxes[0] == ("Neuron layers.0.neurons.0\\nw.0 = 0.2739\\nw.1 = -0.4604\\nb = 0"
                        "\\nthen tanh\\nout = 0.8321")
    assert len(boxes) == 3
    ops = [v["label"] for k, v in dot_nodes(g).items() if k.endswith("op")]
    assert ops == []  # every *, + and tanh ran in a neuron's call, so went into its box


def test_collapse_lets_a_big_model_fit_under_max_nodes():
    model = nn.ValueMLP([4, 8, 8, 1], seed=1)
    out = model([0.5, -1.0, 2.0, 0.1])
    with pytest.raises(GraphError):
        draw_graph(out, max_nodes=100, collapse=None)
    assert draw_graph(out, collapse=model, max_nodes=100).source.count("box3d") == 17
    assert draw_graph(out, max_nodes=100).source.count("box3d") == 17  # "auto" does the same


def test_collapse_refuses_something_that_is_not_a_module():
    with pytest.raises(DTypeError, match="a list of modules, 'auto' or None, got 'layers'"):
        draw_graph(neuron(), collapse="layers")


@needs_dot
def test_collapsed_svg_counts_boxes_in_place_of_layers():
    model, loss = mlp_loss()
    nodes, edges = svg_graph(draw_graph(loss, collapse=model))
    assert sorted(t for t in nodes if t.startswith("m")) == ["m0", "m1"]
    assert nodes["m0"][0] == "Linear layers.0"
    assert len(nodes) == 12 and len(edges) == 11


# ----- rendering ------------------------------------------------------------------------------


@needs_dot
@pytest.mark.parametrize("fmt, magic", [("svg", b"<?xml"), ("png", b"\x89PNG"),
                                        ("pdf", b"%PDF")])
def test_render_writes_the_file_named_with_its_format(tmp_path, fmt, magic):
    path = tmp_path / f"neuron.{fmt}"
    written = draw_graph(neuron()).render(path)
    assert written == str(path)
    assert path.read_bytes().startswith(magic)
    assert sorted(p.name for p in tmp_path.iterdir()) == [path.name]  # no stray DOT file


@needs_dot
def test_render_with_format_keeps_graphviz_naming(tmp_path):
    written = draw_graph(neuron()).render(tmp_path / "neuron", format="svg")
    assert written.endswith("neuron.svg")
    assert (tmp_path / "neuron").read_text().startswith("digraph")


@needs_dot
def test_jupyter_gets_an_svg_image():
    bundle = draw_graph(neuron())._repr_mimebundle_()
    assert list(bundle) == ["image/svg+xml"] and "<svg" in bundle["image/svg+xml"]


def test_without_dot_rendering_says_how_to_install_it(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    g = draw_graph(neuron())
    assert g.source.startswith("digraph")  # the DOT source needs no binary
    with pytest.raises(DotNotFoundError, match="apt-get install graphviz") as info:
        g.render(tmp_path / "x.svg")
    assert isinstance(info.value, graphviz.ExecutableNotFound)
    assert "brew install graphviz" in str(info.value) and "conda" in str(info.value)
    with pytest.raises(DotNotFoundError):
        g._repr_mimebundle_()


def test_draw_graph_returns_a_graphviz_digraph():
    assert isinstance(draw_graph(neuron()), graphviz.Digraph)
    assert isinstance(draw_graph(neuron()), GraphDrawing)
