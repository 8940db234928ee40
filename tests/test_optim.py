"""Tests for autograd_mini.optim: TF 1.x update rules, both styles of use, slots and state."""

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from autograd_mini import DTypeError, ShapeError, Tape, Tensor, Value, Variable
from autograd_mini.optim import SGD, Adam, Momentum, _adam_update, _momentum_update, _sgd_update


def quad_grad(var):
    """A fixed gradient for var: 2 * (var - 1)."""
    return 2 * (var.data - 1)


# ----- the update rules -----------------------------------------------------------------------


def test_sgd_step_subtracts_lr_times_grad():
    w = Variable([1.0, -2.0])
    SGD(lr=0.1).apply_gradients([(np.array([0.5, 1.0]), w)])
    np.testing.assert_allclose(w.data, [0.95, -2.1], rtol=1e-6)


def test_momentum_accumulates_grad_into_accum_before_scaling_by_lr():
    w = Variable([0.0])
    opt = Momentum(lr=0.1, momentum=0.5)
    opt.apply_gradients([(np.array([1.0]), w)])  # accum 1 -> w -0.1
    opt.apply_gradients([(np.array([1.0]), w)])  # accum 1.5 -> w -0.25
    np.testing.assert_allclose(w.data, [-0.25], rtol=1e-6)


def test_momentum_scales_the_whole_accum_by_the_current_lr_as_tf_does():
    w = Variable([0.0])
    opt = Momentum(lr=0.1, momentum=0.9)
    opt.apply_gradients([(np.array([1.0]), w)])  # accum 1 -> w -0.1
    opt.lr = 0.2
    opt.apply_gradients([(np.array([1.0]), w)])  # accum 1.9 -> w -= 0.38 (PyTorch: 0.29)
    np.testing.assert_allclose(w.data, [-0.48], rtol=1e-6)


def test_nesterov_steps_by_grad_plus_momentum_times_new_accum():
    w = Variable([0.0])
    opt = Momentum(lr=0.1, momentum=0.5, nesterov=True)
    opt.apply_gradients([(np.array([1.0]), w)])  # accum 1 -> w -= 0.1 * (1 + 0.5)
    opt.apply_gradients([(np.array([1.0]), w)])  # accum 1.5 -> w -= 0.1 * (1 + 0.75)
    np.testing.assert_allclose(w.data, [-0.15 - 0.175], rtol=1e-6)


def test_adam_first_step_moves_each_weight_by_lr_against_the_gradient_sign():
    w = Variable([0.0, 0.0, 0.0])
    Adam(lr=0.01).apply_gradients([(np.array([3.0, -0.2, 50.0]), w)])
    np.testing.assert_allclose(w.data, [-0.01, 0.01, -0.01], rtol=1e-5)


def test_adam_folds_bias_correction_into_lr_t_as_tf_does():
    var, g = np.array([1.0]), np.array([0.5])
    slots = {"m": np.zeros(1), "v": np.zeros(1), "t": 0}
    for t in (1, 2):
        before = var
        m = 0.9 * slots["m"] + 0.1 * g
        v = 0.999 * slots["v"] + 0.001 * g * g
        var = _adam_update(var, g, slots, lr=0.1, beta1=0.9, beta2=0.999, epsilon=1e-8)
        lr_t = 0.1 * np.sqrt(1 - 0.999 ** t) / (1 - 0.9 ** t)
        np.testing.assert_allclose(var, before - lr_t * m / (np.sqrt(v) + 1e-8), rtol=1e-12)
    assert slots["t"] == 2


def test_update_rules_work_on_plain_numpy_arrays():
    var, g = np.ones(3, np.float32), np.full(3, 2.0, np.float32)
    assert _sgd_update(var, g, {}, lr=0.5).tolist() == [0.0, 0.0, 0.0]
    slots = {"accum": np.zeros(3, np.float32)}
    out = _momentum_update(var, g, slots, lr=0.5, momentum=0.9, nesterov=False)
    assert out.dtype == np.float32 and slots["accum"].tolist() == [2.0, 2.0, 2.0]


@settings(max_examples=20)
@given(arrays(np.float64, (2, 3), elements=st.floats(-1e3, 1e3)),
       arrays(np.float64, (2, 3), elements=st.floats(-1e3, 1e3)),
       st.floats(1e-4, 1.0))
