"""Activation functions, as functions and as modules, for Values and Tensors alike.

The fused ones (``sigmoid``, ``tanh``, ``relu``, ``softmax``, ``log_softmax``) are the
engine's ops; the rest are short compositions of them. ``get_activation`` resolves the
names accepted by ``nn.MLP(activation=...)``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from .. import ops
from ..errors import DTypeError
from .module import Module

sigmoid = ops.sigmoid
tanh = ops.tanh
relu = ops.relu
softmax = ops.softmax
log_softmax = ops.log_softmax


def identity(x: Any) -> Any:
    """x unchanged (a linear output layer)."""
    return x


def leaky_relu(x: Any, alpha: float = 0.01) -> Any:
    """x for x > 0, else alpha * x.  d/dx = 1 or alpha"""
    return ops.maximum(x, alpha * x)


def softplus(x: Any) -> Any:
    """log(1 + exp(x)), written so exp never overflows.  d/dx = sigmoid(x)"""
    return ops.relu(x) + ops.log(1 + ops.exp(-ops.abs(x)))


# ----- the same as modules, for Sequential ---------------------------------------------------


class _Activation(Module):
    fn: Callable[[Any], Any]

    def forward(self, x: Any) -> Any:
        return type(self).fn(x)


class Sigmoid(_Activation):
    """``sigmoid`` as a layer."""

    fn = sigmoid


class Tanh(_Activation):
    """``tanh`` as a layer."""

    fn = tanh


class ReLU(_Activation):
    """``relu`` as a layer."""

    fn = relu


class Softplus(_Activation):
    """``softplus`` as a layer."""

    fn = softplus


class Identity(_Activation):
    """Passes its input through."""

    fn = identity


class LeakyReLU(Module):
    """``leaky_relu`` with a fixed ``alpha``, as a layer."""

    def __init__(self, alpha: float = 0.01):
        super().__init__()
        self.alpha = alpha

    def forward(self, x: Any) -> Any:
        return leaky_relu(x, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class Softmax(Module):
    """``softmax`` over ``axis``, as a layer."""

    def __init__(self, axis: int = -1):
        super().__init__()
        self.axis = axis

    def forward(self, x: Any) -> Any:
        return softmax(x, axis=self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"


ACTIVATIONS: dict[str, Callable[[Any], Any]] = {
    "sigmoid": sigmoid, "tanh": tanh, "relu": relu, "leaky_relu": leaky_relu,
    "softplus": softplus, "softmax": softmax, "linear": identity, "identity": identity,
}


def get_activation(activation: str | Callable[[Any], Any] | None) -> Callable[[Any], Any]:
    """The function for a name in ``ACTIVATIONS``, a callable (kept), or None (identity)."""
    if activation is None:
        return identity
    if callable(activation):
        return activation
    fn = ACTIVATIONS.get(activation) if isinstance(activation, str) else None
    if fn is None:
        raise DTypeError(f"unknown activation {activation!r}; choose one of "
                         f"{', '.join(sorted(ACTIVATIONS))}, None, or pass a function")
    return fn


def activation_repr(fn: Callable[[Any], Any]) -> str:
    """``", activation=relu"`` for a layer's repr; ``""`` for the identity."""
    return "" if fn is identity else f", activation={getattr(fn, '__name__', repr(fn))}"
