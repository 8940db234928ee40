"""Tape: TF-style gradients, watching, persistence, structures, Jacobians and why_none."""

import contextlib
import io

import numpy as np
import pytest
from seed003 import SEED_003_OUTPUT

import autograd_mini as am
from autograd_mini import (
    DTypeError,
    GraphError,
    ShapeError,
    Tape,
    TapeError,
    Tensor,
    Value,
    Variable,
)

SEED_003 = """\
import numpy as np
from autograd_mini import Tape, Variable
w = Variable(5.0)
lr = 0.2
for epoch in range(40):
    with Tape() as tape:
        loss = (w + 1) ** 2
    grads = tape.gradient(loss, w)
    w.assign_sub(lr * grads)
    print("After %s epoch,w is %f,loss is %f" % (epoch, w.numpy(), loss))
"""



def test_seed_003_script_prints_the_seeds_forty_lines_exactly():
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(SEED_003, {})
    assert out.getvalue().splitlines() == SEED_003_OUTPUT.splitlines()
    assert len(out.getvalue().splitlines()) == 40


# ----- basic gradients ----------------------------------------------------------------


def test_gradient_of_a_variable_square_is_twice_the_value():
    w = Variable(5.0)
    with Tape() as tape:
        loss = w * w
    assert float(tape.gradient(loss, w)) == 10.0


def test_gradient_is_a_tensor_of_the_sources_dtype():
    w = Variable([1.0, 2.0], dtype="float64")
    with Tape() as tape:
        loss = (w * w).sum()
    g = tape.gradient(loss, w)
    assert isinstance(g, Tensor) and g.dtype == np.float64 and not g.requires_grad
    np.testing.assert_array_equal(g.numpy(), [2.0, 4.0])


def test_gradient_for_a_value_source_is_a_float():
    x = Value(3.0)
    with Tape() as tape:
        y = x * x + x
    g = tape.gradient(y, x)
    assert type(g) is float and g == 7.0


def test_gradient_leaves_grad_untouched():
    x, t = Value(3.0), Tensor([1.0, 2.0], requires_grad=True)
    with Tape() as tape:
        y = x * x
    tape.gradient(y, x)
    assert x.grad == 0.0
    with Tape() as tape:
        z = (t * t).sum()
    tape.gradient(z, t)
    assert t.grad is None


def test_non_scalar_target_is_summed_as_in_tensorflow():
    x = Variable([1.0, 2.0, 3.0])
    with Tape() as tape:
        y = x * x
    np.testing.assert_allclose(tape.gradient(y, x).numpy(), [2.0, 4.0, 6.0])


def test_output_gradients_weight_the_target():
    x = Variable([1.0, 2.0])
    with Tape() as tape:
        y = x * x
    g = tape.gradient(y, x, output_gradients=np.array([10.0, -1.0]))
    np.testing.assert_allclose(g.numpy(), [20.0, -4.0])


def test_gradient_with_respect_to_an_intermediate_result():
    x = Variable(2.0)
    with Tape() as tape:
        h = x * 3
        y = h * h
    assert float(tape.gradient(y, h)) == 12.0


def test_target_computed_after_the_block_has_no_gradient():
    x = Variable(2.0)
    with Tape() as tape:
        pass
    y = x * x
    assert tape.gradient(y, x) is None


# ----- watching and unconnected sources -----------------------------------------------


def test_unwatched_tensor_gets_none_and_zeros_when_asked():
    x, c = Variable([1.0, 2.0]), Tensor([3.0, 4.0])
    with Tape(persistent=True) as tape:
        y = (x * c).sum()
    assert tape.gradient(y, c) is None
    np.testing.assert_array_equal(tape.gradient(y, c, unconnected_gradients="zero").numpy(),
                                  [0.0, 0.0])


def test_unconnected_variable_gets_none_or_zero():
    x, other = Variable(1.0), Variable([1.0, 2.0, 3.0])
    with Tape(persistent=True) as tape:
        y = x * 2
    assert tape.gradient(y, other) is None
    assert tape.gradient(y, other, unconnected_gradients="zero").shape == (3,)
    assert tape.gradient(y, Value(1.0), unconnected_gradients="zero") == 0.0


