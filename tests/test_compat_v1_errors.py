"""compat.v1's errors name the problem: which placeholder, which shapes, which variable,
which graph, and what to do instead."""

from __future__ import annotations

import re

import numpy as np
import pytest

import autograd_mini as am
import autograd_mini.compat.v1 as tf
from autograd_mini.compat.v1.graph import _STACK
from autograd_mini.errors import DTypeError, GraphError, NoGradientError, ShapeError


@pytest.fixture(autouse=True)
def graph():
    """Every test builds in its own graph."""
    with tf.Graph().as_default() as g:
        yield g


@pytest.fixture
def sess():
    with tf.Session() as s:
        yield s


# ----- feeding ------------------------------------------------------------------------------


def test_unfed_placeholder_is_named_with_its_shape(sess):
    x = tf.placeholder(tf.float32, shape=(None, 2), name="pixels")
    with pytest.raises(GraphError, match=r"placeholder 'pixels' \(shape \(None, 2\).*feed_dict"):
        sess.run(tf.reduce_sum(x))


def test_unfed_placeholder_message_shows_the_feed_dict_as_python_reads_it(sess):
    x = tf.placeholder(tf.float32, shape=(None, 2), name="pixels")
    with pytest.raises(GraphError) as caught:
        sess.run(x)
    assert str(caught.value).endswith("sess.run(fetches, feed_dict={pixels: value})")


def test_fed_value_of_the_wrong_shape_names_placeholder_expected_and_got_shapes(sess):
    x = tf.placeholder(tf.float32, shape=(None, 2), name="x")
    with pytest.raises(ShapeError, match=r"'x' expects shape \(None, 2\).*got .* shape \(8, 3\)"):
        sess.run(x * 2, feed_dict={x: np.zeros((8, 3))})


def test_fed_value_of_the_wrong_rank_is_a_shape_error(sess):
    x = tf.placeholder(tf.float32, shape=(None, 2), name="x")
    with pytest.raises(ShapeError, match=r"got a value of shape \(2,\)"):
        sess.run(x * 2, feed_dict={x: [1.0, 2.0]})


def test_fed_size_after_an_unknown_size_is_checked(sess):
    x = tf.placeholder(tf.float32, shape=(2, None, 3), name="x")
    sess.run(x * 1, feed_dict={x: np.zeros((2, 5, 3))})
    with pytest.raises(ShapeError, match=r"expects shape \(2, None, 3\)"):
        sess.run(x * 1, feed_dict={x: np.zeros((2, 5, 4))})


def test_feeding_text_names_the_placeholder_and_dtype(sess):
    x = tf.placeholder(tf.float32, name="x")
    with pytest.raises(DTypeError, match=r"feed for 'x' \(float32\)"):
        sess.run(x * 1, feed_dict={x: "seven"})


def test_feeding_a_graph_tensor_says_to_feed_its_value(sess):
    x = tf.placeholder(tf.float32, name="x")
    with pytest.raises(DTypeError, match="cannot be a graph tensor"):
        sess.run(x * 1, feed_dict={x: tf.constant(1.0)})


def test_feed_dict_must_be_a_dict(sess):
    x = tf.placeholder(tf.float32)
    with pytest.raises(DTypeError, match="feed_dict must be a dict"):
        sess.run(x, feed_dict=[(x, [1.0])])


def test_an_operation_cannot_be_fed(sess):
    op = tf.group()
    with pytest.raises(DTypeError, match="is an operation"):
        sess.run(tf.constant(1.0), feed_dict={op: 1.0})


# ----- variables ----------------------------------------------------------------------------


def test_variable_used_before_initialisation_is_named_with_the_fix(sess):
    w = tf.Variable([1.0, 2.0], name="weights")
    with pytest.raises(GraphError, match=r"'weights' is used before it was initialised.*"
                                         r"global_variables_initializer"):
        sess.run(w * 2)


def test_initialising_one_session_does_not_initialise_another():
    w = tf.Variable(1.0, name="w")
    with tf.Session() as first, tf.Session() as second:
        first.run(tf.global_variables_initializer())
        with pytest.raises(GraphError, match="'w' is used before"):
            second.run(w)


def test_variable_needs_a_fully_known_initial_shape():
    x = tf.placeholder(tf.float32, shape=(None, 2))
    with pytest.raises(ShapeError, match=r"shape \(None, 2\).*fully known shape"):
        tf.Variable(x * 1)


# ----- graphs and fetches -------------------------------------------------------------------


def test_running_a_node_of_another_graph_names_it_and_the_fix():
    other = tf.Graph()
    with other.as_default():
        c = tf.constant(1.0, name="elsewhere")
    with tf.Session() as sess, pytest.raises(GraphError, match=r"'elsewhere' belongs to a "
                                                                r"different graph.*graph="):
        sess.run(c)


