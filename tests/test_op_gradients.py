"""Every registered op's VJP against central differences, to first and second order.

Parametrized over the ops the package registers: a new op with no way to draw its
arguments (an op with settings names its recipe, ``@op(args=...)``, one of
``RECIPES`` in autograd_mini/testing/op_table.py) fails the coverage test, so no op goes
unchecked. Arguments come from ``op_args``: broadcast shapes, float32 and float64,
non-contiguous arrays, and Values for the elementwise ops.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini.ops import OPS
from autograd_mini.testing import gradcheck, gradgradcheck
from autograd_mini.testing.op_table import RECIPES
from autograd_mini.testing.strategies import OP_ARGS, op_args

# ops the package itself registers (ops that tests register for a while are left out)
PACKAGE_OPS = sorted(name for name, spec in OPS.items()
                     if spec.forward.__module__.startswith("autograd_mini."))
DIFFERENTIABLE = [name for name in PACKAGE_OPS if OPS[name].differentiable]
SCALAR = [name for name in DIFFERENTIABLE if name in OP_ARGS and OP_ARGS[name].scalar]


def without_recipe(names: list[str]) -> str:
    """What each of these ops lacks to get its arguments drawn; empty when none lacks it."""
    lines = []
    for name in names:
        spec = OPS[name]
        if name in OP_ARGS:
            continue
        if spec.args is not None:
            lines.append(f"'{name}' declares args={spec.args!r}, which is not a recipe")
        else:
            what = f"settings {', '.join(spec.settings)}" if spec.settings else "variadic inputs"
            lines.append(f"'{name}' has {what}: declare its recipe with @op(args=...)")
    if not lines:
        return ""
    return (f"ops without a gradient check: {'; '.join(lines)}. Recipes: {sorted(RECIPES)} "
            "(a new one goes into RECIPES in autograd_mini/testing/op_table.py)")


def test_every_registered_op_has_an_argument_strategy():
    missing = without_recipe(PACKAGE_OPS)
    assert not missing, missing


def test_an_op_with_settings_and_no_recipe_is_reported_with_what_to_declare(register_op):
    @register_op
    def pick(x, axis=0):
        """x along axis."""
        return x

    @register_op(args="no_such_recipe")
    def pick_too(x, axis=0):
        """x along axis."""
        return x

    @register_op
    def square_again(x):
        """x ** 2.  d/dx = 2*x"""
        return x * x

    missing = without_recipe(["pick", "pick_too", "square_again"])
    assert "'pick' has settings axis: declare its recipe with @op(args=...)" in missing
    assert "'pick_too' declares args='no_such_recipe', which is not a recipe" in missing
    assert "square_again" not in missing and "'reduce'" in missing


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@given(data=st.data())
def test_tensor_vjp_matches_central_differences(name, data):
    call = data.draw(op_args(OPS[name]), label="call")
    assert gradcheck(call, *call.inputs)


@pytest.mark.parametrize("name", SCALAR)
@given(data=st.data())
def test_value_vjp_matches_central_differences(name, data):
    call = data.draw(op_args(OPS[name], kind="value"), label="call")
    assert gradcheck(call, *call.inputs)


@pytest.mark.parametrize("name", DIFFERENTIABLE)
@given(data=st.data())
def test_tensor_vjp_is_itself_differentiable(name, data):
    call = data.draw(op_args(OPS[name]), label="call")
    assert gradgradcheck(call, *call.inputs)


@pytest.mark.parametrize("name", SCALAR)
@given(data=st.data())
def test_value_vjp_is_itself_differentiable(name, data):
    call = data.draw(op_args(OPS[name], kind="value"), label="call")
    assert gradgradcheck(call, *call.inputs)


OUT_FREE = [name for name in DIFFERENTIABLE if not OPS[name].reads_out]


def test_the_usual_loss_ops_promise_their_vjps_do_not_read_out():
    assert {"add", "sub", "mul", "square", "sum", "mean", "matmul"} <= set(OUT_FREE)


def drawn_call(data, name):
    """Drawn inputs of op ``name`` as arrays, its settings, result and an upstream g of ones."""
    call = data.draw(op_args(OPS[name]), label="call")
    xs = [x.data for x in call.inputs]
    out = np.asarray(call.spec.forward(*xs, **call.settings))
    return xs, call.settings, out, np.ones_like(out)


@pytest.mark.parametrize("name", OUT_FREE)
@given(data=st.data())
def test_vjps_that_promise_not_to_read_out_give_the_same_gradient_without_it(name, data):
    # compat.v1 plans skip computing an unfetched result whose VJPs do not read it
    xs, settings, out, g = drawn_call(data, name)
    for vjp in OPS[name].input_vjps(len(xs)):
        if vjp is not None:
            np.testing.assert_array_equal(vjp(g, None, *xs, **settings),
                                          vjp(g, out, *xs, **settings))


# inputs whose values no VJP reads (backward need not check them for in-place writes)
UNSAVED = [name for name in DIFFERENTIABLE if not all(
    OPS[name].saved(i) for i in range(max(len(OPS[name].vjps), 1)))]


def test_the_usual_ops_are_read_as_saving_the_inputs_their_vjps_read():
    assert OPS["add"].saves == (False, False) and OPS["mul"].saves == (True, True)
    assert OPS["exp"].saves == (False,)  # exp's VJP reads out, not x
    assert OPS["matmul"].saves == (True, True) and OPS["reshape"].saves == (False,)


@pytest.mark.parametrize("name", UNSAVED)
@given(data=st.data())
def test_vjps_give_the_same_gradient_when_inputs_they_do_not_save_change(name, data):
    # an in-place write to such an input after the op was recorded is allowed
    xs, settings, out, g = drawn_call(data, name)
    spec = OPS[name]
    changed = [x if spec.saved(i) else x * 3.0 + 1.0 for i, x in enumerate(xs)]
    for vjp in spec.input_vjps(len(xs)):
        if vjp is not None:
            np.testing.assert_array_equal(vjp(g, out, *changed, **settings),
                                          vjp(g, out, *xs, **settings))
