"""The lecture page (``autograd_mini.viz.html``) read as a file: structure and step data."""

from __future__ import annotations

import html
import json
import re
import shutil
from html.parser import HTMLParser

import numpy as np
import pytest
from graphs import masked

import autograd_mini as am
from autograd_mini import GraphError, Value
from autograd_mini.graph import toposort
from autograd_mini.viz.command import descent, neuron, tf1_net
from autograd_mini.viz.html import page_data, to_html

pytestmark = pytest.mark.skipif(shutil.which("dot") is None,
                                reason="the page embeds graphviz's SVG: needs the dot program")


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each <script>."""

    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict]] = []
        self.scripts: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))
        if tag == "script":
            self._in_script = True
            self.scripts.append("")

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script:
            self.scripts[-1] += data


def parse(page: str) -> _Tags:
    tags = _Tags()
    tags.feed(page)
    return tags


def raw_data(page: str) -> dict:
    """The step data the page's script runs on, nodes by key."""
    (script,) = parse(page).scripts
    match = re.search(r"^const PAGE = (.*);$", script, re.MULTILINE)
    return json.loads(match.group(1))


def by_labels(data: dict) -> dict:
    """The step data with every node key replaced by the node's label (unique here)."""
    label = {key: node["label"] for key, node in data["nodes"].items()}
    data["nodes"] = {node["label"]: node for node in data["nodes"].values()}
    for step in data["steps"]:
        step["node"] = label.get(step["node"])
        step["grads"] = {label[k]: v for k, v in step.get("grads", {}).items()}
        for edge in step.get("edges", []):
            edge["from"] = label[edge["from"]]
    return data


def embedded(page: str) -> dict:
    return by_labels(raw_data(page))


def by_label(root):
    """The graph's named nodes by name, the label the page gives them."""
    nodes, seen, stack = {}, set(), [root]
    while stack:
        n = stack.pop()
        if id(n) not in seen:
            seen.add(id(n))
            stack.extend(n.parents)
            if n.name:
                nodes[n.name] = n
    return nodes


@pytest.fixture(scope="module")
def neuron_page():
    root = neuron()
    return root, to_html(root)


# ----- a self-contained file ----------------------------------------------------------------


def test_page_has_exactly_one_script_and_it_is_inline(neuron_page):
    tags = parse(neuron_page[1])
    scripts = [attrs for tag, attrs in tags.tags if tag == "script"]
    assert scripts == [{}]
    assert "Next" in neuron_page[1] and "function" in tags.scripts[0]


def test_page_refers_to_no_external_url(neuron_page):
    for tag, attrs in parse(neuron_page[1]).tags:
        for key in ("src", "href", "xlink:href", "action", "data", "poster"):
            value = attrs.get(key)
            assert value is None or value.startswith(("#", "data:")), (tag, key, value)
    assert "url(" not in neuron_page[1] and "@import" not in neuron_page[1]


def test_page_embeds_the_svg_drawing_with_every_node(neuron_page):
    page = neuron_page[1]
    titles = set(re.findall(r"<title>([^<]*)</title>", page))
    for label, node in embedded(page)["nodes"].items():
        assert node["svg"][0] in titles, label
    assert "<?xml" not in page and "<svg" in page


def test_to_html_writes_the_page_it_returns(tmp_path):
    path = tmp_path / "page.html"
    page = to_html(descent(), path)
    assert path.read_text(encoding="utf-8") == page


def test_demo_pages_are_under_one_megabyte():
    for build in (neuron, descent, tf1_net):
        assert len(to_html(build()).encode("utf-8")) < 1_000_000, build.__name__


def test_nodes_sharing_a_name_stay_apart():
    h = Value(2.0, name="h")
    h2 = h * h
    h2.name = "h"
    data = raw_data(to_html(h2))
    assert [n["label"] for n in data["nodes"].values()] == ["h", "h"]
    assert len({n["data"] for n in data["nodes"].values()}) == 2


def test_a_closing_script_tag_in_a_name_does_not_end_the_script():
    x = Value(2.0, name="</script><script>alert(1)</script>")
    y = x * x
    page = to_html(y)
    assert len(parse(page).scripts) == 1
    assert "</script><script>alert(1)</script>" in embedded(page)["nodes"]


# ----- the step data matches the engine ---------------------------------------------------


