"""The readable ``graph.backprop`` and the unrolled ``_fast.backprop`` that ``backward()``
and ``Tape`` run give identical gradients: on every registered op and on random
expression graphs, for Values and Tensors, to first and second order."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import _fast, graph
from autograd_mini.graph import Node, data_of
from autograd_mini.ops import OPS
from autograd_mini.testing.pytest_plugin import FUZZ_EXAMPLES, PROFILE
from autograd_mini.testing.strategies import OP_ARGS, expressions, op_args

EXAMPLES = FUZZ_EXAMPLES[PROFILE] // 3
PACKAGE_OPS = sorted(name for name, spec in OPS.items() if spec.differentiable
                     and spec.forward.__module__.startswith("autograd_mini."))
SCALAR = [name for name in PACKAGE_OPS if name in OP_ARGS and OP_ARGS[name].scalar]


def _seed(out: Node) -> object:
    if isinstance(out, am.Value):
        return 1.0
    return np.linspace(0.5, 1.5, out.data.size, dtype=out.data.dtype).reshape(out.data.shape)


def _same(a: object, b: object, what: str) -> None:
    assert type(a) is type(b), f"{what}: {type(a).__name__} vs {type(b).__name__}"
    x, y = data_of(a), data_of(b)
    assert np.shape(x) == np.shape(y) and np.result_type(x) == np.result_type(y), what
    np.testing.assert_array_equal(x, y, err_msg=what)  # bit for bit (nan where nan)


def _both(out: Node, create_graph: bool) -> tuple[dict, dict]:
    ref = graph.backprop(out, _seed(out), retain_graph=True, create_graph=create_graph)
    fast = _fast.backprop(out, _seed(out), retain_graph=True, create_graph=create_graph)
    assert [id(n) for n in ref] == [id(n) for n in fast], "the two walks reached other nodes"
    for node in ref:
        _same(ref[node], fast[node], f"gradient of {node!r}")
    return ref, fast


def _second_order(out: Node, inputs: tuple) -> None:
    """d/dx of sum(w * dout/dx) by each walk on the graph it recorded itself."""
    ref, fast = _both(out, create_graph=True)
    sums = []
    for grads, backprop in ((ref, graph.backprop), (fast, _fast.backprop)):
        firsts = [grads[x] for x in inputs if isinstance(grads.get(x), Node)]
        if not firsts or not any(f.requires_grad for f in firsts):
            return  # linear in every input: no second derivative to compare
        total = sum((am.sum(f * 0.75) if isinstance(f, am.Tensor) else f * 0.75
                     for f in firsts), start=0.0 if isinstance(out, am.Value) else am.Tensor(0.0))
        seed = 1.0 if isinstance(total, am.Value) else np.ones((), total.data.dtype)
        sums.append(backprop(total, seed, retain_graph=True))
    for x in inputs:
        if x in sums[0] or x in sums[1]:
            _same(sums[0].get(x), sums[1].get(x), f"second derivative for {x!r}")


def test_a_node_used_many_times_sums_its_gradients_in_the_plain_walks_order():
    # float32 sums that round differently in another order: 1e8 + 1 + 1 - 1e8 is 0 from
    # the left; the walk takes the uses newest first, as graph.toposort orders them
    x = am.Tensor(np.float32(3.0), requires_grad=True)
    uses = [x * np.float32(w) for w in (1e8, 1.0, 1.0, -1e8)]
    total = uses[0]
    for u in uses[1:]:
        total = total + u
    ref, fast = _both(total, create_graph=False)
    assert fast[x] == ref[x] == np.float32(-1e8) + np.float32(1) + np.float32(1) + np.float32(1e8)
    shared = am.exp(x)  # a shared inner node, and a variadic one
    y = am.stack([shared, x * 2, shared * shared]).sum() + (x * shared).sum()
    _both(y, create_graph=False)
    _both(y, create_graph=True)


@pytest.mark.parametrize("vjp", [None, lambda g, out, x, y: None], ids=["no VJP", "VJP gave None"])
def test_a_node_reached_without_a_gradient_is_released_as_in_the_plain_walk(monkeypatch, vjp):
    # y's branch gets no gradient from mul, yet both walks release it (and what it was
    # made from) so a second backward through it raises, and retain_graph keeps it
    monkeypatch.setattr(OPS["mul"], "vjps", (OPS["mul"].vjps[0], vjp))
    for walk in (graph.backprop, _fast.backprop):
        for retain in (False, True):
            x = am.Tensor([1.0, 2.0], requires_grad=True)
            w = am.Tensor([0.5, 1.5], requires_grad=True)
            inner = am.sin(w)
            y = am.exp(inner)
            walk(x * y, np.ones(2, np.float32), retain_graph=retain)
            for node in (y, inner):
                if retain:
                    assert node._ctx is not None
                    continue
                with pytest.raises(am.GraphError, match="a second time"):
                    walk(node, np.ones(2, np.float32))


@pytest.mark.parametrize("name", PACKAGE_OPS)
@given(data=st.data())
def test_every_op_gets_identical_gradients_from_both_walks(name, data):
    call = data.draw(op_args(OPS[name]), label="call")
    out = call(*call.inputs)
    _both(out, create_graph=False)
    if call.inputs[0].data.dtype == np.float64:
        _second_order(out, call.inputs)


@pytest.mark.parametrize("name", SCALAR)
@given(data=st.data())
def test_every_scalar_op_on_values_gets_identical_gradients(name, data):
    call = data.draw(op_args(OPS[name], kind="value"), label="call")
    out = call(*call.inputs)
    _both(out, create_graph=False)
    _second_order(out, call.inputs)


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(case=expressions(), create_graph=st.booleans())
def test_random_tensor_expressions_get_identical_gradients(case, create_graph):
    fn, inputs = case
    out = fn(*inputs)
    _both(out, create_graph)
    _second_order(out, inputs)


@settings(max_examples=EXAMPLES, suppress_health_check=[HealthCheck.too_slow])
@given(case=expressions("value"))
def test_random_value_expressions_get_identical_gradients(case):
    fn, inputs = case
    out = fn(*inputs)
    _both(out, create_graph=False)
    _second_order(out, inputs)


def test_both_walks_refuse_a_released_graph_with_the_same_message():
    for walk in (graph.backprop, _fast.backprop):
        x = am.Value(2.0)
        y = x * x
        y.backward()
        with pytest.raises(am.GraphError) as caught:
            walk(y, 1.0)
        assert "backward through 'mul' a second time" in str(caught.value)


def test_both_walks_name_the_input_a_bad_vjp_gradient_belongs_to(monkeypatch):
    monkeypatch.setattr(OPS["mul"], "vjps", (OPS["mul"].vjps[0], lambda g, out, x, y: g[:1]))
    messages = []
    for walk in (graph.backprop, _fast.backprop):
        a, b = am.Tensor([1.0, 2.0], requires_grad=True), am.Tensor([3.0, 4.0], requires_grad=True)
        with pytest.raises(am.ShapeError) as caught:
            walk(a * b, np.ones(2, np.float32))
        messages.append(str(caught.value))
    assert messages[0] == messages[1] and "backward of 'mul', input 1" in messages[0]
