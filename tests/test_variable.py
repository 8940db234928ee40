"""Variable: construction, in-place assign with shape and dtype checks, use in every op."""

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import DTypeError, ShapeError, Tape, Tensor, Variable


def test_variable_from_a_number_is_float32_and_trainable():
    w = Variable(5.0)
    assert w.dtype == np.float32 and w.shape == () and w.trainable and w.requires_grad


def test_variable_keeps_float64_when_asked():
    assert Variable([1.0, 2.0], dtype="float64").dtype == np.float64


def test_variable_copies_its_initial_array():
    a = np.array([1.0, 2.0], dtype=np.float32)
    w = Variable(a)
    w.assign_add(1.0)
    np.testing.assert_array_equal(a, [1.0, 2.0])


def test_assign_changes_the_value_in_place_and_returns_the_variable():
    w = Variable([1.0, 2.0])
    buffer = w.data
    assert w.assign([5.0, 6.0]) is w
    assert w.data is buffer
    np.testing.assert_array_equal(w.numpy(), [5.0, 6.0])


def test_assign_add_and_assign_sub_update_in_place():
    w = Variable([1.0, 2.0])
    w.assign_add(np.array([1.0, 1.0]))
    w.assign_sub(Tensor([0.5, 0.5]))
    np.testing.assert_array_equal(w.numpy(), [1.5, 2.5])


def test_assign_sub_accepts_a_scalar_for_an_array_variable():
    w = Variable([1.0, 2.0])
    w.assign_sub(1.0)
    np.testing.assert_array_equal(w.numpy(), [0.0, 1.0])


def test_assign_with_the_wrong_shape_raises_and_names_both_shapes():
    w = Variable([1.0, 2.0])
    with pytest.raises(ShapeError, match=r"\(3,\).*\(2,\)"):
        w.assign([1.0, 2.0, 3.0])
    np.testing.assert_array_equal(w.numpy(), [1.0, 2.0])


def test_assign_sub_with_a_broadcasting_delta_raises():
    w = Variable(np.zeros((2, 3)))
    with pytest.raises(ShapeError, match="assign_sub"):
        w.assign_sub(np.ones(3))


def test_assign_of_a_tensor_with_another_dtype_raises():
    w = Variable([1.0, 2.0])
    with pytest.raises(DTypeError, match="float64 Tensor does not fit a float32"):
        w.assign(Tensor([1.0, 2.0], dtype="float64"))


def test_assign_of_non_numbers_raises():
    with pytest.raises(DTypeError, match="real numbers"):
        Variable(1.0).assign("two")


def test_assign_is_never_recorded():
    w = Variable(1.0)
    x = Variable(3.0)
    with Tape() as tape:
        w.assign(x * 2)
        y = w * x
    assert w.parents == () and w.op == "" and float(w) == 6.0
    assert float(tape.gradient(y, x)) == 6.0  # w is a leaf: no path through the assign


def test_numpy_returns_a_snapshot_not_a_live_view():
    w = Variable(1.0)
    history = []
    for _ in range(3):
        history.append(w.numpy())
        w.assign_add(1.0)
    assert [float(h) for h in history] == [1.0, 2.0, 3.0]


def test_value_is_a_constant_tensor_snapshot():
    w = Variable([1.0])
    v = w.value
    w.assign([2.0])
    assert type(v) is Tensor and not v.requires_grad and float(v) == 1.0


def test_variable_works_in_ops_numpy_calls_and_matmul():
    W = Variable([[1.0, 2.0], [3.0, 4.0]])
    b = Variable([0.5, -0.5])
    x = Tensor([[1.0, 1.0]])
    with Tape() as tape:
        loss = am.sum(am.tanh(np.dot(x, W) + b) ** 2)
    gW, gb = tape.gradient(loss, [W, b])
    assert gW.shape == (2, 2) and gb.shape == (2,)
    z = np.tanh(x.numpy() @ W.numpy() + b.numpy())
    np.testing.assert_allclose(gb.numpy(), (2 * z * (1 - z**2))[0], rtol=1e-5)


def test_variable_backward_fills_grad_like_a_tensor():
    w = Variable([1.0, 2.0])
    (w * w).sum().backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])
