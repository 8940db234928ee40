"""``Trainer``: Keras's ``compile``, ``fit``, ``evaluate`` and ``predict`` for ``Model``.

A training step is Keras 3's: ``y_pred = model(x, training=True)`` (plain ``model(x)``
when ``call`` takes no ``training``), ``loss = compiled loss + model.losses`` under a
Tape, one optimizer update of ``trainable_variables``; the metrics score that step's
``y_pred``. An epoch's ``loss`` is the mean of the step losses weighted by batch size and
its accuracy the fraction right over the epoch (float32 sums, as Keras keeps them). The
logs are in Keras 3's order: sorted by name, then the ``val_`` ones sorted.
Batches are cut in order, the last one short; ``shuffle=True`` reorders the examples each
epoch with numpy's global generator (``np.random.seed`` repeats it), not Keras's.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

import numpy as np

from ....errors import DTypeError, ShapeError
from ....graph import Node
from ....recording import no_grad
from ....tape import Tape
from ..data import Dataset
from . import losses as keras_losses
from . import metrics as keras_metrics
from . import optimizers as keras_optimizers
from .base_layer import in_loop
from .callbacks import Callback, History, ProgbarLogger, progress_line


def _array(x: Any, what: str) -> np.ndarray:
    if x is None or hasattr(x, "__next__") or isinstance(x, Dataset):
        raise DTypeError(f"{what}: give arrays (x and y); autograd_mini's fit does not read "
                         f"datasets or generators (tf.data, ImageDataGenerator.flow), got "
                         f"{type(x).__name__}")
    arr = np.asarray(x.data if isinstance(x, Node) else x)
    if arr.ndim == 0:
        raise ShapeError(f"{what} must have a batch axis, got a scalar")
    return arr


def _verbose(verbose: Any) -> int:
    return 1 if verbose == "auto" else int(verbose)


class _Mean:
    """Keras's running mean of a logged number: float32 total and count."""

    def __init__(self) -> None:
        self.total, self.count = np.float32(0), np.float32(0)

    def add(self, values_sum: Any, count: int) -> None:
        self.total = np.float32(self.total + np.float32(values_sum))
        self.count = np.float32(self.count + np.float32(count))

    def result(self) -> float:
        return float(self.total / self.count) if self.count else 0.0