def test_watch_makes_a_constant_tensor_differentiable_until_the_block_ends():
    c = Tensor([1.0, 2.0])
    with Tape() as tape:
        tape.watch(c)
        y = (c * c).sum()
    assert not c.requires_grad
    np.testing.assert_array_equal(tape.gradient(y, c).numpy(), [2.0, 4.0])
    assert not c.requires_grad


def test_watch_outside_the_block_raises():
    with pytest.raises(TapeError, match="inside"):
        Tape().watch(Tensor(1.0))


def test_watch_rejects_plain_numbers():
    with Tape() as tape, pytest.raises(DTypeError, match="float"):
        tape.watch(3.0)


def test_watch_accessed_variables_false_watches_only_what_is_watched():
    a, b = Variable(2.0), Variable(3.0)
    with Tape(watch_accessed_variables=False) as tape:
        tape.watch(b)
        y = a * b
    ga, gb = tape.gradient(y, [a, b])
    assert ga is None and float(gb) == 2.0


def test_untrainable_variable_is_not_watched_unless_asked():
    s = Variable(2.0, trainable=False)
    with Tape(persistent=True) as tape:
        y = s * s
    assert tape.gradient(y, s) is None
    with Tape() as tape:
        tape.watch(s)
        y = s * s
    assert float(tape.gradient(y, s)) == 4.0 and not s.trainable


# ----- persistence --------------------------------------------------------------------


def test_nonpersistent_tape_raises_on_second_gradient():
    w = Variable(1.0)
    with Tape() as tape:
        y = w * w
    tape.gradient(y, w)
    with pytest.raises(TapeError, match="persistent=True"):
        tape.gradient(y, w)


def test_persistent_tape_gives_several_gradients():
    w = Variable(3.0)
    with Tape(persistent=True) as tape:
        y = w * w
        z = y * w
    assert (float(tape.gradient(y, w)), float(tape.gradient(z, w))) == (6.0, 27.0)


def test_a_lone_nonpersistent_tape_frees_its_graph_after_gradient():
    w = Variable(3.0)
    with Tape() as tape:
        y = w * w
    tape.gradient(y, w)
    with pytest.raises(GraphError, match="released"):
        y.backward()


def test_an_inner_tapes_gradient_does_not_free_what_an_outer_tape_recorded():
    w = Variable(3.0)
    with Tape(persistent=True) as outer, Tape() as inner:
        y = w * w
    assert float(inner.gradient(y, w)) == 6.0
    assert float(outer.gradient(y, w)) == 6.0


def test_used_nonpersistent_tape_cannot_record_again():
    tape = Tape()
    w = Variable(1.0)
    with tape:
        y = w * w
    tape.gradient(y, w)
    with pytest.raises(TapeError, match="new Tape"), tape:
        pass


def test_a_rejected_call_does_not_use_up_the_tape():
    w = Variable(2.0)
    with Tape() as tape:
        y = w * w
    with pytest.raises(TapeError, match="'none' or 'zero'"):
        tape.gradient(y, w, unconnected_gradients="zeros")
    with pytest.raises(DTypeError, match="sources"):
        tape.gradient(y, 2.0)
    assert float(tape.gradient(y, w)) == 4.0


# ----- stop_recording -----------------------------------------------------------------


def test_stop_recording_leaves_ops_out_of_the_gradient():
    w = Variable(3.0)
    with Tape() as tape:
        with tape.stop_recording():
            frozen = w * 10
        y = w * w + frozen
    assert float(tape.gradient(y, w)) == 6.0


def test_stop_recording_of_an_inner_tape_does_not_stop_the_outer_one():
    w = Variable(3.0)
    with Tape() as outer, Tape() as inner:
        with inner.stop_recording():
            y = w * w
    assert inner.gradient(y, w) is None
    assert float(outer.gradient(y, w)) == 6.0