def test_forward_steps_light_nodes_in_creation_order_with_their_values(neuron_page):
    root, page = neuron_page
    data = embedded(page)
    nodes = by_label(root)
    forward = [s["node"] for s in data["steps"] if s["phase"] == "forward"]
    assert forward == sorted(nodes, key=lambda label: nodes[label]._id)
    for label, node in nodes.items():
        assert data["nodes"][label]["data"] == pytest.approx(node.data, rel=1e-12)


def test_backward_steps_visit_nodes_in_the_order_backward_does(neuron_page):
    root, page = neuron_page
    backward = [s["node"] for s in embedded(page)["steps"] if s["phase"] == "backward"]
    assert backward == [n.name for n in toposort(root)]


def test_embedded_gradients_are_the_ones_backward_computes():
    root = neuron()
    data = embedded(to_html(root))
    root.backward()
    for label, node in by_label(root).items():
        if node.requires_grad:
            assert data["nodes"][label]["grad"] == pytest.approx(node.grad, rel=1e-12), label
    assert data["nodes"]["w1"]["grad"] == pytest.approx(1.0)
    assert data["nodes"]["n"]["grad"] == pytest.approx(0.5)


def test_each_backward_step_shows_the_running_gradient_of_every_input_it_feeds(neuron_page):
    steps = {s["node"]: s for s in embedded(neuron_page[1])["steps"] if s["phase"] == "backward"}
    step = steps["x1*w1"]
    assert step["grads"]["x1*w1"] == ["0.5"]
    (edge,) = step["edges"]
    assert (edge["from"], edge["local"], edge["upstream"], edge["sends"]) == ("w1", "2", "0.5", "1")
    assert step["grads"]["w1"] == ["1"]


def test_scalar_edges_are_drawn_with_the_chain_rule(neuron_page):
    assert "2 × 0.5 = 1" in neuron_page[1]  # d(x1*w1)/dw1 = x1 = 2, upstream 0.5


def test_backward_step_rows_point_at_its_lines_of_the_explain_backward_table(neuron_page):
    data = embedded(neuron_page[1])
    table = data["table"]
    for step in (s for s in data["steps"] if s["phase"] == "backward"):
        assert step["rows"]
        assert table[step["rows"][0]].startswith(f"{step['number']} ")


def test_to_html_leaves_grad_and_the_graph_as_they_were():
    root = neuron()
    to_html(root)
    assert all(n.grad == 0.0 for n in by_label(root).values())
    root.backward()  # the graph was not released
    assert by_label(root)["w1"].grad == pytest.approx(1.0)


def test_a_tall_drawing_gets_the_words_beside_it_and_a_wide_one_below():
    assert '<main class="side">' in to_html(tf1_net()) and "<main>" in to_html(neuron())


def test_a_page_shows_inline_in_a_notebook_as_an_iframe_of_itself():
    page = to_html(neuron())
    frame = page._repr_html_()
    srcdoc = re.fullmatch(r'<iframe srcdoc="([^"]*)" sandbox="allow-scripts" [^>]*></iframe>',
                          frame)
    assert srcdoc and html.unescape(srcdoc.group(1)) == page and "<script" not in frame
    assert isinstance(page, str) and len(repr(page)) < 100


def test_a_page_after_a_plain_backward_is_the_page_before_it():
    root = neuron()
    root.backward()  # releases the graph
    assert to_html(root) == to_html(neuron())


def test_a_graph_whose_release_freed_an_array_raises_with_the_fix():
    root = masked()
    root.backward()
    with pytest.raises(GraphError, match="to_html.*retain_graph=True"):
        to_html(root)


def test_a_non_scalar_root_raises_naming_the_reduction():
    t = am.Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    with pytest.raises(GraphError, match=r"to_html\(t.sum\(\)\)"):
        to_html(t * 2)


def test_a_node_used_twice_shows_its_running_gradient_then_the_sum():
    x = Value(0.5, name="x")
    y = x * x + x  # dy/dx = 2x + 1 = 2
    y.name = "y"
    steps = [s for s in embedded(to_html(y))["steps"] if s["phase"] == "backward"]
    totals = [s["grads"]["x"] for s in steps if "x" in s["grads"]]
    assert totals[0] == ["1"] and totals[-1] == ["2"]


# ----- tensors and big graphs --------------------------------------------------------------


def test_tensor_nodes_carry_shape_dtype_summary_and_engine_gradients():
    root = tf1_net()
    data = embedded(to_html(root))
    root.backward()
    w1 = by_label(root)["w1"]
    info = data["nodes"]["w1"]
    assert (info["shape"], info["dtype"]) == ([2, 3], "float32")
    assert "mean" in info["summary"]
    np.testing.assert_allclose(info["grad"], w1.grad, rtol=1e-6)


