"""autograd_mini: reverse-mode automatic differentiation to teach and learn backprop with.

``Value`` (a scalar) and ``Tensor`` (a numpy array) record the ops applied to them;
``backward()`` or a ``Tape`` sends gradients back. ``autograd_mini.nn`` and
``autograd_mini.optim`` build networks on top; ``autograd_mini.viz`` draws the graph.
"""

from __future__ import annotations

import importlib
from typing import Any

from ._namespace import public_dir
from .compiled import compile
from .errors import (
    AnomalyError,
    AutogradError,
    DTypeError,
    GraphError,
    NoGradientError,
    OpError,
    ShapeError,
    TapeError,
    TraceError,
)
from .graph import Node, zero_grad
from .ops import (
    abs,
    avg_pool2d,
    clip,
    concatenate,
    conv2d,
    cos,
    dot,
    dropout,
    exp,
    flatten,
    log,
    log_softmax,
    logsumexp,
    matmul,
    max,
    max_pool2d,
    maximum,
    mean,
    min,
    minimum,
    pad,
    relu,
    reshape,
    sigmoid,
    sin,
    softmax,
    sqrt,
    square,
    stack,
    sum,
    tanh,
    transpose,
    where,
)
from .recording import detect_anomaly, enable_grad, is_recording, no_grad
from .tape import Tape
from .tensor import Tensor
from .transforms import grad, hessian, value_and_grad
from .value import Value
from .variable import Variable

__version__ = "0.1.0"

_SUBMODULES = {"nn", "optim", "training", "viz", "testing", "datasets", "compat"}

__all__ = [
    "Value", "Tensor", "Variable", "Tape", "Node", "compile", "grad", "value_and_grad",
    "hessian",
    "no_grad", "enable_grad", "is_recording", "detect_anomaly", "zero_grad",
    "abs", "avg_pool2d", "clip", "concatenate", "conv2d", "cos", "dot", "dropout", "exp",
    "flatten", "log", "log_softmax", "logsumexp", "matmul", "max", "max_pool2d", "maximum",
    "mean", "min", "minimum", "pad", "relu", "reshape", "sigmoid", "sin",
    "softmax", "sqrt", "square", "stack", "sum", "tanh", "transpose", "where",
    "AutogradError", "ShapeError", "DTypeError", "OpError", "GraphError", "TapeError",
    "NoGradientError", "AnomalyError", "TraceError",
    *sorted(_SUBMODULES),
]


def __getattr__(name: str) -> Any:
    """Import ``nn``, ``optim``, ``viz``, ... on first use, keeping ``import`` light."""
    if name in _SUBMODULES:
        return importlib.import_module(f"{__name__}.{name}")
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__dir__ = public_dir(globals())
