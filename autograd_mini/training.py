"""``fit``: the plain training loop (forward, loss, gradients, update), with a loss history.

A tqdm progress bar is shown when tqdm is installed and stdout is a terminal; tqdm is
imported only then, so it stays an optional dependency.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from .errors import DTypeError
from .graph import Node
from .optim import Optimizer
from .tape import Tape


@dataclass
class History:
    """What ``fit`` measured.

    Attributes:
        losses: the loss of every step, as floats, in order.
        epoch_losses: the mean step loss of each epoch.
    """

    losses: list[float] = field(default_factory=list)
    epoch_losses: list[float] = field(default_factory=list)


def fit(model: Callable[[Any], Any], loss_fn: Callable[[Any, Any], Node], optimizer: Optimizer,
        batches: Iterable[tuple[Any, Any]] | Callable[[], Iterable[tuple[Any, Any]]],
        epochs: int = 1, progress: bool | None = None,
        on_epoch_end: Callable[[int, History], None] | None = None) -> History:
    """Train ``model`` for ``epochs`` passes over ``batches``; return the loss history.

    Each step runs ``loss_fn(model(x), y)`` under a Tape and applies the gradients of the
    model's parameters with ``optimizer.apply_gradients`` (``.grad`` is not touched).

    Args:
        model: a ``nn.Module`` (its ``parameters()`` are trained) or any callable, when the
            optimizer was given ``params``.
        loss_fn: ``loss_fn(prediction, target)`` -> scalar, e.g. ``nn.mse``.
        batches: ``(x, y)`` pairs: a list (reused each epoch) or a zero-argument callable
            returning a fresh iterable per epoch (for shuffling). A one-shot iterator is
            read once and cached.
        progress: show a tqdm bar; None means "when stdout is a terminal and tqdm exists".
        on_epoch_end: called as ``on_epoch_end(epoch, history)`` after each epoch.
    """
    params = model.parameters() if hasattr(model, "parameters") else optimizer.params
    if not params:
        raise DTypeError("fit: no parameters to train; pass an nn.Module, or give the optimizer "
                         "its params (SGD(params, lr=...))")
    if not callable(batches) and iter(batches) is batches:
        batches = list(batches)  # a generator would be empty from the second epoch on
    history = History()
    bar = _progress_bar(epochs, progress)
    try:
        for epoch in range(epochs):
            step_losses = []
            for x, y in (batches() if callable(batches) else batches):
                with Tape() as tape:
                    loss = loss_fn(model(x), y)
                grads = tape.gradient(loss, params)
                optimizer.apply_gradients(zip(grads, params))
                step_losses.append(float(loss.data))
            history.losses.extend(step_losses)
            history.epoch_losses.append(sum(step_losses) / max(len(step_losses), 1))
            if bar is not None:
                bar.set_postfix(loss=f"{history.epoch_losses[-1]:.4g}")
                bar.update()
            if on_epoch_end is not None:
                on_epoch_end(epoch, history)
    finally:
        if bar is not None:
            bar.close()
    return history


def _progress_bar(epochs: int, progress: bool | None) -> Any:
    """A tqdm bar over epochs, or None when off or tqdm is missing."""
    if progress is None:
        progress = sys.stdout.isatty()
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return None
    return tqdm(total=epochs, unit="epoch", file=sys.stdout)