def test_tensor_edges_send_a_vjp_and_have_no_single_local_derivative():
    data = by_labels(page_data(tf1_net()))
    step = next(s for s in data["steps"] if s["phase"] == "backward" and s["node"] == "a")
    (edge,) = step["edges"]
    assert edge["from"] == "w1" and edge["local"] is None
    assert "VJP of matmul" in step["text"]


def _value_mlp_loss():
    model = am.nn.ValueMLP([3, 4, 4, 1], seed=0)
    out = model([Value(v, requires_grad=False) for v in (2.0, 3.0, -1.0)])
    return model, (out - 1.0) ** 2


def test_a_big_graph_without_collapse_raises_naming_the_fix():
    with pytest.raises(GraphError, match="collapse=model"):
        to_html(_value_mlp_loss()[1])


def test_a_big_graph_is_drawn_collapsed_into_modules_and_the_page_says_so():
    model, loss = _value_mlp_loss()
    page = to_html(loss, collapse=model)
    assert "each module is drawn as one box" in embedded(page)["note"]
    assert "each module is drawn as one box" in page.split("<main>")[0]  # shown, not only data
    assert "Neuron layers.0.neurons.0" in page


def test_a_small_graph_is_drawn_in_full_even_with_collapse_given():
    model = am.nn.ValueMLP([1, 1], seed=0)
    loss = model([Value(2.0, requires_grad=False)])
    data = embedded(to_html(loss, collapse=model))
    assert data["note"] == ""


# ----- the graph command -------------------------------------------------------------------


def test_graph_command_html_flag_writes_only_the_demos_page(tmp_path, monkeypatch):
    from autograd_mini.viz.command import graph_command

    monkeypatch.chdir(tmp_path)
    assert graph_command(["tf1-net", "--html", "net.html"]) == 0
    assert [p.name for p in tmp_path.iterdir()] == ["net.html"]
    data = embedded((tmp_path / "net.html").read_text(encoding="utf-8"))
    assert data["nodes"]["w1"]["shape"] == [2, 3]


def test_graph_command_html_flag_with_out_writes_both(tmp_path):
    from autograd_mini.viz.command import graph_command

    svg, page = tmp_path / "n.svg", tmp_path / "n.html"
    assert graph_command(["neuron", "--out", str(svg), "--html", str(page)]) == 0
    assert svg.is_file() and "const PAGE" in page.read_text(encoding="utf-8")


def test_docs_folder_holds_what_the_docs_command_writes_now():
    from pathlib import Path

    from autograd_mini.viz import docs

    folder = Path(__file__).resolve().parents[1] / "docs"
    if not folder.is_dir():
        pytest.skip("docs/ is not here (an installed package)")
    made = docs.render()
    command = "regenerate them with `python -m autograd_mini.viz.docs` from the repository root"
    made_by, ours = (re.search(rb"Generated by graphviz version (\S+)", svg)
                     for svg in ((folder / "neuron_graph.svg").read_bytes(),
                                 made["neuron_graph.svg"]))
    if made_by and ours and made_by[1] != ours[1]:  # another Graphviz lays the graph out
        page = (folder / "neuron_lecture.html").read_bytes()  # otherwise: all else must agree
        assert _without_svg(page) == _without_svg(made["neuron_lecture.html"]), command
        pytest.skip(f"docs/ drawn by Graphviz {made_by[1].decode()}, this is {ours[1].decode()}")
    assert docs.stale(folder, made) == [], f"docs/ is not what the code makes now: {command}"


def test_docs_command_writes_the_files_and_check_names_a_stale_one(tmp_path, capsys):
    from autograd_mini.viz import docs

    assert docs.main([str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted(docs.render())  # no temp files
    assert docs.main(["--check", str(tmp_path)]) == 0
    (tmp_path / "neuron_graph.svg").write_bytes(b"<svg/>")
    capsys.readouterr()
    assert docs.main(["--check", str(tmp_path)]) == 1
    assert capsys.readouterr().out == f"{tmp_path / 'neuron_graph.svg'} is not what the code " \
                                      "makes now\n"


def _without_svg(page: bytes) -> bytes:
    return re.sub(rb"<svg\b.*?</svg>", b"", page, flags=re.S)
