"""Value: scalar ops, their gradients by hand, and micrograd-style behaviour."""

import math

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import DTypeError, OpError, Value, ops


def test_neuron_matches_hand_derivation():
    x1, x2, w1, w2, b = Value(2.0), Value(0.0), Value(-3.0), Value(1.0), Value(6.8813735870195432)
    out = (x1 * w1 + x2 * w2 + b).tanh()
    out.backward()
    assert out.data == pytest.approx(0.7071067811865476)
    assert x1.grad == pytest.approx(-1.5) and w1.grad == pytest.approx(1.0)
    assert x2.grad == pytest.approx(0.5) and w2.grad == pytest.approx(0.0)


def test_grad_accumulates_when_node_used_twice():
    a = Value(3.0)
    b = a + a
    b.backward()
    assert a.grad == 2.0


def test_shared_subexpression_gets_gradient_from_every_use():
    a, b = Value(-2.0), Value(3.0)
    d = a * b
    e = a + b
    f = d * e
    f.backward()
    assert a.grad == pytest.approx(b.data * e.data + d.data)  # -3 + -6
    assert b.grad == pytest.approx(a.data * e.data + d.data)


def test_reflected_operators_with_numbers():
    a = Value(4.0)
    out = 2 + a - 1 + 3 * a / 2 - 8 / a + 2**a
    out.backward()
    assert out.data == pytest.approx(2 + 4 - 1 + 6 - 2 + 16)
    assert a.grad == pytest.approx(1 + 1.5 + 8 / 16 + math.log(2) * 16)


def test_power_with_value_exponent_differentiates_both():
    x, y = Value(2.0), Value(3.0)
    z = x**y
    z.backward()
    assert z.data == 8.0
    assert x.grad == pytest.approx(12.0)
    assert y.grad == pytest.approx(8 * math.log(2))


def test_unary_methods_and_module_functions_agree():
    for name in ["exp", "log", "sqrt", "tanh", "sigmoid", "relu", "sin", "cos", "abs"]:
        a, b = Value(0.7), Value(0.7)
        getattr(a, name)().backward()
        getattr(am, name)(b).backward()
        assert a.grad == pytest.approx(b.grad), name


def test_builtin_sum_and_abs_work_on_values():
    vs = [Value(float(i)) for i in range(1, 4)]
    total = sum(vs)
    total.backward()
    assert total.data == 6.0 and all(v.grad == 1.0 for v in vs)
    n = Value(-2.5)
    abs(n).backward()
    assert n.grad == -1.0


def test_sigmoid_of_large_negative_value_does_not_overflow():
    assert Value(-1000.0).sigmoid().data == 0.0


def test_intermediate_nodes_keep_their_gradients():
    a = Value(2.0)
    b = a * 3
    c = b * b
    c.backward()
    assert b.grad == pytest.approx(12.0) and c.grad == 1.0


def test_log_of_negative_value_is_nan_and_anomaly_names_the_op():
    with pytest.warns(RuntimeWarning):
        assert math.isnan(Value(-1.0).log().data)  # as a float64 Tensor, not an error
    with np.errstate(invalid="ignore"), am.detect_anomaly(), \
            pytest.raises(am.AnomalyError, match="forward of 'log'"):
        Value(-1.0).log()


def test_division_by_zero_value_is_inf_and_anomaly_names_the_op():
    with np.errstate(divide="ignore"):
        assert (Value(1.0) / Value(0.0)).data == math.inf
        with am.detect_anomaly(), pytest.raises(am.AnomalyError, match="forward of 'div'"):
            Value(1.0) / Value(0.0)


def test_an_op_whose_forward_fails_in_float64_too_raises_an_op_error():
    @ops.op(name="_strict_test_op")
    def strict(x):
        """Refuses negatives."""
        if x < 0:
            raise ValueError("negative input")
        return x

    try:
        with pytest.raises(OpError, match=r"_strict_test_op\(-1.0\) failed: negative"):
            strict(Value(-1.0))
    finally:
        del ops.OPS["_strict_test_op"]


