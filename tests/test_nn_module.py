"""Tests for nn.Module: finding and naming parameters, zero_grad, train/eval, saving."""

import numpy as np
import pytest

from autograd_mini import ShapeError, Tape, Value, Variable, nn


class TwoWeights(nn.Module):
    def __init__(self):
        super().__init__()
        self.w1 = Variable(np.ones((2, 3)))
        self.w2 = Variable(np.ones((3, 1)))

    def forward(self, x):
        return (x @ self.w1) @ self.w2


class Nested(nn.Module):
    def __init__(self):
        super().__init__()
        self.head = TwoWeights()
        self.blocks = [nn.Linear(3, 3, seed=0), nn.Linear(3, 2, bias=False, seed=1)]
        self.scale = Value(2.0)
        self.steps = Variable(0.0, trainable=False)


# ----- finding parameters ---------------------------------------------------------------------


def test_parameters_are_found_in_attributes_lists_and_nested_modules():
    m = Nested()
    expected = [m.head.w1, m.head.w2, m.blocks[0].weight, m.blocks[0].bias,
                m.blocks[1].weight, m.scale]
    assert [id(p) for p in m.parameters()] == [id(p) for p in expected]


def test_named_parameters_use_the_attribute_path():
    names = [n for n, _ in Nested().named_parameters()]
    assert names == ["head.w1", "head.w2", "blocks.0.weight", "blocks.0.bias",
                     "blocks.1.weight", "scale"]


def test_parameters_are_named_after_their_path_for_drawings():
    m = Nested()
    assert [p.name for p in m.parameters()] == [n for n, _ in m.named_parameters()]


def test_a_module_nested_later_renames_its_parameters_with_the_new_prefix():
    outer = nn.Module()
    inner = nn.MLP([2, 2], seed=0)
    assert inner.layers[0].weight.name == "layers.0.weight"
    outer.net = inner
    assert inner.layers[0].weight.name == "net.layers.0.weight"


def test_a_name_given_by_the_user_is_kept():
    m = nn.Module()
    m.w = Variable([1.0], name="kernel")
    assert m.w.name == "kernel" and [n for n, _ in m.named_parameters()] == ["w"]


def test_a_shared_parameter_is_listed_once():
    m = nn.Module()
    w = Variable([1.0])
    m.a, m.b = w, [w]
    assert len(m.parameters()) == 1


def test_non_trainable_variables_are_state_not_parameters():
    m = Nested()
    assert all(p is not m.steps for p in m.parameters())
    assert "steps" in m.state_dict()


def test_private_attributes_are_ignored():
    m = nn.Module()
    m._cache = Variable([1.0])
    assert m.parameters() == [] and m._cache.name is None


def test_modules_walks_parents_first():
    m = Nested()
    assert [type(x).__name__ for x in m.modules()] == ["Nested", "TwoWeights", "Linear", "Linear"]


def test_named_modules_gives_every_module_its_dotted_path():
    m = Nested()
    assert [(p, type(x).__name__) for p, x in m.named_modules()] == [
        ("", "Nested"), ("head", "TwoWeights"), ("blocks.0", "Linear"), ("blocks.1", "Linear")]


def test_a_module_call_marks_its_result_with_the_calls_innermost_first():
    net = nn.Sequential(nn.Linear(2, 2, seed=0), nn.ReLU())
    y = net(np.ones((1, 2)))
    assert [type(m).__name__ for m, _ in y._calls] == ["ReLU", "Sequential"]
    inner_start, outer_start = (start for _, start in y._calls)
    assert outer_start < inner_start < y._id  # the ids of the nodes the calls made


def test_a_loss_marks_its_result_as_a_call_of_itself():
    loss = nn.mse(Variable(np.ones(3)), np.zeros(3))
    (maker, start), = loss._calls
    assert maker is nn.mse and maker.__name__ == "mse" and start < loss._id


def test_a_module_that_returns_its_input_marks_nothing():
    x = Variable(np.ones(2))
    assert nn.Identity()(x) is x and not hasattr(x, "_calls")