def test_stop_recording_outside_the_block_raises():
    with pytest.raises(TapeError, match="inside"), Tape().stop_recording():
        pass


# ----- structures of sources ------------------------------------------------------------


def test_sources_in_a_list_tuple_and_dict_keep_their_structure():
    a, b, c = Variable(1.0), Variable(2.0), Variable(3.0)
    with Tape() as tape:
        y = a * b * c
    grads = tape.gradient(y, {"ab": [a, b], "c": (c,)})
    assert set(grads) == {"ab", "c"} and isinstance(grads["c"], tuple)
    assert [float(g) for g in grads["ab"]] + [float(grads["c"][0])] == [6.0, 3.0, 2.0]


# ----- jacobians ----------------------------------------------------------------------


def test_jacobian_of_a_matrix_vector_product_is_the_matrix():
    W = np.arange(6.0).reshape(2, 3)
    x = Variable([1.0, -1.0, 2.0], dtype="float64")
    with Tape() as tape:
        y = Tensor(W) @ x
    J = tape.jacobian(y, x)
    assert J.shape == (2, 3)
    np.testing.assert_array_equal(J.numpy(), W)


def test_jacobian_has_target_shape_then_source_shape():
    W = Variable(np.ones((2, 3)))
    x = Variable([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
    with Tape() as tape:
        y = W @ x
    jW, jx = tape.jacobian(y, [W, x])
    assert jW.shape == (2, 2, 2, 3) and jx.shape == (2, 2, 3, 2)
    np.testing.assert_array_equal(jW.numpy()[1, 0, 1], x.numpy()[:, 0])  # dy10/dW1k = x[k, 0]


def test_jacobian_of_an_elementwise_op_is_diagonal():
    x = Variable([1.0, 2.0, 3.0], dtype="float64")
    with Tape() as tape:
        y = am.sin(x)
    np.testing.assert_allclose(tape.jacobian(y, x).numpy(), np.diag(np.cos(x.numpy())))


def test_jacobian_of_unconnected_source_is_none_or_zeros():
    x, other = Variable([1.0, 2.0]), Variable([1.0, 2.0, 3.0])
    with Tape(persistent=True) as tape:
        y = x * 2
    assert tape.jacobian(y, other) is None
    assert tape.jacobian(y, other, unconnected_gradients="zero").shape == (2, 3)


def test_jacobian_counts_as_the_one_use_of_a_nonpersistent_tape():
    x = Variable([1.0, 2.0])
    with Tape() as tape:
        y = x * x
    tape.jacobian(y, x)
    with pytest.raises(TapeError):
        tape.gradient(y, x)


def test_batch_jacobian_has_tfs_shape_and_matches_per_example_jacobians():
    rng = np.random.default_rng(0)
    W = rng.normal(size=(3, 4))
    x = Variable(rng.normal(size=(5, 3)), dtype="float64")
    with Tape(persistent=True) as tape:
        y = am.tanh(x @ Tensor(W))
    bj = tape.batch_jacobian(y, x)
    assert bj.shape == (5, 4, 3)
    full = tape.jacobian(y, x).numpy()  # (5, 4, 5, 3)
    for b in range(5):
        np.testing.assert_allclose(bj.numpy()[b], full[b, :, b, :])


def test_batch_jacobian_needs_a_shared_batch_axis():
    x = Variable(np.ones((4, 2)))
    with Tape() as tape:
        y = x.sum(axis=0)
    with pytest.raises(ShapeError, match=r"\(2,\) and \(4, 2\)"):
        tape.batch_jacobian(y, x)


# ----- why_none -----------------------------------------------------------------------


def test_why_none_names_a_source_that_was_never_watched():
    c = Tensor([1.0], name="c")
    with Tape() as tape:
        y = c * Variable([2.0])
    assert tape.gradient(y, c) is None
    assert "'c' was never watched" in tape.why_none(y, c)


def test_why_none_names_use_under_stop_recording():
    w = Variable(1.0)
    with Tape() as tape:
        with tape.stop_recording():
            h = w * 2
        y = h * Variable(3.0)
    assert tape.gradient(y, w) is None
    assert "stop_recording" in tape.why_none(y, w)


def test_why_none_names_the_op_that_ran_under_no_grad():
    w = Variable(1.0)
    with Tape() as tape:
        with am.no_grad():
            h = am.exp(w)
        y = h * Variable(3.0)
    assert tape.gradient(y, w) is None
    assert "'exp' on the way to the target ran under no_grad()" in tape.why_none(y, w)


def test_why_none_names_a_constant_target_made_from_plain_numbers():
    w = Variable(1.0)
    with Tape() as tape:
        y = Tensor(2.0) * 3
    assert "target is a constant" in tape.why_none(y, w)


def test_why_none_names_a_numpy_copy_in_the_path():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with Tape() as tape:
        y = (Tensor(x.numpy()) * Variable([3.0, 4.0])).sum()
    assert tape.gradient(y, x) is None
    assert ".numpy()" in tape.why_none(y, x)


def test_why_none_says_when_the_source_is_not_connected():
    a, b = Variable(1.0), Variable(2.0)
    with Tape() as tape:
        y = a * 3
    assert "not connected" in tape.why_none(y, b)


def test_why_none_says_when_the_gradient_is_not_none():
    a = Variable(1.0)
    with Tape() as tape:
        y = a * 3
    assert "not None" in tape.why_none(y, a)


def test_watches_and_reaches_answer_what_gradient_needs_after_the_block():
    x = Tensor([1.0, 2.0])  # watched by hand: requires grad only while the tape differentiates
    w, frozen, c = Variable(2.0), Variable(1.0, trainable=False), Tensor(3.0)
    with Tape(persistent=True) as tape:
        tape.watch(x)
        y = (x * w).sum()
        with tape.stop_recording():
            z = w * 4
        u = z * x
    assert [tape.watches(n) for n in (x, w, y, frozen, c)] == [True, True, True, False, False]
    assert tape.reaches(y, x) and tape.reaches(y, w) and tape.reaches(y, y)
    assert not tape.reaches(u, w)  # w * 4 ran under stop_recording()
    assert (tape.gradient(u, w), tape.gradient(y, x) is None) == (None, False)


def test_a_list_of_targets_gives_the_gradient_of_their_sum_as_in_tensorflow():
    w = am.Variable([1.0, 2.0])
    v = am.Value(3.0)
    with am.Tape(persistent=True) as tape:
        a = am.sum(w * w)
        b = am.sum(w * 3.0) + am.sum(w)
        c = v * v
        total = a + b
    both = tape.gradient([a, b], w)
    np.testing.assert_allclose(both.numpy(), 2 * w.numpy() + 4.0)  # shared graph kept
    np.testing.assert_allclose(tape.gradient((a, b), [w])[0].numpy(),
                               tape.gradient(total, w).numpy())
    weighted = tape.gradient([a, b], w, output_gradients=[2.0, None])
    np.testing.assert_allclose(weighted.numpy(), 4 * w.numpy() + 4.0)
    assert tape.gradient([a, c], v) == 6.0  # a does not depend on v: only c counts
    assert tape.gradient([a, b], v) is None
    with pytest.raises(am.ShapeError, match="2 targets but 1 output_gradients"):
        tape.gradient([a, b], w, output_gradients=[1.0])
    with pytest.raises(am.DTypeError, match="got list"):
        tape.jacobian([a, b], w)


def test_a_list_of_targets_works_once_on_a_non_persistent_tape():
    w = am.Variable([1.0, -1.0])
    with am.Tape() as tape:
        h = w * w  # shared by both targets: released only after the last
        a, b = am.sum(h), am.sum(h * 2.0)
    np.testing.assert_allclose(tape.gradient([a, b], w).numpy(), 6 * w.numpy())
    with pytest.raises(am.TapeError):
        tape.gradient(a, w)
