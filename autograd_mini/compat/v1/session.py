"""``Session``: runs a graph by planning each kind of run once and replaying the plan.

A plan is fixed by the fetches and the fed tensors. It numbers the value slots of
every node the run needs and lists closures over them: convert and check each feed,
each node's forward in creation order (the op's own ``spec.forward``), one backward
step per ``gradients()`` group, then the operations (initialise, train). Replaying a
plan costs about one closure call per node; nothing is looked up by name.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ...errors import DTypeError, GraphError, ShapeError
from ...graph import _ANOMALY, Node, check_finite
from ...variable import Variable as EagerVariable
from .graph import (
    Constant,
    Graph,
    GraphElement,
    Operation,
    Step,
    SymbolicTensor,
    _check_element,
    get_default_graph,
)


class Session:
    """Runs a graph's tensors and operations and keeps its variables' values.

    Use it as ``with tf.Session() as sess:``, which also makes it the default session
    for ``tensor.eval()`` and ``op.run()``, and closes it at the end.
    """

    def __init__(self, graph: Graph | None = None):
        self.graph = graph if graph is not None else get_default_graph()
        self._variables: dict[Any, EagerVariable] = {}  # graph Variable -> its value here
        self._optimizers: dict[Operation, Any] = {}  # train op -> its optim.Optimizer here
        self._random_draws: dict[SymbolicTensor, int] = {}  # random tensor -> runs so far
        self._plans: dict[tuple, _Plan] = {}
        self._closed = False

    def run(self, fetches: Any, feed_dict: dict | None = None) -> Any:
        """Compute ``fetches`` (a tensor, an operation, or lists, tuples and dicts of
        them) and return their values in the same structure; operations give None.

        Args:
            feed_dict: ``{placeholder: value}``; values are converted to the
                placeholder's dtype and checked against its shape.
        Raises:
            GraphError: a needed placeholder is not fed, a variable is not initialised,
                or a fetch belongs to another graph.
            ShapeError: a fed value does not fit its placeholder's shape.
            DTypeError: a fetch is not a graph element.
        """
        if feed_dict is not None and not isinstance(feed_dict, dict):
            raise DTypeError(f"feed_dict must be a dict {{placeholder: value}}, got "
                             f"{type(feed_dict).__name__}")
        fed = tuple(feed_dict) if feed_dict else ()
        key = (fetches if isinstance(fetches, GraphElement) else _freeze(fetches), fed)
        plan = self._plans.get(key)
        if plan is None:  # a new kind of run (close() forgets every plan): check, then plan
            if self._closed:
                raise GraphError("run() on a closed Session; create a new tf.Session()")
            plan = self._plans[key] = _Plan(self, fetches, fed)
        return plan.run(feed_dict)

    def close(self) -> None:
        """Free the variables' values and the plans; later runs raise."""
        self._closed = True
        self._variables.clear()
        self._optimizers.clear()
        self._plans.clear()
        _remove_default(self)

    @contextmanager
    def as_default(self) -> Iterator[Session]:
        """Make this the default session inside a ``with`` block (without closing it)."""
        _sessions().append(self)
        try:
            yield self
        finally:
            _remove_default(self)

    def __enter__(self) -> Session:
        _sessions().append(self)
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _set_variable(self, var: Any, value: Any) -> None:
        """Give ``var`` a new value in this session (as a new, read-only array)."""
        if np.shape(value) != var.shape:
            raise ShapeError(f"initialising '{var.name}' of shape {var.shape} with a value of "
                             f"shape {np.shape(value)}")
        held = self._variables.get(var)
        if held is None:
            held = self._variables[var] = EagerVariable(value, dtype=var.dtype, name=var.name,
                                                        trainable=var.trainable)
        else:
            held.data = np.array(value, dtype=var.dtype)
        freeze(held)


