"""What a backward frees, and when a whole graph goes away (checked with ``weakref``).

The contract: a backward without ``retain_graph`` releases each node's ``_ctx`` (the
op's record and the settings saved for its VJPs): arrays such as ``where``'s condition
are freed, small settings such as an axis stay (``graph.Released``), as do ``parents``,
``data`` and ``.grad``, so the graph can still be drawn and its steps replayed. The inputs a
VJP reads are the parents' ``data``, so they live exactly as long as the graph does:
the graph holds no reference cycles and is freed by reference counting alone as soon
as the last reference to its output (the loss) is gone.
"""

from __future__ import annotations

import gc
import weakref

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, Value, Variable
from autograd_mini.graph import Released, toposort
from benchmarks import w3_mnist_mlp as w3
from benchmarks.memory import peak_mb


@pytest.fixture
def no_cycle_collector():
    """Turn the cycle collector off: what is freed here is freed by reference counting."""
    was = gc.isenabled()
    gc.disable()
    yield
    if was:
        gc.enable()


def _where_node():
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True)
    out = am.where(x.data > 0, x, 0.0)  # the condition is a fresh array saved for backward
    return x, out, weakref.ref(out._ctx[1]["condition"])


def test_backward_frees_the_settings_saved_for_the_vjp(no_cycle_collector):
    x, out, condition = _where_node()
    assert condition() is not None
    out.sum().backward()
    assert type(out._ctx) is Released and condition() is None


def test_backward_keeps_the_small_settings_drawings_replay_and_frees_the_rest():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    loss = am.mean(x, axis=0, keepdims=True).sum()
    loss.backward()
    assert loss._ctx == (am.ops.OPS["sum"], {"axis": None, "keepdims": False})
    assert loss.parents[0]._ctx[1] == {"axis": 0, "keepdims": True}


def test_backward_with_retain_graph_keeps_them(no_cycle_collector):
    x, out, condition = _where_node()
    out.sum().backward(retain_graph=True)
    assert out._ctx is not None and condition() is not None


def test_backward_keeps_parents_data_and_grad_so_the_graph_can_be_drawn():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = am.sigmoid(x * 3.0)
    loss = y.sum()
    loss.backward()
    assert all(n._ctx is None or type(n._ctx) is Released for n in toposort(loss) if n.parents)
    assert y.parents[0].parents[0] is x and y.data is not None and y.grad is not None


def _tensor_step(params, x, y):
    W1, b1, W2, b2 = params
    a1 = am.sigmoid(x @ W1 + b1)
    loss = 0.5 * am.square(am.sigmoid(a1 @ W2 + b2) - y).sum()
    loss.backward()
    return loss


def test_a_tensor_steps_graph_is_freed_once_its_loss_goes_out_of_scope(no_cycle_collector):
    params = [Variable(p) for p in w3.init_params()]
    x, y = Tensor(np.ones((4, 784), np.float32)), Tensor(np.eye(10, dtype=np.float32)[:4])
    loss = _tensor_step(params, x, y)
    inner = [n for n in toposort(loss) if n.parents]
    nodes = [weakref.ref(n) for n in inner]
    arrays = [weakref.ref(n.data) for n in inner] + [weakref.ref(n.grad) for n in inner]
    del inner, loss
    assert all(r() is None for r in nodes + arrays)
    assert all(p.grad is not None for p in params)  # the leaves keep their gradients


def test_a_value_graph_is_freed_once_its_loss_goes_out_of_scope(no_cycle_collector):
    w = [Value(0.5), Value(-1.5)]
    loss = sum((wi * xi for wi, xi in zip(w, [2.0, 3.0])), Value(0.0)).tanh() ** 2
    loss.backward()
    nodes = [weakref.ref(n) for n in toposort(loss) if n.parents]
    del loss
    assert nodes and all(r() is None for r in nodes)
    assert w[0].grad != 0.0


def test_a_training_run_peaks_within_1_3x_of_hand_written_numpy():
    X, Y = w3.dataset(w3.BATCH * 4)
    ref, ours = w3.init_params(), [Variable(p) for p in w3.init_params()]
    numpy_mb = peak_mb(lambda: w3.numpy_epoch(ref, X, Y))
    ours_mb = peak_mb(lambda: w3.ours_epoch(ours, X, Y))
    assert ours_mb <= 1.3 * numpy_mb, (ours_mb, numpy_mb)


def test_leaf_gradients_are_their_own_writeable_arrays():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor([3.0, 4.0], requires_grad=True)
    seed = np.ones(2, np.float32)
    z = x + y  # add hands its upstream gradient to both inputs unchanged
    z.backward(seed)
    x.grad *= 10  # an optimizer may update a gradient in place
    assert np.all(y.grad == 1.0) and np.all(z.grad == 1.0) and np.all(seed == 1.0)


def test_a_leaf_reached_through_a_broadcast_view_gets_a_writeable_copy():
    x = Tensor([1.0, 2.0], requires_grad=True)
    x.sum().backward()  # sum's VJP returns a read-only broadcast view
    x.grad += 1.0
    assert np.all(x.grad == 2.0)

