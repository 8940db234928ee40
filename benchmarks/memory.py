"""Memory: the peak a W3 epoch allocates, ours against seed 001's numpy code (tracemalloc).

Both sides start from data and weights that already exist, so the figure is the
working memory of training: activations, the graph, gradients and temporaries.
"""

from __future__ import annotations

import gc
import tracemalloc
from collections.abc import Callable

from autograd_mini import Variable

from . import w3_mnist_mlp as w3
from .timing import Row


def peak_mb(fn: Callable[[], object]) -> float:
    """Megabytes allocated at the peak while ``fn`` runs, above what existed before."""
    gc.collect()
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def run(quick: bool) -> list[Row]:
    X, Y = w3.dataset(w3.BATCH * 8 if quick else w3.ROWS)
    ref, ours = w3.init_params(), [Variable(p) for p in w3.init_params()]
    numpy_mb = peak_mb(lambda: w3.numpy_epoch(ref, X, Y))
    ours_mb = peak_mb(lambda: w3.ours_epoch(ours, X, Y))
    data_mb = (X.nbytes + Y.nbytes) / 2**20
    return [Row("memory", "autograd_mini", "MB", ours_mb, "numpy", numpy_mb, target=1.3,
                note=f"W3 epoch working memory; the {data_mb:.0f} MB data set is not counted")]
