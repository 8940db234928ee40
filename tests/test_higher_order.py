"""Higher-order gradients through nested tapes, backward(create_graph=True) and hessian."""

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import GraphError, Tape, Tensor, Value, Variable
from autograd_mini.transforms import hessian

# ----- nested tapes -------------------------------------------------------------------


def test_nested_tapes_give_the_second_derivative_of_a_cube_for_values():
    x = Value(2.0)
    with Tape() as outer:
        with Tape() as inner:
            y = x**3
        dy = inner.gradient(y, x)
    assert isinstance(dy, Value) and dy.data == 12.0
    assert outer.gradient(dy, x) == 12.0


def test_nested_tapes_give_the_second_derivative_for_watched_tensors():
    x = Tensor([1.0, 2.0], dtype="float64")
    with Tape() as outer:
        outer.watch(x)
        with Tape() as inner:
            inner.watch(x)
            y = (x**3).sum()
        dy = inner.gradient(y, x)
    np.testing.assert_array_equal(outer.gradient(dy, x).numpy(), [6.0, 12.0])


def test_three_nested_tapes_give_the_third_derivative():
    x = Variable(2.0, dtype="float64")
    with Tape() as t1:
        with Tape() as t2:
            with Tape() as t3:
                y = x**4
            d1 = t3.gradient(y, x)
        d2 = t2.gradient(d1, x)
    assert float(d1) == 32.0 and float(d2) == 48.0 and float(t1.gradient(d2, x)) == 48.0


def test_one_persistent_tape_differentiates_a_gradient_taken_inside_its_block():
    x = Variable(2.0, dtype="float64")
    with Tape(persistent=True) as tape:
        y = x**3
        dy = tape.gradient(y, x)
    assert float(dy) == 12.0 and float(tape.gradient(dy, x)) == 12.0


def test_gradient_inside_a_nonpersistent_tapes_own_block_is_plain():
    x = Variable(2.0)
    with Tape() as tape:
        y = x * x
        g = tape.gradient(y, x)
    assert float(g) == 4.0 and not g.requires_grad


def test_gradient_under_an_outer_tape_is_recorded_but_plain_without_one():
    x = Variable(2.0)
    with Tape(), Tape() as inner:
        y = x * x
        recorded = inner.gradient(y, x)
    with Tape() as alone:
        y = x * x
    plain = alone.gradient(y, x)
    assert recorded.requires_grad and recorded.op and not plain.requires_grad


def test_gradient_inside_outer_stop_recording_is_not_recorded():
    x = Variable(2.0)
    with Tape() as outer:
        with Tape() as inner:
            y = x * x
        with outer.stop_recording():
            g = inner.gradient(y, x)
    assert not g.requires_grad and outer.gradient(g, x) is None


def test_watch_by_an_inner_tape_outlives_it_while_the_outer_tape_watches_too():
    c = Tensor(3.0, dtype="float64")
    with Tape() as outer:
        with Tape() as inner:
            inner.watch(c)
            outer.watch(c)
        y = c * c  # recorded after the inner tape closed
    assert float(outer.gradient(y, c)) == 6.0 and not c.requires_grad


def test_outer_jacobian_of_an_inner_gradient_is_the_hessian():
    A = np.array([[2.0, 1.0], [1.0, 3.0]])
    x = Variable([1.0, -1.0], dtype="float64")
    with Tape() as outer:
        with Tape() as inner:
            f = 0.5 * (x * (Tensor(A) @ x)).sum()
        g = inner.gradient(f, x)
    np.testing.assert_allclose(outer.jacobian(g, x).numpy(), A)


# ----- the MLP Hessian ----------------------------------------------------------------

RNG = np.random.default_rng(3)
X = RNG.normal(size=(4, 2))
Y = RNG.normal(size=(4, 1))
THETA = RNG.normal(size=13) * 0.7  # a 2-3-1 MLP: W1 (2,3), b1 (3,), W2 (3,1), b2 (1,)


def mlp_loss(theta):
    W1 = theta[0:6].reshape(2, 3)
    b1 = theta[6:9]
    W2 = theta[9:12].reshape(3, 1)
    b2 = theta[12:13]
    h = am.tanh(Tensor(X) @ W1 + b1)
    return ((h @ W2 + b2 - Tensor(Y)) ** 2).mean()


def mlp_gradient(theta):
    t = Tensor(theta, dtype="float64")
    with Tape() as tape:
        tape.watch(t)
        loss = mlp_loss(t)
    return tape.gradient(loss, t).numpy()


def mlp_hessian_by_nested_tapes(theta):
    t = Tensor(theta, dtype="float64")
    with Tape() as outer:
        outer.watch(t)
        with Tape() as inner:
            inner.watch(t)
            loss = mlp_loss(t)
        g = inner.gradient(loss, t)
    return outer.jacobian(g, t).numpy()


def test_mlp_hessian_by_nested_tapes_matches_finite_differences_of_the_gradient():
    eps = 1e-6
    columns = []
    for k in range(THETA.size):
        e = np.zeros_like(THETA)
        e[k] = eps
        columns.append((mlp_gradient(THETA + e) - mlp_gradient(THETA - e)) / (2 * eps))
    H = mlp_hessian_by_nested_tapes(THETA)
    assert H.shape == (13, 13)
    np.testing.assert_allclose(H, np.stack(columns, axis=1), rtol=1e-5, atol=1e-7)


def test_mlp_hessian_is_symmetric_and_hessian_transform_agrees():
    H = mlp_hessian_by_nested_tapes(THETA)
    np.testing.assert_allclose(H, H.T, atol=1e-12)
    np.testing.assert_allclose(hessian(mlp_loss)(THETA), H, rtol=1e-12, atol=1e-12)


# ----- backward(create_graph=True) ------------------------------------------------------


def test_create_graph_leaves_a_recorded_tensor_in_grad():
    x = Tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    assert isinstance(x.grad, Tensor) and x.grad.requires_grad and x.grad.op
    np.testing.assert_array_equal(x.grad.numpy(), [3.0, 12.0])


def test_grad_from_create_graph_differentiates_again():
    x = Tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    (x**3).sum().backward(create_graph=True)
    first = x.grad
    x.zero_grad()
    first.sum().backward()
    np.testing.assert_array_equal(x.grad, [6.0, 12.0])


def test_create_graph_works_for_values():
    x = Value(2.0)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Value) and first.data == 12.0
    x.zero_grad()
    first.backward()
    assert x.grad == 12.0


def test_create_graph_implies_retain_graph():
    x = Value(2.0)
    y = x * x
    y.backward(create_graph=True)
    y.backward()  # would raise GraphError if the graph had been released
    assert float(x.grad) == 8.0


def test_plain_backward_leaves_plain_grads_and_releases_the_graph():
    x = Tensor([1.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    assert type(x.grad) is np.ndarray
    with pytest.raises(GraphError):
        y.backward()
