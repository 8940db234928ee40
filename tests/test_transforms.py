"""grad, value_and_grad and hessian: argument kinds, argnums, nesting, .grad untouched."""

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import DTypeError, ShapeError, Tape, Tensor, Value
from autograd_mini.transforms import grad, hessian, value_and_grad


def cube(x):
    return x**3


def test_grad_of_a_cube_at_two_is_twelve():
    g = grad(cube)(2.0)
    assert type(g) is float and g == 12.0


def test_grad_of_a_value_argument_is_a_float_and_leaves_its_grad_alone():
    x = Value(2.0)
    assert grad(cube)(x) == 12.0
    assert x.grad == 0.0 and x.requires_grad


def test_grad_differentiates_a_tensor_that_does_not_require_grad():
    t = Tensor([1.0, 2.0])
    g = grad(lambda x: cube(x).sum())(t)
    assert isinstance(g, Tensor) and g.dtype == np.float32 and not g.requires_grad
    np.testing.assert_array_equal(g.numpy(), [3.0, 12.0])
    assert not t.requires_grad and t.grad is None


def test_grad_of_an_array_argument_is_a_float64_array():
    g = grad(lambda x: cube(x).sum())(np.array([1, 2]))
    assert type(g) is np.ndarray and g.dtype == np.float64
    np.testing.assert_array_equal(g, [3.0, 12.0])


def test_grad_leaves_grad_of_closed_over_parameters_untouched():
    W = Tensor([[1.0], [2.0]], requires_grad=True)
    g = grad(lambda x: (x @ W).sum())(np.array([[3.0, 4.0]]))
    np.testing.assert_array_equal(g, [[1.0, 2.0]])
    assert W.grad is None


def test_argnums_tuple_gives_a_tuple_of_gradients():
    gx, gy = grad(lambda x, y: x * x * y, argnums=(0, 1))(3.0, 2.0)
    assert (gx, gy) == (12.0, 9.0)


def test_negative_argnums_count_from_the_end():
    assert grad(lambda x, y: x * y, argnums=-1)(3.0, 2.0) == 3.0


def test_argnums_out_of_range_raises():
    with pytest.raises(DTypeError, match="argnums=2"):
        grad(lambda x, y: x * y, argnums=2)(1.0, 2.0)


def test_the_same_node_in_two_positions_gets_one_gradient_per_position():
    x = Value(3.0)
    gx, gy = grad(lambda a, b: a * a * b, argnums=(0, 1))(x, x)
    assert (gx, gy) == (18.0, 9.0)


def test_keyword_arguments_pass_through_undifferentiated():
    assert grad(lambda x, scale=1.0: x * scale)(2.0, scale=5.0) == 5.0


def test_non_scalar_output_raises_and_suggests_jacobian():
    with pytest.raises(ShapeError, match="jacobian"):
        grad(cube)(np.array([1.0, 2.0]))


def test_an_argument_the_output_ignores_warns_and_gets_zero():
    with pytest.warns(UserWarning, match="does not depend on argument 0"):
        g = grad(lambda x, y: y * 2)(1.0, Value(3.0))
    assert g == 0.0


def test_value_and_grad_returns_the_value_and_the_gradient():
    value, g = value_and_grad(cube)(2.0)
    assert (value, g) == (8.0, 12.0)


def test_value_and_grad_of_a_tensor_function_returns_constant_tensors():
    value, g = value_and_grad(lambda x: am.sum(x * x))(Tensor([1.0, 2.0]))
    assert isinstance(value, Tensor) and not value.requires_grad and float(value) == 5.0
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])


def test_grad_nests_to_second_and_third_derivatives():
    assert grad(grad(cube))(2.0) == 12.0
    assert grad(grad(grad(cube)))(2.0) == 6.0


def test_grad_nests_through_a_tensor_argument():
    def norm_of_grad(x):
        return (grad(lambda z: cube(z).sum())(x) ** 2).sum()  # sum (3 x^2)^2

    np.testing.assert_allclose(grad(norm_of_grad)(np.array([1.0, 2.0])), [36.0, 288.0])


def test_grad_under_an_outer_tape_is_recorded():
    x = Value(2.0)
    with Tape() as tape:
        g = grad(cube)(x)
    assert isinstance(g, Value) and g.data == 12.0
    assert tape.gradient(g, x) == 12.0 and x.grad == 0.0


def test_hessian_of_a_quadratic_form_is_the_symmetrised_matrix():
    A = np.array([[1.0, 2.0], [0.0, 3.0]])
    H = hessian(lambda x: (x * (Tensor(A) @ x)).sum())(np.array([0.5, -1.0]))
    np.testing.assert_allclose(H, A + A.T)


def test_hessian_of_a_number_function_is_a_float():
    assert hessian(cube)(2.0) == 12.0


def test_hessian_with_two_argnums_gives_all_mixed_partials():
    H = hessian(lambda x, y: x * x * y, argnums=(0, 1))(2.0, 3.0)
    assert H == ((6.0, 4.0), (4.0, 0.0))


def test_hessian_keeps_a_tensor_arguments_kind_and_leaves_grad_alone():
    t = Tensor([1.0, 2.0], dtype="float64", requires_grad=True)
    H = hessian(lambda x: cube(x).sum())(t)
    assert isinstance(H, Tensor) and H.shape == (2, 2) and t.grad is None
    np.testing.assert_array_equal(H.numpy(), np.diag([6.0, 12.0]))
