"""tf.train.Saver, get_checkpoint_state and ExponentialMovingAverage in compat.v1 sessions."""

from __future__ import annotations

import os

import numpy as np
import pytest

import autograd_mini.compat.v1 as tf


def _model():
    w = tf.Variable(np.array([[1.0, 2.0]], dtype=np.float32), name="w")
    step = tf.Variable(0, trainable=False, name="global_step")
    loss = tf.reduce_sum(tf.square(w))
    train = tf.train.GradientDescentOptimizer(0.1).minimize(loss, global_step=step)
    return w, step, train


def test_save_restore_in_a_fresh_graph(tmp_path):
    with tf.Graph().as_default():
        w, step, train = _model()
        saver = tf.train.Saver(max_to_keep=2)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            paths = []
            for _ in range(3):
                sess.run(train)
                paths.append(saver.save(sess, os.path.join(tmp_path, "model"), global_step=step))
            trained = sess.run(w)
    assert [os.path.basename(p) for p in paths] == ["model-1", "model-2", "model-3"]
    state = tf.train.get_checkpoint_state(str(tmp_path))
    assert state.model_checkpoint_path == paths[-1]
    assert list(state.all_model_checkpoint_paths) == paths[1:]  # max_to_keep=2
    assert state.model_checkpoint_path.split("/")[-1].split("-")[-1] == "3"
    with tf.Graph().as_default():
        w, step, _ = _model()
        with tf.Session() as sess:
            tf.train.Saver().restore(sess, state.model_checkpoint_path)
            np.testing.assert_array_equal(sess.run(w), trained)
            assert sess.run(step) == 3


def test_restore_of_a_missing_checkpoint_is_a_clear_error(tmp_path):
    assert tf.train.get_checkpoint_state(str(tmp_path)) is None
    with tf.Graph().as_default():
        _model()
        with tf.Session() as sess, pytest.raises(Exception, match="model-9"):
            tf.train.Saver().restore(sess, os.path.join(tmp_path, "model-9"))


def test_moving_average_restores_into_the_model(tmp_path):
    with tf.Graph().as_default():
        w, step, train = _model()
        ema = tf.train.ExponentialMovingAverage(0.99, step)
        ema_op = ema.apply(tf.trainable_variables())
        with tf.control_dependencies([train, ema_op]):
            train_op = tf.no_op(name="train")
        assert set(ema.variables_to_restore()) == {"w/ExponentialMovingAverage", "global_step"}
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            before = sess.run(w)
            sess.run(train_op)
            sess.run(train_op)
            shadow = sess.run(ema.average(w))
            # the second update reads w as that run found it (the first step's result) and
            # n = 1: decay min(0.99, 2 / 11); the first one read the initial w (no change)
            d = 2 / 11
            np.testing.assert_allclose(shadow, d * before + (1 - d) * (before * 0.8),
                                       rtol=1e-6)
            path = tf.train.Saver().save(sess, os.path.join(tmp_path, "m"), global_step=step)
    with tf.Graph().as_default():
        w, step, _ = _model()
        ema = tf.train.ExponentialMovingAverage(0.99, step)
        with tf.Session() as sess:
            tf.train.Saver(ema.variables_to_restore()).restore(sess, path)
            np.testing.assert_allclose(sess.run(w), shadow, rtol=1e-6)


def _averaged(apply_inside: bool):
    w, step, train = _model()
    ema = tf.train.ExponentialMovingAverage(0.99, step)
    if apply_inside:  # TF's documented pattern: the update waits for the train step
        with tf.control_dependencies([train]):
            run = ema.apply([w])
    else:  # the course's: both in parallel under a no_op
        ema_op = ema.apply([w])
        with tf.control_dependencies([train, ema_op]):
            run = tf.no_op(name="train")
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        return [sess.run([run, ema.average(w), step])[1:] for _ in range(3)]


def test_moving_average_made_after_the_train_step_reads_the_trained_values():
    # TensorFlow 2.21 (tf.compat.v1): w and the step are read after the train step
    with tf.Graph().as_default():
        got = _averaged(apply_inside=True)
    expected = [[[0.8363637, 1.6727273]], [[0.6890909, 1.3781818]], [[0.56648946, 1.1329789]]]
    np.testing.assert_allclose([shadow for shadow, _ in got], expected, rtol=1e-6)
    assert [int(s) for _, s in got] == [1, 2, 3]


def test_moving_average_beside_the_train_step_reads_the_values_before_it():
    # as TensorFlow's parallel reads do for a real model (784-500-10 MNIST, every run):
    # w and the step as the run found them
    with tf.Graph().as_default():
        got = _averaged(apply_inside=False)
    w, shadow = np.array([[1.0, 2.0]], np.float32), np.array([[1.0, 2.0]], np.float32)
    for n, (average, _) in enumerate(got):
        keep = np.float32(1) - np.float32(min(0.99, (1 + n) / (10 + n)))
        shadow = shadow - (shadow - w) * keep
        w = w - np.float32(0.1) * 2 * w
        np.testing.assert_allclose(average, shadow, rtol=1e-6)