def test_value_refuses_arrays_with_a_hint():
    import numpy as np

    with pytest.raises(DTypeError, match="Tensor"):
        Value(np.ones(3))
    with pytest.raises(DTypeError, match="Tensor"):
        Value(1.0) * np.ones(3)


def test_mixing_value_and_tensor_is_a_clear_error():
    with pytest.raises(DTypeError, match="cannot mix Value and Tensor"):
        Value(1.0) + am.Tensor([1.0])


def test_repr_shows_name_data_and_grad():
    a = Value(2.0, name="w")
    (a * a).backward()
    assert repr(a) == "Value(data=2, grad=4, name='w')"


def test_comparisons_give_plain_bools():
    assert (Value(1.0) < Value(2.0)) is True
    assert (Value(3.0) >= 2) is True


def test_constants_do_not_receive_gradients():
    c = Value(5.0, requires_grad=False)
    x = Value(2.0)
    (c * x).backward()
    assert c.grad == 0.0 and x.grad == 5.0


def _node_facts(v):
    """What a node records, without its id: comparable between two builds."""
    return (v.data, v.op, v.requires_grad, [(p.data, p.requires_grad) for p in v.parents],
            v._ctx)


@pytest.mark.parametrize("expr", [
    lambda a, b: a + b, lambda a, b: a - b, lambda a, b: a * b, lambda a, b: a / b,
    lambda a, b: a ** b, lambda a, b: a + 2, lambda a, b: 2 - a, lambda a, b: 3.5 * a,
    lambda a, b: 1 / a, lambda a, b: a ** 2, lambda a, b: 2 ** a, lambda a, b: -a,
    lambda a, b: a.exp(), lambda a, b: a.log(), lambda a, b: a.sqrt(), lambda a, b: a.square(),
    lambda a, b: a.tanh(), lambda a, b: a.sigmoid(), lambda a, b: a.relu(), lambda a, b: a.sin(),
    lambda a, b: a.cos(), lambda a, b: a.abs(),
])
def test_inlined_operators_build_the_registry_s_nodes(expr):
    # Value's operators inline the registry's common case; they must record exactly what
    # the general path (the module-level op functions) records, and differentiate alike
    a, b = Value(1.7), Value(0.6)
    fast = expr(a, b)
    with am.no_grad():
        plain = expr(Value(1.7), Value(0.6))
    assert fast.op and fast.requires_grad and not plain.requires_grad
    assert fast.data == plain.data
    again = Value._apply(ops.OPS[fast.op], fast.parents, {})  # the general path
    assert _node_facts(again) == _node_facts(fast)
    fast.backward()
    assert math.isfinite(a.grad) and a.grad != 0.0


def test_inlined_operators_leave_other_cases_to_the_general_path():
    import numpy as np

    a = Value(2.0)
    assert (a * True).data == 2.0 and (a + np.float64(1.0)).data == 3.0
    with np.errstate(divide="ignore"):
        assert (a / 0).data == math.inf  # the general path's float64 fallback
    with am.detect_anomaly(), pytest.raises(am.AnomalyError, match="mul"):
        Value(1e308) * 10
    with am.no_grad():
        c = a * a
    assert c.parents == () and c.op == "mul" and not c.requires_grad  # a cut keeps its name
    k = Value(3.0, requires_grad=False) * 2  # constants only: a constant
    assert k.parents == () and not k.requires_grad


def test_detect_anomaly_checks_value_gradients_in_backward():
    a, b = Value(1e200), Value(1e-200)
    z = (a * b) * 1e300  # forward finite; d z / d b = 1e300 * 1e200 overflows
    with am.detect_anomaly(), pytest.raises(am.AnomalyError, match=r"backward of 'mul'.*input 1"):
        z.backward()
