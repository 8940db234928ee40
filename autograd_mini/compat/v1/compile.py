"""A ``Session`` plan compiled into one straight-line Python function: what TF1's session runs.

The plan's function is written as Python source, one line per step, and ``exec``-ed
once. The fed placeholders are its parameters, every value is a local variable named
after its node (``d_<name>`` for gradients), and the ops' own forwards and VJPs, the
session's variable store and the graph's constants are its globals. A run is one call
of it: no closures, no lookups by name. ``Session.plan_source(fetches, feed_dict)``
shows it; for seed 000's train step it starts::

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
is noted with how to explain that failure, and the function's one ``except`` looks up
the line that failed.

Some lines are checks that mostly find nothing to do: is a forward's result an array
(full reductions give numpy scalars)? is a VJP's result of its input's shape (else it
is summed back over the broadcast axes)? Each is a numbered *site* that notes when it
does work. After a plan's first run, ``_Plan._specialise`` compiles a fast variant
without the silent ones, for the shapes fed in that run.
"""

from __future__ import annotations

import keyword
import linecache
import re
import weakref
from collections.abc import Callable, Collection, Iterator
from contextlib import contextmanager
from functools import partial
from itertools import count
from typing import Any

import numpy as np

from ...errors import DTypeError, ShapeError
from ...ops.registry import unbroadcast
from ...recording import check_finite
from .graph import Constant, GraphElement, SymbolicTensor

# how to explain a failure of one line: (the error, name -> value) -> the error to raise
# instead, or None to let the original one through
Blame = Callable[[Exception, Callable[[str], Any]], "Exception | None"]
FORWARD_ERRORS = (ValueError, IndexError, TypeError)  # how a forward says "wrong shapes"
_numbers = count(1)


# ----- helpers the generated functions call --------------------------------------------------


def fit(c: Any, like: Any, site: int, noted: set) -> Any:
    """A VJP's result summed back to the shape of ``like`` (the input numpy broadcast);
    notes that the check at ``site`` found work to do."""
    noted.add(site)
    return unbroadcast(c, np.shape(like))


def to_array(value: Any, site: int, noted: set) -> np.ndarray:
    """A forward's result that is not an array (a numpy scalar) as one; notes ``site``."""
    noted.add(site)
    return np.asarray(value)


def result(value: Any) -> Any:
    """A fetched value as the caller keeps it: a copy, and 0-d as a numpy scalar."""
    arr = np.array(value)
    return arr[()] if arr.ndim == 0 else arr


def misfit(node: SymbolicTensor, value: np.ndarray) -> ShapeError:
    """The error for a fed value whose shape does not fit its placeholder's."""
    return ShapeError(f"placeholder '{node.name}' expects shape {node.shape} (None: any "
                      f"size), got a value of shape {value.shape}")


_HELPERS = {"ndarray": np.ndarray, "asarray": np.asarray, "zeros_like": np.zeros_like,
            "ones_like": np.ones_like, "result": result, "misfit": misfit,
            "check_finite": check_finite}
_RESERVED = {"run", "explain", "type", "locals", "e", "c", "error", "fetched", "fit", "to_array"}


# ----- writing the source --------------------------------------------------------------------