def freeze(variable: EagerVariable) -> None:
    """Make a session variable's array read-only, so updates replace it instead of writing
    into it: values a run used (and drawings show) keep the numbers that run saw."""
    if type(variable.data) is not np.ndarray:  # 0-d results come back as numpy scalars
        variable.data = np.array(variable.data)
    variable.data.flags.writeable = False


class InteractiveSession(Session):
    """A session that makes itself the default until closed, for ``t.eval()`` in a shell."""

    def __init__(self, graph: Graph | None = None):
        super().__init__(graph)
        _sessions().append(self)


# ----- the default session (per thread, as in TF1) ---------------------------------------------

_local = threading.local()


def _sessions() -> list[Session]:
    if not hasattr(_local, "stack"):
        _local.stack = []
    return _local.stack


def _remove_default(session: Session) -> None:
    stack = _sessions()
    if session in stack:
        del stack[len(stack) - 1 - stack[::-1].index(session)]


def get_default_session() -> Session | None:
    """The innermost ``with tf.Session()`` / ``as_default()`` / ``InteractiveSession``."""
    stack = _sessions()
    return stack[-1] if stack else None


def _session_for(session: Session | None, element: GraphElement) -> Session:
    session = session if session is not None else get_default_session()
    if session is None:
        raise GraphError(f"'{element.name}' needs a session to run in: call it inside `with "
                         "tf.Session() as sess:`, pass session=sess, or create "
                         "tf.InteractiveSession() first")
    return session


# ----- plans ----------------------------------------------------------------------------------


class _Plan:
    """Everything one kind of run needs, worked out once (see the module docstring).

    Node classes build their own steps through ``_make_step(plan)``, reading ``slot``
    (node -> value index), ``fed``, ``session`` and ``memo`` (shared per-plan notes).
    """

    def __init__(self, session: Session, fetches: Any, fed: tuple):
        self.session = session
        graph = session.graph
        targets = _flatten(fetches)
        for t in targets:
            _check_graph(t, graph, "fetch")
        for f in fed:
            _check_element(f, "feed_dict", tensor=True)
            _check_graph(f, graph, "feed_dict key")
        self.fed = set(fed)
        order = sorted(_needed(targets, self.fed) | self.fed, key=lambda n: n._id)
        self.slot = {n: i for i, n in enumerate(order)}
        self.size = len(order)
        self.memo: dict[Any, Any] = {}
        self.feeders = [_feeder(f, self.slot[f]) for f in fed]
        self.steps: list[Step] = []
        self.written: list[SymbolicTensor] = []  # the node whose value each step makes
        for n in order:
            if isinstance(n, SymbolicTensor) and n not in self.fed:
                step = n._make_step(self)
                if step is not None:
                    self.steps.append(step)
                    self.written.append(n)
        self.fetch = _fetcher(fetches, self.slot)
        self.actions = [s for n in order if isinstance(n, Operation)
                        if (s := n._make_step(self)) is not None]
        self.record = [(n, self.slot[n]) for n in order
                       if isinstance(n, SymbolicTensor) and not isinstance(n, Constant)]

    def run(self, feed_dict: dict | None) -> Any:
        vals: list[Any] = [None] * self.size
        if self.feeders:
            for feed, value in zip(self.feeders, feed_dict.values()):
                feed(vals, value)
        if _ANOMALY.get():
            for step, node in zip(self.steps, self.written):
                step(vals)
                check_finite(vals[self.slot[node]], f"'{node.name}' (op '{node.op}')")
        else:
            for step in self.steps:
                step(vals)
        out = self.fetch(vals)  # before the operations, which may update variables
        for act in self.actions:
            act(vals)
        for node, k in self.record:  # drawings show each node's latest value
            node.data = vals[k]
        return out


def _needed(targets: list[GraphElement], fed: set) -> set:
    """Every node the targets depend on; fed nodes are leaves for this run."""
    seen: set = set()
    stack = list(targets)
    while stack:
        n = stack.pop()
        if n not in seen:
            seen.add(n)
            if n not in fed:
                stack.extend(n.parents)
    return seen


