"""Value at the edges of float math behaves as a float64 Tensor: inf and nan, never a raw
ZeroDivisionError or OverflowError, and the same ``detect_anomaly`` story."""

import math
import re
import warnings

import numpy as np
import pytest

import autograd_mini as am
from autograd_mini import Tensor, Value

inf, nan = math.inf, math.nan


def _pow(x, y):
    return x**y


def _div(x, y):
    return x / y


# (op, inputs, result, gradient per input, what detect_anomaly names or None); the values
# are float64's, from the VJPs' formulas (PyTorch's rules for x ** y at 0)
EDGES = {
    "sqrt(0)": (am.sqrt, [0.0], 0.0, [inf], "backward of 'sqrt'"),
    "sqrt(-1)": (am.sqrt, [-1.0], nan, [nan], "forward of 'sqrt'"),
    "x**0.5 at 0": (_pow, [0.0, 0.5], 0.0, [inf, 0.0], "backward of 'pow'"),
    "1/1e-200": (_div, [1.0, 1e-200], 1e200, [1e200, -inf], "backward of 'div'"),
    "1/0": (_div, [1.0, 0.0], inf, [inf, -inf], "forward of 'div'"),
    "0.5**-1023.5": (_pow, [0.5, -1023.5], 2**1023.5,
                     [-inf, float(np.float64(2**1023.5) * np.log(0.5))], "backward of 'pow'"),
    "0**0": (_pow, [0.0, 0.0], 1.0, [0.0, 0.0], None),
    "0**2": (_pow, [0.0, 2.0], 0.0, [0.0, 0.0], None),
    "0**-1": (_pow, [0.0, -1.0], inf, [-inf, -inf], "forward of 'pow'"),
    "(-1)**0.5": (_pow, [-1.0, 0.5], nan, [nan, nan], "forward of 'pow'"),
    "exp(1000)": (am.exp, [1000.0], inf, [inf], "forward of 'exp'"),
    "log(0)": (am.log, [0.0], -inf, [inf], "forward of 'log'"),
    "log(-1)": (am.log, [-1.0], nan, [-1.0], "forward of 'log'"),
}


def _run(kind, fn, inputs):
    leaves = [Value(x) if kind is Value else Tensor(x, dtype=np.float64, requires_grad=True)
              for x in inputs]
    out = fn(*leaves)
    out.backward()
    return float(out.data), [float(leaf.grad) for leaf in leaves]


@pytest.mark.parametrize("case", list(EDGES))
@pytest.mark.parametrize("kind", [Value, Tensor])
def test_edge_results_and_gradients_are_float64s(case, kind):
    fn, inputs, result, grads, _ = EDGES[case]
    with np.errstate(all="ignore"):
        got = _run(kind, fn, inputs)
    np.testing.assert_array_equal(got[0], result)  # nan equals nan here
    np.testing.assert_array_equal(got[1], grads)


@pytest.mark.parametrize("case", [c for c in EDGES if EDGES[c][4]])
@pytest.mark.parametrize("kind", [Value, Tensor])
def test_detect_anomaly_names_the_op_at_an_edge(case, kind):
    fn, inputs, _, _, where = EDGES[case]
    with np.errstate(all="ignore"), am.detect_anomaly(), \
            pytest.raises(am.AnomalyError, match=re.escape(where)):
        _run(kind, fn, inputs)


def test_value_edges_warn_as_tensors_do():
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        assert (Value(1.0) / Value(0.0)).data == inf
    with pytest.warns(RuntimeWarning, match="divide by zero"):
        Tensor([1.0]) / Tensor([0.0])


def test_inlined_and_general_paths_agree_at_edges():
    a = Value(2.0)
    with np.errstate(all="ignore"):
        assert (a / 0).data == inf and (0 / Value(0.0)).data != (0 / Value(0.0)).data
        assert (a ** 1e6).data == inf and (Value(10.0, requires_grad=False) ** 400).data == inf
        with am.no_grad():
            assert am.exp(Value(1e4)).data == inf and math.isnan(am.log(Value(-2.0)).data)
        assert type((a / 0).data) is float


def test_mean_of_an_empty_list_is_nan_without_a_warning():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert math.isnan(am.mean([]))
        assert np.isnan(am.mean(np.zeros((0, 3)), axis=0)).all()


def test_mean_of_a_list_of_values_is_a_differentiable_value():
    a, b = Value(1.0), Value(4.0)
    m = am.mean([a, b, a])
    m.backward()
    assert isinstance(m, Value) and m.data == 2.0
    assert a.grad == pytest.approx(2 / 3) and b.grad == pytest.approx(1 / 3)


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_sigmoid_overflows_to_0_silently_and_leaves_the_callers_error_state(dtype):
    rng = np.random.default_rng(7)
    x = np.concatenate([rng.standard_normal(500) * 30, rng.standard_normal(500) * 800,
                        [-np.inf, np.inf, np.nan, -1e4, 1e4, 0.0, -88.8, -709.8]]).astype(dtype)
    with np.errstate(over="ignore"):
        expected = 1 / (1 + np.exp(-x))  # the formula, bit for bit
    before = np.geterr()
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # no overflow warning from exp(-x) = inf
        got = am.sigmoid(Tensor(x, requires_grad=True)).data
        np.testing.assert_array_equal(got, expected)
        assert got.dtype == dtype and got[len(x) - 8] == 0.0 and np.geterr() == before
        with np.errstate(over="raise", invalid="raise", divide="raise"):  # the caller's state
            np.testing.assert_array_equal(am.ops.sigmoid(x), expected)
            assert np.geterr() == {**before, "over": "raise", "invalid": "raise",
                                   "divide": "raise"}
        assert np.geterr() == before
