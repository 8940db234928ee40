"""``tf.math`` of TF2: the same functions as at the top of ``tf`` (``tf.math.tanh``)."""

from __future__ import annotations

from ..missing import missing
from .math_ops import (
    abs,
    add,
    argmax,
    argmin,
    divide,
    equal,
    exp,
    greater,
    greater_equal,
    less,
    less_equal,
    log,
    maximum,
    minimum,
    multiply,
    not_equal,
    pow,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_sum,
    sigmoid,
    sqrt,
    square,
    subtract,
    tanh,
)

__all__ = ["abs", "add", "argmax", "argmin", "divide", "equal", "exp", "greater",
           "greater_equal", "less", "less_equal", "log", "maximum", "minimum", "multiply",
           "not_equal", "pow", "reduce_max", "reduce_mean", "reduce_min", "reduce_sum",
           "sigmoid", "sqrt", "square", "subtract", "tanh"]

__getattr__ = missing("tf.math")
