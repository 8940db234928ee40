"""Tests for Tensor indexing with arrays: integers and bools pick, floats are refused."""

import numpy as np
import pytest

from autograd_mini import Tensor

NUMPY_WORDS = "arrays used as indices must be of integer \\(or boolean\\) type"


def numpy_refuses(index):
    with pytest.raises(IndexError, match=NUMPY_WORDS):
        np.arange(3.0)[index]


@pytest.mark.parametrize("index", [
    Tensor([0.7, 1.9]),
    [0.7, 1.9],
    np.array([0.7, 1.9]),
    np.array([0.0, 1.0], dtype=np.float32),  # integral floats too, as numpy and PyTorch
    (Tensor([0.0, 1.0]),),
], ids=["tensor", "list", "array", "integral-float32", "in-a-tuple"])
def test_float_index_arrays_raise_index_error_with_numpys_words(index):
    if isinstance(index, np.ndarray):  # numpy words lists differently
        numpy_refuses(index)
    t = Tensor([10.0, 20.0, 30.0], requires_grad=True)
    with pytest.raises(IndexError, match=NUMPY_WORDS + ".*dtype=int"):
        t[index]


def test_float_index_in_a_tuple_of_a_matrix_is_refused():
    t = Tensor(np.arange(6.0).reshape(2, 3))
    with pytest.raises(IndexError, match=NUMPY_WORDS):
        t[0, [0.5, 1.5]]


@pytest.mark.parametrize("index", [[0, 2], np.array([2, 0]), np.array([1, 1], dtype=np.uint8),
                                   np.array([True, False, True]), [True, False, True], []])
def test_integer_and_bool_index_arrays_pick_as_numpy_does(index):
    data = np.array([10.0, 20.0, 30.0], dtype=np.float32)
    t = Tensor(data, requires_grad=True)
    out = t[index]
    np.testing.assert_array_equal(out.data, data[np.asarray(index, dtype=None if len(index)
                                                                 else np.intp)])
    out.sum().backward()
    expected = np.zeros(3, np.float32)
    np.add.at(expected, np.asarray(index, dtype=None if len(index) else np.intp), 1.0)
    np.testing.assert_array_equal(t.grad, expected)
