"""Tensor: dtype rules, broadcasting gradients, shape methods, numpy interop, errors."""

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import DTypeError, GraphError, NoGradientError, ShapeError, Tensor


def test_numbers_and_lists_default_to_float32():
    assert Tensor(1.0).dtype == np.float32
    assert Tensor([[1, 2], [3, 4]]).dtype == np.float32


def test_numpy_float_arrays_keep_their_dtype():
    assert Tensor(np.zeros(3)).dtype == np.float64
    assert Tensor(np.zeros(3, dtype=np.float32)).dtype == np.float32


def test_int_and_bool_arrays_become_float32():
    assert Tensor(np.arange(3)).dtype == np.float32
    assert Tensor(np.array([True, False])).dtype == np.float32


def test_non_float_dtype_is_refused():
    with pytest.raises(DTypeError, match="float32 or float64"):
        Tensor([1, 2], dtype="int32")


def test_float32_stays_float32_with_python_and_numpy_scalars():
    t = Tensor([1.0, 2.0], requires_grad=True)
    out = (t * 2.5 + np.float64(1.0)) / np.float64(3.0) - 1
    assert out.dtype == np.float32
    out.sum().backward()
    assert t.grad.dtype == np.float32


def test_two_tensor_dtypes_promote_as_numpy_does():
    a = Tensor([1.0], dtype="float32")
    b = Tensor([1.0], dtype="float64")
    assert (a + b).dtype == np.float64


def test_broadcast_gradients_are_summed_back_to_each_shape():
    x = Tensor(np.ones((4, 3)), requires_grad=True)
    b = Tensor(np.ones(3), requires_grad=True)
    c = Tensor(np.ones((4, 1)), requires_grad=True)
    g = np.arange(12.0).reshape(4, 3)
    (x * b + c).backward(g)
    assert b.grad.shape == (3,) and np.allclose(b.grad, g.sum(0))
    assert c.grad.shape == (4, 1) and np.allclose(c.grad, g.sum(1, keepdims=True))
    assert np.allclose(x.grad, g)


def test_matmul_gradients_for_2d_1d_and_batched():
    rng = np.random.default_rng(0)
    for xs, ys in [((3, 4), (4, 2)), ((4,), (4, 2)), ((3, 4), (4,)), ((5, 3, 4), (4, 2))]:
        x = Tensor(rng.normal(size=xs), requires_grad=True)
        y = Tensor(rng.normal(size=ys), requires_grad=True)
        out = x @ y
        g = rng.normal(size=out.shape)
        out.backward(g)
        assert x.grad.shape == xs and y.grad.shape == ys
        eps = 1e-6
        xd = x.data.copy()
        xd.flat[0] += eps
        numeric = (np.sum((xd @ y.data) * g) - np.sum(out.data * g)) / eps
        assert x.grad.flat[0] == pytest.approx(numeric, rel=1e-4, abs=1e-6)


def test_methods_take_numpy_signatures():
    t = Tensor(np.arange(24.0).reshape(2, 3, 4))
    assert t.sum(axis=0, keepdims=True).shape == (1, 3, 4)
    assert t.reshape(3, 8).shape == t.reshape((3, 8)).shape == (3, 8)
    assert t.transpose(2, 0, 1).shape == t.transpose((2, 0, 1)).shape == (4, 2, 3)
    assert t.T.shape == (4, 3, 2)
    assert t.mean(axis=(0, 2)).shape == (3,)
    assert t.max(axis=-1).shape == (2, 3)


def test_indexing_scatters_gradients_and_repeats_add_up():
    t = Tensor(np.arange(5.0), requires_grad=True)
    t[[0, 0, 3]].sum().backward()
    assert np.array_equal(t.grad, [2, 0, 0, 1, 0])
    m = Tensor(np.ones((3, 4)), requires_grad=True)
    m[1:, ::2].sum().backward()
    assert m.grad.sum() == 4 and m.grad[0].sum() == 0


