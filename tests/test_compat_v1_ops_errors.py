"""compat.v1's dtype, comparison, loss and regularizer ops refuse bad input with errors that
name the op and the fix; TF names the layer lacks in the new namespaces say so."""

from __future__ import annotations

import numpy as np
import pytest

import autograd_mini.compat.v1 as tf
from autograd_mini.errors import DTypeError, NotInCompatError, ShapeError


def test_where_wants_a_boolean_condition():
    with pytest.raises(DTypeError, match="where: condition must be boolean"):
        tf.where(tf.constant([1.0, 0.0]), tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0]))


def test_where_without_branches_is_refused():
    with pytest.raises(DTypeError, match="give both x and y"):
        tf.where(tf.constant([True]))


def test_comparing_different_dtypes_asks_for_a_cast():
    with pytest.raises(DTypeError, match="equal: the inputs are int64 and float32; .*tf.cast"):
        tf.equal(tf.argmax(tf.constant([[1.0, 2.0]]), 1), tf.constant([1.0]))


def test_argmax_axis_out_of_range():
    with pytest.raises(ShapeError, match="argmax: axis 2 is out of range for shape"):
        tf.argmax(tf.constant([[1.0, 2.0]]), 2)


def test_sparse_cross_entropy_wants_integer_labels():
    with pytest.raises(DTypeError, match="labels must be class indices.*tf.argmax"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            logits=tf.constant([[1.0, 2.0]]), labels=tf.constant([1.0]))


def test_sparse_cross_entropy_checks_label_shape():
    with pytest.raises(ShapeError, match="labels of shape \\(3,\\) do not fit"):
        tf.nn.sparse_softmax_cross_entropy_with_logits(
            logits=tf.constant([[1.0, 2.0]]), labels=tf.constant([0, 1, 0], dtype=tf.int64))


def test_sparse_cross_entropy_refuses_labels_outside_the_classes():
    labels = tf.placeholder(tf.float32, (None,))
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=tf.constant([[1.0, 2.0]]), labels=tf.cast(labels, tf.int64))
    with tf.Session() as sess, pytest.raises(ShapeError, match=r"labels must be in \[0, 2\)"):
        sess.run(ce, {labels: [5.0]})


def test_cross_entropy_wants_named_arguments():
    with pytest.raises(DTypeError, match="named arguments"):
        tf.nn.softmax_cross_entropy_with_logits(tf.constant([[1.0]]))


def test_cross_entropy_checks_label_shape():
    with pytest.raises(ShapeError, match="labels of shape \\(1, 3\\) do not fit"):
        tf.nn.softmax_cross_entropy_with_logits_v2(labels=[[0.0, 1.0, 0.0]],
                                                   logits=tf.constant([[1.0, 2.0]]))


@pytest.mark.parametrize("scale", [-0.1, "0.1", None])
def test_l2_regularizer_wants_a_scale_of_zero_or_more(scale):
    with pytest.raises(DTypeError, match="l2_regularizer: scale must be"):
        tf.contrib.layers.l2_regularizer(scale)


def test_l2_regularizer_of_scale_zero_gives_none_as_in_tf1():
    assert tf.contrib.layers.l2_regularizer(0.0)(tf.constant([1.0])) is None


def test_keras_l2_wants_a_number():
    with pytest.raises(DTypeError, match="L2: the factor must be a number"):
        tf.keras.regularizers.l2("big")


def test_add_n_wants_one_shape_and_some_inputs():
    with pytest.raises(ShapeError, match="add_n: the inputs must have one shape"):
        tf.add_n([tf.constant([1.0]), tf.constant([1.0, 2.0])])
    with pytest.raises(ShapeError, match="add_n: inputs is empty"):
        tf.add_n([])


def test_constant_with_too_many_numbers_for_its_shape():
    with pytest.raises(ShapeError, match="constant: 3 numbers .* do not fit shape \\(2,\\)"):
        tf.constant([1.0, 2.0, 3.0], shape=[2])


def test_one_hot_wants_integer_indices():
    with pytest.raises(DTypeError, match="one_hot: indices must be integers"):
        tf.one_hot(tf.constant([1.0]), 3)


@pytest.mark.parametrize("namespace, name", [
    (tf.contrib, "slim"), (tf.contrib.layers, "fully_connected"), (tf.keras, "Sequential"),
    (tf.keras.regularizers, "l1_l2")])
def test_names_the_new_namespaces_lack_say_so(namespace, name):
    with pytest.raises(NotInCompatError, match=f"\\.{name}: autograd_mini's TF layer"):
        getattr(namespace, name)


def test_collections_keep_insertion_order_and_get_collection_copies():
    with tf.Graph().as_default():
        w = tf.Variable([1.0])
        v = tf.Variable([2.0], trainable=False)
        tf.add_to_collection("losses", w)
        tf.add_to_collections(["losses", "other"], v)
        got = tf.get_collection("losses")
        got.append(None)
        assert tf.get_collection("losses") == [w, v]
        assert tf.get_collection("other") == [v]
        assert tf.get_collection(tf.GraphKeys.GLOBAL_VARIABLES) == [w, v]
        assert tf.get_collection(tf.GraphKeys.TRAINABLE_VARIABLES) == [w]
        assert tf.get_collection("losses", scope="Variable_1") == [v]
        tf.get_collection_ref("losses").clear()
        assert tf.get_collection("losses") == []


def test_comparisons_and_argmax_have_no_gradient_but_cast_to_float_does():
    x = tf.Variable([1.0, 2.0])
    hit = tf.cast(tf.equal(tf.argmax(x * x, 0), 1), tf.float32)
    assert tf.gradients(tf.reduce_sum(hit), [x]) == [None]
    (g,) = tf.gradients(tf.reduce_sum(tf.cast(x * x, tf.float64)), [x])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        np.testing.assert_array_equal(sess.run(g), [2.0, 4.0])
        assert sess.run(g).dtype == np.float32
