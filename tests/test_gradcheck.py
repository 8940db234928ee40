"""Tests for autograd_mini.testing: gradcheck, gradgradcheck, check_backward and the plugin.

Broken ops are registered with the plugin's ``register_op`` fixture, so they leave ``OPS``
when the test ends. The hand-written backward passes follow the tutorials' seeds 001 and 002.
"""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest
from hypothesis import given

from autograd_mini import Tensor, Value, ops
from autograd_mini.errors import AutogradError, DTypeError
from autograd_mini.graph import data_of
from autograd_mini.ops import OPS
from autograd_mini.testing import (
    GradcheckError,
    check_backward,
    gradcheck,
    gradgradcheck,
)
from autograd_mini.testing.pytest_plugin import temporary_ops
from autograd_mini.testing.strategies import tensors


def t64(rng: np.random.Generator, *shape: int, name: str | None = None) -> Tensor:
    return Tensor(rng.standard_normal(shape), dtype="float64", requires_grad=True, name=name)


@pytest.fixture
def broken_square(register_op):
    """An op whose VJP forgets the factor 2 of d(x*x)/dx."""

    @register_op(name="broken_square")
    def broken_square(x):
        """x * x, with a wrong VJP.  d/dx = x (should be 2*x)"""
        return x * x

    broken_square.defvjp(lambda g, out, x: g * x)
    return broken_square


# ----- gradcheck ------------------------------------------------------------------------


def test_gradcheck_passes_for_a_correct_tensor_function(rng):
    x, w = t64(rng, 2, 3), t64(rng, 3, 4)
    assert gradcheck(lambda x, w: ops.tanh(x @ w), x, w)


def test_gradcheck_passes_for_values():
    a, b = Value(1.5), Value(-0.7)
    assert gradcheck(lambda a, b: (a * b).tanh() + a ** 2 / b, a, b)


def test_broken_vjp_is_caught_and_the_report_names_the_op(rng, broken_square):
    x, w = t64(rng, 2, 3, name="x"), t64(rng, 3, 4, name="W")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x, w: broken_square(x @ w).sum(axis=1), x, w)
    assert "suspect ops (their own VJP fails this check): broken_square" in str(caught.value)


def test_relu_at_zero_is_reported_as_a_kink_not_as_a_suspect():
    with pytest.raises(GradcheckError) as caught:
        gradcheck(ops.relu, Value(0.0))
    report = str(caught.value)
    assert "relu: input 0 is 0, a kink of relu" in report
    assert "finite differences do not hold there" in report
    assert "suspect ops" not in report


def test_a_kink_inside_a_larger_graph_is_named_with_its_element(rng):
    x = Tensor([0.5, 1e-7, -2.0], dtype="float64", requires_grad=True)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x: ops.abs(x * 3.0).sum(), x)
    assert "abs: input 0 is 3e-07 at (1,), a kink of abs" in str(caught.value)


def test_a_kink_does_not_hide_a_broken_vjp_elsewhere(broken_square):
    x = Tensor([0.0, 1.5], dtype="float64", requires_grad=True)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(lambda x: broken_square(ops.relu(x)), x)
    report = str(caught.value)
    assert "a kink of relu" in report
    assert "suspect ops (their own VJP fails this check): broken_square" in report


def test_report_names_the_input_the_element_and_both_values(rng, broken_square):
    x = t64(rng, 3, name="x")
    with pytest.raises(GradcheckError) as caught:
        gradcheck(broken_square, x)
    worst = caught.value.mismatches[0]
    assert (worst.input, worst.label) == (0, "input 0 'x' (Tensor (3,) float64)")
    assert worst.got == pytest.approx(x.data[worst.index])
    assert worst.expected == pytest.approx(2 * x.data[worst.index])
    assert f"worst at {worst.index}: analytic {worst.got:.6g}" in str(caught.value)


def test_registered_test_op_is_gone_after_its_context():
    with temporary_ops() as register:
        @register(name="scratch_double")
        def scratch_double(x):
            """2x.  d/dx = 2"""
            return 2 * x

        assert "scratch_double" in OPS
    assert "scratch_double" not in OPS


def test_every_input_is_checked_and_only_the_wrong_one_reported(rng, register_op):
    @register_op(name="bad_second")
    def bad_second(x, y):
        """x * y, with a wrong gradient for y.  d/dy = -x (should be x)"""
        return x * y

    bad_second.defvjp(lambda g, out, x, y: g * y, lambda g, out, x, y: -g * x)
    with pytest.raises(GradcheckError) as caught:
        gradcheck(bad_second, t64(rng, 2), t64(rng, 2))
    assert [m.input for m in caught.value.mismatches] == [1]


def test_gradcheck_returns_false_instead_of_raising_when_asked(rng, broken_square):
    assert gradcheck(broken_square, t64(rng, 2), raise_exception=False) is False


def test_gradcheck_error_is_an_assertion_error_and_an_autograd_error():
    assert issubclass(GradcheckError, AssertionError)
    assert issubclass(GradcheckError, AutogradError)


