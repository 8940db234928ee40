"""``autograd_mini.nn``: modules, layers, activations, losses and initializers.

``Linear``/``MLP`` train on Tensors, with ``Conv2d``, ``MaxPool2d``, ``AvgPool2d``,
``Flatten`` and ``Dropout`` for image nets (NHWC); ``Neuron``/``ValueMLP`` are their
scalar ``Value`` twins for drawing. Optimizers live in ``autograd_mini.optim``.
"""

from .._namespace import public_dir
from . import init
from .activations import (
    Identity,
    LeakyReLU,
    ReLU,
    Sigmoid,
    Softmax,
    Softplus,
    Tanh,
    get_activation,
    identity,
    leaky_relu,
    log_softmax,
    relu,
    sigmoid,
    softmax,
    softplus,
    tanh,
)
from .conv import AvgPool2d, Conv2d, MaxPool2d
from .layers import MLP, Dropout, Flatten, Layer, Linear, Neuron, Sequential, ValueMLP
from .losses import (
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    hinge,
    mse,
    softmax_cross_entropy,
    sum_squared_mean,
)
from .module import Module

__all__ = [
    "Module", "Linear", "Sequential", "MLP", "Neuron", "Layer", "ValueMLP",
    "Conv2d", "MaxPool2d", "AvgPool2d", "Flatten", "Dropout",
    "sigmoid", "tanh", "relu", "leaky_relu", "softplus", "softmax", "log_softmax", "identity",
    "Sigmoid", "Tanh", "ReLU", "LeakyReLU", "Softplus", "Softmax", "Identity", "get_activation",
    "mse", "sum_squared_mean", "binary_cross_entropy", "binary_cross_entropy_with_logits",
    "softmax_cross_entropy", "hinge",
    "init",
]

__dir__ = public_dir(globals())
