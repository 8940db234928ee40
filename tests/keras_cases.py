"""Small Keras programs run on real TensorFlow once (recorded) and on compat.v2's tf.keras
by tests/test_compat_v2_keras.py: the same code on both sides, each model started from
the same numpy weights (``set_weights``), ``shuffle=False``.

Record with the TensorFlow venv, from the repository root::

    /work/tfenv/bin/python tests/keras_cases.py      # writes tests/keras_recorded.json
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import numpy as np

RECORDED = Path(__file__).with_name("keras_recorded.json")


def _start(model: Any, x: np.ndarray, seed: int) -> None:
    """Build ``model`` on one example and give it seeded weights (TF's would differ)."""
    model(x[:1])
    rng = np.random.default_rng(seed)
    model.set_weights([rng.uniform(-0.5, 0.5, w.shape).astype(np.float32) if "moving" not in
                       name else w for name, w in _named(model)])


def _named(model: Any) -> list[tuple[str, np.ndarray]]:
    return [(v.name, w) for v, w in zip(model.weights, model.get_weights())]


def _floats(values: Any) -> Any:
    return np.asarray(values, dtype=np.float64).tolist()


def _images(n: int) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    return rng.uniform(0, 1, (n, 8, 8, 3)), rng.integers(0, 3, n)


def cnn_sequential(tf: Any) -> dict:
    """A tiny CNN on 8x8 images: every layer kind but dropout, Adam, validation_split."""
    L = tf.keras.layers
    tf.keras.backend.clear_session()
    model = tf.keras.models.Sequential([
        L.Conv2D(filters=4, kernel_size=(3, 3), padding="same"), L.BatchNormalization(),
        L.Activation("relu"), L.MaxPool2D(pool_size=(2, 2), strides=2, padding="same"),
        L.Conv2D(3, 2, strides=1, activation="relu"), L.AveragePooling2D(pool_size=(2, 2)),
        L.Flatten(), L.Dense(5, activation="relu"), L.Dense(3, activation="softmax")])
    x, y = _images(24)
    _start(model, x, seed=1)
    model.compile(optimizer=tf.keras.optimizers.Adam(learning_rate=0.01),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(x, y, batch_size=8, epochs=3, validation_split=0.25, shuffle=False,
                        verbose=0)
    lines: list[str] = []
    model.summary(print_fn=lambda text, *args, **kwargs: lines.extend(text.splitlines()))
    bn = model.layers[1]
    return {"history": history.history, "predict": _floats(model.predict(x[:4], verbose=0)),
            "moving_mean": _floats(bn.moving_mean.numpy()),
            "moving_variance": _floats(bn.moving_variance.numpy()),
            "evaluate": _floats(model.evaluate(x, y, verbose=0)),
            "trainable": [v.name for v in model.trainable_variables],
            "summary": [line.rstrip() for line in lines]}


def iris_sequential(tf: Any) -> dict:
    """The course's p8: one softmax Dense layer with an L2 penalty, SGD(0.1), iris,
    validation_split=0.2 checked every 5 epochs."""
    from autograd_mini.datasets import iris

    x, y = iris.load_data()
    np.random.seed(116)
    np.random.shuffle(x)
    np.random.seed(116)
    np.random.shuffle(y)
    tf.keras.backend.clear_session()
    model = tf.keras.models.Sequential([
        tf.keras.layers.Dense(3, activation="softmax",
                              kernel_regularizer=tf.keras.regularizers.l2())])
    _start(model, x, seed=2)
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
                  loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False),
                  metrics=["sparse_categorical_accuracy"])
    history = model.fit(x, y, batch_size=32, epochs=10, validation_split=0.2,
                        validation_freq=5, shuffle=False, verbose=0)
    return {"history": history.history, "predict": _floats(model.predict(x[:3], verbose=0)),
            "weights": _floats(model.get_weights()[0])}