class Code:
    """One plan's function while it is written: its lines and the names in it.

    Attributes:
        names: graph node -> the name holding its value (a local, or a constant's global).
        grads: graph node -> the local holding its gradient, as drawings show it.
        memo: notes that nodes share while writing (a ``gradients()`` group is written once).
        anomaly: whether to check every value is finite (``detect_anomaly``).
        params: the function's parameters (the fed values' names, in feed order).
        sites: how many checks the function has that may find nothing to do (is a
            forward's result an array? a VJP's result of its input's shape?).
        noted: the sites whose check found work to do, as runs note them.
        fast: whether this is a plan's variant for fixed fed shapes, which leaves out
            the checks that found nothing to do (see ``_Plan._specialise``).
    """

    def __init__(self, anomaly: bool = False, skip: Collection[int] | None = None):
        self.anomaly = anomaly
        self.params: list[str] = []
        self.sites = 0
        self.noted: set[int] = set()
        self.fast = skip is not None
        self._skip = skip or ()
        self.names: dict[GraphElement, str] = {}
        self.grads: dict[GraphElement, str] = {}
        self.memo: dict[Any, Any] = {}
        self._lines: list[str] = []
        self._blame: dict[int, Blame] = {}
        self._env: dict[str, Any] = dict(_HELPERS, fit=partial(fit, noted=self.noted),
                                         to_array=partial(to_array, noted=self.noted))
        self._taken = set(_HELPERS) | _RESERVED
        self._bound: dict[int, str] = {}  # id(object) -> its global name
        self._depth = 2  # inside `def run(...):` and `try:`

    def fresh(self, base: str) -> str:
        """A new identifier like ``base`` (``gradients/w_grad`` -> ``gradients_w_grad``)."""
        stem = re.sub(r"\W", "_", base) or "_"
        if stem[0].isdigit() or keyword.iskeyword(stem):
            stem = "_" + stem
        name, n = stem, 1
        while name in self._taken:
            n += 1
            name = f"{stem}_{n}"
        self._taken.add(name)
        return name

    def local(self, base: str) -> str:
        """A new lowercase local like ``base``: TF's ``MatMul_1`` reads ``matmul_1``."""
        return self.fresh(base.lower())

    def bind(self, obj: Any, hint: str) -> str:
        """The global name under which the function sees ``obj`` (bound once)."""
        name = self._bound.get(id(obj))
        if name is None:
            name = self._bound[id(obj)] = self.fresh(hint)
            self._env[name] = obj
        return name

    def literal(self, value: Any, hint: str) -> str:
        """``value`` as source: written out if it is a plain literal, else bound."""
        return repr(value) if _is_literal(value) else self.bind(value, hint)

    def define(self, node: GraphElement, param: bool = False) -> str:
        """A new local for ``node``'s value (a parameter of the function if ``param``)."""
        name = self.names[node] = self.local(node.name)
        if param:
            self.params.append(name)
        return name

    def call(self, fn: str, args: list[str], settings: dict) -> str:
        """``fn(args..., key=value...)`` as source."""
        args = args + [f"{k}={self.literal(v, k)}" for k, v in settings.items()]
        return f"{fn}({', '.join(args)})"

    def site(self) -> int | None:
        """Number a check that may find nothing to do; None if this function leaves it
        out (a fast variant, where it found nothing to do before)."""
        self.sites += 1
        return None if self.sites in self._skip else self.sites

    def line(self, text: str, blame: Blame | None = None) -> None:
        """Add a line; ``blame`` explains its failure (see the module docstring)."""
        self._lines.append("    " * self._depth + text)
        if blame is not None:
            self._blame[len(self._lines) + 2] = blame  # after `def run(...):` and `try:`

    def check(self, node: SymbolicTensor) -> None:
        """In anomaly mode, a line checking ``node``'s value is finite."""
        if self.anomaly:
            where = f"'{node.name}' (op '{node.op}')"
            self.line(f"check_finite({self.names[node]}, {where!r})")

    @contextmanager
    def indented(self, levels: int = 1) -> Iterator[None]:
        """Lines written inside the block are ``levels`` deeper (under an ``if``)."""
        self._depth += levels
        try:
            yield
        finally:
            self._depth -= levels

    def finish(self, returns: str) -> tuple[str, Callable]:
        """The source and the function, ``exec``-ed once; tracebacks show its lines."""
        source = "\n".join([f"def run({', '.join(self.params)}):", "    try:",
                            *(self._lines or ["        pass"]),
                            "    except Exception as e:",
                            "        error = explain(e, locals())",
                            "        if error is None:",
                            "            raise",
                            "        raise error from None",
                            f"    return {returns}", ""])
        filename = f"<compat.v1 plan {next(_numbers)}>"
        env = self._env
        env["explain"] = partial(_explain, blame=self._blame, env=env)
        exec(compile(source, filename, "exec"), env)  # noqa: S102 (our own generated source)
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        weakref.finalize(env["run"], linecache.cache.pop, filename, None)  # gone with the plan
        return source, env["run"]


def _explain(error: Exception, local_vars: dict, blame: dict[int, Blame],
             env: dict) -> Exception | None:
    """The error to raise for ``error`` caught in a plan's function (None: itself)."""
    tb = error.__traceback__
    why = blame.get(tb.tb_lineno) if tb is not None else None
    if why is None:
        return None
    return why(error, lambda name: local_vars[name] if name in local_vars else env[name])


def _is_literal(value: Any) -> bool:
    if value is None or type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return bool(np.isfinite(value))  # repr(inf) is not Python
    return type(value) is tuple and all(_is_literal(v) for v in value)


# ----- the parts of a plan that belong to no node: feeds and fetches ------------------------


def write_feed(code: Code, node: SymbolicTensor) -> None:
    """Convert a fed value to ``node``'s dtype and check it fits ``node``'s shape."""
    v = code.define(node, param=True)
    dtype = code.bind(node.dtype, node.dtype.name)

    def not_a_number(e: Exception, lookup: Callable[[str], Any]) -> Exception | None:
        if not isinstance(e, (TypeError, ValueError)):
            return None
        hint = (" a feed cannot be a graph tensor (feed its value, sess.run(t))"
                if isinstance(lookup(v), GraphElement) else f" {e}")
        return DTypeError(f"feed for '{node.name}' ({node.dtype.name}):{hint}")

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


def tuple_source(names: list[str]) -> str:
    """``(a, b)``, ``(a,)`` or ``()``."""
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"


def shown_nodes(order: list[GraphElement]) -> list[SymbolicTensor]:
    """The nodes whose values a run hands to drawings (constants keep their own)."""
    return [n for n in order if isinstance(n, SymbolicTensor) and not isinstance(n, Constant)]