def _feeder(node: SymbolicTensor, k: int) -> Callable[[list, Any], None]:
    """A step storing a fed value in slot ``k`` as ``node``'s dtype, after a shape check."""
    dtype, shape = node.dtype, node.shape
    rank = None if shape is None else len(shape)
    lead = 0  # leading None sizes (a batch); the sizes after them are compared as one tuple
    while rank is not None and lead < rank and shape[lead] is None:
        lead += 1
    tail = () if shape is None else shape[lead:]
    fixed = () if None not in tail else tuple((i + lead, n) for i, n in enumerate(tail)
                                               if n is not None)
    if fixed:
        tail = None

    def feed(vals: list, value: Any) -> None:
        try:
            arr = np.asarray(value, dtype=dtype)
        except (TypeError, ValueError) as e:
            hint = (" a feed cannot be a graph tensor (feed its value, sess.run(t))"
                    if isinstance(value, GraphElement) else f" {e}")
            raise DTypeError(f"feed for '{node.name}' ({dtype.name}):{hint}") from None
        if rank is not None:
            got = arr.shape
            if len(got) != rank or (got[lead:] != tail if tail is not None else
                                    any(got[i] != n for i, n in fixed)):
                raise ShapeError(f"placeholder '{node.name}' expects shape {shape} (None: any "
                                 f"size), got a value of shape {got}")
        vals[k] = arr
    return feed


def _result(value: Any) -> Any:
    """A fetched value as the caller keeps it: a copy, and 0-d as a numpy scalar."""
    arr = np.array(value)
    return arr[()] if arr.ndim == 0 else arr


def _fetcher(fetches: Any, slot: dict) -> Callable[[list], Any]:
    """A function from the value slots to the run's result, in the fetches' structure."""
    if isinstance(fetches, Operation):
        return lambda vals: None
    if isinstance(fetches, GraphElement):
        k = slot[fetches]
        return lambda vals: _result(vals[k])
    if isinstance(fetches, dict):
        items = [(key, _fetcher(v, slot)) for key, v in fetches.items()]
        return lambda vals: {key: f(vals) for key, f in items}
    parts = [_fetcher(v, slot) for v in fetches]
    if isinstance(fetches, list):
        return lambda vals: [f(vals) for f in parts]
    kind = type(fetches)
    if hasattr(fetches, "_fields"):  # a namedtuple
        return lambda vals: kind(*[f(vals) for f in parts])
    return lambda vals: kind(f(vals) for f in parts)


def _freeze(fetches: Any) -> Any:
    """A hashable key for a fetch structure; raises for anything that is not fetchable."""
    if isinstance(fetches, GraphElement):
        return fetches
    if isinstance(fetches, (list, tuple)):
        return (type(fetches), tuple(_freeze(v) for v in fetches))
    if isinstance(fetches, dict):
        return (dict, tuple((k, _freeze(v)) for k, v in fetches.items()))
    hint = " (an eager node: its value is .data)" if isinstance(fetches, Node) else ""
    raise DTypeError(f"Session.run: cannot fetch {type(fetches).__name__} {fetches!r}{hint}; "
                     "fetches are graph tensors and operations (placeholders, variables, op "
                     "results, train ops), or lists, tuples and dicts of them")


def _flatten(fetches: Any) -> list[GraphElement]:
    if isinstance(fetches, GraphElement):
        return [fetches]
    values = fetches.values() if isinstance(fetches, dict) else fetches
    return [e for v in values for e in _flatten(v)]


def _check_graph(element: GraphElement, graph: Graph, what: str) -> None:
    if element.graph is not graph:
        raise GraphError(
            f"{what} '{element.name}' belongs to a different graph than this Session's; "
            "create the Session for that graph (tf.Session(graph=g)) or build the node "
            "under `with sess.graph.as_default():`")
