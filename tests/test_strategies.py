"""Tests for autograd_mini.testing.strategies: what the strategies draw, and what they avoid.

"Never" properties are checked with ``@given``; "sometimes" properties with ``find``,
which fails when no drawn example has the property.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import find, given, settings
from hypothesis import strategies as st
from hypothesis.errors import InvalidArgument

from autograd_mini import Tensor, Value
from autograd_mini.graph import Node
from autograd_mini.ops import OPS
from autograd_mini.testing import gradcheck
from autograd_mini.testing.strategies import (
    broadcastable_shapes,
    expressions,
    op_args,
    tensors,
    values,
)

quick = settings(max_examples=200, database=None)


def draw_op(name: str, kind: str = "tensor"):
    return op_args(OPS[name], kind)


# ----- values, tensors, shapes --------------------------------------------------------------


@given(v=values(-1.0, 3.0))
def test_values_require_grad_and_stay_in_range(v):
    assert isinstance(v, Value) and v.requires_grad and -1.0 <= v.data <= 3.0


@given(t=tensors(shape=(2, 3), dtype="float32"))
def test_tensors_have_the_requested_shape_dtype_and_require_grad(t):
    assert t.shape == (2, 3) and t.dtype == np.float32 and t.requires_grad


@given(t=tensors(shape=(3, 2), contiguous=False))
def test_tensors_with_contiguous_false_are_never_c_contiguous(t):
    assert not t.data.flags.c_contiguous


@given(t=tensors(elements=st.sampled_from([0.5, 1.5])))
def test_tensors_take_their_elements_from_the_given_strategy(t):
    assert np.isin(t.data, [0.5, 1.5]).all()


@given(shapes=broadcastable_shapes(3))
def test_broadcastable_shapes_broadcast_together(shapes):
    assert len(shapes) == 3
    np.broadcast_shapes(*shapes)  # raises if they do not


def test_broadcastable_shapes_include_shapes_that_differ():
    find(broadcastable_shapes(2), lambda s: s[0] != s[1] and min(len(s[0]), len(s[1])) > 0)


# ----- op_args: domains, kinks and ties ------------------------------------------------------


@pytest.mark.parametrize("name", ["log", "sqrt"])
@given(data=st.data())
def test_op_args_stay_inside_the_op_domain(name, data):
    call = data.draw(draw_op(name))
    assert (call.inputs[0].data >= 0.25 - 1e-6).all()


@given(call=draw_op("div"))
def test_op_args_keep_denominators_away_from_zero(call):
    assert (np.abs(call.inputs[1].data) >= 0.5 - 1e-6).all()


@pytest.mark.parametrize("name", ["relu", "abs"])
@given(data=st.data())
def test_op_args_keep_relu_and_abs_inputs_off_the_kink(name, data):
    call = data.draw(draw_op(name))
    assert (np.abs(call.inputs[0].data) >= 0.125).all()


@pytest.mark.parametrize("name", ["maximum", "minimum"])
@given(data=st.data())
def test_op_args_never_tie_maximum_and_minimum(name, data):
    x, y = (t.data for t in data.draw(draw_op(name)).inputs)
    assert (np.abs(x - y) >= 0.125).all()


@pytest.mark.parametrize("name", ["max", "min"])
@given(data=st.data())
def test_op_args_draw_distinct_elements_for_max_and_min(name, data):
    x = data.draw(draw_op(name)).inputs[0].data
    assert len(np.unique(x)) == x.size


@given(call=draw_op("clip", "value"))
def test_op_args_keep_clip_inputs_off_the_bounds(call):
    for bound in call.settings.values():
        if bound is not None:
            assert abs(call.inputs[0].data - bound) >= 0.125


def test_op_args_include_float32_and_non_contiguous_inputs():
    find(draw_op("mul"), lambda c: c.inputs[0].dtype == np.float32)
    find(draw_op("mul"), lambda c: not c.inputs[0].data.flags.c_contiguous)


def test_op_args_broadcast_binary_ops():
    find(draw_op("add"), lambda c: c.inputs[0].shape != c.inputs[1].shape)


def test_op_args_draw_matmul_for_vectors_matrices_and_batches():
    for ndims in [(1, 1), (1, 2), (2, 1), (2, 2), (3, 2)]:
        find(draw_op("matmul"), lambda c, n=ndims: tuple(t.ndim for t in c.inputs) == n)


@given(call=draw_op("exp", "value"))
def test_op_args_with_kind_value_draw_values(call):
    assert all(isinstance(x, Value) for x in call.inputs)


def test_op_args_refuse_values_for_array_ops():
    with pytest.raises(InvalidArgument, match="matmul"):
        find(draw_op("matmul", "value"), lambda c: True)


def test_op_args_fall_back_to_the_domain_for_ops_not_in_the_table(register_op):
    @register_op(domain=(1.0, None))
    def log_minus_one(x):
        """log(x - 1).  d/dx = 1/(x - 1)"""
        return np.log(x - 1)

    @quick
    @given(call=op_args(log_minus_one.spec))
    def check(call):
        assert (call.inputs[0].data > 1.2).all()

    check()


# ----- expressions --------------------------------------------------------------------------


@quick
@given(case=expressions())
def test_expressions_give_a_finite_node_built_from_registered_ops(case):
    fn, inputs = case
    out = fn(*inputs)
    assert isinstance(out, Tensor) and np.isfinite(out.data).all()
    assert {name for name, _, _ in fn.steps} <= set(OPS)


@quick
@given(case=expressions("value"))
def test_expressions_of_kind_value_work_on_values(case):
    fn, inputs = case
    assert all(isinstance(x, Value) for x in inputs) and isinstance(fn(*inputs), Value)


def test_expressions_grow_deep_graphs_over_several_inputs():
    fn, inputs = find(expressions(), lambda c: len(c[1]) == 3 and len(c[0].steps) >= 5)
    assert isinstance(fn(*inputs), Node)


def test_expression_repr_lists_its_steps():
    fn, _ = find(expressions(), lambda c: c[0].steps[0][0] == "exp")
    assert repr(fn).startswith("Expression(x0") and "t" in repr(fn) and "exp(" in repr(fn)


def test_a_drawn_expression_passes_gradcheck():
    fn, inputs = find(expressions(dtype="float64"), lambda c: len(c[0].steps) >= 4)
    assert gradcheck(fn, *inputs)
