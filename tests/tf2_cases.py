"""Small TF2 snippets run on real TensorFlow once (recorded) and on compat.v2 by the tests.

Each case is code that uses ``tf`` and ``np`` and sets ``result`` to numbers, strings or
tensors (``show`` turns a tensor into its dtype name and values). Record them with the
TensorFlow venv, from the repository root::

    /work/tfenv/bin/python tests/tf2_cases.py      # writes tests/tf2_recorded.json
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np

RECORDED = Path(__file__).with_name("tf2_recorded.json")

CASES: dict[str, str] = {
    # ----- tf.random: TF2's eager seeds and kernel streams --------------------------------
    "random_normal_global_and_op_seed": """
tf.random.set_seed(5)
result = [tf.random.normal([3], seed=1), tf.random.normal([3], seed=1),
          tf.random.normal([5], seed=1), tf.random.normal([2, 2], seed=2)]""",
    "random_normal_global_seed_only": """
tf.random.set_seed(5)
a, b = tf.random.normal([3]), tf.random.normal([4])
tf.random.set_seed(5)
result = [a, b, tf.random.normal([3]), tf.random.normal([4], mean=1.0, stddev=0.5)]""",
    "random_normal_op_seed_only": """
result = [tf.random.normal([2, 3], stddev=1, seed=1), tf.random.normal([3, 1], seed=1)]""",
    "random_set_seed_restarts_streams": """
tf.random.set_seed(7)
a = tf.random.normal([4], seed=3)
tf.random.set_seed(7)
result = [a, tf.random.normal([4], seed=3), tf.random.normal([4], seed=3)]""",
    "random_seeds_zero": """
tf.random.set_seed(0)
result = [tf.random.normal([3], seed=0), tf.random.uniform([3], seed=0)]""",
    "random_truncated_normal": """
tf.random.set_seed(116)
result = [tf.random.truncated_normal([4, 3], stddev=0.1, seed=1),
          tf.random.truncated_normal([3], stddev=0.1, seed=1),
          tf.random.truncated_normal([9], mean=1.0, seed=2),
          tf.random.truncated_normal([2, 5])]""",
    "random_truncated_normal_op_seed_only": """
result = [tf.random.truncated_normal([7], seed=4), tf.random.truncated_normal([7], seed=4)]""",
    "random_uniform": """
tf.random.set_seed(3)
result = [tf.random.uniform([5], minval=-1, maxval=3, seed=2),
          tf.random.uniform([5], minval=-1, maxval=3, seed=2), tf.random.uniform([2, 2])]""",
    "random_kinds_keep_separate_streams": """
tf.random.set_seed(11)
result = [tf.random.normal([3], seed=1), tf.random.uniform([3], seed=1),
          tf.random.normal([3], seed=1), tf.random.truncated_normal([3], seed=1)]""",
    # ----- tf.data ---------------------------------------------------------------------
    "dataset_batches": """
x = tf.constant([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]])
result = [[a, b] for a, b in
          tf.data.Dataset.from_tensor_slices((x, np.array([0, 1, 2]))).batch(2)]""",
    "dataset_single_and_drop_remainder": """
result = [list(tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5]).batch(2)),
          list(tf.data.Dataset.from_tensor_slices([1, 2, 3, 4, 5]).batch(2, True))]""",
    "dataset_shuffle_reshuffles_each_pass": """
d = tf.data.Dataset.from_tensor_slices(np.arange(10)).shuffle(4, seed=3)
result = [[int(v) for v in d] for _ in range(3)]""",
    "dataset_shuffle_once": """
d = tf.data.Dataset.from_tensor_slices(np.arange(10)).shuffle(
    10, seed=3, reshuffle_each_iteration=False)
result = [[int(v) for v in d] for _ in range(2)]""",
    "dataset_shuffle_global_seed_then_batch": """
tf.random.set_seed(5)
d = tf.data.Dataset.from_tensor_slices((np.arange(8), np.arange(8) * 10)).shuffle(8).batch(3)
result = [[a, b] for _ in range(2) for a, b in d]""",
    # ----- tensors, variables, printing -------------------------------------------------
    "constant_dtypes": """
result = [tf.constant(1).dtype.name, tf.constant(1.5).dtype.name,
          tf.constant([1, 2]).dtype.name, tf.constant(np.array([1.0])).dtype.name,
          tf.constant(np.array([1, 2])).dtype.name, tf.constant(True).dtype.name,
          tf.constant(0.01, shape=[3]), tf.constant([1, 2, 3, 4], shape=[2, 2]),
          tf.constant(5, dtype=tf.float32)]""",
    "printing": """
result = [str(tf.constant(0.5)), repr(tf.constant(0.5)), str(tf.constant([1, 5])),
          repr(tf.constant(np.array([1, 5]))), str(tf.constant([[1.0, 2.0], [3.0, 4.0]])),
          repr(tf.Variable(tf.constant(5, dtype=tf.float32))), str(tf.Variable([1.0, 2.0])),
          repr(tf.float32), str(tf.constant([True, False]))]""",
    "variable_assign_sub": """