def subclassed_without_training(tf: Any) -> dict:
    """A Model subclass whose call takes no ``training``: Keras 3's fit runs its batch norm
    and dropout in inference mode (the moving statistics stay 0 and 1)."""
    L = tf.keras.layers

    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.b1 = L.BatchNormalization()
            self.d1 = L.Dropout(0.5)
            self.flatten = L.Flatten()
            self.f1 = L.Dense(4, activation="relu")
            self.f2 = L.Dense(3, activation="softmax")

        def call(self, x):
            return self.f2(self.f1(self.flatten(self.d1(self.b1(x)))))

    tf.keras.backend.clear_session()
    x, y = _images(12)
    model = Net()
    _start(model, x, seed=3)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    history = model.fit(x, y, batch_size=5, epochs=2, validation_data=(x[:6], y[:6]),
                        shuffle=False, verbose=0)
    lines: list[str] = []
    model.summary(print_fn=lambda text, *args, **kwargs: lines.extend(text.splitlines()))
    return {"summary": [line.rstrip() for line in lines], "history": history.history,
            "moving_mean": _floats(model.b1.moving_mean.numpy()),
            "predict": _floats(model.predict(x[:2], verbose=0)), "name": model.name,
            "layer_names": [layer.name for layer in model.layers]}


def subclassed_with_training(tf: Any) -> dict:
    """The same net's batch norm trains once ``call`` takes ``training`` (no dropout: its
    random masks differ between the two)."""
    L = tf.keras.layers

    class Net(tf.keras.Model):
        def __init__(self):
            super().__init__()
            self.b1 = L.BatchNormalization(momentum=0.9)
            self.flatten = L.Flatten()
            self.f1 = L.Dense(3, activation="softmax")

        def call(self, x, training=None):
            return self.f1(self.flatten(self.b1(x)))

    tf.keras.backend.clear_session()
    x, y = _images(12)
    model = Net()
    _start(model, x, seed=4)
    model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.05), metrics=["accuracy"],
                  loss=tf.keras.losses.SparseCategoricalCrossentropy())
    history = model.fit(x, y, batch_size=4, epochs=2, shuffle=False, validation_split=0.3,
                        verbose=0)  # 12 * 0.7 = 8.4: the first 8 train
    return {"history": history.history, "moving_mean": _floats(model.b1.moving_mean.numpy()),
            "moving_variance": _floats(model.b1.moving_variance.numpy()),
            "predict": _floats(model.predict(x[:2], verbose=0))}


def saturated_softmax(tf: Any) -> dict:
    """Probabilities below 1e-7: Keras's cross entropies of a Keras softmax use its logits
    (no clipping), of ``tf.nn.softmax``'s output the clipped probabilities."""
    tf.keras.backend.clear_session()
    x = _images(6)[0].reshape(6, -1)[:, :4]
    model = tf.keras.Sequential([tf.keras.layers.Dense(3, activation="softmax")])
    _start(model, x, seed=5)
    model.set_weights([w * 80 for w in model.get_weights()])
    model.compile(optimizer="sgd", loss="sparse_categorical_crossentropy")
    probs = model(x)
    y = np.argmin(probs.numpy(), axis=1)  # the least likely class is the label
    logits = tf.matmul(tf.constant(x, tf.float32), model.weights[0]) + model.weights[1]
    one_hot = np.eye(3, dtype=np.float32)[y]
    sparse = tf.keras.losses.SparseCategoricalCrossentropy()
    dense = tf.keras.losses.CategoricalCrossentropy()
    return {"evaluate": model.evaluate(x, y, verbose=0),
            "sparse": float(sparse(y, probs)), "categorical": float(dense(one_hot, probs)),
            "sparse_of_tf_nn_softmax": float(sparse(y, tf.nn.softmax(logits))),
            "min_probability": float(np.min(probs.numpy()))}


def sequential_input_shape(tf: Any) -> dict:
    """A first layer's ``input_shape`` builds a Sequential at once: summary before fit."""
    import warnings

    tf.keras.backend.clear_session()
    with warnings.catch_warnings():  # Keras 3 prefers an Input layer
        warnings.simplefilter("ignore")
        model = tf.keras.Sequential([tf.keras.layers.Dense(3, input_shape=(4,)),
                                     tf.keras.layers.Dense(2)])
    lines: list[str] = []
    model.summary(print_fn=lambda text, *args, **kwargs: lines.extend(text.splitlines()))
    return {"summary": [line.rstrip() for line in lines]}


CASES = {f.__name__: f for f in (cnn_sequential, iris_sequential, subclassed_without_training,
                                 subclassed_with_training, saturated_softmax,
                                 sequential_input_shape)}


if __name__ == "__main__":
    import tensorflow as tf  # the TF venv only

    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # autograd_mini's iris
    results = {name: case(tf) for name, case in CASES.items()}
    RECORDED.write_text(json.dumps({"tensorflow": tf.__version__,
                                    "keras": tf.keras.__version__, "cases": results},
                                   indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"wrote {RECORDED}")
