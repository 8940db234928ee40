"""Plain numpy code on Tensors: numpy's ``__array_ufunc__`` / ``__array_function__`` hooks.

``np.exp(t)``, ``np.dot(z, W) + b`` and ``np.sum(t, axis=0)`` reach the matching op and
record (an op names the numpy functions that reach it: ``@op(numpy="exp")``); comparisons
and other non-differentiable functions compute plainly on the data; anything else raises
rather than silently dropping the graph.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import ops
from .errors import NoGradientError
from .graph import Node, data_of, shape_of
from .ops import OPS, OpSpec


def array_ufunc(ufunc: np.ufunc, method: str, inputs: tuple, kwargs: dict) -> Any:
    """``ufunc(*inputs)`` on Tensors: the matching op, a plain result, or a clear error."""
    if method == "__call__" and not kwargs:
        if ufunc.__name__ in _PLAIN_UFUNCS:
            return ufunc(*[data_of(x) for x in inputs])
        fn = _numpy_name(ufunc.__name__)
        if fn is not None:
            return fn(*inputs)
    raise NoGradientError(
        f"np.{ufunc.__name__}{'' if method == '__call__' else '.' + method} is not "
        f"supported on Tensors{' with ' + ', '.join(kwargs) if kwargs else ''}; "
        "use the autograd_mini functions, or t.numpy() to compute without gradients")


def array_function(func: Any, args: tuple, kwargs: dict) -> Any:
    """``func(*args, **kwargs)`` on Tensors: the matching op, a plain result, or an error."""
    name = func.__name__
    if name in _PLAIN_FUNCTIONS:
        return func(*_plain(args), **_plain(kwargs))
    fn = _numpy_name(name)
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


# numpy names that reach a function which is not an op of its own
_HELPERS = {"dot": ops.dot, "squeeze": _squeeze, "expand_dims": _expand_dims,
            "positive": lambda x: x}
_OP_NAMES: dict[str, OpSpec] = {}  # numpy name -> op, from the ops' ``numpy=`` declarations


def _numpy_name(name: str) -> Any:
    """The function numpy's ``name`` reaches on Tensors, or None."""
    spec = _OP_NAMES.get(name)
    if spec is not None and OPS.get(spec.name) is spec:
        return spec.public
    if name in _HELPERS:
        return _HELPERS[name]
    _OP_NAMES.clear()  # an op registered or removed since the table was read off OPS
    _OP_NAMES.update({n: op for op in OPS.values() for n in op.numpy})
    spec = _OP_NAMES.get(name)
    return None if spec is None else spec.public


_PLAIN_UFUNCS = {
    "greater", "greater_equal", "less", "less_equal", "equal", "not_equal", "isnan",
    "isinf", "isfinite", "sign", "logical_and", "logical_or", "logical_not", "floor", "ceil",
    "rint",
}
_PLAIN_FUNCTIONS = {
    "shape", "ndim", "size", "allclose", "isclose", "array_equal", "argmax", "argmin",
    "argsort", "count_nonzero", "round", "around", "array_repr", "array_str",
}
