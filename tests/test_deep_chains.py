"""Deep graphs at the default recursion limit: nothing in build, backward or teardown recurses.

A chain ``x = x + b`` is as deep as a graph gets: every node has the one before it as
a parent. micrograd's recursive topological sort stops near 1,000 nodes.
"""

from __future__ import annotations

import sys
import weakref

import numpy as np
import pytest

from autograd_mini import Tape, Tensor, Value, Variable
from autograd_mini.graph import toposort


@pytest.fixture(autouse=True)
def default_recursion_limit():
    """Every test here runs at CPython's default limit, whatever ran before it."""
    before = sys.getrecursionlimit()
    sys.setrecursionlimit(1000)
    yield
    sys.setrecursionlimit(before)


def _chain(b, depth):
    x = b * 1.0
    for _ in range(depth - 1):
        x = x + b
    return x


def test_million_node_value_chain_backward_has_no_recursion_error():
    b = Value(1.0)
    _chain(b, 1_000_000).backward()
    assert b.grad == 1_000_000.0


def test_hundred_thousand_node_tensor_chain_backward_has_no_recursion_error():
    b = Tensor(np.ones((2, 3), np.float32), requires_grad=True)
    _chain(b, 100_000).backward(np.ones((2, 3), np.float32))
    assert np.all(b.grad == 100_000.0)


def test_a_deep_chain_is_freed_without_recursion():
    x = _chain(Value(1.0), 300_000)
    first = weakref.ref(toposort(x)[-2])
    del x  # freeing runs down the chain of parents: must not overflow the C stack
    assert first() is None


def test_tape_gradient_through_a_deep_chain():
    b = Variable(np.ones(3, np.float32))
    with Tape() as tape:
        x = _chain(b, 20_000)
    assert np.all(tape.gradient(x, b).numpy() == 20_000.0)


def test_second_derivative_through_a_deep_chain():
    b = Value(2.0)
    x = b * 1.0
    for _ in range(5_000):
        x = x * 1.0 + b * b  # d/db = 2b each step
    x.backward(create_graph=True)
    first = b.grad
    b.grad = 0.0
    first.backward()
    assert first.data == 5_000 * 4.0 + 1.0 and b.grad == 5_000 * 2.0


def test_toposort_of_a_deep_chain_lists_it_newest_first():
    b = Value(1.0)
    x = _chain(b, 10_000)
    order = toposort(x)
    assert order[0] is x and order[-1] is b and len(order) == 10_001