def test_numpy_code_runs_unchanged_on_tensors():
    def fc_forword(z, W, b):  # seed 002's forward, written for numpy
        return np.dot(z, W) + b

    z = np.ones((2, 2))
    W = Tensor(np.array([[3.0, 7, 4], [5, 2, 6]]), requires_grad=True)
    b = Tensor(np.array([2.0, 9, 3]), requires_grad=True)
    loss = np.mean(np.sum(np.square(fc_forword(z, W, b)), axis=-1))
    assert isinstance(loss, Tensor)
    loss.backward()
    assert W.grad.shape == (2, 3) and b.grad.shape == (3,)


def test_ndarray_on_the_left_still_records():
    t = Tensor([1.0, 2.0], requires_grad=True)
    out = np.array([3.0, 4.0]) * t
    assert isinstance(out, Tensor) and out.requires_grad


def test_unsupported_numpy_function_raises_instead_of_dropping_the_graph():
    t = Tensor(np.eye(2), requires_grad=True)
    with pytest.raises(NoGradientError, match="np.linalg.inv|inv"):
        np.linalg.inv(t)
    with pytest.raises(NoGradientError, match="np.exp"):
        np.exp(t, out=np.empty((2, 2)))


def test_comparisons_return_plain_arrays():
    t = Tensor([1.0, 2.0, 3.0])
    assert isinstance(t > 1.5, np.ndarray)
    assert (t == 2.0).tolist() == [False, True, False]


def test_backward_on_non_scalar_needs_a_gradient():
    t = Tensor(np.ones((3, 2)), requires_grad=True)
    with pytest.raises(GraphError, match=r"shape \(3, 2\) needs gradient="):
        (t * 2).backward()


def test_gradient_of_wrong_shape_is_refused():
    t = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(ShapeError, match=r"\(2,\).*\(3,\)"):
        (t * 2).backward(np.ones(2))


def test_shape_mismatch_names_the_op_and_both_shapes():
    with pytest.raises(ShapeError, match=r"add: .*\(3,\), \(2, 2\)"):
        Tensor([1, 2, 3]) + Tensor([[1, 2], [3, 4]])
    with pytest.raises(ShapeError, match=r"matmul: .*\(2, 3\), \(4, 5\)"):
        Tensor(np.ones((2, 3))) @ Tensor(np.ones((4, 5)))


def test_grad_is_none_until_backward_and_can_be_cleared():
    t = Tensor([1.0], requires_grad=True)
    assert t.grad is None
    (t * 3).sum().backward()
    assert t.grad.dtype == t.dtype and t.grad.shape == t.shape
    t.grad = None
    assert t.grad is None


def test_one_element_tensor_converts_to_float():
    assert float(Tensor([2.5])) == 2.5 and Tensor(1.5).item() == 1.5
    with pytest.raises(ShapeError):
        float(Tensor([1.0, 2.0]))


def test_module_functions_accept_tensors_arrays_and_numbers():
    assert isinstance(am.exp(Tensor([0.0])), Tensor)
    assert np.allclose(am.exp(np.zeros(2)), 1.0)
    assert am.tanh(0.0) == 0.0
    assert am.sum(Tensor(np.ones((2, 3))), axis=1).shape == (2,)


def test_softmax_is_stable_for_huge_logits():
    s = am.softmax(Tensor([1000.0, 1000.0]))
    ls = am.log_softmax(Tensor([1000.0, 0.0]))
    assert np.allclose(s.data, 0.5) and np.isfinite(ls.data).all()


def test_where_clip_concatenate_and_stack_route_gradients():
    x = Tensor([-2.0, 0.5, 3.0], requires_grad=True)
    y = Tensor([1.0, 1.0, 1.0], requires_grad=True)
    out = am.where(x > 0, x, y) + am.clip(x, -1, 1) + am.stack([x, y]).sum(0)
    out = am.concatenate([out, x]).sum()
    out.backward()
    assert np.allclose(x.grad, [0 + 0 + 1 + 1, 1 + 1 + 1 + 1, 1 + 0 + 1 + 1])
    assert np.allclose(y.grad, [1 + 1, 0 + 1, 0 + 1])


