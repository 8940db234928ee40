"""The graph core: recording switches, release after backward, anomaly detection, order."""

import threading

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import AnomalyError, GraphError, Tensor, Value
from autograd_mini.graph import toposort


def test_no_grad_context_stops_recording():
    x = Tensor([1.0], requires_grad=True)
    with am.no_grad():
        y = x * 2
    assert not y.requires_grad and y.parents == () and am.is_recording()


def test_no_grad_works_as_a_decorator_and_enable_grad_reopens():
    @am.no_grad()
    def double(t):
        with am.enable_grad():
            inner = t * 1
        return t * 2, inner

    x = Tensor([1.0], requires_grad=True)
    outer, inner = double(x)
    assert not outer.requires_grad and inner.requires_grad


def test_no_grad_in_one_thread_does_not_affect_another():
    seen = []
    inside = threading.Event()
    done = threading.Event()

    def worker():
        with am.no_grad():
            inside.set()
            done.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    seen.append(am.is_recording())
    done.set()
    t.join()
    assert seen == [True]


def test_second_backward_through_released_graph_raises_clearly():
    x = Value(2.0)
    y = x * x
    y.backward()
    with pytest.raises(GraphError, match="retain_graph=True"):
        y.backward()


def test_retain_graph_allows_a_second_backward_that_accumulates():
    x = Value(2.0)
    y = x * x
    y.backward(retain_graph=True)
    y.backward()
    assert x.grad == 8.0


def test_graph_links_data_and_grads_stay_after_backward():
    x = Value(2.0)
    y = (x * 3).tanh()
    y.backward()
    assert y.parents[0].op == "mul" and y.parents[0].grad != 0.0 and y.op == "tanh"


def test_create_graph_makes_grad_differentiable():
    x = Tensor(2.0, requires_grad=True)
    (x**3).backward(create_graph=True)
    first = x.grad
    assert isinstance(first, Tensor) and float(first) == 12.0
    x.grad = None
    first.backward()
    assert float(x.grad) == 12.0  # d2/dx2 x**3 at 2


def test_detect_anomaly_names_the_op_that_made_nan_in_forward():
    x = Tensor([-1.0], requires_grad=True)
    with am.detect_anomaly(), pytest.raises(AnomalyError, match="forward of 'log'"), \
            np.errstate(invalid="ignore"):
        am.log(x)


def test_detect_anomaly_names_the_op_whose_gradient_is_not_finite():
    x = Tensor([0.0], requires_grad=True)
    y = am.sqrt(x)
    with am.detect_anomaly(), pytest.raises(AnomalyError, match="backward of 'sqrt'"), \
            np.errstate(divide="ignore"):
        y.sum().backward()


def test_toposort_puts_every_node_before_its_parents():
    a, b = Value(1.0), Value(2.0)
    c = a * b
    d = c + a
    e = d * c
    order = toposort(e)
    pos = {id(n): i for i, n in enumerate(order)}
    for n in order:
        for p in n.parents:
            assert pos[id(n)] < pos[id(p)]
    assert order[0] is e and len(order) == 5


def test_zero_grad_resets_a_collection_of_parameters():
    v, t = Value(1.0), Tensor([1.0], requires_grad=True)
    (v * 2).backward()
    (t * 2).sum().backward()
    am.zero_grad([v, t])
    assert v.grad == 0.0 and t.grad is None


def test_create_graph_adds_to_an_existing_value_gradient():
    v = Value(2.0)
    (v * v).backward()
    (v * v).backward(create_graph=True)
    assert isinstance(v.grad, Value) and v.grad.data == 8.0


def test_an_op_registered_without_a_vjp_names_itself_in_backward():
    from autograd_mini import NoGradientError
    from autograd_mini.ops import OPS, op

    @op(name="_no_vjp_test_op")
    def no_vjp(x):
        return x * 1

    try:
        with pytest.raises(NoGradientError, match="_no_vjp_test_op"):
            no_vjp(Tensor([1.0], requires_grad=True)).sum().backward()
    finally:
        del OPS["_no_vjp_test_op"]


def test_a_vjp_returning_the_wrong_shape_is_named_not_reshaped():
    from autograd_mini import ShapeError
    from autograd_mini.ops import OPS, op

    @op(name="_wrong_shape_vjp")
    def flip(x):
        return x[::-1]

    flip.defvjp(lambda g, out, x: g.reshape(-1, 1))  # (n, 1) for an input of shape (n,)
    try:
        with pytest.raises(ShapeError, match=r"'_wrong_shape_vjp', input 0.*\(3, 1\).*\(3,\)"):
            flip(Tensor([1.0, 2.0, 3.0], requires_grad=True)).sum().backward()
    finally:
        del OPS["_wrong_shape_vjp"]