# ----- gradients and modes --------------------------------------------------------------------


def test_zero_grad_clears_every_parameter():
    m = Nested()
    for p in m.parameters():
        p.grad = 1.0
    m.zero_grad()
    assert [p.grad for p in m.parameters()] == [None] * 5 + [0.0]


def test_a_tape_watches_module_parameters_without_watch():
    m = TwoWeights()
    with Tape() as tape:
        loss = m(np.ones((4, 2), dtype=np.float32)).sum()
    grads = tape.gradient(loss, m.parameters())
    np.testing.assert_allclose(grads[1].numpy(), np.full((3, 1), 8.0))


def test_train_and_eval_set_the_flag_on_every_submodule():
    m = Nested()
    assert m.eval() is m
    assert not any(x.training for x in m.modules())
    m.train()
    assert all(x.training for x in m.modules())


def test_a_subclass_that_skips_super_init_still_finds_parameters_and_trains():
    class Bare(nn.Module):
        def __init__(self):
            self.w = Variable([1.0])

    m = Bare()
    assert m.training and [n for n, _ in m.named_parameters()] == ["w"]


def test_forward_must_be_defined():
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        nn.Module()(1.0)


def test_repr_lists_children_with_their_names():
    text = repr(nn.Sequential(nn.Linear(2, 3), nn.Tanh()))
    assert "(layers.0): Linear(in_features=2, out_features=3, bias=True)" in text
    assert "(layers.1): Tanh()" in text


# ----- saving and loading ---------------------------------------------------------------------


def test_state_dict_holds_copies():
    m = TwoWeights()
    state = m.state_dict()
    m.w1.data[...] = 5.0
    assert state["w1"].tolist() == [[1.0] * 3] * 2


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_save_and_load_round_trip_exactly(tmp_path, dtype):
    src = nn.MLP([3, 4, 2], seed=0, dtype=dtype)
    src.save(tmp_path / "model.npz")
    dst = nn.MLP([3, 4, 2], seed=1, dtype=dtype).load(tmp_path / "model.npz")
    for (name, a), (_, b) in zip(src.state_dict().items(), dst.state_dict().items()):
        assert a.dtype == b.dtype == np.dtype(dtype)
        np.testing.assert_array_equal(a, b, err_msg=name)


def test_save_and_load_round_trip_value_parameters(tmp_path):
    src = nn.ValueMLP([2, 3, 1], seed=0)
    src.save(tmp_path / "values.npz")
    dst = nn.ValueMLP([2, 3, 1], seed=1).load(tmp_path / "values.npz")
    assert [p.data for p in dst.parameters()] == [p.data for p in src.parameters()]
    assert all(type(p.data) is float for p in dst.parameters())


def test_save_writes_exactly_the_given_path(tmp_path):
    TwoWeights().save(tmp_path / "weights.bin")
    assert [p.name for p in tmp_path.iterdir()] == ["weights.bin"]


def test_loading_a_wrong_shape_names_the_parameter_and_both_shapes():
    m = TwoWeights()
    state = m.state_dict()
    state["w2"] = np.zeros((4, 1))
    with pytest.raises(ShapeError, match=r"'w2' has shape \(4, 1\).*\(3, 1\)"):
        m.load_state_dict(state)


def test_loading_with_a_missing_key_names_it():
    state = TwoWeights().state_dict()
    del state["w1"]
    with pytest.raises(ShapeError, match="missing w1"):
        TwoWeights().load_state_dict(state)


def test_loading_with_an_extra_key_names_it():
    state = {**TwoWeights().state_dict(), "w3": np.zeros(1)}
    with pytest.raises(ShapeError, match="unexpected w3"):
        TwoWeights().load_state_dict(state)


def test_a_failed_load_changes_nothing():
    m = TwoWeights()
    state = {"w1": np.full((2, 3), 7.0), "w2": np.zeros((9, 9))}
    with pytest.raises(ShapeError):
        m.load_state_dict(state)
    assert m.w1.data.tolist() == [[1.0] * 3] * 2
