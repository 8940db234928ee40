"""TensorFlow 1.x's define-then-run API on autograd_mini: ``import autograd_mini.compat.v1 as tf``.

Build a graph (placeholders, variables, ops), then run it in a ``Session``; gradients
and optimizer updates come from the same ops and ``optim`` rules as the eager engine::

    x = tf.placeholder(tf.float32, shape=(None, 2))
    w = tf.Variable(tf.random_normal([2, 1], stddev=1, seed=1))
    loss = tf.reduce_mean(tf.square(tf.matmul(x, w) - 1.0))
    train_step = tf.train.GradientDescentOptimizer(0.01).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train_step, feed_dict={x: [[1.0, 2.0]]})
"""

from __future__ import annotations

from ..._namespace import public_dir
from ..missing import missing
from . import contrib, keras, nn, train
from .array_ops import (
    add_n,
    argmax,
    argmin,
    cast,
    equal,
    greater,
    greater_equal,
    int32,
    int64,
    less,
    less_equal,
    not_equal,
    one_hot,
    stop_gradient,
    where,
)
from .array_ops import argmax as arg_max  # TF1's older name (some chapter 7 copies use it)
from .array_ops import argmin as arg_min
from .array_ops import bool_ as bool  # noqa: A004 (TF's name)
from .collections import (
    GraphKeys,
    add_to_collection,
    add_to_collections,
    get_collection,
    get_collection_ref,
)
from .control import control_dependencies, no_op
from .gradients import GradientTensor, gradients
from .graph import (
    Graph,
    Operation,
    constant,
    convert_to_tensor,
    get_default_graph,
    group,
    reset_default_graph,
)
from .graph import SymbolicTensor as Tensor
from .math_ops import (
    abs,
    add,
    clip_by_value,
    div,
    divide,
    exp,
    log,
    matmul,
    maximum,
    minimum,
    multiply,
    negative,
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
)
from .random import random_normal, random_uniform, set_random_seed, truncated_normal
from .session import InteractiveSession, Session, get_default_session
from .state import assign, assign_add, assign_sub
from .variables import (
    Placeholder,
    Variable,
    float32,
    float64,
    global_variables,
    global_variables_initializer,
    ones,
    placeholder,
    trainable_variables,
    variables_initializer,
    zeros,
)

__all__ = [
    "Graph", "get_default_graph", "reset_default_graph", "Session", "InteractiveSession",
    "get_default_session", "Tensor", "Operation", "Placeholder", "Variable", "GradientTensor",
    "placeholder", "constant", "convert_to_tensor", "zeros", "ones", "random_normal",
    "random_uniform", "set_random_seed", "global_variables_initializer",
    "variables_initializer", "global_variables", "trainable_variables", "gradients", "group",
    "float32", "float64",
    "abs", "add", "clip_by_value", "div", "divide", "exp", "log", "matmul", "maximum",
    "minimum", "multiply", "negative", "pow", "reduce_max", "reduce_mean", "reduce_min",
    "reduce_sum", "reshape", "sigmoid", "sqrt", "square", "subtract", "tanh", "transpose",
    "nn", "train",
    "truncated_normal", "add_n", "argmax", "argmin", "cast", "equal", "not_equal", "greater",
    "greater_equal", "less", "less_equal", "where", "one_hot", "stop_gradient", "int32",
    "int64", "bool", "GraphKeys", "add_to_collection", "add_to_collections", "get_collection",
    "get_collection_ref", "contrib", "keras",
    "control_dependencies", "no_op", "assign", "assign_add", "assign_sub",
]
__all__ += ["arg_max", "arg_min"]  # chapter 7's LeNet-5 copies


__getattr__ = missing("tf")
__dir__ = public_dir(globals())
