"""``check_backward``: a hand-written numpy backward pass checked against the engine.

For students who derive gradients by hand (as the tutorials' ``fc_backword`` does): the
report names the wrong gradient and guesses the mistake.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .._fast import backprop
from ..errors import DTypeError
from ..graph import data_of
from ..recording import enable_grad
from ..tensor import Tensor
from .gradcheck import GradcheckError, Mismatch


def check_backward(forward: Callable[..., Any], backward: Callable[..., Sequence[Any]],
                   *inputs: Any, raise_exception: bool = True) -> bool:
    """Check a numpy backward pass, ``backward(grad_output, *inputs)``, against the engine.

    ``forward(*inputs)`` runs on float64 Tensors (numpy functions such as ``np.dot`` work
    on them) and the engine differentiates it; ``backward`` gets plain float64 arrays and
    returns one gradient per input, in input order (``None`` skips an input). A scalar
    output (a loss) gets ``grad_output`` 1.0, any other output a random one.

    Raises:
        GradcheckError: which returned gradient is wrong, where, by how much, with a hint
            (a transposed product, a constant factor such as a missing 1/N, a flipped sign).
    """
    arrays = [np.array(data_of(x), dtype=np.float64) for x in inputs]
    names = _parameter_names(forward, len(arrays))
    leaves = [Tensor(a.copy(), requires_grad=True) for a in arrays]
    with enable_grad():
        out = forward(*leaves)
    if not isinstance(out, Tensor):
        raise DTypeError(f"check_backward: forward returned {type(out).__name__}, not a Tensor; "
                         "it must compute with numpy functions or autograd_mini ops on its "
                         "inputs (np.asarray or .data would leave the graph)")
    g = np.ones(out.shape) if out.size == 1 else np.random.default_rng(0).standard_normal(out.shape)
    grads = backprop(out, g)
    returned = backward(g.copy(), *[a.copy() for a in arrays])
    if len(arrays) == 1 and not isinstance(returned, (tuple, list)):
        returned = (returned,)
    if len(returned) != len(arrays):
        return _fail(f"check_backward: backward returned {len(returned)} gradient(s) for "
                     f"{len(arrays)} inputs ({', '.join(names)}); return one per input, in "
                     "input order (None to skip one)", [], raise_exception)
    problems = [m for i, (mine, leaf) in enumerate(zip(returned, leaves)) if mine is not None
                for m in [_compare_gradient(i, names[i], mine, grads.get(leaf), leaf)] if m]
    if not problems:
        return True
    lines = [f"check_backward: {len(problems)} of {len(arrays)} gradients are wrong"]
    lines += [f"  gradient {m.input} ({m.label}): {m.detail}" for m in problems]
    return _fail("\n".join(lines), problems, raise_exception)


def _compare_gradient(i: int, name: str, mine: Any, ref: Any, leaf: Tensor) -> Mismatch | None:
    ref = np.zeros(leaf.shape) if ref is None else np.asarray(ref, dtype=np.float64)
    mine = np.asarray(mine, dtype=np.float64)
    label = f"for '{name}', shape {ref.shape}"
    if mine.shape != ref.shape:
        hint = ("; a transposed product?" if mine.shape == ref.shape[::-1] else
                "; a sum over the batch axis missing?" if mine.ndim > ref.ndim else "")
        return Mismatch(i, label, (), np.nan, np.nan, ref.size,
                        f"yours has shape {mine.shape}, expected {ref.shape}{hint}")
    err = np.abs(mine - ref)
    bad = ~(err <= 1e-7 + 1e-5 * np.abs(ref))
    if not bad.any():
        return None
    k = np.unravel_index(int(np.argmax(np.where(bad, np.nan_to_num(err, nan=np.inf), -1))),
                         ref.shape)
    detail = (f"wrong at {int(bad.sum())} of {ref.size} elements; worst at {tuple(map(int, k))}: "
              f"yours {mine[k]:.6g}, the engine's {ref[k]:.6g}" + _hint(mine, ref))
    return Mismatch(i, label, tuple(map(int, k)), float(mine[k]), float(ref[k]), int(bad.sum()),
                    detail)


def _hint(mine: np.ndarray, ref: np.ndarray) -> str:
    """A guess at the mistake: a transpose, a constant factor, a flipped sign."""
    if mine.ndim == 2 and mine.shape[0] == mine.shape[1] and np.allclose(mine, ref.T):
        return "; it equals the transpose of the right one: a transposed product?"
    ref_norm = float(np.sum(ref * ref))
    if ref_norm > 0 and np.all(np.isfinite(mine)):
        c = float(np.sum(mine * ref)) / ref_norm
        if np.allclose(mine, c * ref, rtol=1e-6, atol=1e-9):
            return ("; the sign is flipped" if np.isclose(c, -1) else f"; yours is {c:.6g} times "
                    "the right one: a missing or extra constant factor (1/N, 2, ...)?")
    return ""


def _parameter_names(fn: Callable, n: int) -> list[str]:
    try:
        params = [p.name for p in inspect.signature(fn).parameters.values()
                  if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD)]
    except (TypeError, ValueError):
        params = []
    return params[:n] if len(params) >= n else [f"input {i}" for i in range(n)]


def _fail(report: str, mismatches: list[Mismatch], raise_exception: bool) -> bool:
    if raise_exception:
        raise GradcheckError(report, mismatches)
    return False
