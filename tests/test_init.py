"""Tests for nn.init: shapes, dtypes, reproducibility and the scale of each initializer."""

import numpy as np
import pytest

from autograd_mini import DTypeError, ShapeError
from autograd_mini.nn import init

RANDOM = [init.random_normal, init.uniform, init.glorot_normal, init.glorot_uniform,
          init.he_normal, init.he_uniform]


@pytest.mark.parametrize("fn", RANDOM + [init.zeros, init.ones, init.constant])
def test_initializer_returns_the_shape_asked_for_in_float32(fn):
    out = fn((3, 5))
    assert out.shape == (3, 5) and out.dtype == np.float32


@pytest.mark.parametrize("fn", RANDOM)
def test_initializer_can_return_float64(fn):
    assert fn((2, 2), dtype=np.float64).dtype == np.float64


@pytest.mark.parametrize("fn", RANDOM)
def test_same_int_seed_gives_the_same_values_and_another_seed_does_not(fn):
    np.testing.assert_array_equal(fn((4, 4), seed=1), fn((4, 4), seed=1))
    assert not np.array_equal(fn((4, 4), seed=1), fn((4, 4), seed=2))


def test_a_generator_is_drawn_from_so_a_run_is_reproducible_from_its_seed():
    rng = np.random.default_rng(5)
    first, second = init.uniform(3, seed=rng), init.uniform(3, seed=rng)
    assert not np.array_equal(first, second)
    rng = np.random.default_rng(5)
    np.testing.assert_array_equal(init.uniform(3, seed=rng), first)


def test_random_normal_has_the_requested_mean_and_stddev():
    x = init.random_normal(20000, stddev=2.0, mean=3.0, seed=0)
    assert x.mean() == pytest.approx(3.0, abs=0.05) and x.std() == pytest.approx(2.0, rel=0.03)


def test_constant_fills_with_the_value():
    assert init.constant(3, 0.25).tolist() == [0.25] * 3


def test_glorot_uniform_stays_within_its_limit_and_fills_it():
    x = init.glorot_uniform((200, 100), seed=0)
    limit = np.sqrt(6 / 300)
    assert np.abs(x).max() <= limit and np.abs(x).max() > 0.95 * limit


def test_glorot_normal_has_stddev_sqrt_two_over_fan_sum():
    assert init.glorot_normal((300, 100), seed=0).std() == pytest.approx(np.sqrt(2 / 400), rel=0.03)


def test_he_normal_has_stddev_sqrt_two_over_fan_in():
    assert init.he_normal((200, 150), seed=0).std() == pytest.approx(np.sqrt(2 / 200), rel=0.03)


def test_he_uniform_stays_within_sqrt_six_over_fan_in():
    assert np.abs(init.he_uniform((24, 500), seed=0)).max() <= np.sqrt(6 / 24)


def test_fans_of_a_matrix_and_a_convolution_kernel():
    assert init.fans((4, 7)) == (4, 7)
    assert init.fans((3, 3, 8, 16)) == (72, 144)
    assert init.fans(5) == (5, 5)


def test_xavier_and_kaiming_are_other_names_for_glorot_and_he():
    assert init.xavier_uniform is init.glorot_uniform and init.kaiming_normal is init.he_normal


def test_a_seed_of_the_wrong_type_is_rejected():
    with pytest.raises(DTypeError, match="Generator"):
        init.uniform(3, seed=1.5)


def test_a_negative_dimension_is_rejected():
    with pytest.raises(ShapeError, match="negative"):
        init.zeros((2, -1))


def test_initial_value_resolves_names_functions_and_arrays():
    rng = np.random.default_rng(0)
    assert init.initial_value("ones", (2,), rng).tolist() == [1.0, 1.0]
    got = init.initial_value(lambda shape, seed: seed.integers(5, 6, shape), (2,), rng)
    assert got.tolist() == [5.0, 5.0] and got.dtype == np.float32
    assert init.initial_value([[1, 2]], (1, 2), rng).dtype == np.float32


@pytest.mark.parametrize("fn", [init.zeros, init.ones, init.constant])
def test_constant_initializers_accept_a_seed_like_the_random_ones(fn):
    np.testing.assert_array_equal(fn((2, 2), seed=0), fn((2, 2)))
