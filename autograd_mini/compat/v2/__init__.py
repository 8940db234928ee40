"""TensorFlow 2's eager API on autograd_mini: ``import autograd_mini.compat.v2 as tf``.

Tensors are the engine's (``EagerTensor`` adds TF's dtypes and printing), ``GradientTape``
is the engine's ``Tape``, and every gradient is an engine VJP::

    w = tf.Variable(tf.constant(5, dtype=tf.float32))
    with tf.GradientTape() as tape:
        loss = tf.square(w + 1)
    w.assign_sub(0.2 * tape.gradient(loss, w))

Random numbers are TensorFlow 2's (``tf.random``); ``tf.data.Dataset``, ``tf.keras.losses``
and ``tf.keras.optimizers`` hold what the course's GradientTape chapters use, and
``tf.keras`` (layers, ``Model``, ``Sequential``, ``fit``, callbacks, ``datasets.mnist``)
what its Keras chapters use.
"""

from __future__ import annotations

from ..._namespace import public_dir
from ..missing import missing
from . import data, keras, math, nn, random
from .keras import losses
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
    matmul,
    maximum,
    minimum,
    multiply,
    not_equal,
    one_hot,
    pow,
    reduce_max,
    reduce_mean,
    reduce_min,
    reduce_sum,
    reshape,
    sigmoid,
    sqrt,
    square,
    subtract,
    tanh,
    transpose,
    where,
)
from .tape import GradientTape
from .tensor import (
    DType,
    EagerTensor,
    Variable,
    as_dtype,
    cast,
    constant,
    convert_to_tensor,
    float16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
)
from .tensor import EagerTensor as Tensor
from .tensor import bool_ as bool  # noqa: A001  (TF's name)

__all__ = [
    "Tensor", "EagerTensor", "Variable", "GradientTape", "DType", "as_dtype", "constant",
    "convert_to_tensor", "cast", "float16", "float32", "float64", "int8", "int16", "int32",
    "int64", "uint8", "bool",
    "abs", "add", "argmax", "argmin", "divide", "equal", "exp", "greater", "greater_equal",
    "less", "less_equal", "log", "matmul", "maximum", "minimum", "multiply", "not_equal",
    "one_hot", "pow", "reduce_max", "reduce_mean", "reduce_min", "reduce_sum", "reshape",
    "sigmoid", "sqrt", "square", "subtract", "tanh", "transpose", "where",
    "data", "keras", "losses", "math", "nn", "random",
]


__getattr__ = missing("tf")
__dir__ = public_dir(globals())
