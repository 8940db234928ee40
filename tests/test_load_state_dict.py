"""Tests for Module.load_state_dict/load: every entry is checked before any is written."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from autograd_mini import DTypeError, ShapeError, Value, Variable, nn
from autograd_mini.errors import NonFiniteError


class Mixed(nn.Module):
    """A float32 weight, a float64 bias and a Value, in that (write) order."""

    def __init__(self):
        super().__init__()
        self.weight = Variable(np.arange(6.0).reshape(2, 3), dtype="float32")
        self.bias = Variable(np.array([0.5, -0.5, 1.5]), dtype="float64")
        self.scale = Value(2.0)


def snapshot(m):
    return {k: np.array(v, copy=True) for k, v in m.state_dict().items()}


def good_state():
    return {"weight": np.full((2, 3), 7.0), "bias": np.full(3, 8.0), "scale": np.array(9.0)}


# each entry: a bad value for every parameter shape, and the error it must raise
BAD = {
    "wrong shape": (lambda shape: np.zeros(shape + (2,)), ShapeError, "shape"),
    "complex": (lambda shape: np.full(shape, 1 + 2j), DTypeError, "complex"),
    "strings": (lambda shape: np.full(shape, "1.0"), DTypeError, "<U3"),
    "objects": (lambda shape: np.full(shape, None, dtype=object), DTypeError, "object"),
    "bools": (lambda shape: np.ones(shape, dtype=bool), DTypeError, "bool"),
    "nan": (lambda shape: np.full(shape, np.nan), NonFiniteError, "nan"),
    "inf": (lambda shape: np.full(shape, -np.inf), NonFiniteError, "inf"),
}


@pytest.mark.parametrize("kind", sorted(BAD))
@pytest.mark.parametrize("name", ["weight", "bias", "scale"])
def test_a_bad_entry_raises_naming_it_and_changes_no_parameter(kind, name):
    m = Mixed()
    before = snapshot(m)
    make, error, words = BAD[kind]
    state = good_state()
    state[name] = make(state[name].shape)
    with pytest.raises(error, match=f"'{name}'.*{words}"):
        m.load_state_dict(state)
    after = snapshot(m)
    for key in before:
        np.testing.assert_array_equal(after[key], before[key], err_msg=key)
    assert type(m.scale.data) is float


def test_float64_beyond_float32_range_is_refused_rather_than_loaded_as_inf():
    m = Mixed()
    before = snapshot(m)
    state = {**good_state(), "weight": np.full((2, 3), 1e39)}
    for allow in (False, True):  # overflow is never what was saved
        with pytest.raises(NonFiniteError, match="'weight'.*float32.*inf"):
            m.load_state_dict(state, allow_nonfinite=allow)
    np.testing.assert_array_equal(m.weight.data, before["weight"])


def test_allow_nonfinite_loads_nan_and_inf():
    m = Mixed()
    m.load_state_dict({**good_state(), "bias": np.array([np.nan, np.inf, 1.0]),
                       "scale": np.array(-np.inf)}, allow_nonfinite=True)
    assert np.isnan(m.bias.data[0]) and m.bias.data[1] == np.inf and m.scale.data == -np.inf


def test_integer_entries_load_as_floats():
    m = Mixed()
    m.load_state_dict({"weight": np.ones((2, 3), dtype=np.int64), "bias": [1, 2, 3],
                       "scale": 4})
    assert m.weight.dtype == np.float32 and m.bias.data.tolist() == [1.0, 2.0, 3.0]
    assert m.scale.data == 4.0 and type(m.scale.data) is float


def test_load_of_a_file_with_a_bad_last_entry_changes_nothing(tmp_path):
    path = tmp_path / "bad.npz"
    np.savez(path, **{**good_state(), "scale": np.array(np.nan)})
    m = Mixed()
    before = snapshot(m)
    with pytest.raises(NonFiniteError, match="'scale'"):
        m.load(path)
    assert all(np.array_equal(snapshot(m)[k], before[k]) for k in before)
    m.load(path, allow_nonfinite=True)
    assert m.weight.data[0, 0] == 7.0 and np.isnan(m.scale.data)


@given(kind=st.sampled_from(sorted(BAD)), bad=st.sets(st.sampled_from(["weight", "bias",
                                                                        "scale"]), min_size=1))
def test_any_set_of_bad_entries_leaves_every_parameter_unchanged(kind, bad):
    m = Mixed()
    before = snapshot(m)
    make, error, _ = BAD[kind]
    state = {k: make(v.shape) if k in bad else v for k, v in good_state().items()}
    with pytest.raises(error):
        m.load_state_dict(state)
    assert all(np.array_equal(snapshot(m)[k], before[k]) for k in before)
