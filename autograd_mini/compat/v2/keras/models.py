"""``tf.keras.Model`` (subclass it: layers as attributes in ``__init__``, the forward pass
in ``call``) and ``tf.keras.Sequential``; their weights, files and summary. Training
(``compile``, ``fit``, ``evaluate``, ``predict``) comes from ``training.Trainer``.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from typing import Any

import numpy as np

from ...._io import atomic_open
from ...._namespace import public_dir
from ....errors import DTypeError, ShapeError
from ....graph import Node
from ....recording import no_grad
from ...missing import missing
from .base_layer import Layer, in_loop
from .summary import print_summary
from .training import Trainer

__all__ = ["Model", "Sequential"]

_INDEX = ".index"  # TF's checkpoint files for a prefix P: P.index and P.data-00000-of-00001


def weights_file(filepath: str | os.PathLike) -> str:
    """The one file ``save_weights(filepath)`` writes: ``filepath`` itself for a Keras 3
    name (``.h5``, as ``.weights.h5``), else ``filepath + '.index'``."""
    path = os.fspath(filepath)
    return path if path.endswith(".h5") else path + _INDEX


class Model(Trainer, Layer):
    """A Keras model: ``class Net(tf.keras.Model)`` with ``super().__init__()``, layers as
    attributes (or lists of layers), and ``call(self, x)``; the layers are tracked in the
    order they are set, which is the order of ``weights`` and ``summary``."""

    _links_layers = False  # Sequential knows each layer's output (Keras's inbound nodes)

    def __init__(self, name: str | None = None, **kwargs: Any):
        object.__setattr__(self, "_layers", [])
        super().__init__(name=name, **kwargs)
        self._pending: list[np.ndarray] | None = None  # load_weights before the first call
        self._trainer_init()

    def __setattr__(self, name: str, value: Any) -> None:
        if isinstance(value, Layer) or isinstance(value, (list, tuple)) and value and \
                all(isinstance(v, Layer) for v in value):
            if "_layers" not in self.__dict__:
                raise DTypeError(f"{type(self).__name__}: call super().__init__() in __init__ "
                                 f"before setting layers as attributes")
            self._layers.extend(v for v in ([value] if isinstance(value, Layer) else value)
                                if all(v is not known for known in self._layers))
        object.__setattr__(self, name, value)

    @property
    def layers(self) -> list[Layer]:
        """The layers set on the model, in order."""
        return list(self._layers)

    # ----- weights: the layers' in order -------------------------------------------------

    def _gather(self, what: str) -> list:
        return [item for layer in self._layers for item in getattr(layer, what)]

    @property
    def weights(self) -> list[Node]:  # type: ignore[override]
        return self._gather("weights")

    @property
    def trainable_weights(self) -> list[Node]:  # type: ignore[override]
        return self._gather("trainable_weights") if self.trainable else []

    @property
    def non_trainable_weights(self) -> list[Node]:  # type: ignore[override]
        trainable = [] if self.trainable else self._gather("trainable_weights")
        return trainable + self._gather("non_trainable_weights")

    trainable_variables = trainable_weights
    non_trainable_variables = non_trainable_weights

    @property
    def losses(self) -> list[Node]:  # type: ignore[override]
        return self._gather("losses")

    def named_weights(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """``("model/conv2d/kernel", variable)`` pairs in ``weights``' order."""
        for layer in self._layers:
            if isinstance(layer, Model):
                yield from layer.named_weights(f"{prefix}{self.name}/")
            else:
                for var in layer.weights:
                    yield f"{prefix}{self.name}/{layer.name}/{var.name}", var

    # ----- calling, with weights loaded before the first call applied first ------------------

    def __call__(self, x: Any, training: bool | None = None) -> Any:
        if not self.built and self._pending is not None:
            with no_grad():  # makes the weights; in inference nothing else changes
                super().__call__(x, training=False)
            pending, self._pending = self._pending, None
            self.set_weights(pending)
        return super().__call__(x, training=training)

    # ----- files -------------------------------------------------------------------------

    def save_weights(self, filepath: str | os.PathLike, overwrite: bool = True) -> None:
        """Write every weight to one file, atomically, making its folder if needed.

        The file is ours (numpy's ``.npz``: each weight under its path, in ``weights``'
        order), not TensorFlow's. Its name follows the path given: a Keras 3 name ending
        in ``.h5`` (``model.weights.h5``) is used as it is; any other path is a TF
        checkpoint prefix, as in the course's ``"./checkpoint/mnist.ckpt"``, and the file is
        ``PREFIX.index``, the name of the file TensorFlow writes beside its data file, so
        the course's ``os.path.exists(checkpoint_save_path + '.index')`` finds it.
        """
        if not self.built:
            raise ShapeError(f"{self.name}.save_weights: the model has no weights until its "
                             f"first call (fit, predict or model(x))")
        path = weights_file(filepath)
        if not overwrite and os.path.exists(path):
            raise FileExistsError(f"{self.name}.save_weights: {path} exists (overwrite=False)")
        folder = os.path.dirname(path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        arrays = {name: var.numpy() for name, var in self.named_weights()}
        if len(arrays) != len(self.weights):
            raise ShapeError(f"{self.name}.save_weights: two weights share a path; give the "
                             f"layers distinct names")
        with atomic_open(path, "wb") as file:
            np.savez(file, **arrays)

    def load_weights(self, filepath: str | os.PathLike) -> None:
        """Read weights written by ``save_weights(filepath)`` (the same path), in order.

        Before the model's first call there are no weights to fill: they are kept and
        copied in as soon as the first call has made them (before it computes anything),
        as TensorFlow 2.1's checkpoints restored themselves.
        """
        path = weights_file(filepath)
        if not os.path.isfile(path):
            raise FileNotFoundError(f"{self.name}.load_weights: no weights file {path} (from "
                                    f"save_weights({os.fspath(filepath)!r}))")
        with np.load(path, allow_pickle=False) as data:
            arrays = [data[name] for name in data.files]
        if self.built:
            self.set_weights(arrays)
        else:
            self._pending = arrays

    def set_weights(self, weights: list[Any]) -> None:
        """Copy arrays into ``weights``, in order, all or none."""
        own = list(self.named_weights())
        if len(weights) != len(own):
            state = "" if self.built else " (it is not built yet: call it once first)"
            raise ShapeError(f"{self.name}.set_weights: got {len(weights)} arrays, the model "
                             f"has {len(own)} weights{state}")
        for (name, var), arr in zip(own, weights):
            if np.shape(arr) != var.shape:
                raise ShapeError(f"{self.name}.set_weights: {name} has shape {var.shape}, got "
                                 f"an array of shape {np.shape(arr)}")
        for (_, var), arr in zip(own, weights):
            var.assign(np.asarray(arr, dtype=np.float32))

    def summary(self, print_fn: Any = print) -> None:
        """Keras's table of layers, output shapes and weight counts."""
        print_summary(self, print_fn)


class Sequential(Model):
    """``Sequential([layer, ...])``: each layer's output is the next one's input.

    Given the first layer's ``input_shape`` (without the batch axis), the model is built
    at once, so ``summary()`` works before ``fit``.
    """

    _links_layers = True

    def __init__(self, layers: list[Layer] | None = None, name: str | None = None,
                 **kwargs: Any):
        super().__init__(name=name, **kwargs)
        for layer in layers or []:
            self.add(layer)

    def add(self, layer: Layer) -> None:
        """Append a layer (built at once when the first layer has an ``input_shape``)."""
        if not isinstance(layer, Layer):
            raise DTypeError(f"Sequential: {layer!r} is not a tf.keras layer")
        self._layers.append(layer)
        first = self._layers[0].input_shape_arg
        if first is not None:
            with no_grad(), in_loop():  # inference: only the new weights change
                Layer.__call__(self, np.zeros((1, *first), np.float32))

    def call(self, x: Any, training: bool | None = None) -> Any:
        if not self._layers:
            raise DTypeError("Sequential: the model has no layers")
        for layer in self._layers:
            x = layer(x)
        return x


__getattr__ = missing("tf.keras.models")
__dir__ = public_dir(globals())
