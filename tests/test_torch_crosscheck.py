"""Random expressions give the same values and gradients as PyTorch (skipped without torch).

Each step of an ``Expression`` is replayed with the PyTorch function of the same meaning;
both engines then backpropagate the same random output gradient, in float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings

from autograd_mini.testing.expressions import HEADS, rules
from autograd_mini.testing.pytest_plugin import FUZZ_EXAMPLES, PROFILE
from autograd_mini.testing.strategies import expressions

torch = pytest.importorskip("torch")


def _reduce(fn):
    def apply(x, axis=None, keepdims=False):
        if x.ndim == 0:
            return x
        return fn(x, dim=tuple(range(x.ndim)) if axis is None else axis, keepdim=keepdims)

    return apply


def _getitem(x, index):
    """numpy indexing (negative steps, masks, arrays) through a gather of flat positions."""
    positions = np.asarray(np.arange(x.numel()).reshape(tuple(x.shape))[index])
    return x.reshape(-1)[torch.as_tensor(positions.ravel())].reshape(positions.shape)


TORCH = {
    "add": lambda x, y: x + y, "sub": lambda x, y: x - y, "mul": lambda x, y: x * y,
    "div": lambda x, y: x / y, "pow": lambda x, y: x ** y,
    "maximum": torch.maximum, "minimum": torch.minimum,
    "neg": torch.neg, "exp": torch.exp, "log": torch.log, "sqrt": torch.sqrt,
    "square": torch.square, "abs": torch.abs, "sin": torch.sin, "cos": torch.cos,
    "tanh": torch.tanh, "sigmoid": torch.sigmoid, "relu": torch.relu,
    "clip": lambda x, low=None, high=None: torch.clamp(x, min=low, max=high),
    "where": lambda x, y, condition: torch.where(torch.as_tensor(condition), x, y),
    "sum": _reduce(torch.sum), "mean": _reduce(torch.mean),
    "max": _reduce(torch.amax), "min": _reduce(torch.amin),
    "softmax": lambda x, axis=-1: torch.softmax(x, dim=axis),
    "log_softmax": lambda x, axis=-1: torch.log_softmax(x, dim=axis),
    "logsumexp": lambda x, axis=-1, keepdims=False: torch.logsumexp(x, dim=axis,
                                                                     keepdim=keepdims),
    "reshape": lambda x, shape: x.reshape(shape),
    "transpose": lambda x, axes=None: x.permute(
        tuple(reversed(range(x.ndim))) if axes is None else axes),
    "broadcast_to": lambda x, shape: x.broadcast_to(shape),
    "getitem": _getitem, "matmul": torch.matmul,
    "concatenate": lambda *xs, axis=0: torch.cat(xs, dim=axis),
    "stack": lambda *xs, axis=0: torch.stack(xs, dim=axis),
}


def replay(fn, inputs):
    env = list(inputs)
    for name, operands, options in fn.steps:
        env.append(TORCH[name](*[env[a] if isinstance(a, int) else a for a in operands],
                               **options))
    return env[-1]


def assert_same_as_torch(fn, inputs):
    ours = fn(*inputs)
    leaves = [torch.tensor(np.array(x.data), dtype=torch.float64, requires_grad=True)
              for x in inputs]
    theirs = replay(fn, leaves)
    np.testing.assert_allclose(np.asarray(ours.data), theirs.detach().numpy(), rtol=1e-9,
                               atol=1e-12)
    g = np.random.default_rng(0).standard_normal(np.shape(ours.data))
    ours.backward(g if np.ndim(g) else float(g))
    theirs.backward(torch.as_tensor(g))
    for x, leaf in zip(inputs, leaves):
        mine = np.zeros(np.shape(x.data)) if x.grad is None else np.asarray(x.grad)
        expected = np.zeros(np.shape(x.data)) if leaf.grad is None else leaf.grad.numpy()
        np.testing.assert_allclose(mine, expected, rtol=1e-7, atol=1e-10)


def test_every_op_used_in_expressions_has_a_pytorch_counterpart():
    used = {*rules(arrays=True), *HEADS, "broadcast_to", "transpose", "tanh"}
    assert used <= set(TORCH), f"add to TORCH: {sorted(used - set(TORCH))}"


@settings(max_examples=FUZZ_EXAMPLES[PROFILE] // 5)
@given(case=expressions(dtype="float64"))
def test_random_tensor_expressions_agree_with_pytorch(case):
    assert_same_as_torch(*case)


@settings(max_examples=FUZZ_EXAMPLES[PROFILE] // 10)
@given(case=expressions("value"))
def test_random_value_expressions_agree_with_pytorch(case):
    assert_same_as_torch(*case)