def test_ops_on_tensors_of_two_graphs_are_refused():
    with tf.Graph().as_default():
        a = tf.constant(1.0)
    with pytest.raises(GraphError, match="add: its inputs belong to different graphs"):
        a + tf.constant(2.0)


@pytest.mark.parametrize("fetch", [3, "loss:0", None, np.zeros(2)])
def test_fetching_something_that_is_not_a_graph_element_is_refused(sess, fetch):
    with pytest.raises(DTypeError, match="cannot fetch"):
        sess.run(fetch)


def test_fetching_an_eager_tensor_says_where_its_value_is(sess):
    with pytest.raises(DTypeError, match=r"an eager node: its value is \.data"):
        sess.run([tf.constant(1.0), am.Tensor([1.0])])


def test_an_operation_is_not_a_value_for_ops():
    with pytest.raises(DTypeError, match="'init' is an operation"):
        tf.global_variables_initializer() * 2


def test_graph_tensors_cannot_be_compared_before_they_have_values():
    with pytest.raises(DTypeError, match="compare the numbers Session.run returns"):
        _ = tf.constant(1.0) < 2.0


def test_known_shapes_that_do_not_fit_fail_when_the_graph_is_built():
    with pytest.raises(ShapeError, match=r"matmul: cannot apply to inputs of shape \(2, 3\), "
                                         r"\(2, 1\)"):
        tf.matmul(tf.zeros([2, 3]), tf.zeros([2, 1]))


def test_shapes_that_only_fail_for_the_fed_sizes_fail_at_run_time_naming_the_node(sess):
    x = tf.placeholder(tf.float32, shape=(None, 2))
    y = tf.placeholder(tf.float32, shape=(None, 2))
    with pytest.raises(ShapeError, match=r"add: .*\(3, 2\), \(4, 2\).*at 'add'"):
        sess.run(x + y, feed_dict={x: np.zeros((3, 2)), y: np.zeros((4, 2))})


def test_closed_session_refuses_to_run():
    sess = tf.Session()
    sess.close()
    with pytest.raises(GraphError, match="closed Session"):
        sess.run(tf.constant(1.0))


def test_eval_without_a_default_session_says_how_to_get_one():
    with pytest.raises(GraphError, match=r"needs a session.*InteractiveSession"):
        tf.constant(1.0).eval()


def test_reset_default_graph_inside_as_default_is_refused():
    with pytest.raises(GraphError, match="outside the block"):
        tf.reset_default_graph()
    assert _STACK.get()  # the fixture's graph is still the default


def test_unknown_element_name_is_named():
    with pytest.raises(GraphError, match="no element named 'nope:0'"):
        tf.get_default_graph().get_element("nope:0")


# ----- gradients and optimizers -------------------------------------------------------------


def test_minimize_a_loss_that_ignores_the_variables_names_them():
    tf.Variable(1.0, name="w")
    x = tf.placeholder(tf.float32, name="x")
    with pytest.raises(NoGradientError, match=r"does not depend on any of the variables \[w\]"):
        tf.train.GradientDescentOptimizer(0.1).minimize(x * x)


def test_minimize_without_variables_says_to_create_them():
    with pytest.raises(NoGradientError, match="no variables to train"):
        tf.train.GradientDescentOptimizer(0.1).minimize(tf.constant(1.0) * 2)


def test_second_derivatives_in_graph_mode_point_to_nested_tapes():
    w = tf.Variable(2.0)
    (g,) = tf.gradients(w * w * w, w)
    with pytest.raises(NoGradientError, match="nested eager Tapes"):
        tf.gradients(g, w)


def test_backward_on_a_graph_node_points_to_gradients():
    with pytest.raises(NoGradientError, match=r"tf.gradients\(loss, xs\)"):
        (tf.Variable(1.0) * 2).backward()


def test_learning_rate_must_be_a_number_or_tensor():
    with pytest.raises(DTypeError, match="learning_rate must be a number"):
        tf.train.AdamOptimizer("fast")


def test_placeholder_dtype_must_be_a_float():
    with pytest.raises(DTypeError, match="float32 or float64, got int32"):
        tf.placeholder(np.int32)


@pytest.mark.parametrize("name", ["tf.conv3d", "tf.nn.conv3d", "tf.train.AdadeltaOptimizer"])
def test_unsupported_name_says_so(name):
    import autograd_mini.compat.v1 as tf
    from autograd_mini.errors import NotInCompatError

    namespace, _, attr = name.rpartition(".")
    module = {"tf": tf, "tf.nn": tf.nn, "tf.train": tf.train}[namespace]
    with pytest.raises(NotInCompatError, match=rf"^{re.escape(name)}: autograd_mini's TF layer "
                                               "does not have it yet"):
        getattr(module, attr)
    assert not hasattr(module, attr)  # still an AttributeError for hasattr/getattr(default)
