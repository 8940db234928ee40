"""``Session``: runs a graph by planning each kind of run once and replaying the plan.

A plan is fixed by the fetches and the fed tensors. It is compiled into one Python
function (``compile.py``) of straight-line code: convert and check each feed, each
needed node's forward in creation order (the op's own ``spec.forward``; as in TF1, not a
loss that only seeds gradients and is not fetched), one backward
per ``gradients()`` group (the ops' own VJPs), the operations in creation order
(initialise, train, assign), then the fetches: a fetched variable shows its value after
the run's updates, as TF1's variables did (``sess.run([train, global_step])`` gives the
incremented step). ``Session.plan_source`` returns that function's source. After the
first run a second variant, specialised to the shapes fed then, leaves out the checks
that found nothing to do, writes the ops' own expressions in place of their calls and
works out once what is the same every run (``codegen.Code.fold``), as compiled steps do;
other shapes still run the general one.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from ...errors import DTypeError, GraphError, ShapeError
from ...graph import Node
from ...i18n import message
from ...recording import ANOMALY
from ...variable import Variable as EagerVariable
from .compile import Code, fetch_source, shown_nodes, tuple_source, write_feed
from .gradients import seeds_only
from .graph import (
    Constant,
    Graph,
    GraphElement,
    Operation,
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
            raise DTypeError(message("err.feed_not_dict", type=type(feed_dict).__name__))
        fed = tuple(feed_dict) if feed_dict else ()
        key = (fetches if isinstance(fetches, GraphElement) else _freeze(fetches), fed)
        plan = self._plans.get(key)
        return (plan or self._plan(fetches, fed)).run(feed_dict)

    def plan_source(self, fetches: Any, feed_dict: Any = (), fast: bool = False) -> str | None:
        """The Python source of the function ``run(fetches, feed_dict)`` calls: one line
        per feed check, forward, VJP and update (what TF1's session runs, as Python).

        Args:
            feed_dict: the dict itself, or just its placeholders in its order.
            fast: the variant made after the first run instead, for the shapes fed then,
                without the checks that found nothing to do (None if there is none).
        """
        plan = self._plan(fetches, tuple(feed_dict))
        return plan.fast_source if fast else plan.source

    def _plan(self, fetches: Any, fed: tuple) -> _Plan:
        """The plan for this kind of run, made (checked and compiled) the first time."""
        key = (fetches if isinstance(fetches, GraphElement) else _freeze(fetches), fed)
        plan = self._plans.get(key)
        if plan is None:  # a new kind of run (close() forgets every plan): check, then plan
            if self._closed:
                raise GraphError(message("err.session_closed"))
            plan = self._plans[key] = _Plan(self, fetches, fed)
        return plan

    def close(self) -> None:
        """Free the variables' values and the plans; later runs raise."""
        self._closed = True
        if getattr(self.graph._shown, "session", None) is self:
            self.graph._settle()  # the nodes keep the last values; the plan can go
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
        """Give ``var`` a new value in this session (as a new, read-only array). Initializers,
        assign ops and ``Saver.restore`` set values here (train ops by their update rule):
        a variable keeps its shape and dtype, as plans' fast variants assume."""
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
        raise GraphError(message("err.no_session", name=element.name))
    return session


# ----- plans ----------------------------------------------------------------------------------


class _Plan:
    """Everything one kind of run needs, worked out and compiled once.

    Node classes write their own lines through ``_emit(plan, code)``, reading ``session``,
    ``fed`` and ``needed`` (every node this run computes or is fed).

    Attributes:
        source: the compiled function's Python source.
        fast_source: the variant for the shapes first fed (see ``_specialise``), if any.
        values, grads: the last run's node values and gradients, which drawings read
            (``value_index`` and ``grad_index`` say which is whose).
        unread: results this run does not compute, as TF1 does not: a loss that only
            seeds gradients whose VJPs never read it (``gradients.seeds_only``); their
            drawings keep the value of the last run that computed them.
    """

    def __init__(self, session: Session, fetches: Any, fed: tuple):
        self.session = session
        self.graph = graph = session.graph
        targets = _flatten(fetches)
        for t in targets:
            _check_graph(t, graph, "fetch")
        for f in fed:
            _check_element(f, "feed_dict", tensor=True)
            _check_graph(f, graph, "feed_dict key")
        self.fetches, self.feeds, self.fed = fetches, fed, set(fed)
        self.needed = _needed(targets, self.fed) | self.fed
        self.order = sorted(self.needed, key=lambda n: n._id)
        self.unread = seeds_only(self.order, targets, self.fed)  # None in this run
        self.shown = [n for n in shown_nodes(self.order) if n not in self.unread]
        self.value_index = {n: i for i, n in enumerate(self.shown)}
        general = self._compile(Code())
        self.source, self._general, self._noted, self._sites = general
        self._fn = self._general  # what a run calls, once the fast variant is made
        self.fast_source: str | None = None
        self._specialised = False
        self._checked: Callable | None = None  # the same with finite checks, when needed
        self.values: tuple = ()
        self.grads: tuple = ()

    def _compile(self, code: Code, shapes: dict | None = None) -> tuple[str, Callable, set, int]:
        """Write and compile the plan's function: feeds (then, given the fed ``shapes``
        it is made for, a line running the general function for others), the needed
        nodes' values, the operations, then the fetches."""
        for f in self.feeds:
            write_feed(code, f)
        if shapes:
            tests = " or ".join(f"{code.names[f]}.shape != {shapes[f]!r}" for f in self.feeds)
            general = code.bind(self._general, "general")
            code.line(f"if {tests}: return {general}({', '.join(code.params)})")
        for n in self.order:
            if n in self.unread:
                code.line(f"{code.define(n)} = None  # only seeds gradients: not computed")
            elif isinstance(n, SymbolicTensor) and n not in self.fed:
                n._emit(self, code)
                code.check(n)
        for n in self.order:
            if isinstance(n, Operation):
                n._emit(self, code)
        code.line(f"fetched = {fetch_source(code, self.fetches)}")
        if code.fast:  # what is the same every run (a loss's seed) is worked out once; the
            code.fold("fetched")  # values and gradients returned for drawings may be shared
        values = tuple_source([code.names[n] for n in self.shown])
        self.grad_index = {n: i for i, n in enumerate(code.grads)}
        source, fn = code.finish(f"fetched, {values}, {tuple_source(list(code.grads.values()))}")
        return source, fn, code.noted, code.sites

    def _specialise(self) -> None:
        """After the first plain run, compile a variant without the checks that found
        nothing to do (arrays already arrays, gradients already of their input's shape, a
        gradient that may be None where the run had one), with what is the same every run
        (a loss's seed) worked out once.
        What they check follows from the fed shapes (variables and constants keep
        theirs), so the variant compares those with this run's first, and calls the
        general function if they differ."""
        self._specialised = True
        skip = set(range(1, self._sites + 1)) - self._noted
        if skip:
            shapes = {f: self.values[self.value_index[f]].shape for f in self.feeds}
            values = {n: self.values[i] for n, i in self.value_index.items()}
            values.update((n, n._data) for n in self.order if isinstance(n, Constant))
            grads = {n: self.grads[i] for n, i in self.grad_index.items()}
            code = Code(skip=skip, layout=(values, grads))
            self.fast_source, self._fn = self._compile(code, shapes)[:2]

    def run(self, feed_dict: dict | None) -> Any:
        fn = self._fn
        if ANOMALY.get():
            if self._checked is None:
                self._checked = self._compile(Code(anomaly=True))[1]
            fn = self._checked
        out, self.values, self.grads = fn(*feed_dict.values()) if feed_dict else fn()
        if self.graph._shown is not self:
            self.graph._show(self)
        if fn is self._general and not self._specialised:  # (a fast variant's runs: one test)
            self._specialise()
        return out

    def settle(self) -> None:
        """Write the last run's values and gradients into the nodes themselves."""
        for node, i in self.value_index.items():
            node._data = self.values[i]
        for node, i in self.grad_index.items():
            node._grad = self.grads[i]


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
        raise GraphError(message("err.other_graph", what=what, name=element.name))
