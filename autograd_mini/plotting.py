"""Pictures and progress bars for the demos: PNG curves, image grids, GIFs, tqdm.

matplotlib, Pillow and tqdm come with the ``demos`` extra and are imported inside the
functions, so ``import autograd_mini`` never needs them. Figures are drawn on matplotlib's
Agg canvas directly (no pyplot, no window, no global backend switch).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ._io import atomic_path
from .i18n import message

EXTRA_HINT = "pip install 'autograd-mini[demos]'"


def _need(module: str) -> Any:
    """Import an optional module, or raise ModuleNotFoundError saying which extra has it."""
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError:
        top = module.split(".")[0]
        raise ModuleNotFoundError(
            f"{top} is not installed; it comes with the demos extra: {EXTRA_HINT}",
            name=top) from None


def _figure(width: float = 8.0, height: float = 6.0) -> Any:
    """A matplotlib Figure attached to an Agg canvas (headless, no pyplot state)."""
    figure_mod = _need("matplotlib.figure")
    agg = _need("matplotlib.backends.backend_agg")
    fig = figure_mod.Figure(figsize=(width, height), dpi=80)
    agg.FigureCanvasAgg(fig)
    return fig


def _to_image(fig: Any) -> Any:
    """Render a Figure into a Pillow RGB image (a GIF frame)."""
    image_mod = _need("PIL.Image")
    fig.canvas.draw()
    rgba = np.asarray(fig.canvas.buffer_rgba())
    return image_mod.fromarray(rgba[..., :3].copy())


def _save(fig: Any, path: Path) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        fig.savefig(tmp, format=path.suffix.lstrip(".") or "png")
    return path


# ----- pictures ------------------------------------------------------------------------


def plot_curves(path: str | Path, panels: Mapping[str, Mapping[str, Sequence[float]]], *,
                xlabel: str = "epoch", title: str = "", logy: Sequence[str] = ()) -> Path:
    """Save one PNG with a panel per entry of ``panels`` ({panel title: {label: values}}).

    Panels named in ``logy`` use a logarithmic y axis. Returns the path written.
    """
    ticker = _need("matplotlib.ticker")
    fig = _figure(4.5 * len(panels), 4.0)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (panel, curves) in zip(axes, panels.items()):
        ax.xaxis.set_major_locator(ticker.MaxNLocator(integer=True))
        for label, values in curves.items():
            ax.plot(np.arange(len(values)), values, label=label)
        ax.set_title(panel)
        ax.set_xlabel(xlabel)
        if panel in logy:
            ax.set_yscale("log")
        ax.grid(True, alpha=0.3)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, Path(path))


def image_grid(path: str | Path, images: Sequence[np.ndarray], titles: Sequence[str]) -> Path:
    """Save grey images side by side, each with its title (e.g. predicted vs actual)."""
    fig = _figure(2.2 * len(images), 2.6)
    axes = fig.subplots(1, len(images), squeeze=False)[0]
    for ax, image, title in zip(axes, images, titles):
        ax.imshow(image, cmap="gray")
        ax.set_title(title, fontsize=9)
        ax.axis("off")
    fig.tight_layout()
    return _save(fig, Path(path))


def boundaries(path: str | Path, points: np.ndarray, colors: Sequence[str],
               panels: Mapping[str, tuple[np.ndarray, np.ndarray, np.ndarray]],
               level: float = 0.5) -> Path:
    """Save the 2-D ``points`` in their ``colors`` with, per panel ({title: (xx, yy, z)},
    z a function on the grid xx, yy), the contour where z equals ``level``: a classifier's
    decision boundary, as ``plt.contour(xx, yy, z, levels=[level])`` draws it."""
    fig = _figure(4.5 * len(panels), 4.6)
    axes = fig.subplots(1, len(panels), squeeze=False)[0]
    for ax, (title, (xx, yy, z)) in zip(axes, panels.items()):
        ax.scatter(points[:, 0], points[:, 1], c=list(colors), s=10)
        ax.contour(xx, yy, z, levels=[level])
        ax.set_title(title)
        ax.set_aspect("equal")
    fig.tight_layout()
    return _save(fig, Path(path))


def image_rows(path: str | Path, rows: Mapping[str, Sequence[np.ndarray]], *,
               cmap: str = "gray", title: str = "", symmetric: bool = False) -> Path:
    """Save rows of small images, each row titled by its key (filters, feature maps).

    Each image is scaled to its own range, so a map's pattern shows whatever its size;
    ``symmetric`` centres the range on 0 (weights in a diverging colour map: 0 is white).
    """
    width = max(len(images) for images in rows.values())
    fig = _figure(1.3 * width + 1.2, 1.5 * len(rows) + (0.4 if title else 0.0))
    axes = fig.subplots(len(rows), width, squeeze=False)
    for row_axes, (label, images) in zip(axes, rows.items()):
        for i, ax in enumerate(row_axes):
            ax.axis("off")
            if i < len(images):
                image = np.asarray(images[i])
                top = float(np.abs(image).max()) or 1.0
                ax.imshow(image, cmap=cmap, interpolation="nearest",
                          **({"vmin": -top, "vmax": top} if symmetric else {}))
        row_axes[0].set_title(label, fontsize=9, loc="left")
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    return _save(fig, Path(path))


def heatmaps_frame(matrices: Mapping[str, np.ndarray], title: str) -> Any:
    """One GIF frame: a heatmap with a colour bar per matrix, as seed 001 draws weights."""
    fig = _figure()
    axes = fig.subplots(1, len(matrices), squeeze=False)[0]
    for ax, (name, matrix) in zip(axes, matrices.items()):
        matrix = np.asarray(matrix)
        im = ax.imshow(matrix, cmap="viridis", aspect="auto")
        ax.set_title(name)
        ax.set_xticks(range(matrix.shape[1]))
        ax.set_yticks(range(matrix.shape[0]))
        if matrix.size <= 36:  # small enough to print every weight in its cell
            for (r, c), v in np.ndenumerate(matrix):
                ax.text(c, r, f"{v:.2f}", ha="center", va="center", color="white",
                        bbox={"facecolor": "black", "alpha": 0.4, "linewidth": 0})
        fig.colorbar(im, ax=ax)
    fig.suptitle(title)
    return _to_image(fig)


def curve_frame(values: Sequence[float], *, xmax: int, ymax: float, title: str,
                label: str = "Loss") -> Any:
    """One GIF frame: the curve so far on fixed axes, so the frames line up."""
    fig = _figure()
    ax = fig.subplots()
    ax.plot(np.arange(len(values)), values, label=label)
    ax.set_title(title)
    ax.set_xlabel("Epochs")
    ax.set_ylabel(label)
    ax.set_xlim(0, xmax)
    ax.set_ylim(0, ymax)
    ax.grid(True)
    ax.legend()
    return _to_image(fig)


def save_gif(path: str | Path, frames: Sequence[Any], duration_ms: int = 500) -> Path:
    """Write Pillow images as an endlessly looping GIF, ``duration_ms`` per frame."""
    if not frames:
        raise ValueError(f"save_gif: no frames to write to {path}")
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    with atomic_path(path) as tmp:
        frames[0].save(tmp, "GIF", save_all=True, append_images=list(frames[1:]),
                       duration=duration_ms, loop=0)
    return path


def draw(what: str, make: Callable[[], Path | Sequence[Path]]) -> list[Path]:
    """Run ``make`` (which saves pictures) and print where they went.

    When matplotlib or Pillow is missing, print what was skipped and how to get it, and
    return ``[]``: the demo's numbers do not depend on its pictures.
    """
    try:
        made = make()
    except ModuleNotFoundError as e:
        print(message("plot.not_drawn", what=what, reason=e))
        return []
    paths = [made] if isinstance(made, Path) else list(made)
    for p in paths:
        print(message("plot.wrote", what=what, path=p))
    return paths


# ----- progress ------------------------------------------------------------------------


_warned: list[bool] = []  # say once per run that tqdm is missing


def progress(iterable: Iterable, total: int | None = None, desc: str = "") -> Iterable:
    """``iterable`` wrapped in a tqdm bar on stderr, or unchanged when stderr is not a
    terminal or tqdm is not installed (tests and logs stay clean)."""
    if not (hasattr(sys.stderr, "isatty") and sys.stderr.isatty()):
        return iterable
    try:
        from tqdm import tqdm
    except ImportError:
        if not _warned:
            _warned.append(True)
            print(message("plot.no_tqdm", hint=EXTRA_HINT), file=sys.stderr)
        return iterable
    return tqdm(iterable, total=total, desc=desc, leave=False, file=sys.stderr)
