"""``model.summary()``: Keras 3's table of layers, output shapes and weight counts, with
the totals in numbers and bytes (float32 weights; an optimizer's slots once it has them,
plus its iteration count and learning rate)."""

from __future__ import annotations

import textwrap
from collections.abc import Callable
from typing import Any

import numpy as np

from ....errors import ShapeError

_WIDTHS = (31, 22, 13)  # the columns' text widths, Keras's at its default line length


def _bytes(n: float) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:.2f} {unit}"
        n /= 1024
    raise AssertionError("unreachable")


def _row(cells: tuple[str, str, str]) -> list[str]:
    """One table row, its first column wrapped as rich wraps it (at spaces, then hard)."""
    columns = [textwrap.wrap(text, width) or [""] for text, width in zip(cells, _WIDTHS)]
    lines = []
    for i in range(max(len(c) for c in columns)):
        parts = [c[i] if i < len(c) else "" for c in columns]
        lines.append(f"│ {parts[0]:<{_WIDTHS[0]}} │ {parts[1]:<{_WIDTHS[1]}} │ "
                     f"{parts[2]:>{_WIDTHS[2]}} │")
    return lines


def _rule(left: str, fill: str, mid: str, right: str) -> str:
    return left + mid.join(fill * (w + 2) for w in _WIDTHS) + right


def optimizer_params(model: Any) -> tuple[int, int]:
    """(count, bytes) of the optimizer's variables once it has slots: each slot array,
    the int64 iteration count and the float32 learning rate (Keras 3 counts them)."""
    opt = getattr(model, "optimizer", None)
    if opt is None or not getattr(opt, "iterations", 0):
        return 0, 0
    floats = sum(np.size(a) for s in opt._slots.values() for a in s.values())
    return floats + 2, 4 * floats + 8 + 4


def print_summary(model: Any, print_fn: Callable[[str], Any] = print) -> None:
    """Print ``model``'s summary table with ``print_fn``."""
    if not model.built:
        raise ShapeError(f"{model.name}.summary(): the model is not built yet; call it on a "
                         f"batch (fit, predict, model(x)) or give the first layer input_shape=")
    lines = [f'Model: "{model.name}"', _rule("┏", "━", "┳", "┓")]
    header = ("Layer (type)", "Output Shape", "Param #")
    lines.append(f"┃ {header[0]:<{_WIDTHS[0]}} ┃ {header[1]:<{_WIDTHS[1]}} ┃ "
                 f"{header[2]:>{_WIDTHS[2]}} ┃")
    lines.append(_rule("┡", "━", "╇", "┩"))
    for i, layer in enumerate(model.layers):
        if i:
            lines.append(_rule("├", "─", "┼", "┤"))
        known = model._links_layers or layer._shape_known_in_subclass
        shape = str(layer.output_shape) if known and layer.output_shape else "?"
        lines += _row((f"{layer.name} ({type(layer).__name__})", shape,
                       f"{layer.count_params():,}"))
    lines.append(_rule("└", "─", "┴", "┘"))
    trainable = sum(v.data.size for v in model.trainable_weights)
    frozen = sum(v.data.size for v in model.non_trainable_weights)
    opt_count, opt_bytes = optimizer_params(model)
    total = trainable + frozen + opt_count
    lines.append(f" Total params: {total:,} ({_bytes(4 * (trainable + frozen) + opt_bytes)})")
    lines.append(f" Trainable params: {trainable:,} ({_bytes(4 * trainable)})")
    lines.append(f" Non-trainable params: {frozen:,} ({_bytes(4 * frozen)})")
    if opt_count:
        lines.append(f" Optimizer params: {opt_count:,} ({_bytes(opt_bytes)})")
    for line in lines:
        print_fn(line)