class Trainer:
    """The training half of ``Model`` (mixed in; see the module's docstring)."""

    # what it uses of the model it is mixed into (Model, a Layer)
    name: str
    _takes_training: bool
    trainable_variables: list[Node]
    losses: list[Node]
    __call__: Callable[..., Any]

    def _trainer_init(self) -> None:
        self.optimizer: Any = None
        self.loss: Any = None
        self._metric_ids: list[Any] = []
        self.history: History | None = None

    def compile(self, optimizer: Any = "rmsprop", loss: Any = None, metrics: Any = None,
                **kwargs: Any) -> None:
        """Choose the optimizer (``'sgd'``, ``'adam'`` or an object), the loss (a name, a
        loss object or ``f(y_true, y_pred)``) and the metrics (names such as
        ``'sparse_categorical_accuracy'``, or ``f(y_true, y_pred)``)."""
        if loss is None:
            raise DTypeError("compile: give a loss, e.g. loss='sparse_categorical_crossentropy'")
        self.optimizer = keras_optimizers.get(optimizer)
        self.loss = keras_losses.get(loss)
        self._metric_ids = list(metrics or [])

    # ----- one pass over the data ----------------------------------------------------------

    def _forward(self, x: np.ndarray, training: bool) -> Any:
        with in_loop():
            return self(x, training=training) if self._takes_training else self(x)

    def _pass(self, x: np.ndarray, y: np.ndarray, batch_size: int, train: bool,
              order: np.ndarray | None = None) -> dict[str, float]:
        """One epoch of training steps (``train``) or of loss and metrics only; the logs."""
        if self.loss is None:
            raise DTypeError(f"{self.name}: compile the model before fit or evaluate "
                             f"(model.compile(optimizer=..., loss=...))")
        order = np.arange(len(x)) if order is None else order
        loss_mean, metric_means = _Mean(), None
        metrics: list[tuple[str, Callable]] = []
        for start in range(0, len(x), batch_size):
            idx = order[start:start + batch_size]
            xb, yb = x[idx], y[idx]
            if train:
                with Tape() as tape:
                    y_pred = self._forward(xb, training=True)
                    loss = self._total_loss(yb, y_pred)
                params = self.trainable_variables
                grads = tape.gradient(loss, params)
                self.optimizer.apply_gradients(zip(grads, params))
            else:
                with no_grad():
                    y_pred = self._forward(xb, training=False)
                    loss = self._total_loss(yb, y_pred)
            if metric_means is None:  # the shapes decide what 'accuracy' means
                metrics = [keras_metrics.get(m, yb, y_pred.data) for m in self._metric_ids]
                metric_means = [_Mean() for _ in metrics]
            loss_mean.add(np.float32(loss.data) * np.float32(len(idx)), len(idx))
            for (_, fn), mean in zip(metrics, metric_means):
                matches = np.asarray(fn(yb, y_pred.data), dtype=np.float32)
                mean.add(np.sum(matches, dtype=np.float32), matches.size)
        logs = {"loss": loss_mean.result()}
        logs.update((name, mean.result()) for (name, _), mean in zip(metrics, metric_means or []))
        return logs

    def _total_loss(self, y_true: np.ndarray, y_pred: Any) -> Node:
        loss = self.loss(y_true, y_pred)
        for penalty in self.losses:
            loss = loss + penalty
        return loss

    # ----- the public loops --------------------------------------------------------------

    def fit(self, x: Any = None, y: Any = None, batch_size: int | None = None, epochs: int = 1,
            verbose: Any = "auto", callbacks: list[Callback] | None = None,
            validation_split: float = 0.0, validation_data: Any = None, shuffle: bool = True,
            initial_epoch: int = 0, validation_batch_size: int | None = None,
            validation_freq: int | list[int] = 1) -> History:
        """Train for ``epochs`` passes over ``(x, y)``; returns the ``History``.

        ``validation_split`` keeps the last fraction of the examples out of training (cut
        before shuffling) for validation; ``validation_data=(x_val, y_val)`` gives them.
        Validation runs after the epochs where ``epoch % validation_freq == 0`` (counting
        from 1), or those listed, and logs ``val_loss`` and ``val_<metric>``.
        """
        x, y = _array(x, "fit: x"), _array(y, "fit: y")
        if len(x) != len(y):
            raise ShapeError(f"fit: x has {len(x)} examples and y {len(y)}; they must match")
        if validation_data is None and validation_split:
            if not 0 < validation_split < 1:
                raise DTypeError(f"fit: validation_split must be in (0, 1), got "
                                 f"{validation_split}")
            split = int(np.floor(len(x) * (1.0 - validation_split)))
            x, y, validation_data = x[:split], y[:split], (x[split:], y[split:])
        if validation_data is not None:
            if len(validation_data) != 2:
                raise DTypeError("fit: validation_data must be (x_val, y_val)")
            x_val, y_val = (_array(v, "fit: validation_data") for v in validation_data)
        batch_size = batch_size or 32
        verbose = _verbose(verbose)
        self.history = History()
        hooks = list(callbacks or []) + ([ProgbarLogger(verbose)] if verbose else [])
        hooks.append(self.history)
        steps = -(-len(x) // batch_size)
        for hook in hooks:
            hook.set_model(self)
            hook.set_params({"epochs": epochs, "steps": steps, "verbose": verbose})
            hook.on_train_begin()
        for epoch in range(initial_epoch, epochs):
            for hook in hooks:
                hook.on_epoch_begin(epoch)
            order = np.random.permutation(len(x)) if shuffle else None
            logs = dict(sorted(self._pass(x, y, batch_size, train=True, order=order).items()))
            due = epoch + 1 in validation_freq if isinstance(validation_freq, list) else \
                (epoch + 1) % validation_freq == 0
            if validation_data is not None and due:
                val = self._pass(x_val, y_val, validation_batch_size or batch_size, train=False)
                logs.update(sorted((f"val_{k}", v) for k, v in val.items()))
            for hook in hooks:
                hook.on_epoch_end(epoch, logs)
        for hook in hooks:
            hook.on_train_end()
        return self.history

    def evaluate(self, x: Any = None, y: Any = None, batch_size: int | None = None,
                 verbose: Any = "auto", return_dict: bool = False) -> Any:
        """The loss (and metrics) over ``(x, y)`` in inference: ``loss`` alone without
        metrics, else ``[loss, metric, ...]`` (a dict with ``return_dict``)."""
        x, y = _array(x, "evaluate: x"), _array(y, "evaluate: y")
        start = time.perf_counter()
        logs = self._pass(x, y, batch_size or 32, train=False)
        if _verbose(verbose):
            print(progress_line(-(-len(x) // (batch_size or 32)), time.perf_counter() - start,
                                dict(sorted(logs.items())), _verbose(verbose)))
        if return_dict:
            return logs
        return logs["loss"] if len(logs) == 1 else list(logs.values())

    def predict(self, x: Any, batch_size: int | None = None, verbose: Any = "auto") -> np.ndarray:
        """The model's outputs for ``x`` in inference, batch by batch, as one array."""
        x = _array(x, "predict: x")
        batch_size = batch_size or 32
        start = time.perf_counter()
        with no_grad():
            outputs = [np.asarray(self._forward(x[i:i + batch_size], training=False).data)
                       for i in range(0, len(x), batch_size)]
        if _verbose(verbose):
            print(progress_line(len(outputs), time.perf_counter() - start, {},
                                _verbose(verbose)))
        return np.concatenate(outputs)
