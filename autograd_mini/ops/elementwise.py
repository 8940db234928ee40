"""Elementwise ops and their derivatives, one block per op: a table of derivatives.

Binary ops broadcast as numpy does; the registry sums each gradient back to its
input's shape. VJPs use operators and ops only, so they differentiate again.
"""

from __future__ import annotations

import math

import numpy as np

from ..graph import data_of
from .registry import op

# ----- binary (numpy broadcasting) ------------------------------------------------------


@op
def add(x, y):
    """x + y.  d/dx = 1, d/dy = 1"""
    return x + y


add.defvjp(lambda g, out, x, y: g,
           lambda g, out, x, y: g, reads_out=False)


@op
def sub(x, y):
    """x - y.  d/dx = 1, d/dy = -1"""
    return x - y


sub.defvjp(lambda g, out, x, y: g,
           lambda g, out, x, y: -g, reads_out=False)


@op
def mul(x, y):
    """x * y.  d/dx = y, d/dy = x"""
    return x * y


mul.defvjp(lambda g, out, x, y: g * y,
           lambda g, out, x, y: g * x, reads_out=False)


@op
def div(x, y):
    """x / y.  d/dx = 1/y, d/dy = -x/y**2"""
    return x / y


div.defvjp(lambda g, out, x, y: g / y,
           lambda g, out, x, y: -g * x / (y * y), reads_out=False)


def _pow_scalar(x, y):
    if x == 0.0 and y < 0:
        raise ZeroDivisionError("0.0 cannot be raised to a negative power")
    out = x**y
    if isinstance(out, complex):
        raise ValueError("a negative number raised to a fractional power is not real")
    return out


@op(scalar=_pow_scalar)
def pow(x, y):  # noqa: A001  (numpy's name)
    """x ** y.  d/dx = y*x**(y-1), d/dy = log(x)*x**y"""
    return x**y


pow.defvjp(lambda g, out, x, y: g * y * x ** (y - 1),
           lambda g, out, x, y: g * out * log(x))


@op
def maximum(x, y):
    """Elementwise max.  d/dx = [x >= y], d/dy = [x < y]"""
    return np.maximum(x, y)


maximum.defvjp(lambda g, out, x, y: g * (x >= y),
               lambda g, out, x, y: g * (x < y))


@op
def minimum(x, y):
    """Elementwise min.  d/dx = [x <= y], d/dy = [x > y]"""
    return np.minimum(x, y)


minimum.defvjp(lambda g, out, x, y: g * (x <= y),
               lambda g, out, x, y: g * (x > y))


# ----- unary ----------------------------------------------------------------------------


@op
def neg(x):
    """-x.  d/dx = -1"""
    return -x


neg.defvjp(lambda g, out, x: -g, reads_out=False)


@op(scalar=math.exp)
def exp(x):
    """e ** x.  d/dx = exp(x)"""
    return np.exp(x)


exp.defvjp(lambda g, out, x: g * out)


@op(scalar=math.log, domain=(0.0, None))
def log(x):
    """Natural logarithm.  d/dx = 1/x"""
    return np.log(x)


log.defvjp(lambda g, out, x: g / x)


@op(scalar=math.sqrt, domain=(0.0, None))
def sqrt(x):
    """Square root.  d/dx = 1/(2*sqrt(x))"""
    return np.sqrt(x)


sqrt.defvjp(lambda g, out, x: g / (2 * out))


@op
def square(x):
    """x ** 2.  d/dx = 2*x"""
    return x * x


square.defvjp(lambda g, out, x: g * (x + x), reads_out=False)  # 2*g*x exactly, 1 op fewer


@op(scalar=abs)
def abs(x):  # noqa: A001  (numpy's name)
    """|x|.  d/dx = sign(x)"""
    return np.abs(x)


abs.defvjp(lambda g, out, x: g * np.sign(data_of(x)))


@op(scalar=math.sin)
def sin(x):
    """Sine.  d/dx = cos(x)"""
    return np.sin(x)


sin.defvjp(lambda g, out, x: g * cos(x))


@op(scalar=math.cos)
def cos(x):
    """Cosine.  d/dx = -sin(x)"""
    return np.cos(x)


cos.defvjp(lambda g, out, x: -g * sin(x))


@op(scalar=math.tanh)
def tanh(x):
    """Hyperbolic tangent.  d/dx = 1 - tanh(x)**2"""
    return np.tanh(x)


tanh.defvjp(lambda g, out, x: g * (1 - out * out))


def _sigmoid_scalar(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # never overflows for x < 0
    return e / (1.0 + e)


@op(scalar=_sigmoid_scalar)
def sigmoid(x):
    """Logistic 1/(1+exp(-x)).  d/dx = sigmoid(x)*(1-sigmoid(x))"""
    with np.errstate(over="ignore"):  # exp(-x) = inf gives the right limit, 0
        return 1 / (1 + np.exp(-x))


sigmoid.defvjp(lambda g, out, x: g * out * (1 - out))


@op(scalar=lambda x: x if x > 0.0 else 0.0)
def relu(x):
    """max(x, 0).  d/dx = [x > 0]"""
    return np.maximum(x, 0)


relu.defvjp(lambda g, out, x: g * (x > 0))


def clip(x, low=None, high=None):
    """x limited to [low, high] (either may be None), as ``np.clip``."""
    return _clip(x, low=data_of(low), high=data_of(high))


@op(name="clip")
def _clip(x, *, low=None, high=None):
    """x limited to [low, high].  d/dx = [low <= x <= high]"""
    return np.clip(x, low, high)


_clip.defvjp(lambda g, out, x, *, low, high: g * _inside(data_of(x), low, high))


def _inside(x, low, high):
    keep = np.ones(np.shape(x), dtype=bool)
    if low is not None:
        keep &= x >= low
    if high is not None:
        keep &= x <= high
    return keep


def where(condition, x, y):
    """x where condition holds, else y, as ``np.where``; the condition gets no gradient."""
    return _where(x, y, condition=np.asarray(data_of(condition), dtype=bool))


@op(name="where")
def _where(x, y, *, condition):
    """x where condition holds, else y.  d/dx = [condition], d/dy = [not condition]"""
    return np.where(condition, x, y)


_where.defvjp(lambda g, out, x, y, *, condition: g * condition,
             lambda g, out, x, y, *, condition: g * ~condition)
