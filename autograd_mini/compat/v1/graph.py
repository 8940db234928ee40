"""TF1's ``Graph`` and the symbolic nodes it holds: tensors (values) and operations (actions).

A symbolic tensor is a ``Node`` whose ``data`` is only known once a ``Session`` has run
it (it then holds the last value computed). Op results carry the same ``(OpSpec,
settings)`` as eager nodes: ``autograd_mini.ops`` called on a symbolic tensor records one
through ``SymbolicTensor._apply``, so forwards and VJPs are shared with the eager engine::

    x = placeholder((None, 2)) --+
                                 +--> [matmul] --> a       a.parents == (x, w1)
    w1 = Variable((2, 3)) -------+                         a.op == "matmul"

Building an op infers its static shape (``shapes.py``). Running a plan writes each
node's step as a line of Python (``_emit``, see ``compile.py``).
"""

from __future__ import annotations

import contextvars
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

import numpy as np

from ... import ops
from ...errors import DTypeError, GraphError, NoGradientError, ShapeError
from ...graph import Node, link
from ...ops import getitem, matmul
from ...ops.registry import OpSpec, forward_failed, unbroadcast
from ...tensor import _plain_index, as_array
from .shapes import Shape, TensorShape, infer

if TYPE_CHECKING:
    from .compile import Code
    from .session import _Plan

# ----- the graph and the default graph -----------------------------------------------------


class Graph:
    """A TF1 graph: every tensor and operation built while it is the default graph.

    Attributes:
        elements: the graph's tensors and operations, in creation order.
        variables: its ``Variable``s, in creation order (TF1's global variables).
    """

    def __init__(self) -> None:
        self.elements: list[GraphElement] = []
        self.variables: list[Any] = []
        self.seed: int | None = None  # the graph-level random seed (set_random_seed)
        self.collections: dict[str, list] = {}  # add_to_collection / get_collection
        self.unseeded_random = 0  # random ops made without an op seed under the graph seed
        self._names: set[str] = set()
        self._control: list[tuple] = []  # control_dependencies blocks, innermost last
        self._shown: _Plan | None = None  # the plan whose last run node values come from

    def _show(self, plan: _Plan) -> None:
        """Let ``plan``'s last run supply ``.data`` and ``.grad`` of the nodes it ran; the
        plan that did so before writes its values into its nodes first."""
        self._settle()
        self._shown = plan

    def _settle(self) -> None:
        """Write the shown plan's values and gradients into its nodes; show no plan."""
        plan, self._shown = self._shown, None
        if plan is not None:
            plan.settle()

    @contextmanager
    def as_default(self) -> Iterator[Graph]:
        """Make this the default graph inside a ``with`` block."""
        token = _STACK.set(_STACK.get() + (self,))
        try:
            yield self
        finally:
            _STACK.reset(token)

    def unique_name(self, base: str) -> str:
        """``base``, or ``base_1``, ``base_2``, ... if taken, as TF names its nodes."""
        name, n = base, 0
        while name in self._names:
            n += 1
            name = f"{base}_{n}"
        self._names.add(name)
        return name

    def get_element(self, name: str) -> GraphElement:
        """The tensor or operation called ``name`` (TF's ``"name:0"`` is accepted)."""
        plain = name[:-2] if name.endswith(":0") else name
        for e in self.elements:
            if e.name == plain:
                return e
        raise GraphError(f"this graph has no element named {name!r}")

    def drawing_root(self) -> SymbolicTensor:
        """The tensor a drawing of the whole graph starts from: its one result that no
        other tensor uses (the loss, in a course program). ``draw_graph(graph)``,
        ``explain_backward`` and ``to_html`` call it; with several such results the error
        names them, so the caller can pass one."""
        from .gradients import GradientTensor  # gradients are drawn on the edges, not as nodes

        forward = [e for e in self.elements if isinstance(e, SymbolicTensor)
                   and not isinstance(e, GradientTensor)]
        used = {id(p) for e in forward for p in e.parents}
        results = [e for e in forward if id(e) not in used and e.parents]
        if len(results) == 1:
            return results[0]
        names = ", ".join(e.name for e in results) or "none"
        raise GraphError(f"this graph has {len(results)} results that no other tensor uses "
                         f"({names}); draw one of them, e.g. draw_graph(loss)")

    def __repr__(self) -> str:
        return f"<Graph with {len(self.elements)} elements, {len(self.variables)} variables>"


_STACK: contextvars.ContextVar[tuple[Graph, ...]] = contextvars.ContextVar(
    "compat_v1_graphs", default=())
