"""Every differentiable op, forward and VJP side by side, and the registry behind them.

This is also the extension API: ``from autograd_mini.ops import op, OPS`` to add an op
that works on ``Value`` and ``Tensor`` alike; its ``@op(...)`` block declares what the
numpy protocol, ``compat`` and the test strategies read off it.
"""

from .conv import avg_pool2d, conv2d, dropout, flatten, max_pool2d, pad
from .elementwise import (
    abs,
    add,
    clip,
    cos,
    div,
    exp,
    log,
    maximum,
    minimum,
    mul,
    neg,
    pow,
    relu,
    sigmoid,
    sin,
    sqrt,
    square,
    sub,
    tanh,
    where,
)
from .linalg import dot, matmul
from .nn import log_softmax, logsumexp, softmax
from .reduce import max, mean, min, sum
from .registry import OPS, OpSpec, op, public_wrapper
from .shape import broadcast_to, concatenate, getitem, reshape, scatter_add, stack, transpose

__all__ = [
    "OPS", "OpSpec", "op", "public_wrapper",
    "abs", "add", "clip", "cos", "div", "exp", "log", "maximum", "minimum", "mul", "neg", "pow",
    "relu", "sigmoid", "sin", "sqrt", "square", "sub", "tanh", "where",
    "avg_pool2d", "conv2d", "dropout", "flatten", "max_pool2d", "pad",
    "dot", "matmul", "log_softmax", "logsumexp", "softmax",
    "max", "mean", "min", "sum",
    "broadcast_to", "concatenate", "getitem", "reshape", "scatter_add", "stack", "transpose",
]
