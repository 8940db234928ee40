"""compat.v1's convolution layer beyond the recorded TF numbers (tests/tf_reference/):
TF1's TensorShape, NCHW, dropout at a batch size known only at run time, and the errors."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini.compat.v1 as tf
from autograd_mini.errors import DTypeError, ShapeError


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def _data(*shape, seed=0):
    return np.random.RandomState(seed).uniform(-1, 1, shape).astype(np.float32)


def test_get_shape_is_tf1s_tensor_shape():
    x = tf.placeholder(tf.float32, [None, 28, 28, 1])
    pooled = tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")
    shape = pooled.get_shape()
    assert shape.as_list() == [None, 14, 14, 1]
    assert (str(shape), repr(shape[1]), str(shape[0])) == ("(?, 14, 14, 1)", "Dimension(14)", "?")
    assert shape[1].value == 14 and shape[0].value is None and shape.ndims == 4
    assert (shape[1] * shape[2] * shape[3]).value == 196 and (shape[0] * 2).value is None
    assert shape == (None, 14, 14, 1) and shape[1:].as_list() == [14, 14, 1]
    assert tf.reshape(pooled, [-1, int(shape[1] * shape[2])]).get_shape().as_list() == [None, 196]
    assert str(tf.constant([1.0, 2.0]).get_shape()) == "(2,)"
    with pytest.raises(TypeError, match="unknown Dimension"):
        int(shape[0])


def test_conv2d_nchw_is_nhwc_transposed():
    x, w = _data(2, 7, 6, 3), _data(3, 3, 3, 4, seed=1)
    nhwc = tf.nn.conv2d(tf.constant(x), w, strides=[1, 2, 1, 1], padding="SAME")
    nchw = tf.nn.conv2d(tf.constant(x.transpose(0, 3, 1, 2)), w, strides=[1, 1, 2, 1],
                        padding="SAME", data_format="NCHW")
    pooled = tf.nn.avg_pool(nchw, [1, 1, 2, 2], [1, 1, 2, 2], "SAME", data_format="NCHW")
    biased = tf.nn.bias_add(nchw, [1.0, 2.0, 3.0, 4.0], data_format="NCHW")
    with tf.Session() as sess:
        a, b, p, q = sess.run([nhwc, nchw, pooled, biased])
        p_nhwc = sess.run(tf.nn.avg_pool(nhwc, 2, 2, "SAME"))
    np.testing.assert_allclose(b.transpose(0, 2, 3, 1), a, rtol=1e-6)
    np.testing.assert_allclose(p.transpose(0, 2, 3, 1), p_nhwc, rtol=1e-6)
    np.testing.assert_allclose(q, b + np.reshape([1.0, 2.0, 3.0, 4.0], (4, 1, 1)), rtol=1e-6)


def test_dropout_on_a_fed_batch_size_draws_what_a_fixed_one_draws():
    data = _data(4, 6) + 2.0
    x = tf.placeholder(tf.float32, [None, 6])
    fed = tf.nn.dropout(x, keep_prob=0.5, seed=1)
    fixed = tf.nn.dropout(tf.constant(data), keep_prob=0.5, seed=1)  # matches TF (ops.json)
    w = tf.Variable(np.ones(6, np.float32))
    grad = tf.gradients(tf.reduce_sum(fed * w), w)[0]
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):  # a new mask each run, from the counters TF's kernel uses
            np.testing.assert_array_equal(sess.run(fed, {x: data}), sess.run(fixed))
        assert sess.run(fed, {x: data[:2]}).shape == (2, 6)
        kept = sess.run(fed, {x: data}) != 0
        assert sess.run(fed, {x: data}).dtype == np.float32
        assert 0 < kept.sum() < kept.size
        assert sess.run(grad, {x: data}).shape == (6,)


@pytest.mark.parametrize("build, error, words", [
    (lambda x, w: tf.nn.conv2d(x, _data(5, 5, 2, 8), [1, 1, 1, 1], "SAME"), ShapeError,
     "has 3 channels but the filter"),
    (lambda x, w: tf.nn.conv2d(x, w, strides=[2, 1, 1, 1], padding="SAME"), ShapeError,
     "batch or channel"),
    (lambda x, w: tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="FULL"), ShapeError,
     "'SAME', 'VALID'"),
    (lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], [[1, 1], [1, 1], [0, 0], [0, 0]]),
     ShapeError, "batch and channel pairs"),
    (lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", filters=w), DTypeError,
     "give the filter once"),
    (lambda x, w: tf.nn.conv2d(x, w, [1, 1, 1, 1], "SAME", data_format="NCWH"), ShapeError,
     "data_format"),
    (lambda x, w: tf.nn.conv2d(x, _data(9, 9, 3, 4), 1, "VALID"), ShapeError,
     "window is larger than the padded input"),
    (lambda x, w: tf.nn.conv2d(tf.constant(_data(7, 6, 3)), w, 1, "SAME"), ShapeError,
     "must be 4-D"),
    (lambda x, w: tf.nn.max_pool(x, [1, 0, 2, 1], [1, 2, 2, 1], "SAME"), ShapeError,
     "ksize must be a positive int"),
    (lambda x, w: tf.nn.bias_add(x, [1.0, 2.0]), ShapeError, "2 biases for 3 channels"),
    (lambda x, w: tf.nn.dropout(x, keep_prob=0.0), ShapeError, r"rate must be in \[0, 1\)"),
    (lambda x, w: tf.nn.dropout(x, rate=1.0), ShapeError, r"rate must be in \[0, 1\)"),
    (lambda x, w: tf.nn.dropout(x, 0.5, rate=0.5), DTypeError, "not both"),
    (lambda x, w: tf.nn.dropout(x), DTypeError, "give rate="),
    (lambda x, w: tf.nn.dropout(x, "0.5"), DTypeError, "keep_prob must be a number"),
    (lambda x, w: tf.nn.dropout(x, rate=tf.constant([0.5, 0.5])), ShapeError, "must be a scalar"),
    (lambda x, w: tf.nn.dropout(x, 0.5, noise_shape=[2, 1, 1, 2]), ShapeError,
     "does not broadcast"),
])
def test_errors_name_the_op_and_the_fix(build, error, words):
    x, w = tf.constant(_data(2, 7, 6, 3)), tf.constant(_data(3, 3, 3, 4))
    with pytest.raises(error, match=words):
        build(x, w)


def test_arg_max_is_tf1s_older_name_of_argmax():
    y = tf.constant([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0]])
    with tf.Session() as sess:
        assert sess.run(tf.arg_max(y, 1)).tolist() == [1, 0]
