"""Layers in two flavours: ``Linear``/``Sequential``/``MLP`` (with ``Flatten`` and
``Dropout``) on Tensors for real training, and ``Neuron``/``Layer``/``ValueMLP`` on scalar
Values, small enough to draw on a slide. Convolutions and pooling are in ``conv.py``.

Weights are stored ``(in_features, out_features)`` and applied as ``x @ weight + bias``,
the way TensorFlow writes ``tf.matmul(x, w)``.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from .. import ops
from ..errors import DTypeError, OpError, ShapeError
from ..graph import Node
from ..i18n import message
from ..tensor import Tensor
from ..tracing import flag
from ..value import Value
from ..variable import Variable
from . import init as initializers
from .activations import activation_repr, get_activation
from .module import Module

Activation = str | Callable[[Any], Any] | None


# ----- Tensor flavour ------------------------------------------------------------------------


class Linear(Module):
    """``y = activation(x @ weight + bias)``, with ``weight`` of shape
    ``(in_features, out_features)``.

    Args:
        activation: a name from ``nn.activations.ACTIVATIONS`` (``"relu"``), a function, or
            None (linear, the default), as Keras's ``Dense(activation=...)``.
        init: the weight's initializer: a name from ``nn.init.INITIALIZERS``
            (default ``"glorot_uniform"``), a function ``f(shape, seed=, dtype=)``, or the
            starting values themselves. The bias starts at zero.
        seed: an int or a ``numpy.random.Generator``, for reproducible weights.
        dtype: float32 (default) or float64.
    """

    def __init__(self, in_features: int, out_features: int, bias: bool = True,
                 init: Any = "glorot_uniform", seed: initializers.Seed = None,
                 dtype: Any = np.float32, activation: Activation = None):
        super().__init__()
        self.in_features, self.out_features = int(in_features), int(out_features)
        self.activation = get_activation(activation)
        rng = initializers.rng_of(seed)
        shape = (self.in_features, self.out_features)
        self.weight = Variable(initializers.initial_value(init, shape, rng, dtype))
        self.bias = Variable(initializers.zeros(self.out_features, dtype=dtype)) if bias else None

    def forward(self, x: Any) -> Tensor:
        if not isinstance(x, Node):
            x = Tensor(x, dtype=self.weight.dtype)
        if x.shape[-1:] != (self.in_features,):
            raise ShapeError(message("err.linear_features", name=self.weight.name,
                                     n_in=self.in_features, n_out=self.out_features,
                                     shape=x.shape))
        y = x @ self.weight
        return self.activation(y if self.bias is None else y + self.bias)

    def extra_repr(self) -> str:
        return (f"in_features={self.in_features}, out_features={self.out_features}, "
                f"bias={self.bias is not None}" + activation_repr(self.activation))


class Sequential(Module):
    """Calls its layers in order; a layer may be a Module or a plain function."""

    def __init__(self, *layers: Module | Callable[[Any], Any]):
        super().__init__()
        for i, layer in enumerate(layers):
            if not callable(layer):
                raise DTypeError(f"Sequential: layer {i} is a {type(layer).__name__}, not a "
                                 "Module or function")
        self.layers = list(layers)

    def forward(self, x: Any) -> Any:
        for layer in self.layers:
            x = layer(x)
        return x

    def __getitem__(self, i: int) -> Any:
        return self.layers[i]

    def __len__(self) -> int:
        return len(self.layers)


class Flatten(Module):
    """Joins the axes from ``start_axis`` on into one: ``(N, H, W, C)`` -> ``(N, H*W*C)``
    between convolutions and ``Linear`` layers."""

    def __init__(self, start_axis: int = 1):
        super().__init__()
        self.start_axis = int(start_axis)

    def forward(self, x: Any) -> Tensor:
        return ops.flatten(x if isinstance(x, Node) else Tensor(x), start_axis=self.start_axis)

    def extra_repr(self) -> str:
        return f"start_axis={self.start_axis}"


class Dropout(Module):
    """While training, zeroes each input with probability ``rate`` and scales the rest by
    ``1 / (1 - rate)``; after ``eval()``, passes its input through unchanged.

    Args:
        rate: the fraction of inputs dropped, in [0, 1) (TensorFlow 1's ``keep_prob`` is
            ``1 - rate``).
        seed: an int or a ``numpy.random.Generator``: the masks come from it, a new one
            per call, so a seed fixes the whole sequence of masks.
    """

    def __init__(self, rate: float = 0.5, seed: initializers.Seed = None):
        super().__init__()
        if isinstance(rate, bool) or not isinstance(rate, (int, float, np.integer,
                                                           np.floating)):
            raise DTypeError(f"Dropout: rate must be a number in [0, 1), got "
                             f"{type(rate).__name__}")
        if not 0 <= rate < 1:
            raise OpError(f"Dropout: rate is the fraction of inputs zeroed, in [0, 1); "
                             f"got {rate}" + (" (keep_prob is 1 - rate)" if rate == 1 else ""))
        self.rate = float(rate)
        self._rng = initializers.rng_of(seed)

    def forward(self, x: Any) -> Tensor:
        x = x if isinstance(x, Node) else Tensor(x)
        return ops.dropout(x, self.rate, seed=self._rng, training=flag(self, "training"))

    def extra_repr(self) -> str:
        return f"rate={self.rate:g}"


class MLP(Module):
    """A stack of ``Linear`` layers on Tensors: ``MLP([2, 3, 1])`` maps 2 inputs to 1 output.

    Args:
        sizes: the width of each layer, inputs first.
        activation: applied after every hidden layer: ``"sigmoid"``, ``"tanh"``, ``"relu"``,
            another name from ``nn.activations.ACTIVATIONS``, a function, or None.
        output_activation: applied after the last layer (None: linear output).
        bias, init, dtype: passed to each ``Linear``.
        seed: one generator feeds all layers in order, so a seed fixes the whole net.
    """

    def __init__(self, sizes: Sequence[int], activation: Activation = "sigmoid",
                 output_activation: Activation = None, bias: bool = True,
                 init: Any = "glorot_uniform", seed: initializers.Seed = None,
                 dtype: Any = np.float32):
        super().__init__()
        sizes = _check_sizes(sizes, "MLP")
        rng = initializers.rng_of(seed)
        self.activation = get_activation(activation)
        self.output_activation = get_activation(output_activation)
        self.layers = [Linear(a, b, bias=bias, init=init, seed=rng, dtype=dtype)
                       for a, b in zip(sizes[:-1], sizes[1:])]

    def forward(self, x: Any) -> Tensor:
        for layer in self.layers[:-1]:
            x = self.activation(layer(x))
        return self.output_activation(self.layers[-1](x))

    def extra_repr(self) -> str:
        return f"sizes={[self.layers[0].in_features] + [l.out_features for l in self.layers]}"

    def __repr__(self) -> str:
        act, out = self.activation.__name__, self.output_activation.__name__
        return f"MLP({self.extra_repr()}, activation={act}, output_activation={out})"


# ----- Value flavour (micrograd's) ------------------------------------------------------------


class Neuron(Module):
    """One neuron: ``activation(sum(w_i * x_i) + b)`` on scalar Values.

    Weights start uniform in [-1, 1) (micrograd's choice), the bias at 0.
    """

    def __init__(self, nin: int, activation: Activation = "tanh", bias: bool = True,
                 seed: initializers.Seed = None):
        super().__init__()
        rng = initializers.rng_of(seed)
        self.w = [Value(float(v)) for v in rng.uniform(-1.0, 1.0, int(nin))]
        self.b = Value(0.0) if bias else None
        self.activation = get_activation(activation)

    def forward(self, x: Sequence[Any]) -> Value:
        if len(x) != len(self.w):
            raise ShapeError(f"Neuron: expected {len(self.w)} inputs, got {len(x)}")
        act = sum((wi * xi for wi, xi in zip(self.w, x)), self.b if self.b is not None else 0.0)
        return self.activation(act)

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation.__name__})"


class Layer(Module):
    """``nout`` Neurons reading the same inputs; returns a list of Values."""

    def __init__(self, nin: int, nout: int, activation: Activation = "tanh", bias: bool = True,
                 seed: initializers.Seed = None):
        super().__init__()
        rng = initializers.rng_of(seed)
        self.neurons = [Neuron(nin, activation, bias, seed=rng) for _ in range(int(nout))]

    def forward(self, x: Sequence[Any]) -> list[Value]:
        return [n(x) for n in self.neurons]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(repr(n) for n in self.neurons)}]"


class ValueMLP(Module):
    """micrograd's MLP on scalar Values: ``ValueMLP([3, 4, 1])(xs)``.

    Called on a list of numbers or Values; returns a list of Values, or a single Value
    when the last layer has one neuron.

    Args:
        sizes: the width of each layer, inputs first.
        activation: for hidden neurons (``"tanh"`` by default).
        output_activation: for the last layer's neurons (None: linear).
        seed: an int or ``numpy.random.Generator`` for the starting weights.
    """

    def __init__(self, sizes: Sequence[int], activation: Activation = "tanh",
                 output_activation: Activation = None, bias: bool = True,
                 seed: initializers.Seed = None):
        super().__init__()
        sizes = _check_sizes(sizes, "ValueMLP")
        rng = initializers.rng_of(seed)
        n = len(sizes) - 1
        self.layers = [Layer(sizes[i], sizes[i + 1],
                             activation if i < n - 1 else output_activation, bias, seed=rng)
                       for i in range(n)]

    def forward(self, x: Sequence[Any]) -> Value | list[Value]:
        x = list(x)
        for layer in self.layers:
            x = layer(x)
        return x[0] if len(x) == 1 else x

    def __repr__(self) -> str:
        return f"ValueMLP of [{', '.join(repr(layer) for layer in self.layers)}]"


def _check_sizes(sizes: Sequence[int], who: str) -> list[int]:
    sizes = [int(s) for s in sizes]
    if len(sizes) < 2 or any(s < 1 for s in sizes):
        raise ShapeError(f"{who}: sizes must list at least two positive widths, inputs first "
                         f"(e.g. [2, 3, 1]), got {sizes}")
    return sizes
