"""In-place writes after recording: backward raises instead of giving a wrong gradient.

``y = w * w`` saves w for its VJP; ``w.assign_sub(1)`` before ``y.backward()`` would make
the gradient 2 instead of 4. Writes through the library stamp the node they change, and
backward refuses an op whose VJP reads an input changed after the op was recorded.
Which inputs each op's VJPs read (``OpSpec.saves``) is checked in test_op_gradients.py.
"""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tape, Tensor, Value, Variable, optim
from autograd_mini.errors import GraphError

OPTIMIZERS = [optim.SGD, optim.Momentum, optim.Adam]
WRITES = {
    "assign": lambda w: w.assign(np.float32(1.0)),
    "assign_add": lambda w: w.assign_add(1.0),
    "assign_sub": lambda w: w.assign_sub(1.0),
}


@pytest.mark.parametrize("write", sorted(WRITES))
def test_backward_after_an_in_place_write_of_a_saved_input_raises(write):
    w = Variable(2.0, name="w")
    y = w * w
    WRITES[write](w)
    with pytest.raises(GraphError, match=r"backward of 'mul': input 0 \(Variable 'w'\).*"
                                         r"in-place update of w.*before opt.step\(\), or clone"):
        y.backward()


@pytest.mark.parametrize("write", sorted(WRITES))
def test_tape_gradient_after_an_in_place_write_inside_the_tape_raises(write):
    # TensorFlow keeps the value read (24 for this example); we raise instead of 54
    w = Variable(3.0, name="w")
    with Tape() as tape:
        y = w * w
        WRITES[write](w)
        z = y * w
    with pytest.raises(GraphError, match="in-place update of w"):
        tape.gradient(z, w)


@pytest.mark.parametrize("opt_class", OPTIMIZERS)
@pytest.mark.parametrize("how", ["step", "apply_gradients"])
def test_an_optimizer_update_before_backward_raises(opt_class, how):
    w = Variable([1.0, 2.0], name="w")
    w.grad = np.ones(2, np.float32)  # from an earlier step
    opt = opt_class([w], lr=0.1)
    loss = (w * w).sum()
    if how == "step":
        opt.step()
    else:
        opt.apply_gradients([(np.ones(2, np.float32), w)])
    with pytest.raises(GraphError, match="in-place update of w"):
        loss.backward()


@pytest.mark.parametrize("opt_class", OPTIMIZERS)
def test_an_optimizer_step_on_a_value_before_backward_raises(opt_class):
    v = Value(2.0, name="v")
    v.grad = 1.0
    loss = v * v
    opt_class([v], lr=0.1).step()
    with pytest.raises(GraphError, match="backward of 'mul'"):
        loss.backward()


@pytest.mark.parametrize("opt_class", OPTIMIZERS)
def test_the_normal_loop_forward_backward_step_raises_nothing(opt_class):
    w = Variable([1.0, -2.0], name="w")
    opt = opt_class([w], lr=0.1)
    for _ in range(3):
        loss = (w * w).sum()
        opt.zero_grad()
        loss.backward()
        opt.step()
    with Tape() as tape:  # TF style too
        loss = (w * w).sum()
    opt.apply_gradients(zip(tape.gradient(loss, [w]), [w]))
    assert np.all(np.abs(w.numpy()) < [1.0, 2.0])


def test_a_write_before_the_op_is_recorded_is_fine():
    w = Variable(2.0)
    w.assign_sub(1.0)
    y = w * w
    y.backward()
    assert float(w.grad) == 2.0


def test_an_op_that_does_not_read_its_input_is_not_affected_by_a_write():
    w = Variable(2.0)
    y = (w + 1.0) - w  # add's and sub's VJPs pass g on: the old value is not needed
    w.assign_sub(1.0)
    y.backward()
    assert float(w.grad) == 0.0


def test_a_retained_graph_reused_after_a_step_raises():
    w = Variable(2.0, name="w")
    opt = optim.SGD([w], lr=0.1)
    loss = w * w
    loss.backward(retain_graph=True)
    opt.step()
    with pytest.raises(GraphError, match="in-place update of w"):
        loss.backward()


def test_create_graph_checks_saved_inputs_too():
    w = Variable(2.0, name="w")
    y = w * w * w
    w.assign(5.0)
    with pytest.raises(GraphError, match="in-place update of w"):
        y.backward(create_graph=True)


def test_tensor_numpy_is_a_read_only_view_and_writing_into_it_raises():
    w = Tensor([1.0, 2.0], requires_grad=True)
    y = (w * w).sum()
    view = w.numpy()
    with pytest.raises(ValueError, match="read-only"):
        view[0] = 5.0
    y.backward()
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])
    assert np.shares_memory(view, w.data)  # a view, not a copy: .numpy() costs nothing
    copy = w.numpy().copy()
    copy[0] = 5.0  # a copy is the user's to change
    assert w.data[0] == 1.0


def test_variable_numpy_is_still_a_writable_copy():
    w = Variable([1.0, 2.0])
    arr = w.numpy()
    arr[0] = 7.0
    assert w.numpy()[0] == 1.0


def test_load_state_dict_after_recording_raises_at_backward():
    from autograd_mini import nn

    layer = nn.Linear(2, 1, seed=0)
    x = am.Tensor(np.ones((1, 2)), dtype="float32")
    loss = (layer(x) * layer(x)).sum()
    layer.load_state_dict({k: v * 2 for k, v in layer.state_dict().items()})
    with pytest.raises(GraphError, match="in-place"):
        loss.backward()