def test_gradcheck_leaves_grad_and_data_of_the_inputs_unchanged(rng):
    x, v = t64(rng, 2, 2), Value(0.3)
    x.grad, v.grad = np.full((2, 2), 7.0), 5.0
    before = x.data.copy()
    gradcheck(lambda x: (x * x).sum(), x)
    gradgradcheck(lambda v: v.sin() * v, v)
    assert np.array_equal(x.grad, np.full((2, 2), 7.0)) and v.grad == 5.0
    assert np.array_equal(x.data, before)


def test_tensors_without_requires_grad_are_not_checked(rng, broken_square):
    constant = Tensor(rng.standard_normal(3), dtype="float64")
    assert gradcheck(lambda c, x: broken_square(c) * x, constant, t64(rng, 3))


def test_gradcheck_needs_an_input_to_check():
    with pytest.raises(DTypeError, match="no input to check"):
        gradcheck(ops.exp, Tensor([1.0, 2.0]))


def test_float32_analytic_gradient_is_compared_with_float64_differences(rng):
    x = Tensor(rng.standard_normal(5).astype(np.float32) + 3, requires_grad=True)
    assert gradcheck(lambda x: ops.exp(x), x)
    assert not gradcheck(lambda x: ops.exp(x), x, atol=1e-12, rtol=1e-12,
                         raise_exception=False)  # float32 rounding shows at this tolerance


def test_large_outputs_are_compared_through_random_projections(rng, register_op):
    @register_op(name="leaky")
    def leaky(x):
        """x, with a VJP that leaks into the first element.  d/dx = 1"""
        return x * 1.0

    leaky.defvjp(lambda g, out, x: g + (np.arange(g.size).reshape(g.shape) == 0))
    with pytest.raises(GradcheckError, match="random vector-Jacobian products"):
        gradcheck(leaky, t64(rng, 5, 5))


def test_vjp_right_only_for_all_ones_output_gradient_is_caught(rng, register_op):
    @register_op(name="flip")
    def flip(x):
        """x reversed.  d/dx = g reversed"""
        return x[::-1]

    flip.defvjp(lambda g, out, x: g)  # forgets to reverse g: right when g is all ones
    with pytest.raises(GradcheckError):
        gradcheck(flip, t64(rng, 4))
    with pytest.raises(GradcheckError):
        gradcheck(flip, t64(rng, 40))  # through random projections too


def test_functions_with_several_outputs_are_checked_on_each(rng):
    x = t64(rng, 3)
    assert gradcheck(lambda x: (ops.sin(x), ops.exp(x).sum()), x)


def test_function_that_changes_its_input_in_place_is_refused(rng):
    def sneaky(x):
        x.data += 1.0
        return x * 2

    with pytest.raises(GradcheckError, match="changed its inputs' data in place"):
        gradcheck(sneaky, t64(rng, 2))


def test_gradcheck_works_inside_no_grad():
    from autograd_mini import no_grad

    with no_grad():
        assert gradcheck(lambda v: v * v * v, Value(1.3))


# ----- gradgradcheck ---------------------------------------------------------------------


def test_gradgradcheck_passes_for_smooth_tensor_and_value_functions(rng):
    assert gradgradcheck(lambda x, w: ops.sigmoid(x @ w).sum(axis=0), t64(rng, 2, 3),
                         t64(rng, 3, 2))
    assert gradgradcheck(lambda a, b: (a * b).exp() / b, Value(0.4), Value(1.7))


def test_gradgradcheck_catches_a_vjp_written_with_numpy_and_names_the_op(rng, register_op):
    @register_op(name="np_sin")
    def np_sin(x):
        """sin(x), with a VJP that calls numpy directly.  d/dx = cos(x)"""
        return np.sin(x)

    np_sin.defvjp(lambda g, out, x: g * np.cos(data_of(x)))  # a constant to the graph
    x = t64(rng, 3)
    assert gradcheck(np_sin, x)  # first order is right ...
    with pytest.raises(GradcheckError) as caught:  # ... but it cannot be differentiated again
        gradgradcheck(lambda x: np_sin(2 * x), x)
    assert "suspect ops (their own VJP fails this check): np_sin" in str(caught.value)


# ----- check_backward: hand-written numpy backward passes (seeds 001 and 002) --------------


def fc_forward(z, W, b):
    return np.dot(z, W) + b


def fc_backward(g, z, W, b):
    return np.dot(g, W.T), np.dot(z.T, g), np.sum(g, axis=0)


@pytest.fixture
def fc_inputs(rng):
    return rng.standard_normal((4, 2)), rng.standard_normal((2, 3)), rng.standard_normal(3)


def test_a_correct_fully_connected_backward_passes(fc_inputs):
    assert check_backward(fc_forward, fc_backward, *fc_inputs)


def test_a_transposed_product_is_reported_by_shape(fc_inputs):
    def transposed(g, z, W, b):
        return np.dot(g, W.T), np.dot(g.T, z), np.sum(g, axis=0)

    with pytest.raises(GradcheckError, match=r"gradient 1 \(for 'W'.*transposed product"):
        check_backward(fc_forward, transposed, *fc_inputs)


