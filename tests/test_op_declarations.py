"""An op's ``@op`` block is all the package needs: numpy's protocol, TF1's node names, the
argument strategies and the random expressions read its declarations from ``OPS``.

The throwaway op ``log1p`` (not in the package) is registered for one test at a time with
the plugin's ``register_op``; no other file names it.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import find, given, settings

import autograd_mini.compat.v1 as tf
from autograd_mini import Tensor, Value, ops
from autograd_mini.errors import NoGradientError
from autograd_mini.testing import gradcheck
from autograd_mini.testing.expressions import rules
from autograd_mini.testing.pytest_plugin import temporary_ops
from autograd_mini.testing.strategies import OP_ARGS, expressions, op_args

quick = settings(max_examples=25, database=None, deadline=None)


def declare_log1p(register):
    @register(domain=(-1.0, None), numpy="log1p", tf_node="Log1p")
    def log1p(x):
        """log(1 + x).  d/dx = 1/(1 + x)"""
        return np.log1p(x)

    log1p.defvjp(lambda g, out, x: g / (1 + x))
    return log1p


def test_a_numpy_name_declared_on_an_op_reaches_it_while_it_is_registered():
    x = Tensor([0.5, 2.0], requires_grad=True)
    with pytest.raises(NoGradientError, match="np.log1p is not supported"):
        np.log1p(x)
    with temporary_ops() as register:
        declare_log1p(register)
        y = np.log1p(x)
        assert isinstance(y, Tensor) and y.op == "log1p"
        y.sum().backward()
    np.testing.assert_allclose(x.grad, 1 / np.array([1.5, 3.0]))
    with pytest.raises(NoGradientError, match="np.log1p is not supported"):
        np.log1p(x)  # gone with its op


def test_an_op_declared_in_one_block_is_fuzzed_and_named_in_tf_graphs(register_op):
    log1p = declare_log1p(register_op)
    assert OP_ARGS["log1p"].scalar

    @quick
    @given(call=op_args(log1p.spec))
    def gradient_is_checked_inside_its_domain(call):
        assert (call.inputs[0].data >= -0.75).all()  # the domain's low end + its 0.25 margin
        assert gradcheck(call, *call.inputs)

    gradient_is_checked_inside_its_domain()
    assert "log1p" in rules(arrays=False)
    fn, inputs = find(expressions("value"), lambda c: "log1p" in {s[0] for s in c[0].steps},
                      settings=settings(database=None, max_examples=2000))
    assert all(isinstance(v, Value) for v in inputs) and np.isfinite(fn(*inputs).data)
    with tf.Graph().as_default():
        assert log1p(tf.placeholder(tf.float32, shape=(2,))).name == "Log1p"


def test_numpy_names_of_wrapped_ops_reach_the_public_function():
    # np.clip's bounds are positional, np.where's condition comes first, np.concatenate
    # takes a list: each reaches the function users call, not the registered op
    x = Tensor([-1.0, 0.5, 2.0], requires_grad=True)
    y = Tensor([3.0, 4.0, 5.0], requires_grad=True)
    assert np.clip(x, 0.0, 1.0).op == "clip"
    assert np.where(np.array([True, False, True]), x, y).op == "where"
    joined = np.concatenate([x, y])
    assert joined.op == "concatenate" and joined.shape == (6,)
    assert ops.OPS["clip"].public is ops.clip and ops.OPS["clip"].fn is not ops.clip
