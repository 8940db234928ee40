"""The course's programs can be drawn: a TF1 default graph and a TF2 tape's loss work with
draw_graph, explain_backward and to_html."""

from __future__ import annotations

import io

import numpy as np
import pytest

import autograd_mini.compat.v1 as tf1
import autograd_mini.compat.v2 as tf2
from autograd_mini.errors import GraphError
from autograd_mini.viz import draw_graph, explain_backward, to_html


def _seed000_net():
    x = tf1.placeholder(tf1.float32, shape=(None, 2), name="x")
    y_ = tf1.placeholder(tf1.float32, shape=(None, 1), name="y_")
    w1 = tf1.Variable(tf1.random_normal([2, 3], stddev=1, seed=1), name="w1")
    w2 = tf1.Variable(tf1.random_normal([3, 1], stddev=1, seed=1), name="w2")
    y = tf1.matmul(tf1.matmul(x, w1), w2)
    loss = tf1.reduce_mean(tf1.square(y - y_))
    train = tf1.train.GradientDescentOptimizer(0.001).minimize(loss)
    return x, y_, loss, train


def test_a_tf1_default_graph_draws_from_its_loss():
    with tf1.Graph().as_default() as graph:
        x, y_, loss, train = _seed000_net()
        with tf1.Session() as sess:
            sess.run(tf1.global_variables_initializer())
            sess.run([train, loss], feed_dict={x: [[0.5, 0.2]], y_: [[1.0]]})
        assert graph.drawing_root() is loss
        source = draw_graph(graph).source
        assert "w1" in source and "w2" in source and "mean" in source
        table = explain_backward(graph, file=io.StringIO())
        assert len(table.cells()) >= 5
        assert "w1" in to_html(graph)


def test_a_graph_with_two_results_names_them():
    with tf1.Graph().as_default() as graph:
        a = tf1.Variable(np.ones((2,), np.float32), name="a")
        tf1.reduce_sum(a * 2.0, name="first")
        tf1.reduce_sum(a * 3.0, name="second")
        with pytest.raises(GraphError, match="first, second.*draw_graph\\(loss\\)"):
            draw_graph(graph)


def test_a_tf2_tape_loss_draws_and_explains():
    w = tf2.Variable(tf2.constant(5.0), name="w")
    with tf2.GradientTape() as tape:
        loss = tf2.square(w + 1)
    # the walk-through replays the recorded steps, so it comes before tape.gradient
    # releases them (as backward() does)
    out = io.StringIO()
    explain_backward(loss, lr=0.2, file=out)
    assert "5 - 0.2*12 = 2.6" in out.getvalue()
    assert "<html" in to_html(loss).lower()
    assert float(tape.gradient(loss, w).numpy()) == 12.0
    assert "w" in draw_graph(loss).source
