"""compat.v2 gives TensorFlow 2's numbers, dtypes and printing (recorded from TF 2.21).

The cases live in ``tests/tf2_cases.py``; their TensorFlow results in
``tests/tf2_recorded.json``. Behaviour without a TF counterpart is tested below them.
"""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

import autograd_mini.compat.v2 as tf
from autograd_mini.errors import DTypeError, NotInCompatError, ShapeError
from tests.tf2_cases import CASES, RECORDED, run_case

TF = json.loads(RECORDED.read_text(encoding="utf-8"))["cases"]


@pytest.fixture(autouse=True)
def _fresh_random_state():
    tf.random.set_seed(None)  # each case starts as a new TF program does
    yield
    tf.random.set_seed(None)


def _differences(ours, theirs, where="result"):
    if isinstance(theirs, list) and len(theirs) == 2 and isinstance(theirs[0], str) \
            and theirs[0].split()[-1] in {"float16", "float32", "float64", "int32", "int64",
                                          "bool", "uint8", "int8", "int16"}:
        if not (isinstance(ours, list) and ours[0] == theirs[0]):
            return [f"{where}: dtype {ours[0] if isinstance(ours, list) else ours!r} != "
                    f"TensorFlow's {theirs[0]}"]
        a, b = np.asarray(ours[1], dtype=float), np.asarray(theirs[1], dtype=float)
        if a.shape != b.shape or not np.allclose(a, b, rtol=1e-5, atol=1e-7):
            return [f"{where}: {ours[1]} != TensorFlow's {theirs[1]}"]
        return []
    if isinstance(theirs, list):
        if not isinstance(ours, list) or len(ours) != len(theirs):
            return [f"{where}: {ours!r} != TensorFlow's {theirs!r}"]
        return [d for i, (a, b) in enumerate(zip(ours, theirs))
                for d in _differences(a, b, f"{where}[{i}]")]
    if isinstance(theirs, float):
        return [] if math.isclose(ours, theirs, rel_tol=1e-5) else [f"{where}: {ours} != {theirs}"]
    return [] if ours == theirs else [f"{where}: {ours!r} != TensorFlow's {theirs!r}"]


def test_every_case_is_recorded():
    assert sorted(TF) == sorted(CASES), "re-record: /work/tfenv/bin/python tests/tf2_cases.py"


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_gives_tensorflows_result(name):
    problems = _differences(run_case(tf, name), TF[name])
    assert not problems, "\n".join(problems[:10])


# ----- behaviour beyond the recorded cases --------------------------------------------------


def test_unseeded_random_numbers_differ_between_calls():
    a, b = tf.random.normal([4]).numpy(), tf.random.normal([4]).numpy()
    assert a.dtype == np.float32 and not np.array_equal(a, b)


def test_gradients_are_eager_tensors_and_skip_int_variables():
    w, steps = tf.Variable(2.0), tf.Variable(0)
    with tf.GradientTape() as tape:
        loss = w * w
    (grad,) = tape.gradient(loss, [w])
    assert isinstance(grad, tf.Tensor) and str(grad).startswith("tf.Tensor(4.0")
    assert not steps.trainable and steps.dtype == tf.int32


def test_numpy_of_a_scalar_is_a_numpy_scalar_and_arrays_are_copies():
    w = tf.Variable([1.0, 2.0])
    snapshot = w.numpy()
    w.assign_sub([1.0, 1.0])
    assert snapshot.tolist() == [1.0, 2.0] and isinstance(tf.constant(0.5).numpy(), np.float32)


def test_python_float_beside_an_int_tensor_names_the_fix():
    with pytest.raises(DTypeError, match="tf.cast"):
        tf.constant([1, 2]) * 0.5


def test_matmul_of_mixed_dtypes_names_both():
    with pytest.raises(DTypeError, match="float32 but b is int32"):
        tf.matmul(tf.constant([[1.0]]), tf.constant([[1]]))


def test_where_needs_a_bool_condition():
    with pytest.raises(DTypeError, match="bool"):
        tf.where(tf.constant([1, 0]), 1.0, 2.0)


def test_from_tensor_slices_needs_equal_rows():
    with pytest.raises(ShapeError, match="same number of rows"):
        tf.data.Dataset.from_tensor_slices((np.zeros((3, 2)), np.zeros(4)))


def test_missing_names_say_so():
    for namespace, name in ((tf, "conv2d"), (tf.nn, "conv3d"), (tf.random, "gamma"),
                            (tf.keras, "applications"), (tf.keras.optimizers, "RMSprop"),
                            (tf.data, "TFRecordDataset")):
        with pytest.raises(NotInCompatError, match=name):
            getattr(namespace, name)


def test_keras_loss_objects_compute_in_float32():
    loss = tf.keras.losses.CategoricalCrossentropy()(np.eye(2), np.array([[0.9, 0.1]] * 2))
    assert loss.dtype == tf.float32


def test_iris_loads_sklearns_150_rows():
    from autograd_mini.datasets import iris

    x, y = iris.load_data()
    assert x.shape == (150, 4) and x.dtype == np.float64 and y.dtype == np.int64
    assert np.bincount(y).tolist() == [50, 50, 50]
    assert x[0].tolist() == [5.1, 3.5, 1.4, 0.2] and x[-1].tolist() == [5.9, 3.0, 5.1, 1.8]
