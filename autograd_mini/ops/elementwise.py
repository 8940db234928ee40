"""Elementwise ops and their derivatives, one block per op: a table of derivatives.

Binary ops broadcast as numpy does; the registry sums each gradient back to its
input's shape. VJPs use operators and ops only, so they differentiate again.
"""

from __future__ import annotations

import math

import numpy as np

from ..graph import data_of
from .registry import op, public_wrapper

# ----- binary (numpy broadcasting) ------------------------------------------------------


@op(numpy="add")
def add(x, y):
    """x + y.  d/dx = 1, d/dy = 1"""
    return x + y


add.defvjp(lambda g, out, x, y: g,
           lambda g, out, x, y: g, reads_out=False)


@op(numpy="subtract")
def sub(x, y):
    """x - y.  d/dx = 1, d/dy = -1"""
    return x - y


sub.defvjp(lambda g, out, x, y: g,
           lambda g, out, x, y: -g, reads_out=False)


@op(numpy="multiply")
def mul(x, y):
    """x * y.  d/dx = y, d/dy = x"""
    return x * y


mul.defvjp(lambda g, out, x, y: g * y,
           lambda g, out, x, y: g * x, reads_out=False)


@op(numpy=("divide", "true_divide"), tf_node="truediv", args="nonzero_divisor")
def div(x, y):
    """x / y.  d/dx = 1/y, d/dy = -x/y**2"""
    return x / y


div.defvjp(lambda g, out, x, y: _quotient(g, y),
           lambda g, out, x, y: _quotient(-g * x, y * y), reads_out=False)


# Python's float math raises (1 / 0.0, 0.0 ** -1, 0.5 ** -1100) or goes complex
# ((-1.0) ** 0.5) where float64 gives inf or nan: these two redo such a case in numpy
# float64, with numpy's warning, so a Value's gradient is the one a float64 Tensor gets.


def _quotient(a, b):
    """a / b; inf or nan where Python floats raise ZeroDivisionError."""
    try:
        return a / b
    except ZeroDivisionError:
        return float(np.float64(a) / b)


def _power(a, b):
    """a ** b; inf or nan where Python floats raise or give a complex number."""
    try:
        out = a**b
    except ArithmeticError:
        return float(np.float64(a) ** b)
    return float(np.float64(a) ** b) if type(out) is complex else out


@op(scalar=_power, numpy="power", args="positive_base")
def pow(x, y):  # noqa: A001  (numpy's name)
    """x ** y.  d/dx = y*x**(y-1), d/dy = log(x)*x**y"""
    return x**y


def _pow_dx(g, out, x, y):
    # PyTorch's rule: d/dx = y * x**(y-1), but 0 where y == 0 (x**0 is 1 for every x;
    # at x == 0 the formula would be 0 * inf = nan)
    if type(y) is float:  # a Value's backward: Python floats
        return g * y * _power(x, y - 1) if y != 0.0 else 0.0
    d = g * y * x ** (y - 1)
    if not np.any(data_of(y) == 0):
        return d
    return where((data_of(y) == 0) & (data_of(x) == 0), 0.0, d)


def _pow_dy(g, out, x, y):
    # PyTorch's rule: d/dy = x**y * log(x), but 0 where x == 0 and y >= 0 (there x**y
    # stays 0, or 1 for y == 0, whatever y does; log(0) = -inf would make it nan)
    if type(x) is float:  # a Value's backward: Python floats
        if x > 0.0:
            return g * out * math.log(x)
        if x == 0.0 and y >= 0.0:
            return 0.0
        return float(g * out * np.log(x))  # nan for x < 0, -inf for 0 ** negative
    at_zero = (data_of(x) == 0) & (data_of(y) >= 0)
    if not np.any(at_zero):
        return g * out * log(x)
    return where(at_zero, 0.0, g * out * log(where(at_zero, 1.0, x)))


pow.defvjp(_pow_dx, _pow_dy)


@op(ties=True, numpy="maximum", tf_node="Maximum")
def maximum(x, y):
    """Elementwise max.  d/dx = [x >= y], d/dy = [x < y]"""
    return np.maximum(x, y)


maximum.defvjp(lambda g, out, x, y: g * (x >= y),
               lambda g, out, x, y: g * (x < y))


@op(ties=True, numpy="minimum", tf_node="Minimum")
def minimum(x, y):
    """Elementwise min.  d/dx = [x <= y], d/dy = [x > y]"""
    return np.minimum(x, y)


minimum.defvjp(lambda g, out, x, y: g * (x <= y),
               lambda g, out, x, y: g * (x > y))


# ----- unary ----------------------------------------------------------------------------


@op(numpy="negative", tf_node="Neg")
def neg(x):
    """-x.  d/dx = -1"""
    return -x


