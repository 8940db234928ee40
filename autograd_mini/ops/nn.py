"""Fused, numerically stable ops for networks: softmax, log_softmax, logsumexp.

Written as single ops (not compositions of exp and sum) because subtracting the max
before ``exp`` keeps them finite for any input, and their VJPs are short.
"""

from __future__ import annotations

import numpy as np

from .elementwise import exp
from .reduce import _spread, sum
from .registry import op


def _shifted(x, axis):
    """``x - m`` and ``m``, the finite max along ``axis`` (kept as a size-1 axis)."""
    m = np.max(x, axis=axis, keepdims=True)
    m = np.where(np.isfinite(m), m, 0)
    return x - m, m


def _logsumexp(x, axis):
    shifted, m = _shifted(x, axis)
    return np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True)) + m


@op(args="along_axis")
def logsumexp(x, axis=-1, keepdims=False):
    """log(sum(exp(x))) over an axis, without overflow.  d/dx = softmax(x)"""
    out = _logsumexp(x, axis)
    return out if keepdims else np.squeeze(out, axis=axis)


logsumexp.defvjp(lambda g, out, x, *, axis, keepdims:
                 _spread(g, x, axis, keepdims) * exp(x - _spread(out, x, axis, keepdims)))


@op(args="along_axis", tf_node="Softmax")
def softmax(x, axis=-1):
    """exp(x) / sum(exp(x)) over an axis.  d/dx = s * (g - sum(g*s))"""
    e = np.exp(x - np.max(x, axis=axis, keepdims=True))
    return e / np.sum(e, axis=axis, keepdims=True)


softmax.defvjp(lambda g, out, x, *, axis: out * (g - sum(g * out, axis=axis, keepdims=True)))


@op(args="along_axis")
def log_softmax(x, axis=-1):
    """x - logsumexp(x) over an axis.  d/dx = g - softmax(x) * sum(g)"""
    shifted, _ = _shifted(x, axis)  # (x - m) - log(sum): no cancellation of m, as in TF
    return shifted - np.log(np.sum(np.exp(shifted), axis=axis, keepdims=True))


log_softmax.defvjp(lambda g, out, x, *, axis: g - exp(out) * sum(g, axis=axis, keepdims=True))
