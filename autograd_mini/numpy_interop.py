"""Plain numpy code on Tensors: numpy's ``__array_ufunc__`` / ``__array_function__`` hooks.

``np.exp(t)``, ``np.dot(z, W) + b`` and ``np.sum(t, axis=0)`` reach the matching op and
record; comparisons and other non-differentiable functions compute plainly on the data;
anything else raises rather than silently dropping the graph.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .errors import NoGradientError
from .graph import Node, data_of, shape_of


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``ufunc(*inputs)`` on Tensors: the matching op, a plain result, or a clear error."""
    fn = _UFUNCS.get(ufunc.__name__)
    if method == "__call__" and not kwargs and fn is not None:
        return fn(*inputs)
    if method == "__call__" and not kwargs and ufunc.__name__ in _PLAIN_UFUNCS:
        return ufunc(*[data_of(x) for x in inputs])
    raise NoGradientError(
        f"np.{ufunc.__name__}{'' if method == '__call__' else '.' + method} is not "
        f"supported on Tensors{' with ' + ', '.join(kwargs) if kwargs else ''}; "
        "use the autograd_mini functions, or t.numpy() to compute without gradients")


def array_function(func: Any, args: tuple, kwargs: dict) -> Any:
    """``func(*args, **kwargs)`` on Tensors: the matching op, a plain result, or an error."""
    name = func.__name__
    if name in _PLAIN_FUNCTIONS:
        return func(*_plain(args), **_plain(kwargs))
    fn = _FUNCTIONS.get(name)
    if fn is None:
        raise NoGradientError(
            f"np.{name} is not supported on Tensors (it would drop the graph); use the "
            "autograd_mini functions, or t.numpy() to compute without gradients")
    try:
        return fn(*args, **kwargs)
    except TypeError as e:
        raise NoGradientError(f"np.{name} on Tensors: {e}") from None


def _plain(x: Any) -> Any:
    if isinstance(x, Node):
        return x.data
    if isinstance(x, (list, tuple)):
        return type(x)(_plain(i) for i in x)
    if isinstance(x, dict):
        return {k: _plain(v) for k, v in x.items()}
    return x


def _squeeze(x, axis=None):
    shape = shape_of(x)
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis) % len(shape)
    return ops.reshape(x, tuple(n for i, n in enumerate(shape) if not (i in axes and n == 1)))


def _expand_dims(x, axis):
    return ops.reshape(x, np.expand_dims(data_of(x), axis).shape)


_UFUNCS = {
    "add": ops.add, "subtract": ops.sub, "multiply": ops.mul, "divide": ops.div,
    "true_divide": ops.div, "power": ops.pow, "negative": ops.neg, "exp": ops.exp,
    "log": ops.log, "sqrt": ops.sqrt, "square": ops.square, "tanh": ops.tanh, "sin": ops.sin,
    "cos": ops.cos, "absolute": ops.abs, "maximum": ops.maximum, "minimum": ops.minimum,
    "matmul": ops.matmul, "positive": lambda x: x,
}
_PLAIN_UFUNCS = {
    "greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "isnan",
    "isinf", "isfinite", "sign", "logical_and", "logical_or", "logical_not", "floor", "ceil",
    "rint",
}
_FUNCTIONS = {
    "dot": ops.dot, "matmul": ops.matmul, "sum": ops.sum, "mean": ops.mean, "max": ops.max,
    "amax": ops.max, "min": ops.min, "amin": ops.min, "reshape": ops.reshape,
    "transpose": ops.transpose, "concatenate": ops.concatenate, "stack": ops.stack,
    "where": ops.where, "clip": ops.clip, "broadcast_to": ops.broadcast_to,
    "squeeze": _squeeze, "expand_dims": _expand_dims,
}
_PLAIN_FUNCTIONS = {
    "shape", "ndim", "size", "allclose", "isclose", "array_equal", "argmax", "argmin",
    "argsort", "count_nonzero", "round", "around", "array_repr", "array_str",
}