_global_graph = Graph()


def get_default_graph() -> Graph:
    """The graph new tensors and operations go into."""
    stack = _STACK.get()
    return stack[-1] if stack else _global_graph


def reset_default_graph() -> None:
    """Start a fresh global default graph (the old one's nodes stay in the old graph).

    Raises:
        GraphError: inside a ``with graph.as_default():`` block.
    """
    global _global_graph
    if _STACK.get():
        raise GraphError("reset_default_graph() inside a `with graph.as_default():` block; "
                         "call it outside the block")
    _global_graph = Graph()


# ----- graph elements ----------------------------------------------------------------------------


class GraphElement(Node):
    """A node of a ``Graph``; drawn like an eager node (``parents``, ``op``, ``name``, ...).

    ``data`` and ``grad`` are the value and gradient of the latest run that computed
    them, None before any. A run does not write them into every node: they are read
    from the graph's last plan when asked for (see ``Graph._show``).
    """

    __slots__ = ("graph", "_data", "_grad")

    def __init__(self, name: str, parents: tuple = (), op: str = "",
                 requires_grad: bool = False, ctx: tuple | None = None,
                 graph: Graph | None = None):
        graph = graph if graph is not None else get_default_graph()
        if graph._control and graph._control[-1]:
            parents = self._after(graph._control[-1], name, parents)
        self.graph = graph
        self.name = graph.unique_name(name)
        self._data = None
        self._grad = None
        link(self, parents, op, ctx, requires_grad)
        graph.elements.append(self)

    @property
    def data(self) -> Any:
        plan = self.graph._shown
        if plan is not None:
            i = plan.value_index.get(self)
            if i is not None:
                return plan.values[i]
        return self._data

    @data.setter
    def data(self, value: Any) -> None:
        self.graph._settle()
        self._data = value

    @property
    def grad(self) -> Any:
        plan = self.graph._shown
        if plan is not None:
            i = plan.grad_index.get(self)
            if i is not None:
                return plan.grads[i]
        return self._grad

    @grad.setter
    def grad(self, value: Any) -> None:
        self.graph._settle()
        self._grad = value

    def _emit(self, plan: _Plan, code: Code) -> None:
        """Write the plan's lines that compute this node's value (or do its action)."""
        raise NotImplementedError

    def _fetched(self, code: Code) -> str:
        """The expression for this node's value in a run's result (after its updates)."""
        return f"result({code.names[self]})"

    def _after(self, control: tuple, name: str, parents: tuple) -> tuple:
        """The parents of a node made in a ``control_dependencies`` block: a result of
        other nodes cannot wait for an operation (a run computes values first)."""
        if not parents:
            return parents  # a leaf: nothing to wait for
        raise GraphError(
            f"'{name}' is made inside tf.control_dependencies: compat.v1 computes a run's "
            "tensors before its operations, so a tensor cannot wait for one; make only "
            "operations there (tf.no_op, tf.group, train ops), or fetch the tensor in a "
            "later run")

    def backward(self, gradient: Any = None, retain_graph: bool = False,
                 create_graph: bool = False) -> None:
        raise NoGradientError(
            f"'{self.name}' is a graph node: backward() is for eager Tensors; in a graph use "
            "tf.gradients(loss, xs) or an optimizer's minimize(loss), then Session.run")

    def zero_grad(self) -> None:
        self.grad = None

    # operators record graph ops, as TF1's tensors do (an operation's raise: it has no value)
    def __add__(self, other):      return ops.add(self, other)
    def __radd__(self, other):     return ops.add(other, self)
    def __sub__(self, other):      return ops.sub(self, other)
    def __rsub__(self, other):     return ops.sub(other, self)
    def __mul__(self, other):      return ops.mul(self, other)
    def __rmul__(self, other):     return ops.mul(other, self)
    def __truediv__(self, other):  return ops.div(self, other)
    def __rtruediv__(self, other): return ops.div(other, self)
    def __pow__(self, other):      return ops.pow(self, other)
    def __rpow__(self, other):     return ops.pow(other, self)
    def __neg__(self):             return ops.neg(self)
    def __abs__(self):             return ops.abs(self)