def test_a_transposed_square_product_is_reported_by_value(rng):
    z, W, b = rng.standard_normal((3, 3)), rng.standard_normal((3, 3)), np.zeros(3)

    def transposed(g, z, W, b):
        return np.dot(g, W.T), np.dot(z.T, g).T, np.sum(g, axis=0)

    with pytest.raises(GradcheckError, match="transpose of the right one"):
        check_backward(fc_forward, transposed, z, W, b)


def test_a_missing_one_over_n_is_reported_as_a_constant_factor(fc_inputs):
    def mean_loss(z, W, b):  # the loss averages over the batch of N = 4 ...
        return np.mean(np.sum(np.square(fc_forward(z, W, b)), axis=-1))

    def no_mean(g, z, W, b):  # ... but this backward forgets the 1/N
        dy = 2 * fc_forward(z, W, b)
        return fc_backward(dy, z, W, b)

    with pytest.raises(GradcheckError) as caught:
        check_backward(mean_loss, no_mean, *fc_inputs)
    assert "yours is 4 times the right one" in str(caught.value)
    assert [m.input for m in caught.value.mismatches] == [0, 1, 2]


def test_the_wrong_weight_matrix_is_reported_for_the_input_gradient(fc_inputs, rng):
    other_W = rng.standard_normal((2, 3))  # seed 002 passes the true W instead of W1

    def wrong_weights(g, z, W, b):
        return fc_backward(g, z, other_W, b)

    with pytest.raises(GradcheckError) as caught:
        check_backward(fc_forward, wrong_weights, *fc_inputs)
    assert [m.input for m in caught.value.mismatches] == [0]
    assert "gradient 0 (for 'z'" in str(caught.value)


def sigmoid(x):
    return 1 / (1 + np.exp(-x))


def two_layer_loss(X, y, W1, b1, W2, b2):
    a1 = sigmoid(np.dot(X, W1) + b1)
    a2 = sigmoid(np.dot(a1, W2) + b2)
    return 0.5 * np.sum(np.square(a2 - y))


def two_layer_backward(g, X, y, W1, b1, W2, b2):
    """Seed 001's backward pass, returning gradients instead of updating weights."""
    a1 = sigmoid(np.dot(X, W1) + b1)
    a2 = sigmoid(np.dot(a1, W2) + b2)
    output_delta = (a2 - y) * a2 * (1 - a2)
    hidden_delta = output_delta.dot(W2.T) * a1 * (1 - a1)
    return (None, None, X.T.dot(hidden_delta), np.sum(hidden_delta, axis=0, keepdims=True),
            a1.T.dot(output_delta), np.sum(output_delta, axis=0, keepdims=True))


@pytest.fixture
def xor_inputs(rng):
    X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]])
    y = np.array([[0], [1], [1], [0]])
    return X, y, rng.uniform(size=(2, 2)), np.zeros((1, 2)), rng.uniform(size=(2, 1)), \
        np.zeros((1, 1))


def test_seed_001_sigmoid_net_backward_matches_the_engine(xor_inputs):
    assert check_backward(two_layer_loss, two_layer_backward, *xor_inputs)


def test_seed_001_backward_does_not_fit_its_printed_mean_loss(xor_inputs):
    def mean_loss(X, y, W1, b1, W2, b2):  # the seed prints np.mean((a2 - y)**2)
        return 2 * two_layer_loss(X, y, W1, b1, W2, b2) / y.size

    with pytest.raises(GradcheckError, match="yours is 2 times the right one"):
        check_backward(mean_loss, two_layer_backward, *xor_inputs)


def test_returning_the_wrong_number_of_gradients_is_reported(fc_inputs):
    with pytest.raises(GradcheckError, match=r"returned 2 gradient\(s\) for 3 inputs"):
        check_backward(fc_forward, lambda g, z, W, b: fc_backward(g, z, W, b)[:2], *fc_inputs)


def test_forward_that_leaves_the_graph_is_refused(fc_inputs):
    with pytest.raises(DTypeError, match="not a Tensor"):
        check_backward(lambda z, W, b: np.asarray(z.data), fc_backward, *fc_inputs)


def test_check_backward_returns_false_instead_of_raising_when_asked(fc_inputs):
    def flipped(g, z, W, b):
        return tuple(-d for d in fc_backward(g, z, W, b))

    assert check_backward(fc_forward, flipped, *fc_inputs, raise_exception=False) is False


def test_an_op_registered_without_a_docstring_can_be_checked(rng, register_op):
    @register_op
    def cube(x):
        return x * x * x

    cube.defvjp(lambda g, out, x: g * 3 * x * x)
    assert gradcheck(cube, t64(rng, 3)) and gradgradcheck(cube, t64(rng, 3))


@given(x=tensors(shape=(3,), dtype="float64"))
def test_a_user_property_test_reads_given_tensors_then_assert_gradcheck(x):
    assert gradcheck(lambda x: ops.tanh(x) * x, x)


def test_the_pytest_plugin_loads_without_hypothesis():
    code = ("import sys; sys.modules['hypothesis'] = None; "
            "import autograd_mini.testing.pytest_plugin as p; assert p.settings is None")
    subprocess.run([sys.executable, "-c", code], check=True)
