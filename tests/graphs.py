"""Small graphs the drawing tests share."""

import autograd_mini as am
from autograd_mini import Tensor, Value


def neuron() -> Value:
    """micrograd's neuron ``o = tanh(x1*w1 + x2*w2 + b)``; only ``n`` and ``o`` are named."""
    x1 = Value(2.0, name="x1", requires_grad=False)
    x2 = Value(0.0, name="x2", requires_grad=False)
    w1, w2, b = Value(-3.0, name="w1"), Value(1.0, name="w2"), Value(6.8813735870195432, name="b")
    n = x1 * w1 + x2 * w2 + b
    n.name = "n"
    o = n.tanh()
    o.name = "o"
    return o


def masked() -> Tensor:
    """``sum(where(x > 0, x, 0))``: ``where`` saves its condition, an array, for backward."""
    x = Tensor([1.0, -2.0, 3.0], requires_grad=True, name="x")
    return am.where(x.data > 0, x, 0.0).sum()