neg.defvjp(lambda g, out, x: -g, reads_out=False)


@op(scalar=math.exp, numpy="exp", tf_node="Exp")
def exp(x):
    """e ** x.  d/dx = exp(x)"""
    return np.exp(x)


exp.defvjp(lambda g, out, x: g * out)


@op(scalar=math.log, domain=(0.0, None), numpy="log", tf_node="Log")
def log(x):
    """Natural logarithm.  d/dx = 1/x"""
    return np.log(x)


log.defvjp(lambda g, out, x: _quotient(g, x))


@op(scalar=math.sqrt, domain=(0.0, None), numpy="sqrt", tf_node="Sqrt")
def sqrt(x):
    """Square root.  d/dx = 1/(2*sqrt(x))"""
    return np.sqrt(x)


sqrt.defvjp(lambda g, out, x: _quotient(g, 2 * out))


@op(numpy="square", tf_node="Square")
def square(x):
    """x ** 2.  d/dx = 2*x"""
    return x * x


# (g * 2) * x: TF's g * (2 * x) to the bit (doubling is exact) unless 2 * g overflows; a
# compiled step works g * 2 out once where g is the same every call (a mean's seed)
square.defvjp(lambda g, out, x: g * 2 * x, reads_out=False)


@op(scalar=abs, kinks=(0.0,), numpy="absolute", tf_node="Abs")
def abs(x):  # noqa: A001  (numpy's name)
    """|x|.  d/dx = sign(x)"""
    return np.abs(x)


abs.defvjp(lambda g, out, x: g * np.sign(data_of(x)))


@op(scalar=math.sin, numpy="sin")
def sin(x):
    """Sine.  d/dx = cos(x)"""
    return np.sin(x)


sin.defvjp(lambda g, out, x: g * cos(x))


@op(scalar=math.cos, numpy="cos")
def cos(x):
    """Cosine.  d/dx = -sin(x)"""
    return np.cos(x)


cos.defvjp(lambda g, out, x: -g * sin(x))


@op(scalar=math.tanh, numpy="tanh", tf_node="Tanh")
def tanh(x):
    """Hyperbolic tangent.  d/dx = 1 - tanh(x)**2"""
    return np.tanh(x)


tanh.defvjp(lambda g, out, x: g * (1 - out * out))


def _sigmoid_scalar(x: float) -> float:
    if x >= 0:
        return 1.0 / (1.0 + math.exp(-x))
    e = math.exp(x)  # never overflows for x < 0
    return e / (1.0 + e)


@op(scalar=_sigmoid_scalar, tf_node="Sigmoid")
def sigmoid(x):
    """Logistic 1/(1+exp(-x)).  d/dx = sigmoid(x)*(1-sigmoid(x))"""
    with np.errstate(over="ignore"):  # exp(-x) = inf gives the right limit, 0
        return 1 / (1 + np.exp(-x))


sigmoid.defvjp(lambda g, out, x: g * out * (1 - out))


@op(scalar=lambda x: x if x > 0.0 else 0.0, kinks=(0.0,), tf_node="Relu")
def relu(x):
    """max(x, 0).  d/dx = [x > 0]"""
    return np.maximum(x, 0)


relu.defvjp(lambda g, out, x: g * (x > 0))


@op(name="clip", args="clip", numpy="clip")
def _clip(x, *, low=None, high=None):
    """x limited to [low, high].  d/dx = [low <= x <= high]"""
    return np.clip(x, low, high)


_clip.defvjp(lambda g, out, x, *, low, high: g * _inside(data_of(x), low, high))


@public_wrapper(_clip)
def clip(x, low=None, high=None):
    """x limited to [low, high] (either may be None), as ``np.clip``."""
    return _clip(x, low=data_of(low), high=data_of(high))


def _inside(x, low, high):
    keep = np.ones(np.shape(x), dtype=bool)
    if low is not None:
        keep &= x >= low
    if high is not None:
        keep &= x <= high
    return _factor(keep)


def _factor(mask):
    """A 0/1 mask to multiply a gradient by: a number when 0-d (a Value takes no array)."""
    return mask if np.ndim(mask) else float(mask)


@op(name="where", args="where", numpy="where")
def _where(x, y, *, condition):
    """x where condition holds, else y.  d/dx = [condition], d/dy = [not condition]"""
    return np.where(condition, x, y)


_where.defvjp(lambda g, out, x, y, *, condition: g * _factor(condition),
              lambda g, out, x, y, *, condition: g * _factor(~condition))


@public_wrapper(_where)
def where(condition, x, y):
    """x where condition holds, else y, as ``np.where``; the condition gets no gradient."""
    return _where(x, y, condition=np.asarray(data_of(condition), dtype=bool))
