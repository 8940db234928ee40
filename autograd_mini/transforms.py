"""Function transforms: ``grad``, ``value_and_grad`` and ``hessian`` turn a function into
its derivatives, built on nested ``Tape``s.

They differentiate with respect to the chosen arguments whether or not those require
grad, never touch any ``.grad``, and nest (``grad(grad(f))``) or run under an outer tape.
"""

from __future__ import annotations

import functools
import numbers
import warnings
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from . import ops
from .errors import DTypeError, ShapeError
from .graph import Node, data_of
from .tape import Tape, _taping
from .tensor import Tensor
from .value import Value

ArgNums = int | Sequence[int]


def grad(fn: Callable, argnums: ArgNums = 0) -> Callable:
    """The function computing d fn / d args[argnums]; ``fn`` must return a scalar.

    Gradients come back in the argument's kind: a float for a ``Value`` or a number, a
    ``Tensor`` (same dtype) for a Tensor, a float64 numpy array for an array or list
    (those are differentiated in float64). With a tuple ``argnums``, a tuple of them.
    Under an outer recording ``Tape`` (or inside another transform) the results are
    recorded nodes instead, so derivatives nest: ``grad(grad(f))``.

    >>> grad(lambda x: x ** 3)(2.0)
    12.0
    """

    @functools.wraps(fn)
    def grad_fn(*args: Any, **kwargs: Any) -> Any:
        return _value_and_grad(fn, argnums, args, kwargs, "grad")[1]

    return grad_fn


def value_and_grad(fn: Callable, argnums: ArgNums = 0) -> Callable:
    """The function returning ``(fn(*args), grad(fn, argnums)(*args))`` from one pass.

    The value is a float for a ``Value`` result and a constant ``Tensor`` for a Tensor
    result (recorded nodes under an outer tape), as in ``grad``.
    """

    @functools.wraps(fn)
    def value_and_grad_fn(*args: Any, **kwargs: Any) -> tuple[Any, Any]:
        return _value_and_grad(fn, argnums, args, kwargs, "value_and_grad")

    return value_and_grad_fn


def hessian(fn: Callable, argnums: ArgNums = 0) -> Callable:
    """The function computing the matrix of second derivatives of a scalar ``fn``.

    For a Tensor argument of shape S the result has shape S + S; for a number or
    ``Value`` it is a float. With a tuple ``argnums`` the result is a tuple of tuples,
    ``H[i][j]`` = d2 fn / d args[i] d args[j]. Takes one backward pass per element of the
    gradient (``Tape.jacobian`` of the recorded gradient).
    """

    @functools.wraps(fn)
    def hessian_fn(*args: Any, **kwargs: Any) -> Any:
        nums, single = _argnums(argnums, len(args), "hessian")
        leaves = [_leaf(args[i], i) for i in nums]
        with Tape(persistent=True) as outer:
            outer.watch(leaves)
            _, grads = _differentiate(fn, args, kwargs, nums, leaves, "hessian", stacklevel=3)
        rows = tuple(tuple(_like(outer.jacobian(g, x, unconnected_gradients="zero"), args[j])
                           for x, j in zip(leaves, nums)) for g in grads)
        return rows[0][0] if single else rows

    return hessian_fn


# ----- helpers ----------------------------------------------------------------------


def _value_and_grad(fn: Callable, argnums: ArgNums, args: tuple, kwargs: dict,
                    who: str) -> tuple[Any, Any]:
    nums, single = _argnums(argnums, len(args), who)
    leaves = [_leaf(args[i], i) for i in nums]
    out, grads = _differentiate(fn, args, kwargs, nums, leaves, who, stacklevel=4)
    grads = [_like(g, args[i]) for g, i in zip(grads, nums)]
    return _like(out, out), grads[0] if single else tuple(grads)


def _differentiate(fn: Callable, args: tuple, kwargs: dict, nums: list[int],
                   leaves: list[Node], who: str, stacklevel: int) -> tuple[Any, list[Any]]:
    """Run ``fn`` with ``leaves`` in place of ``args[nums]``; its output and gradients.

    An argument the output does not depend on gets zeros and a warning (at the user's
    call, ``stacklevel`` frames up).
    """
    call = list(args)
    for i, leaf in zip(nums, leaves):
        call[i] = leaf
    with Tape() as tape:
        tape.watch(leaves)
        out = fn(*call, **kwargs)
    name = f"{who} of {getattr(fn, '__name__', 'fn')}"
    if isinstance(out, Node):
        if np.size(out.data) != 1:
            raise ShapeError(f"{name}: the function must return a scalar, got shape "
                             f"{np.shape(out.data)}; reduce it (e.g. .sum()) or use "
                             "Tape.jacobian for a non-scalar output")
        grads = tape.gradient(out, leaves)
    elif isinstance(out, numbers.Real) or np.size(out) == 1:
        grads = [None] * len(leaves)
    else:
        raise DTypeError(f"{name}: the function must return a Value, a Tensor or a "
                         f"number, got {type(out).__name__}")
    for k, g in enumerate(grads):
        if g is None:
            warnings.warn(f"{name}: the output does not depend on argument "
                          f"{nums[k]}; its gradient is zero", stacklevel=stacklevel)
            leaf = leaves[k]
            grads[k] = Tensor(np.zeros_like(leaf.data)) if isinstance(leaf, Tensor) else \
                Value(0.0, requires_grad=False)
    return out, grads


def _leaf(arg: Any, i: int) -> Node:
    """A fresh node to differentiate ``arg`` by: linked to ``arg`` while a tape records it."""
    if isinstance(arg, Node):
        if arg.requires_grad and _taping():
            return ops.mul(arg, 1.0)  # an outer tape sees through this copy: derivatives nest
        return Value(arg.data) if isinstance(arg, Value) else \
            Tensor(arg.data, requires_grad=True)
    if isinstance(arg, numbers.Real):
        return Value(float(arg))
    try:
        return Tensor(np.asarray(arg), dtype=np.float64, requires_grad=True)
    except (DTypeError, ValueError) as e:
        raise DTypeError(f"argument {i} to differentiate must be a Value, Tensor, number or "
                         f"array, got {type(arg).__name__} ({e})") from None


def _like(g: Any, arg: Any) -> Any:
    """``g`` in the kind of ``arg``; recorded nodes stay nodes while an outer tape records."""
    if _taping():
        return g
    if isinstance(arg, (Value, numbers.Real)):
        return float(data_of(g))
    if isinstance(arg, Tensor):
        return Tensor(np.asarray(data_of(g), dtype=arg.dtype))
    return np.asarray(data_of(g), dtype=np.float64)


def _argnums(argnums: ArgNums, n: int, who: str) -> tuple[list[int], bool]:
    """The argument positions as a list, and whether one position (not a tuple) was given."""
    single = isinstance(argnums, (int, np.integer))
    nums = [argnums] if single else list(argnums)
    for k in nums:
        if not isinstance(k, (int, np.integer)) or not -n <= k < n:
            raise DTypeError(f"{who}: argnums={argnums!r} does not pick among the {n} "
                             "positional arguments given; use ints in range(n)")
    return [int(k) % n for k in nums], single
