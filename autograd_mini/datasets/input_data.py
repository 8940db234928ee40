"""MNIST as TensorFlow 1's tutorials served it: ``read_data_sets(path, one_hot=True)``.

TensorFlow 2 no longer ships ``tensorflow.examples.tutorials.mnist``; a TF1 program that
imported it runs here (and on TensorFlow 2, the same batches) with one line changed::

    from tensorflow.examples.tutorials.mnist import input_data   # before
    from autograd_mini.datasets import input_data                # after

``read_data_sets`` reads the data through ``datasets.mnist.load_data`` (the IDX files in
``path``, else the packaged copy, else a download into ``path``) and gives what TF's
tutorial gave: ``train`` (55000 images), ``validation`` (the first 5000 training images)
and ``test`` (10000), each a ``DataSet`` of float32 images in [0, 1] flattened to 784
values, with one-hot float64 labels or uint8 digits. ``next_batch`` shuffles with numpy's
global random generator before the first batch and at the end of every epoch, as TF's
``DataSet`` did, so ``np.random.seed`` fixes the batches. One difference: TF's ``DataSet``
reseeded that generator when it was made (from the graph seed, or unpredictably when no
seed was set); here it is reseeded only when ``seed`` is given, as TF did then.
"""

from __future__ import annotations

import os
from typing import Any, NamedTuple

import numpy as np

from .mnist import load_data

__all__ = ["DataSet", "Datasets", "dense_to_one_hot", "read_data_sets"]

NUM_CLASSES = 10


class DataSet:
    """Images and labels served in batches that cover each epoch once, reshuffled per epoch.

    Args:
        images: uint8, shape ``(n, 28, 28)`` (or ``(n, 28, 28, 1)``).
        labels: shape ``(n,)`` digits or ``(n, 10)`` one-hot rows.
        dtype: float32 scales the images to [0, 1]; uint8 keeps 0..255.
        reshape: flatten each image to ``rows * columns`` values.
        seed: if given, reseed numpy's global generator with it, as TF's ``DataSet`` did.
    """

    def __init__(self, images: np.ndarray, labels: np.ndarray, dtype: Any = np.float32,
                 reshape: bool = True, seed: int | None = None):
        dtype = np.dtype(getattr(dtype, "as_numpy_dtype", dtype))  # also a TF DType
        if dtype not in (np.dtype(np.float32), np.dtype(np.uint8)):
            raise TypeError(f"DataSet: images dtype must be float32 or uint8, got {dtype}")
        if len(images) != len(labels):
            raise ValueError(f"DataSet: {len(images)} images but {len(labels)} labels")
        if seed is not None:
            np.random.seed(seed)
        if reshape:
            images = images.reshape(len(images), -1)
        if dtype == np.float32:
            images = images.astype(np.float32) * np.float32(1.0 / 255.0)
        self._images, self._labels = images, labels
        self._num_examples = len(images)
        self._epochs_completed = 0
        self._index_in_epoch = 0

    @property
    def images(self) -> np.ndarray:
        return self._images

    @property
    def labels(self) -> np.ndarray:
        return self._labels

    @property
    def num_examples(self) -> int:
        return self._num_examples

    @property
    def epochs_completed(self) -> int:
        return self._epochs_completed

    def _shuffle(self) -> None:
        order = np.arange(self._num_examples)
        np.random.shuffle(order)
        self._images, self._labels = self._images[order], self._labels[order]

    def next_batch(self, batch_size: int, shuffle: bool = True) -> tuple[np.ndarray, np.ndarray]:
        """The next ``batch_size`` images and labels. A batch that crosses the end of an
        epoch takes the epoch's rest, then (after a reshuffle) the new epoch's first ones."""
        if not 0 < batch_size <= self._num_examples:
            raise ValueError(f"next_batch: batch_size must be in 1..{self._num_examples}, "
                             f"got {batch_size}")
        start = self._index_in_epoch
        if shuffle and self._epochs_completed == 0 and start == 0:
            self._shuffle()
        end = start + batch_size
        if end <= self._num_examples:
            self._index_in_epoch = end
            return self._images[start:end], self._labels[start:end]
        self._epochs_completed += 1
        rest = self._images[start:], self._labels[start:]
        if shuffle:
            self._shuffle()
        self._index_in_epoch = end - self._num_examples
        new = self._images[:self._index_in_epoch], self._labels[:self._index_in_epoch]
        return np.concatenate((rest[0], new[0])), np.concatenate((rest[1], new[1]))


class Datasets(NamedTuple):
    """The three splits ``read_data_sets`` returns."""

    train: DataSet
    validation: DataSet
    test: DataSet


def dense_to_one_hot(labels: np.ndarray, num_classes: int = NUM_CLASSES) -> np.ndarray:
    """Digits ``(n,)`` as one-hot rows ``(n, num_classes)`` of float64 (TF's dtype)."""
    one_hot = np.zeros((len(labels), num_classes))
    one_hot[np.arange(len(labels)), labels] = 1.0
    return one_hot


def read_data_sets(train_dir: str | os.PathLike[str], one_hot: bool = False,
                   dtype: Any = np.float32, reshape: bool = True, validation_size: int = 5000,
                   seed: int | None = None) -> Datasets:
    """MNIST split as TF1's tutorial split it (see the module docstring).

    Args:
        train_dir: the folder holding (or receiving) the four MNIST IDX ``.gz`` files.
        one_hot: labels as one-hot float64 rows instead of uint8 digits.
        validation_size: how many of the first training images become ``validation``.
    Raises:
        ValueError: ``validation_size`` is not in 0..60000.
        DatasetNotFoundError: MNIST is in no source ``load_data`` tries.
    """
    (train_images, train_labels), (test_images, test_labels) = load_data(train_dir)
    if not 0 <= validation_size <= len(train_images):
        raise ValueError(f"read_data_sets: validation_size must be in 0..{len(train_images)}, "
                         f"got {validation_size}")
    if one_hot:
        train_labels, test_labels = dense_to_one_hot(train_labels), dense_to_one_hot(test_labels)
    split = dict(dtype=dtype, reshape=reshape, seed=seed)
    return Datasets(
        train=DataSet(train_images[validation_size:], train_labels[validation_size:], **split),
        validation=DataSet(train_images[:validation_size], train_labels[:validation_size],
                           **split),
        test=DataSet(test_images, test_labels, **split))
