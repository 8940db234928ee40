"""compat.v2's tf.nn convolution layer beyond the recorded TF numbers (tests/tf2_cases.py):
NCHW and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini.compat.v2 as tf
from autograd_mini.errors import DTypeError, ShapeError


def _data(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype(np.float32)


def test_nchw_is_nhwc_transposed_and_tapes_record_it():
    x, w = tf.Variable(_data(2, 7, 6, 3)), tf.constant(_data(3, 3, 3, 4, seed=1))
    with tf.GradientTape() as tape:
        nchw = tf.nn.conv2d(tf.transpose(x, [0, 3, 1, 2]), w, 2, "SAME", data_format="NCHW")
        loss = tf.reduce_sum(tf.nn.max_pool2d(nchw, 2, 2, "SAME", data_format="NCHW"))
    nhwc = tf.nn.conv2d(x, w, 2, "SAME")
    np.testing.assert_allclose(nchw.numpy().transpose(0, 2, 3, 1), nhwc.numpy(), rtol=1e-6)
    assert tape.gradient(loss, x).shape == (2, 7, 6, 3)


@pytest.mark.parametrize("build, error, words", [
    (lambda x: tf.nn.conv2d(x, _data(3, 3, 2, 4), 1, "SAME"), ShapeError, "channels"),
    (lambda x: tf.nn.conv2d(x, _data(3, 3, 3, 4), [1, 1, 1, 2], "SAME"), ShapeError,
     "batch or channel"),
    (lambda x: tf.nn.max_pool2d(x, 2, 2, "same-ish"), ShapeError, "'SAME', 'VALID'"),
    (lambda x: tf.nn.bias_add(x, [1.0, 2.0]), ShapeError, "one number per channel"),
    (lambda x: tf.nn.dropout(x, rate=1.0), ShapeError, r"rate must be in \[0, 1\)"),
    (lambda x: tf.nn.dropout(x, rate=tf.constant(0.5)), DTypeError, "rate must be a number"),
    (lambda x: tf.nn.dropout(x, 0.5, noise_shape=[3, 1, 1, 1]), ShapeError,
     "does not broadcast"),
    (lambda x: tf.nn.dropout(tf.constant([1, 2]), 0.5), DTypeError, "float tensor"),
])
def test_errors_name_the_op_and_the_fix(build, error, words):
    with pytest.raises(error, match=words):
        build(tf.constant(_data(2, 7, 6, 3)))
