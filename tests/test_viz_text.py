"""Text views of a graph: the indented tree, Mermaid source, labels, kinds and number format."""

from __future__ import annotations

import re

import numpy as np
import pytest
from graphs import neuron

from autograd_mini import DTypeError, GraphError, Tensor, Value, Variable
from autograd_mini.viz import to_mermaid, to_text
from autograd_mini.viz.text import GraphView, fmt, kind_of

# ----- the tree --------------------------------------------------------------------------


def test_text_tree_puts_the_root_first_and_its_inputs_below_in_order():
    a, b = Value(5.0, name="a"), Value(3.0, name="b")
    out = a - b
    out.name = "out"
    lines = to_text(out).splitlines()
    assert lines[0].startswith("out = -")
    assert lines[1].startswith("├── a [parameter]")
    assert lines[2].startswith("└── b [parameter]")


def test_text_tree_shows_data_and_grad_after_backward():
    o = neuron()
    o.backward()
    first = to_text(o).splitlines()[0]
    assert "data 0.7071" in first and "grad 1" in first


def test_text_tree_tags_inputs_parameters_and_constants():
    w = Variable(5.0, name="w")
    loss = (w + 1) ** 2
    text = to_text(loss)
    assert "w [parameter]" in text
    assert "1 [constant]" in text and "2 [constant]" in text


def test_text_tree_writes_a_shared_result_once():
    x = Value(2.0, name="x")
    h = x * x
    h.name = "h"
    out = h + h
    text = to_text(out)
    assert text.count("h = *") == 1
    assert "h (see above)" in text


def test_text_tree_of_a_long_chain_needs_no_recursion():
    x = Value(1.0, name="x")
    y = x
    for _ in range(3000):
        y = y + 1.0
    lines = to_text(y, max_nodes=None).splitlines()
    assert lines[-1].endswith("1 [constant]")
    assert len(lines) == 2 * 3000 + 1


def test_text_tree_refuses_more_than_max_nodes():
    x = Value(1.0)
    y = x
    for _ in range(20):
        y = y * 1.5
    with pytest.raises(GraphError, match="max_nodes=10"):
        to_text(y, max_nodes=10)


# ----- Mermaid ---------------------------------------------------------------------------


def test_mermaid_is_a_flowchart_with_one_node_per_value_and_per_op():
    src = to_mermaid(neuron())
    assert src.startswith("flowchart LR\n")
    values = re.findall(r'^  n\d+\["', src, re.M)
    ops = re.findall(r'^  n\d+op\(\("', src, re.M)
    assert (len(values), len(ops)) == (10, 5)


def test_mermaid_edges_point_from_inputs_to_the_op_to_its_result():
    a, b = Value(1.0, name="a"), Value(2.0, name="b")
    out = a * b
    src = to_mermaid(out)
    assert re.findall(r"^  (\S+) --> (\S+)$", src, re.M) == [
        ("n0", "n2op"), ("n1", "n2op"), ("n2op", "n2")]


def test_mermaid_escapes_quotes_and_angle_brackets_in_names():
    x = Value(1.0, name='say "hi" <x>')
    src = to_mermaid(x * 2.0)
    assert '"hi"' not in src and "<x>" not in src
    assert "#quot;hi#quot;" in src and "#lt;x#gt;" in src


def test_mermaid_styles_each_kind_with_a_class():
    src = to_mermaid(neuron())
    for kind in ("parameter", "input", "result", "output", "op"):
        assert f"classDef {kind} fill:" in src
    assert "classDef constant" not in src  # no constant in the neuron


# ----- labels, kinds, numbers ------------------------------------------------------------


def test_unnamed_nodes_get_labels_from_their_op_independent_of_earlier_work():
    def build():
        x = Value(2.0, name="x")
        return (x * x + x) * x

    first = GraphView(build())
    for _ in range(7):  # unrelated nodes created in between shift _id, not the labels
        Value(1.0) * Value(2.0)
    second = GraphView(build())
    assert [first.label(n) for n in first.nodes] == ["x", "mul1", "add1", "mul2"]
    assert [second.label(n) for n in second.nodes] == ["x", "mul1", "add1", "mul2"]


def test_automatic_labels_do_not_reuse_a_name_the_user_gave():
    x = Value(2.0, name="mul1")
    out = x * x
    assert GraphView(out).label(out) == "mul2"


def test_kinds_tell_parameters_inputs_constants_and_results_apart():
    w = Variable(np.ones((2, 2)), name="w")
    frozen = Variable(1.0, trainable=False)
    x = Tensor(np.ones((3, 2)))
    out = (x @ w) * 2.0
    assert kind_of(w) == "parameter"
    assert kind_of(frozen) == "input"
    assert kind_of(x) == "input"
    assert kind_of(out.parents[1]) == "constant"
    assert kind_of(out.parents[0]) == "result"
    assert kind_of(out, is_root=True) == "output"
    assert kind_of(Tensor(1.0, requires_grad=True)) == "parameter"


def test_fmt_writes_four_significant_digits_and_large_arrays_as_a_summary():
    assert fmt(0.70710678) == "0.7071"
    assert fmt(np.float32(2.6)) == "2.6"
    assert fmt(0.0) == "0"
    assert fmt(1.5e-7) == "1.500e-07"
    big = np.arange(1000.0)
    assert fmt(big) == "0 … 999, mean 500"
    assert fmt(np.full(50, 0.125)) == "all 0.125"


def test_fmt_keeps_matrix_rows_on_lines_and_columns_on_one_line():
    assert fmt(np.array([[1.0, 2.0], [3.0, 4.0]])) == "[[1 2]\n [3 4]]"
    assert fmt(np.array([[1.0], [2.0]])) == "[[1] [2]]"


def test_walking_something_that_is_not_a_node_says_what_was_expected():
    with pytest.raises(DTypeError, match="Value or Tensor"):
        to_text(3.0)


def test_a_define_then_run_graph_draws_before_any_session_runs_it():
    import autograd_mini.compat.v1 as tf
    from autograd_mini.viz import draw_graph

    graph = tf.Graph()
    with graph.as_default():
        x = tf.placeholder(tf.float32, shape=(None, 2))
        w = tf.Variable(np.ones((2, 1), np.float32))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
    assert "not computed yet" in to_text(loss)
    assert "not computed yet" in draw_graph(train).source