def test_sgd_matches_var_minus_lr_grad_for_any_arrays(start, grad, lr):
    w = Variable(start)
    SGD(lr=lr).apply_gradients([(grad, w)])
    np.testing.assert_allclose(w.data, start - lr * grad, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("make", [lambda: SGD(lr=0.1), lambda: Momentum(lr=0.1),
                                  lambda: Adam(lr=0.1)], ids=["sgd", "momentum", "adam"])
def test_float32_variable_stays_float32_even_with_float64_gradients(make):
    w = Variable([1.0, 2.0])
    make().apply_gradients([(np.array([0.1, 0.2], dtype=np.float64), w)])
    assert w.dtype == np.float32


def test_float64_variable_is_updated_in_float64():
    w = Variable(np.array([1.0]), dtype="float64")
    SGD(lr=1e-10).apply_gradients([(np.array([1.0]), w)])
    assert w.data[0] == 1.0 - 1e-10


def test_update_happens_in_place_so_other_references_see_it():
    w = Variable([1.0, 2.0])
    data = w.data
    SGD(lr=1.0).apply_gradients([(np.array([1.0, 1.0]), w)])
    assert w.data is data and data.tolist() == [0.0, 1.0]


# ----- PyTorch style --------------------------------------------------------------------------


def test_step_uses_each_parameters_grad_after_backward():
    w = Variable([3.0])
    opt = SGD([w], lr=0.25)
    opt.zero_grad()
    ((w - 1) * (w - 1)).sum().backward()  # grad 4
    opt.step()
    assert w.data.tolist() == [2.0]


def test_step_skips_a_tensor_whose_grad_is_none():
    w, unused = Variable([3.0]), Variable([5.0])
    opt = Momentum([w, unused], lr=0.1)
    (w * 2).sum().backward()
    opt.step()
    assert unused.data.tolist() == [5.0] and unused.grad is None


def test_zero_grad_resets_every_parameter():
    w, v = Variable([1.0]), Value(2.0)
    (w * 3).sum().backward()
    (v * v).backward()
    SGD([w, v]).zero_grad()
    assert w.grad is None and v.grad == 0.0


def test_value_parameters_are_updated_with_step():
    a = Value(2.0)
    opt = SGD([a], lr=0.1)
    (a * a).backward()  # grad 4
    opt.step()
    assert a.data == pytest.approx(1.6) and isinstance(a.data, float)


def test_adam_trains_value_parameters_towards_the_minimum():
    a = Value(5.0)
    opt = Adam([a], lr=0.1)
    for _ in range(300):
        opt.zero_grad()
        ((a + 1) ** 2).backward()
        opt.step()
    assert a.data == pytest.approx(-1.0, abs=0.05)


def test_step_without_params_explains_how_to_pass_them():
    with pytest.raises(DTypeError, match="apply_gradients"):
        SGD(lr=0.1).step()


def test_non_node_params_are_rejected():
    with pytest.raises(DTypeError, match="model.parameters"):
        SGD([np.zeros(3)])


# ----- TF style -------------------------------------------------------------------------------


def test_minimize_runs_loss_under_a_tape_and_returns_it():
    w = Variable([3.0])
    loss = SGD(lr=0.25).minimize(lambda: ((w - 1) ** 2).sum(), [w])
    assert float(loss) == 4.0 and w.data.tolist() == [2.0]


def test_minimize_defaults_to_the_optimizers_params():
    w = Variable([3.0])
    SGD([w], lr=0.25).minimize(lambda: ((w - 1) ** 2).sum())
    assert w.data.tolist() == [2.0]


def test_minimize_trains_values():
    a = Value(3.0)
    SGD(lr=0.25).minimize(lambda: (a - 1) ** 2, [a])
    assert a.data == 2.0


def test_minimize_needs_a_callable():
    w = Variable([1.0])
    with pytest.raises(DTypeError, match="zero-argument callable"):
        SGD(lr=0.1).minimize((w * w).sum(), [w])


def test_minimize_without_var_list_or_params_raises():
    with pytest.raises(DTypeError, match="var_list"):
        SGD(lr=0.1).minimize(lambda: Value(1.0))


def test_apply_gradients_accepts_tensors_from_a_tape():
    w = Variable([[1.0, 2.0]])
    with Tape() as tape:
        loss = (w * w).sum()
    grads = tape.gradient(loss, [w])
    assert isinstance(grads[0], Tensor)
    SGD(lr=0.5).apply_gradients(zip(grads, [w]))
    assert w.data.tolist() == [[0.0, 0.0]]


def test_none_gradient_leaves_its_variable_alone():
    w = Variable([1.0])
    SGD(lr=0.5).apply_gradients([(None, w)])
    assert w.data.tolist() == [1.0]


def test_gradient_of_wrong_shape_raises_naming_the_variable():
    w = Variable(np.zeros((2, 3)), name="layers.0.weight")
    with pytest.raises(ShapeError, match=r"layers\.0\.weight.*\(2, 3\)"):
        SGD(lr=0.1).apply_gradients([(np.zeros((3, 2)), w)])


def test_apply_gradients_rejects_plain_arrays_as_variables():
    with pytest.raises(DTypeError, match="Variables"):
        SGD(lr=0.1).apply_gradients([(np.ones(2), np.zeros(2))])


# ----- slots and state ------------------------------------------------------------------------


def test_slots_are_kept_per_variable():
    a, b = Variable([0.0]), Variable([0.0])
    opt = Momentum(lr=1.0, momentum=1.0)
    for _ in range(2):
        opt.apply_gradients([(np.array([1.0]), a), (np.array([-2.0]), b)])
    assert a.data.tolist() == [-3.0] and b.data.tolist() == [6.0]


def test_adam_counts_steps_per_variable():
    a, b = Variable([0.0]), Variable([0.0])
    opt = Adam(lr=0.1)
    opt.apply_gradients([(np.array([1.0]), a)])
    opt.apply_gradients([(np.array([1.0]), a), (np.array([1.0]), b)])
    assert [s["t"] for s in opt.state_dict()["slots"]] == [2, 1]


def test_state_dict_lists_hyperparameters_and_slots():
    w = Variable([1.0, 2.0])
    opt = Momentum([w], lr=0.1, momentum=0.8, nesterov=True)
    state = opt.state_dict()
    assert (state["lr"], state["momentum"], state["nesterov"]) == (0.1, 0.8, True)
    assert state["slots"][0]["accum"].tolist() == [0.0, 0.0]


def test_state_dict_is_a_copy():
    w = Variable([1.0])
    opt = Momentum([w], lr=0.1)
    state = opt.state_dict()
    opt.apply_gradients([(np.array([1.0]), w)])
    assert state["slots"][0]["accum"].tolist() == [0.0]


def test_loaded_adam_state_continues_exactly_like_an_uninterrupted_run():
    def train(opt, w, steps):
        for _ in range(steps):
            opt.apply_gradients([(quad_grad(w), w)])

    w_ref = Variable([5.0, -3.0])
    train(Adam([w_ref], lr=0.1), w_ref, 10)

    w = Variable([5.0, -3.0])
    first = Adam([w], lr=0.1)
    train(first, w, 4)
    second = Adam(lr=0.5)  # TF style, no params yet; the loaded lr wins
    second.load_state_dict(first.state_dict())
    train(second, w, 6)
    np.testing.assert_array_equal(w.data, w_ref.data)


def test_load_state_dict_with_wrong_slot_shape_raises():
    w = Variable([1.0, 2.0])
    opt = Momentum([w], lr=0.1)
    with pytest.raises(ShapeError, match="accum.*shape \\(3,\\)"):
        opt.load_state_dict({"lr": 0.1, "momentum": 0.9, "nesterov": False,
                             "slots": [{"accum": np.zeros(3)}]})


def test_load_state_dict_missing_hyperparameter_raises():
    with pytest.raises(ShapeError, match="momentum"):
        Momentum(lr=0.1).load_state_dict({"lr": 0.1, "slots": []})


def test_state_dict_keeps_loaded_slots_not_used_yet():
    w = Variable([1.0])
    first = Momentum([w], lr=0.1)
    first.apply_gradients([(np.array([2.0]), w)])
    second = Momentum(lr=0.1)
    second.load_state_dict(first.state_dict())
    assert second.state_dict()["slots"][0]["accum"].tolist() == [2.0]