class Operation(GraphElement):
    """A graph element that acts when run (initialise, train) and has no value."""

    __slots__ = ()
    _waits = True  # whether control_dependencies add to its parents (not initializers)

    def run(self, feed_dict: dict | None = None, session: Any = None) -> None:
        """``session.run(self, feed_dict)`` in the given or the default session."""
        from .session import _session_for

        _session_for(session, self).run(self, feed_dict)

    def _emit(self, plan: _Plan, code: Code) -> None:
        pass  # a group: its inputs are all it needs

    def _fetched(self, code: Code) -> str:
        return "None"

    def _after(self, control: tuple, name: str, parents: tuple) -> tuple:
        return (*parents, *control) if self._waits else parents

    def __repr__(self) -> str:
        return f"<tf.Operation '{self.name}' type={self.op or type(self).__name__}>"


def group(*inputs: GraphElement, name: str = "group") -> Operation:
    """An operation that runs all ``inputs`` (tensors are computed, operations run)."""
    for x in inputs:
        _check_element(x, "group")
    graph = inputs[0].graph if inputs else None
    return Operation(name, tuple(inputs), op="group", graph=graph)


class SymbolicTensor(GraphElement):
    """A value in a graph, computed when a ``Session`` runs it.

    Attributes:
        dtype: float32 or float64.
        shape: the static shape; ``None`` marks sizes known only at run time.
    """

    __slots__ = ("dtype", "shape")

    def __init__(self, name: str, dtype: Any, shape: Shape, parents: tuple = (),
                 op: str = "", requires_grad: bool = False, ctx: tuple | None = None,
                 graph: Graph | None = None):
        super().__init__(name, parents, op, requires_grad, ctx, graph)
        self.dtype = np.dtype(dtype)
        self.shape = shape

    def eval(self, feed_dict: dict | None = None, session: Any = None) -> Any:
        """This tensor's value: ``session.run(self, feed_dict)`` in the given or default session."""
        from .session import _session_for

        return _session_for(session, self).run(self, feed_dict)

    def get_shape(self) -> TensorShape:
        """The static shape as TF1's ``TensorShape``: ``get_shape().as_list()`` gives the
        sizes (None for those known only at run time), ``get_shape()[i].value`` one."""
        return TensorShape(self.shape)

    def __str__(self) -> str:
        """TF1's ``print(t)``: ``Tensor("MatMul:0", shape=(?, 3), dtype=float32)``, without
        the shape when even the rank is unknown."""
        shape = "" if self.shape is None else f", shape={self.get_shape()}"
        return f'Tensor("{self.name}:0"{shape}, dtype={self.dtype.name})'

    def __repr__(self) -> str:
        return f"<tf.Tensor '{self.name}:0' shape={self.get_shape()} dtype={self.dtype.name}>"

    # ----- an op result's line: the op's own forward on the input values ---------------------
    # (full reductions return numpy scalars: values are kept as arrays, as Tensor keeps them)

    def _emit(self, plan: _Plan, code: Code) -> None:
        spec, settings = self._ctx
        ins = [code.names[p] for p in self.parents]
        out = code.define(self)
        forward = code.bind(spec.forward, f"{spec.name}_forward")

        def failed(e: Exception, lookup: Callable[[str], Any]) -> Exception | None:
            if not isinstance(e, (ValueError, IndexError, TypeError)):
                return None
            shapes = [np.shape(lookup(name)) for name in ins]
            return ShapeError(f"{forward_failed(spec, e, shapes)} (at '{self.name}')")

        expr = code.expanded(spec.forward, ins, [code.value(p) for p in self.parents],
                             settings, forward=True) if code.layout is not None else None
        code.line(f"{out} = {expr or code.call(forward, ins, settings)}", failed)
        if (site := code.site()) is not None:
            code.line(f"if type({out}) is not ndarray: {out} = to_array({out}, {site})", failed)

    # ----- how autograd_mini's ops build graph nodes -------------------------------------------

    @classmethod
    def _apply(cls, spec: OpSpec, args: tuple, kwargs: dict) -> SymbolicTensor:
        graph, dtype = None, None
        for a in args:
            if isinstance(a, Node):
                _check_element(a, spec.name, tensor=True)
                if graph is None:
                    graph = a.graph
                elif a.graph is not graph:
                    raise GraphError(f"{spec.name}: its inputs belong to different graphs; build "
                                     "them all under one `with graph.as_default():`")
                dtype = a.dtype if dtype is None else np.promote_types(dtype, a.dtype)
        parents = tuple(a if isinstance(a, SymbolicTensor) else constant(a, dtype, graph=graph)
                        for a in args)
        known = [p.data if isinstance(p, Constant) else None for p in parents]
        shape, out_dtype = infer(spec, parents, kwargs, dtype, known)
        differentiable = spec.differentiable and any(p.requires_grad for p in parents)
        # TF1's node name where the op declares one (tf.matmul gives 'MatMul:0')
        return cls(spec.tf_node or spec.name, out_dtype, shape, parents, op=spec.name,
                   requires_grad=differentiable, ctx=(spec, kwargs), graph=graph)

    # ----- sugar that Node leaves to Tensor -----------------------------------------------------

    def __matmul__(self, other):  return matmul(self, other)
    def __rmatmul__(self, other): return matmul(other, self)

    def __getitem__(self, index: Any) -> SymbolicTensor:
        return getitem(self, index=_plain_index(index))

    # ----- what lecture drawings call on a graph that has run ------------------------------------

    def _seed(self, gradient: Any) -> Any:
        if self.data is None:
            raise GraphError(f"'{self.name}' has no value yet: run it in a Session first")
        return np.ones_like(self.data) if gradient is None else np.asarray(gradient, self.dtype)

    def _unbroadcast(self, g: Any) -> Any:
        """Sum ``g`` back to the shape of this node's last value."""
        return unbroadcast(g, np.shape(self.data))

    def _compare(self, other: Any) -> Any:
        raise DTypeError(f"'{self.name}' is a graph tensor with no value yet: compare the "
                         "numbers Session.run returns instead")

    __lt__ = __le__ = __gt__ = __ge__ = _compare


