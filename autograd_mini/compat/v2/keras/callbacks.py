"""``tf.keras.callbacks``: what ``fit`` calls at the start and end of training and of each
epoch: ``History`` (always, returned by ``fit``), ``ProgbarLogger`` (the per-epoch line,
unless ``verbose=0``) and ``ModelCheckpoint`` (the course's 断点续训).
"""

from __future__ import annotations

import math
import os
import time
import warnings
from typing import Any

import numpy as np

from ...._namespace import public_dir
from ....errors import DTypeError
from ...missing import missing

__all__ = ["Callback", "History", "ProgbarLogger", "ModelCheckpoint"]


class Callback:
    """Subclass and override the hooks you need; ``self.model`` is the model trained."""

    model: Any = None
    params: dict = {}

    def set_model(self, model: Any) -> None:
        self.model = model

    def set_params(self, params: dict) -> None:
        self.params = params

    def on_train_begin(self, logs: dict | None = None) -> None: ...
    def on_train_end(self, logs: dict | None = None) -> None: ...
    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None: ...
    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None: ...


class History(Callback):
    """``history.history``: each logged number (``loss``, the metrics, their ``val_``
    forms) as a list with one float per epoch it was measured in; ``history.epoch`` the
    epochs' indices."""

    def on_train_begin(self, logs: dict | None = None) -> None:
        self.epoch: list[int] = []
        self.history: dict[str, list[float]] = {}

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        self.epoch.append(epoch)
        for key, value in (logs or {}).items():
            self.history.setdefault(key, []).append(value)


def format_logs(logs: dict) -> str:
    """`` - loss: 0.2592 - accuracy: 0.9256`` as Keras prints the numbers."""
    return "".join(f" - {k}: {v:.4f}" if abs(v) > 1e-3 else f" - {k}: {v:.4e}"
                   for k, v in logs.items())


def progress_line(steps: int, seconds: float, logs: dict, verbose: int) -> str:
    """Keras's line at the end of an epoch (or of ``evaluate``/``predict``)."""
    per_step = f"{1000 * seconds / max(steps, 1):.0f}ms/step"
    if verbose == 1:
        return f"{steps}/{steps} {'━' * 20} {seconds:.0f}s {per_step}{format_logs(logs)}"
    return f"{steps}/{steps} - {seconds:.0f}s - {per_step}{format_logs(logs)}"


class ProgbarLogger(Callback):
    """Prints ``Epoch 1/5`` and, once the epoch is done, its steps, time and logs."""

    def __init__(self, verbose: int = 1):
        self.verbose = verbose

    def on_epoch_begin(self, epoch: int, logs: dict | None = None) -> None:
        self._start = time.perf_counter()
        if self.verbose == 1:
            print(f"Epoch {epoch + 1}/{self.params['epochs']}")

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        if self.verbose == 2:
            print(f"Epoch {epoch + 1}/{self.params['epochs']}")
        print(progress_line(self.params["steps"], time.perf_counter() - self._start,
                            logs or {}, self.verbose))


class ModelCheckpoint(Callback):
    """Saves the model's weights at the end of each epoch (``model.save_weights``, our
    own format: see ``Model.save_weights`` for the files).

    Args:
        filepath: where to save; ``{epoch}`` and log names in it are filled in
            (``"ckpt-{epoch:02d}"``).
        monitor: the logged number that decides "best" (``'val_loss'`` by default).
        save_best_only: save only when ``monitor`` improved on the best seen so far; an
            epoch without it (no validation that epoch) warns and saves nothing.
        mode: ``'min'``, ``'max'`` or ``'auto'`` (max for accuracies, min otherwise).
        save_weights_only: only weights can be saved here (``True``); False is refused.
    """

    def __init__(self, filepath: str | os.PathLike, monitor: str = "val_loss",
                 verbose: int = 0, save_best_only: bool = False,
                 save_weights_only: bool = False, mode: str = "auto",
                 save_freq: Any = "epoch", initial_value_threshold: float | None = None):
        if not save_weights_only:
            raise DTypeError("ModelCheckpoint: autograd_mini saves weights only; pass "
                             "save_weights_only=True (and rebuild the model in code)")
        if save_freq != "epoch":
            raise DTypeError(f"ModelCheckpoint: save_freq must be 'epoch', got {save_freq!r}")
        if mode not in ("auto", "min", "max"):
            raise DTypeError(f"ModelCheckpoint: mode must be 'auto', 'min' or 'max', got "
                             f"{mode!r}")
        self.filepath, self.monitor, self.verbose = os.fspath(filepath), monitor, verbose
        self.save_best_only = save_best_only
        if mode == "auto":
            mode = "max" if "acc" in monitor or monitor.startswith("fmeasure") else "min"
        self._better = np.greater if mode == "max" else np.less
        worst = -math.inf if mode == "max" else math.inf
        self.best = worst if initial_value_threshold is None else initial_value_threshold

    def on_epoch_end(self, epoch: int, logs: dict | None = None) -> None:
        logs = logs or {}
        path = self.filepath.format(epoch=epoch + 1, **logs)
        if self.save_best_only:
            current = logs.get(self.monitor)
            if current is None:
                warnings.warn(f"Can save best model only with {self.monitor} available, "
                              f"skipping.", stacklevel=2)
                return
            if not self._better(current, self.best):
                if self.verbose:
                    print(f"\nEpoch {epoch + 1}: {self.monitor} did not improve from "
                          f"{self.best:.5f}")
                return
            if self.verbose:
                print(f"\nEpoch {epoch + 1}: {self.monitor} improved from {self.best:.5f} "
                      f"to {current:.5f}, saving model to {path}")
            self.best = current
        elif self.verbose:
            print(f"\nEpoch {epoch + 1}: saving model to {path}")
        self.model.save_weights(path)


__getattr__ = missing("tf.keras.callbacks")
__dir__ = public_dir(globals())