def test_leaf_grad_is_a_writeable_array_of_its_own():
    a = Tensor(np.ones(3), requires_grad=True)
    b = Tensor(np.ones(3), requires_grad=True)
    (a + b).sum().backward()
    a.grad *= 2
    assert np.allclose(b.grad, 1.0)


def test_repr_summarises_large_arrays():
    text = repr(Tensor(np.zeros((100, 100)), name="big"))
    assert "..." in text and len(text) < 400 and "name='big'" in text


def test_mixing_eager_tensors_with_session_graph_nodes_names_both_kinds():
    import autograd_mini.compat.v1 as tf

    with tf.Graph().as_default():
        c = tf.constant(1.0)
    with pytest.raises(DTypeError, match="cannot mix Tensor and .*Session"):
        Tensor([1.0]) + c


def _facts(t):
    return (t.op, t.requires_grad, t.data.dtype, t.data.tolist(),
            [(type(p).__name__, p.data.dtype, p.data.tolist()) for p in t.parents], t._ctx)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("expr", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
    lambda a, b: a ** b, lambda a, b: a @ b.T, lambda a, b: b @ a.T, lambda a, b: 0.5 * a,
    lambda a, b: a - 2, lambda a, b: 3 / a, lambda a, b: a ** 2, lambda a, b: -a,
    lambda a, b: a.exp(), lambda a, b: a.log(), lambda a, b: a.sigmoid(), lambda a, b: a.tanh(),
    lambda a, b: a.relu(), lambda a, b: a.square(), lambda a, b: a.sqrt(),
])
def test_inlined_operators_build_the_registry_s_nodes(expr, dtype):
    # Tensor's operators inline the registry's common case; the node must be the one the
    # general path (the op's module function) makes, dtype rule included
    a = Tensor(np.array([[0.5, 1.5, 2.0]], dtype), requires_grad=True)
    b = am.Variable(np.array([[1.0, 2.0, 0.25], [0.75, 1.25, 3.0]], dtype))
    fast = expr(a, b)
    again = Tensor._apply(am.ops.OPS[fast.op], fast.parents, {})  # the general path
    assert _facts(fast) == _facts(again) and fast.data.dtype == dtype
    fast.sum().backward()
    assert a.grad.dtype == dtype and a.grad.shape == a.shape


def test_inlined_operators_leave_arrays_and_errors_to_the_general_path():
    a = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    assert (a + np.ones(3)).dtype == np.float64  # a float64 array promotes, as numpy does
    assert (a * True).dtype == np.float32
    with pytest.raises(ShapeError, match=r"add: .*\(2, 3\), \(4,\)"):
        a + Tensor(np.ones(4, np.float32))
    with pytest.raises(ShapeError, match="matmul"):
        a @ a
    with am.no_grad():
        assert not (a * a).requires_grad


def test_module_functions_on_one_node_take_the_inlined_path_and_its_fallbacks():
    t = Tensor([[0.5, 2.0]], requires_grad=True)
    assert am.exp(t).op == "exp" and am.exp(t).requires_grad
    assert not am.exp(Tensor([1.0])).requires_grad  # a constant: no node recorded
    with am.no_grad():
        assert am.sigmoid(t).parents == ()
    with np.errstate(invalid="ignore"):
        assert np.isnan(am.log(am.Value(-1.0)).data)  # nan, as the Tensor's log gives
    with am.detect_anomaly(), pytest.raises(am.AnomalyError, match="forward of 'log'"), \
            np.errstate(divide="ignore"):
        am.log(Tensor([0.0], requires_grad=True))