GraphElement._family = SymbolicTensor  # autograd_mini.ops on any graph element come here


class Constant(SymbolicTensor):
    """A fixed value in the graph; its ``data`` is known from the start."""

    __slots__ = ()

    def __init__(self, value: np.ndarray, name: str = "Const", graph: Graph | None = None):
        super().__init__(name, value.dtype, value.shape, graph=graph)
        value.setflags(write=False)  # fixed, as TF1's: plans hold it from when they compile
        self._data = value

    data = property(SymbolicTensor.data.fget, doc="The constant's value (fixed).")

    @data.setter
    def data(self, value: Any) -> None:
        # plans bind the value when they are compiled: a new one would reach some runs and
        # not others, so it is refused, as TF1's constants cannot change either
        raise TypeError(f"constant '{self.name}': a constant's value cannot change (plans "
                        "already hold it); make it a tf.Variable and assign to it, or a "
                        "tf.placeholder and feed it")

    def _emit(self, plan: _Plan, code: Code) -> None:
        code.names[self] = code.bind(self._data, self.name)  # a global: no line to run


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str = "Const",
             graph: Graph | None = None) -> Constant:
    """A constant tensor (TF1's ``tf.constant``). With ``shape``, the value's numbers are
    laid out in that shape, and too few are padded with the last one (a number fills it).
    Booleans, and integer dtypes when asked for, are kept; numbers are float32 by default."""
    dt = None if dtype is None else np.dtype(dtype)
    if dt is None and not isinstance(value, GraphElement) and np.asarray(value).dtype == bool:
        dt = np.dtype(bool)  # TF's booleans stay booleans
    arr = np.array(value, dtype=dt) if dt is not None and dt.kind in "biu" else \
        np.array(as_array(value, dt))
    if shape is not None:
        shape = (int(shape),) if np.ndim(shape) == 0 else tuple(int(n) for n in shape)
        size = int(np.prod(shape))
        if arr.size > size or arr.size == 0 < size:
            raise ShapeError(f"constant: {arr.size} numbers (a value of shape {arr.shape}) "
                             f"do not fit shape {shape} ({size} numbers)")
        flat = arr.reshape(-1)
        arr = np.concatenate([flat, np.full(size - flat.size, flat[-1:], arr.dtype)]) \
            if flat.size < size else flat
        arr = arr.reshape(shape)
    return Constant(arr, name, graph)


def convert_to_tensor(value: Any, dtype: Any = None) -> SymbolicTensor:
    """``value`` if it is a graph tensor, else a constant holding it."""
    if isinstance(value, GraphElement):
        _check_element(value, "convert_to_tensor", tensor=True)
        return value
    return constant(value, dtype)


def _check_element(x: Any, what: str, tensor: bool = False) -> None:
    """Raise a clear error unless ``x`` is a graph element (a tensor, if ``tensor``)."""
    if isinstance(x, Operation) and tensor:
        raise DTypeError(f"{what}: '{x.name}' is an operation (it acts when run, it has no "
                         "value); pass a tensor")
    if not isinstance(x, GraphElement):
        hint = "an eager node's value is its .data; " if isinstance(x, Node) else ""
        raise DTypeError(f"{what}: {type(x).__name__} {x!r} is not an element of a compat.v1 "
                         f"graph; {hint}mix graph tensors with numbers and arrays only")
