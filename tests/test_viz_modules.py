"""draw_graph(collapse=model) on a conv net: one box per layer call with its shapes."""

from __future__ import annotations

import numpy as np
import pytest
from test_viz_graphviz import dot_edges, dot_nodes

from autograd_mini import Tensor, nn
from autograd_mini.cli import load_demo
from autograd_mini.viz import draw_graph

LENET5_BOXES = [
    "Conv2d conv1\\nweight (5, 5, 1, 6)\\nbias (6,)\\nthen relu\\nout (2, 28, 28, 6)",
    "MaxPool2d pool1\\nsize=(2, 2)\\nout (2, 14, 14, 6)",
    "Conv2d conv2\\nweight (5, 5, 6, 16)\\nbias (16,)\\nthen relu\\nout (2, 10, 10, 16)",
    "MaxPool2d pool2\\nsize=(2, 2)\\nout (2, 5, 5, 16)",
    "Flatten flatten\\nstart_axis=1\\nout (2, 400)",
    "Linear fc1\\nweight (400, 120)\\nbias (120,)\\nthen relu\\nout (2, 120)",
    "Dropout dropout\\nrate=0.2\\nout (2, 120)",
    "Linear fc2\\nweight (120, 84)\\nbias (84,)\\nthen relu\\nout (2, 84)",
    "Linear fc3\\nweight (84, 10)\\nbias (10,)\\nout (2, 10)",
    "softmax_cross_entropy\\nout = 2.229",
]


@pytest.fixture(scope="module")
def lenet5():
    model = load_demo("lenet5").LeNet5(seed=0)
    x = Tensor(np.random.default_rng(0).random((2, 28, 28, 1)), dtype="float32", name="x")
    return model, nn.softmax_cross_entropy(model(x), np.array([3, 7]))


def boxes(g) -> list[str]:
    return [v["label"] for k, v in dot_nodes(g).items() if k.startswith("m")]


def test_lenet5_collapsed_draws_one_box_per_layer_with_its_shapes(lenet5):
    model, loss = lenet5
    assert boxes(draw_graph(loss, collapse=model)) == LENET5_BOXES


def test_lenet5_collapsed_boxes_are_chained_in_layer_order(lenet5):
    model, loss = lenet5
    g = draw_graph(loss, collapse=model)
    edges = {(s, t) for s, t, _ in dot_edges(g)}
    assert all((f"m{k}", f"m{k + 1}") in edges for k in range(len(LENET5_BOXES) - 1))
    ids = {v["label"].split("\\n")[0]: k for k, v in dot_nodes(g).items()}
    assert (ids["x"], "m0") in edges
    assert [k for k in dot_nodes(g) if not k.startswith("m")] == [ids["x"]]  # all boxed


def test_lenet5_is_drawn_one_box_per_layer_by_default(lenet5):
    _, loss = lenet5
    assert boxes(draw_graph(loss)) == LENET5_BOXES


def test_lenet5_with_collapse_none_draws_every_op(lenet5):
    _, loss = lenet5
    g = draw_graph(loss, collapse=None)
    ops = [v["label"] for k, v in dot_nodes(g).items() if k.endswith("op")]
    for name, count in [("conv2d", 2), ("max_pool2d", 2), ("relu", 4), ("@", 3),
                        ("dropout", 1), ("reshape", 1), ("log_softmax", 1)]:
        assert ops.count(name) == count, name
    assert not boxes(g)


def test_a_small_graph_made_by_modules_is_still_drawn_in_full_by_default():
    model = nn.MLP([2, 3, 1], seed=0)
    loss = nn.mse(model(np.ones((4, 2), np.float32)), np.zeros((4, 1)))
    g = draw_graph(loss)
    assert not boxes(g) and any(k.endswith("op") and v["label"] == "@"
                                for k, v in dot_nodes(g).items())


def test_collapsing_some_layers_expands_the_others(lenet5):
    model, loss = lenet5
    g = draw_graph(loss, collapse=[model.conv1, model.fc1])
    assert [b.split("\\n")[0] for b in boxes(g)] == ["Conv2d conv1", "Linear fc1",
                                                      "softmax_cross_entropy"]
    ops = [v["label"] for k, v in dot_nodes(g).items() if k.endswith("op")]
    assert ops.count("conv2d") == 1 and "max_pool2d" in ops


def test_a_module_called_twice_is_drawn_once_per_call_and_a_shared_weight_outside():
    layer = nn.Linear(3, 3, seed=0)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    out = model(np.ones((1, 3), np.float32)).sum()
    g = draw_graph(out, collapse=model)
    assert [b.split("\\n")[0] for b in boxes(g)] == ["Linear layers.0", "ReLU layers.1",
                                                      "Linear layers.0"]
    params = [v["label"] for v in dot_nodes(g).values() if "weight" in v.get("label", "")]
    assert [p.split("\\n")[0] for p in params] == ["layers.0.weight"]