w = tf.Variable(tf.constant([1.0, 2.0]))
w.assign_sub(tf.constant([0.5, 0.25]))
w.assign_sub([0.125, 0.125])
result = [w.numpy(), w.dtype.name, w.trainable, tf.Variable(3).dtype.name]""",
    "gradient_tape": """
w = tf.Variable(tf.constant(5, dtype=tf.float32))
x = tf.constant([[1.0, 2.0]])
m = tf.Variable([[0.5], [-1.0]])
with tf.GradientTape(persistent=True) as tape:
    loss = tf.pow(w, 2)
    y = tf.reduce_sum(tf.nn.sigmoid(tf.matmul(x, m)) * tf.exp(w / 10))
result = [tape.gradient(loss, w), tape.gradient(y, [w, m]), str(tape.gradient(loss, w))]""",
    # ----- math --------------------------------------------------------------------------
    "cast": """
result = [tf.cast(tf.constant([-1.7, 2.7]), tf.int32), tf.cast([1, 0, 2], tf.bool),
          tf.cast(np.array([1.5]), tf.float32), tf.cast(tf.constant([True, False]), tf.float32)]""",
    "one_hot": """
result = [tf.one_hot(tf.constant([1, 0, 2]), depth=3), tf.one_hot(np.array([0, 3, -1]), 3),
          tf.one_hot([1, 2], depth=3, on_value=5.0, off_value=-1.0),
          tf.one_hot([[0], [1]], depth=2, dtype=tf.int32)]""",
    "matmul": """
a = tf.constant([[1.0, 2.0], [3.0, 4.0]])
result = [tf.matmul(a, a), tf.matmul(a, a, transpose_b=True),
          tf.matmul(tf.constant([[1, 2]]), tf.constant([[3], [4]]))]""",
    "softmax_relu_sigmoid": """
x = tf.constant([[1.0, -2.0, 3.0], [0.5, 0.5, -0.5]])
result = [tf.nn.softmax(x), tf.nn.softmax(x, axis=0), tf.nn.relu(x), tf.nn.sigmoid(x),
          tf.nn.relu(tf.constant([-1, 2]))]""",
    "reductions": """
x = tf.constant([[1.0, 2.0, 3.0], [4.0, 5.0, 7.0]])
i = tf.constant([[1, 2], [3, 6]])
result = [tf.reduce_mean(x), tf.reduce_mean(x, axis=0), tf.reduce_sum(x, axis=1),
          tf.reduce_sum(x, axis=[0, 1], keepdims=True), tf.reduce_mean(i), tf.reduce_sum(i),
          tf.reduce_mean(i, axis=1), tf.reduce_max(x, axis=1), tf.reduce_min(i)]""",
    "square_exp_pow_sqrt": """
x = tf.constant([0.5, 1.0, 2.0])
result = [tf.square(x), tf.exp(x), tf.pow(x, 3), tf.pow(0.9, 3), tf.sqrt(x),
          tf.square(tf.constant([2, 3])), tf.pow(tf.constant([2, 3]), 2)]""",
    "argmax": """
x = tf.constant([[1.0, 3.0, 2.0], [4.0, 0.0, 4.0]])
result = [tf.argmax(x, axis=1), tf.argmax(x), tf.argmax(x, axis=1, output_type=tf.int32)]""",
    "equal_greater": """
a, b = tf.constant([1, 2, 3, 1, 1]), tf.constant([0, 1, 3, 4, 5])
result = [tf.equal(a, b), tf.greater(a, b), tf.equal(tf.constant([1.0, 2.0]), 2.0),
          tf.greater(tf.constant([[1.0], [3.0]]), [[2.0]]), a == b]""",
    "where": """
a, b = tf.constant([1, 2, 3, 1, 1]), tf.constant([0, 1, 3, 4, 5])
x = tf.constant([1.5, -2.0, 3.0])
result = [tf.where(tf.greater(a, b), a, b), tf.where(x > 0, x, x * 0.5),
          tf.where(tf.greater(a, b))]""",
    # ----- keras ---------------------------------------------------------------------------
    "keras_categorical_crossentropy": """
y_ = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1]])
p = tf.constant([[0.7, 0.2, 0.1], [0.1, 0.0, 0.9], [0.2, 0.3, 0.5]])
z = tf.constant([[2.0, 1.0, 0.1], [0.5, 2.5, 0.3], [1.0, 1.0, 1.0]])
result = [tf.keras.losses.categorical_crossentropy([1, 0], [0.6, 0.4]),
          tf.keras.losses.categorical_crossentropy(y_, p),
          tf.keras.losses.categorical_crossentropy(y_, z, from_logits=True),
          tf.keras.losses.categorical_crossentropy(y_, p, label_smoothing=0.1),
          tf.keras.losses.CategoricalCrossentropy()(y_, p),
          tf.keras.losses.CategoricalCrossentropy(from_logits=True)(y_, z),
          tf.keras.losses.MeanSquaredError()(y_, p)]""",
    "keras_sgd_adam": """
