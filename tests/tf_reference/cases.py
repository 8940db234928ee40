"""Small TF1 graphs run on TensorFlow and on autograd_mini.compat.v1 with the same code.

Each case builds its graph with the ``tf`` it is given and returns ``{label: fetch}``
(a tensor, or a list of gradient tensors with None for "no gradient") and how many
times to run them (random tensors continue their stream from run to run).
``python tests/tf_reference/record.py`` (TensorFlow's venv) stores TF's values in
``ops.json``; ``tests/test_compat_v1_tf_ops.py`` compares ours with them.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

CASES: dict[str, Callable[[Any], tuple[dict, int]]] = {}


def case(runs: int = 1) -> Callable:
    def register(build: Callable) -> Callable:
        CASES[build.__name__] = lambda tf: (build(tf), runs)
        return build
    return register


def run(tf: Any, name: str) -> list[dict]:
    """Case ``name`` on ``tf``: per run, ``{label: {"dtype": ..., "value": ...}}``."""
    graph = tf.Graph()
    with graph.as_default():
        fetches, runs = CASES[name](tf)
        init = tf.global_variables_initializer()
        with tf.Session() as sess:
            sess.run(init)
            out = []
            for _ in range(runs):
                wanted = {k: v for k, v in fetches.items() if v is not None}
                values = sess.run(wanted)
                out.append({k: None if k not in values else
                            {"dtype": np.asarray(values[k]).dtype.name,
                             "value": np.asarray(values[k]).tolist()} for k in fetches})
            return out


def _grads(tf: Any, fetches: dict, loss: Any, sources: dict) -> None:
    """Add ``d loss / d source`` for each ``{label: source}`` (None where TF gives None)."""
    fetches.update(zip(sources, tf.gradients(loss, list(sources.values()))))


# ----- random numbers -----------------------------------------------------------------------


@case(runs=2)
def truncated_normal_op_seeds(tf):
    return {"small": tf.truncated_normal([2, 3], stddev=1, seed=1),
            "scaled": tf.truncated_normal([50], mean=1.0, stddev=2.0, seed=3),
            "wide": tf.truncated_normal([7, 30], stddev=0.1, seed=2),
            "float64": tf.truncated_normal([5], seed=2, dtype=tf.float64)}


@case(runs=2)
def graph_seed_combinations(tf):
    tf.set_random_seed(5)
    return {"normal_graph_only": tf.random_normal([3]),
            "truncated_graph_only": tf.truncated_normal([3]),
            "normal_both": tf.random_normal([3], seed=2),
            "normal_graph_only_again": tf.random_normal([2, 2]),
            "uniform_graph_only": tf.random_uniform([3])}


@case()
def graph_seed_zero(tf):
    tf.set_random_seed(0)
    return {"first": tf.random_normal([3]), "second": tf.truncated_normal([3])}


@case()
def op_seed_only(tf):
    return {"normal": tf.random_normal([4], seed=7), "truncated": tf.truncated_normal([4], seed=7)}


# ----- comparisons, argmax, cast, where ------------------------------------------------------


@case()
def comparisons_and_argmax(tf):
    a = tf.constant([[1.0, -2.0, 3.0], [0.5, 0.5, -1.0]])
    b = tf.constant([[1.0, 2.0, -3.0], [0.0, 0.5, 2.0]])
    return {"equal": tf.equal(a, b), "not_equal": tf.not_equal(a, b),
            "greater": tf.greater(a, b), "greater_equal": tf.greater_equal(a, b),
            "less": tf.less(a, b), "less_equal": tf.less_equal(a, b),
            "greater_number": tf.greater(a, 0.5),
            "argmax_1": tf.argmax(a, 1), "argmax_0": tf.argmax(a, 0),
            "argmax_int32": tf.argmax(a, axis=1, output_type=tf.int32),
            "argmin_1": tf.argmin(a, 1),
            "equal_argmax": tf.equal(tf.argmax(a, 1), tf.argmax(b, 1)),
            "accuracy": tf.reduce_mean(tf.cast(tf.equal(tf.argmax(a, 1), tf.argmax(b, 1)),
                                               tf.float32))}


@case()
def cast_gradients(tf):
    x = tf.Variable([[1.7, -1.7, 0.2]])
    as64 = tf.cast(x, tf.float64)
    loss = tf.reduce_sum(tf.cast(as64 * as64, tf.float32)) + tf.reduce_sum(
        tf.cast(tf.cast(x, tf.int32), tf.float32))
    fetches = {"float64": as64, "int32": tf.cast(x, tf.int32),
               "from_bool": tf.cast(tf.greater(x, 0.0), tf.float32), "loss": loss}
    _grads(tf, fetches, loss, {"d_x": x})
    return fetches


@case()
def where_routes_gradients(tf):
    y = tf.Variable([[1.0, 3.0], [0.5, 4.0]])
    y_ = tf.constant([[2.0, 1.0], [0.5, 3.0]])
    cost, profit = 1.0, 9.0  # the course's 4.2: a shortfall costs profit, a surplus cost
    loss = tf.reduce_sum(tf.where(tf.greater(y, y_), (y - y_) * cost, (y_ - y) * profit))
    fetches = {"loss": loss}
    _grads(tf, fetches, loss, {"d_y": y})
    a = tf.Variable([1.0, 2.0, 3.0])
    b = tf.Variable([-1.0, -2.0, -3.0])
    picked = tf.where(tf.constant([True, False, True]), a * a, b * 2.0)
    _grads(tf, fetches, tf.reduce_sum(picked), {"d_a": a, "d_b": b})
    return fetches


# ----- losses and regularization --------------------------------------------------------------


@case()
def softmax_cross_entropy(tf):
    logits = tf.Variable([[1.0, 2.0, 3.0], [1.0, -1.0, 0.5], [10.0, -10.0, 0.0]])
    labels = tf.Variable([[0.0, 0.0, 1.0], [0.2, 0.3, 0.5], [0.0, 1.0, 0.0]])
    v1 = tf.nn.softmax_cross_entropy_with_logits(labels=labels, logits=logits)
    v2 = tf.nn.softmax_cross_entropy_with_logits_v2(labels=labels, logits=logits)
    fetches = {"v1": v1, "v2": v2}
    _grads(tf, fetches, tf.reduce_mean(v1), {"v1_d_logits": logits, "v1_d_labels": labels})
    _grads(tf, fetches, tf.reduce_sum(v2 * [1.0, 2.0, 3.0]),
           {"v2_d_logits": logits, "v2_d_labels": labels})
    return fetches


@case()
def sparse_softmax_cross_entropy(tf):
    logits = tf.Variable([[1.0, 2.0, 3.0], [1.0, -1.0, 0.5], [10.0, -10.0, 0.0]])
    y_ = tf.constant([[0.0, 1.0, 0.0], [1.0, 0.0, 0.0], [0.0, 0.0, 1.0]])
    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=logits, labels=tf.argmax(y_, 1))
    ce32 = tf.nn.sparse_softmax_cross_entropy_with_logits(
        logits=logits, labels=tf.constant([2, 0, 1], dtype=tf.int32))
    fetches = {"ce": ce, "ce_int32": ce32, "mean": tf.reduce_mean(ce)}
    _grads(tf, fetches, tf.reduce_mean(ce) + tf.reduce_sum(ce32), {"d_logits": logits})
    return fetches


@case()
def regularization(tf):
    w1 = tf.Variable([[0.5, -1.0], [2.0, 0.25]])
    w2 = tf.Variable([1.5, -0.5, 3.0])
    tf.add_to_collection("losses", tf.contrib.layers.l2_regularizer(0.01)(w1))
    tf.add_to_collection("losses", tf.contrib.layers.l2_regularizer(0.1)(w2))
    reg = tf.add_n(tf.get_collection("losses"))
    keras = tf.keras.regularizers.l2(0.01)(w1 + 0.0)  # Keras 3 takes no TF1 ref variable
    fetches = {"l2_loss": tf.nn.l2_loss(w1), "reg": reg, "keras_l2": keras,
               "add_n": tf.add_n([w2, w2 * 2.0, tf.constant([1.0, 1.0, 1.0])]),
               "collection_size": tf.constant(float(len(tf.get_collection("losses")))),
               "unknown_collection_size": tf.constant(float(len(tf.get_collection("nothing"))))}
    _grads(tf, fetches, reg + keras, {"d_w1": w1, "d_w2": w2})
    return fetches


@case()
def constants_with_shape(tf):
    return {"filled": tf.constant(0.5, shape=[2, 3]),
            "padded": tf.constant([1.0, 2.0], shape=[2, 2]),
            "reshaped": tf.constant([1.0, 2.0, 3.0, 4.0], shape=[2, 2]),
            "int32": tf.constant([1, 2], dtype=tf.int32),
            "one_hot": tf.one_hot(tf.constant([0, 2, 1], dtype=tf.int64), 3),
            "stop_gradient": tf.stop_gradient(tf.constant([1.0, 2.0]))}


@case()
def stop_gradient_blocks(tf):
    x = tf.Variable([1.0, 2.0])
    loss = tf.reduce_sum(x * tf.stop_gradient(x * 3.0))
    fetches = {"loss": loss}
    _grads(tf, fetches, loss, {"d_x": x})
    return fetches


# ----- convolution, pooling, bias_add, dropout and static shapes (chapter 7's LeNet-5) -------


def _data(*shape: int, seed: int = 0) -> np.ndarray:
    return np.random.RandomState(seed).uniform(-1, 1, size=shape).astype(np.float32)


def _weighted_sum(tf: Any, y: Any, seed: int) -> Any:
    """A loss whose gradient differs per output element: sum(y * fixed numbers)."""
    return tf.reduce_sum(y * tf.constant(_data(*y.get_shape().as_list(), seed=seed)))


_CONVS = {  # label: (filter size, strides, padding, dilations)
    "same_s1": (3, [1, 1, 1, 1], "SAME", None),
    "same_s2": (3, [1, 2, 2, 1], "SAME", None),
    "valid_s1": (3, [1, 1, 1, 1], "VALID", None),
    "valid_s2": (3, [1, 2, 2, 1], "VALID", None),
    "same_even_s1": (2, [1, 1, 1, 1], "SAME", None),  # the extra padding goes bottom/right
    "same_5x5_s2_rows": (5, [1, 2, 1, 1], "SAME", None),
    "valid_dilated": (3, [1, 1, 1, 1], "VALID", [1, 2, 2, 1]),
    "explicit": (3, [1, 1, 2, 1], [[0, 0], [1, 2], [0, 1], [0, 0]], None),
}


@case()
def conv2d_paddings_and_strides(tf):
    x = tf.Variable(_data(2, 7, 6, 3))
    fetches: dict = {}
    for i, (label, (k, strides, padding, dilations)) in enumerate(_CONVS.items()):
        w = tf.Variable(_data(k, k, 3, 4, seed=i + 1))
        y = tf.nn.conv2d(x, w, strides=strides, padding=padding,
                         dilations=dilations or [1, 1, 1, 1])
        fetches[label] = y
        fetches[label + "_shape"] = tf.constant(y.get_shape().as_list(), dtype=tf.int32)
        _grads(tf, fetches, _weighted_sum(tf, y, 10 + i), {f"{label}_d_x": x,
                                                          f"{label}_d_w": w})
    return fetches


@case()
def conv2d_course_style(tf):
    # LeNet-5's layer: filter=, a 5x5x1x8 filter, SAME, then bias_add and relu
    x = tf.Variable(_data(2, 8, 8, 1))
    w = tf.Variable(_data(5, 5, 1, 8, seed=1))
    b = tf.Variable(_data(8, seed=2))
    y = tf.nn.relu(tf.nn.bias_add(tf.nn.conv2d(x, filter=w, strides=[1, 1, 1, 1],
                                               padding="SAME"), b))
    fetches = {"relu": y}
    _grads(tf, fetches, _weighted_sum(tf, y, 3), {"d_x": x, "d_w": w, "d_b": b})
    return fetches


@case()
def pooling(tf):
    x = tf.Variable(_data(2, 7, 6, 3))
    pools = {
        "max_2x2_same": tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1],
                                       padding="SAME"),
        "max_3x3_s2_valid": tf.nn.max_pool(x, [1, 3, 3, 1], [1, 2, 2, 1], "VALID"),
        "max_3x3_s1_same": tf.nn.max_pool(x, ksize=[1, 3, 3, 1], strides=[1, 1, 1, 1],
                                          padding="SAME"),
        "avg_2x2_same": tf.nn.avg_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1],
                                       padding="SAME"),
        "avg_3x3_s1_same": tf.nn.avg_pool(x, ksize=[1, 3, 3, 1], strides=[1, 1, 1, 1],
                                          padding="SAME"),
        "avg_2x3_valid": tf.nn.avg_pool(x, ksize=[1, 2, 3, 1], strides=[1, 2, 3, 1],
                                        padding="VALID"),
    }
    fetches: dict = {}
    for i, (label, y) in enumerate(pools.items()):
        fetches[label] = y
        fetches[label + "_shape"] = tf.constant(y.get_shape().as_list(), dtype=tf.int32)
        _grads(tf, fetches, _weighted_sum(tf, y, 20 + i), {f"{label}_d_x": x})
    return fetches


@case()
def bias_add_and_reshape(tf):
    x = tf.Variable(_data(2, 3, 3, 4))
    b = tf.Variable(_data(4, seed=1))
    y = tf.nn.bias_add(x, b)
    shape = y.get_shape().as_list()
    nodes = shape[1] * shape[2] * shape[3]
    flat = tf.reshape(y, [shape[0], nodes])
    flat_any = tf.reshape(y, [-1, nodes])
    fetches = {"bias_add": y, "flat": flat, "nodes": tf.constant(nodes, dtype=tf.int32),
               "flat_any_shape": tf.constant(flat_any.get_shape().as_list(), dtype=tf.int32),
               "dimension_value": tf.constant(y.get_shape()[3].value, dtype=tf.int32)}
    _grads(tf, fetches, _weighted_sum(tf, flat, 4) + tf.reduce_sum(flat_any),
           {"d_x": x, "d_b": b})
    return fetches


@case(runs=3)
def dropout_op_seeds(tf):
    # a new mask each run; keep_prob positional (TF1) and rate= (TF2's name)
    x = tf.Variable(_data(4, 6) + 2.0)
    kept = tf.nn.dropout(x, 0.5, seed=1)
    rated = tf.nn.dropout(x, rate=0.3, seed=2)
    columns = tf.nn.dropout(x, keep_prob=0.75, noise_shape=[1, 6], seed=3)
    fetches = {"keep_prob_0_5": kept, "rate_0_3": rated, "noise_shape": columns}
    _grads(tf, fetches, _weighted_sum(tf, kept, 5) + tf.reduce_sum(rated * rated),
           {"d_x": x})
    return fetches


@case(runs=2)
def dropout_graph_seed(tf):
    # under a graph seed, each random op without a seed takes the next op seed: dropout's
    # random_uniform counts, and so does rate 0 (which returns x unchanged)
    tf.set_random_seed(7)
    w = tf.Variable(tf.truncated_normal([3, 8], stddev=0.1))
    h = tf.matmul(tf.constant(_data(5, 3)), w) + 1.0
    first = tf.nn.dropout(h, 0.5)
    unchanged = tf.nn.dropout(h, rate=0.0)
    after = tf.nn.dropout(h, keep_prob=0.9)
    seeded = tf.nn.dropout(h, 0.6, seed=4)
    fetches = {"w": w, "first": first, "rate_0": unchanged, "after_rate_0": after,
               "seeded": seeded, "normal_after": tf.random_normal([3])}
    _grads(tf, fetches, tf.reduce_sum(first) + tf.reduce_sum(after * after), {"d_w": w})
    return fetches


@case()
def dropout_float64(tf):
    x = tf.constant(_data(3, 4).astype(np.float64) + 2.0)
    return {"float64": tf.nn.dropout(x, 0.5, seed=6)}


@case(runs=2)
def dropout_rate_tensors(tf):
    # keep_prob or rate as a graph tensor (in the tutorials, a placeholder fed 0.5 or 1.0)
    x = tf.Variable(_data(4, 6) + 2.0)
    keep = tf.constant(0.75)
    rate = tf.Variable(0.3)
    by_keep = tf.nn.dropout(x, keep, seed=1)
    by_rate = tf.nn.dropout(x, rate=rate + 0.0, seed=2)  # TF takes no ref variable here
    all_kept = tf.nn.dropout(x, keep_prob=tf.constant(1.0), seed=3)
    fetches = {"keep_prob_tensor": by_keep, "rate_variable": by_rate, "keep_prob_1": all_kept}
    _grads(tf, fetches, _weighted_sum(tf, by_keep, 6) + tf.reduce_sum(by_rate * by_rate),
           {"d_x": x, "d_rate": rate})
    return fetches
