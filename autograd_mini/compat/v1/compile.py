"""A ``Session`` plan compiled into one straight-line Python function: what TF1's session runs.

The plan's function is written by the engine's compiler (``autograd_mini.codegen``), one
line per step, and ``exec``-ed once. The fed placeholders are its parameters, every
value is a local variable named after its node (``d_<name>`` for gradients), and the
ops' own forwards and VJPs, the session's variable store and the graph's constants are
its globals. A run is one call of it: no closures, no lookups by name.
``Session.plan_source(fetches, feed_dict)`` shows it; for seed 000's train step it starts::

    def run(Placeholder, Placeholder_1):
        try:
            Placeholder = asarray(Placeholder, float32)
            if Placeholder.ndim != 2 or Placeholder.shape[1] != 2: raise misfit(...)
            ...
            Variable = variables[tf_Variable].data
            matmul = matmul_forward(Placeholder, Variable)
            if type(matmul) is not ndarray: matmul = asarray(matmul)

Errors keep their messages: a line that can fail for a known reason (a forward on
inputs of misfitting shapes, a variable not initialised, a feed that is not a number)
is noted with how to explain that failure. Checks that mostly find nothing to do are
numbered sites (see ``codegen``): after a plan's first run, ``_Plan._specialise``
compiles a fast variant without the silent ones, for the shapes fed in that run. As
the shapes and dtypes of every value are then fixed, the variant writes each op's
forward and VJPs as the expression the op's own code computes for them
(``inline.expand``): ``d_w2 = matmul.T @ d_matmul_1`` rather than a call of matmul's VJP.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from ... import codegen
from ...codegen import Blame, tuple_source
from ...errors import DTypeError, ShapeError
from ...i18n import message
from ...inline import expand
from .graph import Constant, GraphElement, SymbolicTensor

__all__ = ["Blame", "Code", "fetch_source", "shown_nodes", "tuple_source", "write_feed"]

FORWARD_ERRORS = (ValueError, IndexError, TypeError)  # how a forward says "wrong shapes"


def result(value: Any) -> Any:
    """A fetched value as the caller keeps it: a copy, and 0-d as a numpy scalar."""
    arr = np.array(value)
    return arr[()] if arr.ndim == 0 else arr


def misfit(node: SymbolicTensor, value: np.ndarray) -> ShapeError:
    """The error for a fed value whose shape does not fit its placeholder's."""
    return ShapeError(message("err.feed_shape", name=node.name, shape=node.shape,
                              got=value.shape))


class Code(codegen.Code):
    """A plan's function while it is written (``codegen.Code``), with its graph's names.

    Attributes:
        names: graph node -> the name holding its value (a local, or a constant's global).
        grads: graph node -> the local holding its gradient, as drawings show it.
        anomaly: whether to check every value is finite (``detect_anomaly``).
        layout: node -> its value (and ``d_`` gradient) in the run a fast variant is made
            for, whose shapes and dtypes every run of the variant shares; None otherwise.
    """

    kind = "compat.v1 plan"
    copying = frozenset({result})  # a fetch is a copy: what it reads may be a shared constant

    def __init__(self, anomaly: bool = False, skip: Collection[int] | None = None,
                 layout: tuple[dict, dict] | None = None):
        super().__init__(skip, helpers={"result": result, "misfit": misfit})
        self.anomaly = anomaly
        self.layout = layout
        self.names: dict[GraphElement, str] = {}
        self.grads: dict[GraphElement, str] = {}

    def define(self, node: GraphElement, param: bool = False) -> str:
        """A new local for ``node``'s value (a parameter of the function if ``param``)."""
        name = self.names[node] = self.param(node.name.lower()) if param else \
            self.local(node.name)
        return name

    def expanded(self, fn: Callable, args: list[str], values: list[Any], settings: dict,
                 forward: bool = False) -> str | None:
        """In a fast variant, ``fn(*args, **settings)`` as the expression the op's own code
        computes for the ``values`` of its first run (``inline.expand``); else None."""
        if self.layout is None:
            return None
        return expand(self, fn, args, values, settings, floats=False, forward=forward)

    def value(self, node: GraphElement) -> Any:
        """``node``'s value in the run this variant is made for."""
        return self.layout[0].get(node)

    def grad_value(self, node: GraphElement) -> Any:
        """``node``'s gradient in the run this variant is made for."""
        return self.layout[1].get(node)

    def check(self, node: SymbolicTensor) -> None:
        """In anomaly mode, a line checking ``node``'s value is finite."""
        if self.anomaly:
            self.finite(self.names[node], f"'{node.name}' (op '{node.op}')")


# ----- the parts of a plan that belong to no node: feeds and fetches ------------------------


def write_feed(code: Code, node: SymbolicTensor) -> None:
    """Convert a fed value to ``node``'s dtype and check it fits ``node``'s shape."""
    v = code.define(node, param=True)
    dtype = code.bind(node.dtype, node.dtype.name)

    def not_a_number(e: Exception, lookup: Callable[[str], Any]) -> Exception | None:
        if not isinstance(e, (TypeError, ValueError)):
            return None
        hint = (message("err.feed_graph_tensor") if isinstance(lookup(v), GraphElement)
                else str(e))
        return DTypeError(message("err.feed_dtype", name=node.name, dtype=node.dtype.name,
                                  hint=hint))

    code.line(f"{v} = asarray({v}, {dtype})", not_a_number)
    if node.shape is not None and not code.fast:  # (a fast variant compares whole shapes)
        tests = [f"{v}.ndim != {len(node.shape)}"] + [
            f"{v}.shape[{i}] != {n}" for i, n in enumerate(node.shape) if n is not None]
        code.line(f"if {' or '.join(tests)}: raise misfit({code.bind(node, 'tf_' + v)}, {v})")


def fetch_source(code: Code, fetches: Any) -> str:
    """The expression for a run's result, in the structure of ``fetches``."""
    if isinstance(fetches, GraphElement):
        return fetches._fetched(code)
    if isinstance(fetches, dict):
        items = [f"{code.literal(k, 'key')}: {fetch_source(code, v)}" for k, v in fetches.items()]
        return "{" + ", ".join(items) + "}"
    parts = [fetch_source(code, v) for v in fetches]
    if isinstance(fetches, list):
        return f"[{', '.join(parts)}]"
    kind = "" if type(fetches) is tuple else code.bind(type(fetches), type(fetches).__name__)
    if hasattr(fetches, "_fields"):  # a namedtuple
        return f"{kind}({', '.join(parts)})"
    return f"{kind}({tuple_source(parts)})" if kind else tuple_source(parts)


def shown_nodes(order: list[GraphElement]) -> list[SymbolicTensor]:
    """The nodes whose values a run hands to drawings (constants keep their own)."""
    return [n for n in order if isinstance(n, SymbolicTensor) and not isinstance(n, Constant)]