def run(opt, steps=5):
    w = tf.Variable([1.0, -2.0, 0.5])
    b = tf.Variable(0.3)
    for _ in range(steps):
        with tf.GradientTape() as tape:
            loss = tf.reduce_sum(tf.square(w * 3.0 - 1.0)) + tf.square(b) * 0.01
        grads = tape.gradient(loss, [w, b])
        opt.apply_gradients(zip(grads, [w, b]))
    return [w, b]
result = [run(tf.keras.optimizers.SGD(learning_rate=0.01)),
          run(tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9)),
          run(tf.keras.optimizers.SGD(learning_rate=0.01, momentum=0.9, nesterov=True)),
          run(tf.keras.optimizers.Adam(learning_rate=0.1)),
          run(tf.keras.optimizers.Adam(), steps=3),
          run(tf.keras.optimizers.Adam(learning_rate=0.01, beta_1=0.5, epsilon=0.1))]""",
    # ----- tf.nn's convolution, pooling and dropout (the CNN lesson) -----------------------
    "nn_conv2d_pools_gradients": """
rng = np.random.RandomState(0)
x = tf.Variable(rng.uniform(-1, 1, (2, 7, 6, 3)).astype(np.float32))
w = tf.Variable(rng.uniform(-1, 1, (3, 3, 3, 4)).astype(np.float32))
b = tf.Variable(rng.uniform(-1, 1, (4,)).astype(np.float32))
with tf.GradientTape(persistent=True) as tape:
    outs = [tf.nn.conv2d(x, w, strides=1, padding="SAME"),
            tf.nn.conv2d(x, w, strides=[1, 2, 2, 1], padding="VALID"),
            tf.nn.conv2d(x, w, 2, "SAME", dilations=1),
            tf.nn.bias_add(tf.nn.conv2d(x, w, [2, 1], "VALID"), b),
            tf.nn.max_pool2d(x, ksize=2, strides=2, padding="SAME"),
            tf.nn.max_pool2d(x, 3, [1, 2, 2, 1], "VALID"),
            tf.nn.avg_pool2d(x, ksize=[3, 3], strides=1, padding="SAME"),
            tf.nn.max_pool(x, ksize=2, strides=2, padding="VALID"),
            tf.nn.avg_pool(x, 2, 2, "SAME")]
    losses = [tf.reduce_sum(y * np.cos(np.arange(y.numpy().size)).reshape(
        y.numpy().shape).astype(np.float32)) for y in outs]
dilated = tf.nn.conv2d(x, w, 1, "VALID", dilations=[2, 1])  # TF's CPU has no gradient of it
result = outs + [dilated] + [g for loss in losses for g in tape.gradient(loss, [x, w, b])
                             if g is not None]""",
    "nn_dropout_seeds_and_gradient": """
x = tf.Variable(np.random.RandomState(1).uniform(1, 2, (4, 6)).astype(np.float32))
tf.random.set_seed(3)
with tf.GradientTape() as tape:
    a = tf.nn.dropout(x, rate=0.5, seed=1)
    loss = tf.reduce_sum(a * a)
b = tf.nn.dropout(x, rate=0.5, seed=1)   # the seeded kernel's stream goes on
c = tf.nn.dropout(x, 0.25)               # the next op seed of the global seed
d = tf.nn.dropout(x, rate=0.0)           # x itself, but an op seed is still taken
e = tf.nn.dropout(x, 0.25)
f = tf.nn.dropout(x, 0.4, noise_shape=[4, 1], seed=2)
result = [a, tape.gradient(loss, x), b, c, d, e, f]""",
}


def show(x: Any) -> Any:
    """A case's result as JSON data: tensors become ``[dtype name, values]``."""
    if isinstance(x, (list, tuple)):
        return [show(v) for v in x]
    if hasattr(x, "numpy") and hasattr(x, "dtype"):
        arr = np.asarray(x.numpy())
        return [x.dtype.name, arr.tolist()]
    if isinstance(x, np.ndarray):
        return ["ndarray " + x.dtype.name, x.tolist()]
    if isinstance(x, np.generic):
        return x.item()
    return x


def run_case(tf: Any, name: str) -> Any:
    """Run case ``name`` with the module ``tf``; its result as JSON data."""
    scope: dict[str, Any] = {"tf": tf, "np": np}
    exec(CASES[name], scope)  # noqa: S102  (the cases are this file's own code)
    return show(scope["result"])


if __name__ == "__main__":
    import os
    import subprocess
    import sys

    os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    import tensorflow as tf

    if len(sys.argv) == 2:  # one case, in a fresh process: TF's random state is global
        print(json.dumps(run_case(tf, sys.argv[1])))
        sys.exit()
    results = {name: json.loads(subprocess.run(
        [sys.executable, __file__, name], capture_output=True, text=True, check=True).stdout)
        for name in CASES}
    recorded = {"tensorflow": tf.__version__, "cases": results}
    RECORDED.write_text(json.dumps(recorded, indent=1) + "\n", encoding="utf-8")
    print(f"{len(CASES)} cases recorded in {RECORDED.name}")
