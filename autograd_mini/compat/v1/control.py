"""TF1's control flow between operations: ``control_dependencies`` and ``no_op``.

A run does its operations in the order they were made, after computing every tensor it
needs (see ``session.py``), so an operation made in a ``control_dependencies`` block
only has to list the block's inputs among its parents to run after them::

    with tf.control_dependencies([train_step, ema_op]):
        train_op = tf.no_op(name="train")    # running it runs both, in that order
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from ...errors import DTypeError
from .graph import GraphElement, Operation, _check_element, get_default_graph


@contextmanager
def control_dependencies(control_inputs: Any) -> Iterator[None]:
    """Operations made inside the block run ``control_inputs`` (tensors are computed,
    operations run) before themselves; ``None`` clears the enclosing blocks' inputs.

    Raises:
        GraphError: a tensor computed from other tensors is made inside the block.
    """
    graph = get_default_graph()
    if control_inputs is None:
        inputs: tuple = ()
    else:
        if isinstance(control_inputs, GraphElement) or not hasattr(control_inputs, "__iter__"):
            raise DTypeError("control_dependencies takes a list of operations and tensors, "
                             f"got {type(control_inputs).__name__}; wrap it: [{control_inputs!r}]")
        inputs = tuple(control_inputs)
        for x in inputs:
            _check_element(x, "control_dependencies")
        outer = graph._control[-1] if graph._control else ()
        inputs = outer + tuple(x for x in inputs if x not in outer)
    graph._control.append(inputs)
    try:
        yield
    finally:
        graph._control.pop()


def no_op(name: str = "NoOp") -> Operation:
    """An operation that does nothing itself: inside ``control_dependencies``, running it
    runs the block's inputs."""
    return Operation(name, (), op="NoOp")
