"""Straight-line Python written from a graph: the one compiler behind ``compile`` and sessions.

Both a compat.v1 ``Session`` plan and an eagerly traced step (``autograd_mini.compile``)
become one Python function written as source, one line per forward, per VJP and per
update, and ``exec``-ed once. Every value is a local variable (``d_<name>`` for
gradients); the ops' own forwards and VJPs and the objects the function touches are its
globals, bound under readable names. ``Code`` writes such a function; ``write_vjps``
writes one op's share of a backward pass, the same way for both.

Errors keep their meaning: a line that can fail for a known reason is noted with how to
explain that failure (``Blame``), and the function's one ``except`` looks up the line
that failed. Some lines are checks that mostly find nothing to do (is a forward's result
an array? is a VJP's result of its input's shape?); each is a numbered *site* that notes
when it does work, so that a variant compiled after the first run can leave out the
silent ones (``Code(skip=...)``).
"""

from __future__ import annotations

import ast
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

from ._fast import spread as _spread
from .ops.registry import broadcast_axes, unbroadcast
from .recording import check_finite

# how to explain a failure of one line: (the error, name -> value) -> the error to raise
# instead, or None to let the original one through
Blame = Callable[[Exception, Callable[[str], Any]], "Exception | None"]
_numbers = count(1)


def fit(c: Any, like: Any, site: int, noted: set, summed: dict | None = None) -> Any:
    """A VJP's result summed back to the shape of ``like`` (the input numpy broadcast, or
    its shape); notes that the check at ``site`` found work to do, and in ``summed`` the
    shape it summed from (None where that was not one array's shape every time)."""
    noted.add(site)
    if summed is not None:
        shape = c.shape if type(c) is np.ndarray else None
        summed[site] = shape if summed.get(site, shape) == shape else None
    return unbroadcast(c, like if type(like) is tuple else np.shape(like))


def to_array(value: Any, site: int, noted: set) -> np.ndarray:
    """A forward's result that is not an array (a numpy scalar) as one; notes ``site``."""
    noted.add(site)
    return np.asarray(value)


HELPERS = {"ndarray": np.ndarray, "asarray": np.asarray, "zeros_like": np.zeros_like,
           "ones_like": np.ones_like, "check_finite": check_finite}
_IDENTIFIER = re.compile(r"(?<![\w.])[A-Za-z_]\w*")  # a name, not an attribute (.sum)
_ASSIGN = re.compile(r"([A-Za-z_]\w*) = (.*)$")
_CHAIN = re.compile(r"(?:^|(?<= = ))([A-Za-z_]\w*)(?= = )")  # each target of `a = b = ...`
_SITE = re.compile(r"if (.*?): (.*)$")  # `if <check>: x = ...`, a site's one-line update
_RESERVED = {"run", "explain", "type", "locals", "e", "c", "error", "fetched", "fit",
             "to_array", "float", "None", "True", "False"}


class Code:
    """One generated function while it is written: its lines and the names in it.

    Attributes:
        params: the function's parameters, in order.
        sites: how many checks the function has that may find nothing to do.
        noted: the sites whose check found work to do, as runs note them.
        summed: for each of those that summed a VJP's result back to its input's shape,
            the shape it summed from, as runs note it (None if it changed).
        fast: whether this variant leaves out the checks that found nothing to do.
        memo: notes that writers share while writing.
    """

    kind = "generated step"  # shown in tracebacks: <generated step 3>
    copying: frozenset = frozenset()  # helpers that return a copy of what they are given

    def __init__(self, skip: Collection[int] | None = None, helpers: dict | None = None,
                 summed: dict[int, tuple | None] | None = None):
        self.params: list[str] = []
        self.sites = 0
        self.noted: set[int] = set()
        self.summed: dict[int, tuple | None] = {}
        self.fast = skip is not None
        self._skip = skip or ()
        self._sums = summed or {}  # what an earlier variant's sites summed (see ``sum_of``)
        self.memo: dict[Any, Any] = {}
        self._lines: list[str] = []
        self._blame: dict[int, Blame] = {}
        helpers = {**HELPERS, **(helpers or {})}
        self._env: dict[str, Any] = dict(helpers, fit=partial(fit, noted=self.noted,
                                                              summed=self.summed),
                                         to_array=partial(to_array, noted=self.noted))
        self._taken = set(helpers) | _RESERVED
        self._bound: dict[int, str] = {}  # id(object) -> its global name
        self._next: dict[str, int] = {}  # stem -> the next number to try after it
        self._depth = 2  # inside `def run(...):` and `try:`

    def fresh(self, base: str) -> str:
        """A new identifier like ``base`` (``gradients/w_grad`` -> ``gradients_w_grad``)."""
        stem = re.sub(r"\W", "_", base) or "_"
        if stem[0].isdigit() or keyword.iskeyword(stem):
            stem = "_" + stem
        name, n = stem, self._next.get(stem, 1)
        while name in self._taken:
            n += 1
            name = f"{stem}_{n}"
        self._next[stem] = n
        self._taken.add(name)
        return name

    def local(self, base: str) -> str:
        """A new lowercase local like ``base``: TF's ``MatMul_1`` reads ``matmul_1``."""
        return self.fresh(base.lower())

    def param(self, base: str) -> str:
        """A new parameter of the function."""
        name = self.fresh(base)
        self.params.append(name)
        return name

    def bind(self, obj: Any, hint: str) -> str:
        """The global name under which the function sees ``obj`` (bound once)."""
        name = self._bound.get(id(obj))
        if name is None:
            name = self._bound[id(obj)] = self.fresh(hint)
            self._env[name] = obj
        return name

    def literal(self, value: Any, hint: str) -> str:
        """``value`` as source: written out if it is a plain literal or ``Source``, else
        bound."""
        if isinstance(value, Source):
            return str(value)
        return repr(value) if is_literal(value) else self.bind(value, hint)

    def call(self, fn: str, args: list[str], settings: dict) -> str:
        """``fn(args..., key=value...)`` as source."""
        args = args + [f"{k}={self.literal(v, k)}" for k, v in settings.items()]
        return f"{fn}({', '.join(args)})"

    def site(self) -> int | None:
        """Number a check that may find nothing to do; None if this function leaves it
        out (a fast variant, where it found nothing to do before)."""
        self.sites += 1
        return None if self.sites in self._skip else self.sites

    def sum_of(self, site: int | None, vjp: str, shape: tuple) -> str | None:
        """The sum that brings ``vjp`` back to ``shape`` if the check at ``site`` did that
        sum from one shape in every run of an earlier variant (a bias's gradient:
        ``d_add.sum(axis=0, keepdims=True)``, seed 001's ``np.sum(delta, axis=0,
        keepdims=True)``), else None. The sum is numpy's reduction that ``fit`` does."""
        summed = self._sums.get(site) if site is not None else None
        if summed is None:
            return None
        axes = broadcast_axes(summed, shape)
        lead = len(summed) - len(shape)
        axis = repr(axes[0]) if len(axes) == 1 else repr(axes)
        of = vjp if _IDENTIFIER.fullmatch(vjp) else f"({vjp})"
        if lead == len(axes) and shape:  # only new leading axes: the sum has the shape
            return f"{of}.sum(axis={axis})"  # (a sum to () would be a numpy scalar)
        sum_ = f"{of}.sum(axis={axis}, keepdims=True)"
        return f"{sum_}.reshape({shape!r})" if lead else sum_

    def line(self, text: str, blame: Blame | None = None) -> None:
        """Add a line; ``blame`` explains its failure (see the module docstring)."""
        self._lines.append("    " * self._depth + text)
        if blame is not None:
            self._blame[len(self._lines) + 2] = blame  # after `def run(...):` and `try:`

    def finite(self, value: str, what: str) -> None:
        """A line checking that ``value`` holds no NaN or inf (``detect_anomaly``)."""
        self.line(f"check_finite({value}, {what!r})")

    @contextmanager
    def indented(self, levels: int = 1) -> Iterator[None]:
        """Lines written inside the block are ``levels`` deeper (under an ``if``)."""
        self._depth += levels
        try:
            yield
        finally:
            self._depth -= levels

    def prune(self, returns: str) -> int:
        """Drop the lines whose results nothing reads (dead-result pruning): a loss that
        only seeds its gradient, say. Only for straight-line code (one statement a line,
        no blocks); a line that is not ``name = ...`` (a call, a store into an object) is
        kept with all it reads. Returns how many lines went."""
        if not self._straight():
            return 0
        live = set(_IDENTIFIER.findall(returns))
        keep = [False] * len(self._lines)
        for i in range(len(self._lines) - 1, -1, -1):
            text = self._lines[i].strip()
            if text.startswith("#"):
                keep[i] = True
                continue
            site = _SITE.match(text)
            assigned = _ASSIGN.match(site.group(2) if site else text)
            if assigned is None:  # an effect: always kept
                keep[i] = True
                live.update(_IDENTIFIER.findall(text))
                continue
            target = assigned.group(1)
            if target not in live:
                continue
            keep[i] = True
            if not site:
                live.discard(target)
            live.update(_IDENTIFIER.findall(site.group(1) if site else ""))
            live.update(_IDENTIFIER.findall(assigned.group(2)))
        old = len(self._lines)
        self._keep(keep)
        return old - len(self._lines)

    def fold(self, returns: str) -> int:
        """Work out once the lines that compute the same every run (constant folding): a
        line whose names are all constants (read-only arrays it is bound, numbers, or
        lines folded before) and whose calls are numpy's pure functions, such as a loss's
        gradient seed spread to a batch (``spread(d_loss * (1 / 8), (8, 1))``). Its value
        becomes a read-only global under the line's name, and the line a comment, so the
        source still says where the value comes from. A constant is folded only where
        every line that reads it makes a new array from it (arithmetic, a ufunc): a
        gradient handed on as it is stays a line, so no ``.grad`` is ever a shared
        read-only array; nor is one the function returns (``returns``). Straight-line
        code only. Returns how many lines were folded."""
        if not self._straight():
            return 0
        lines = [line.strip() for line in self._lines]
        assigned: dict[str, int] = {}
        for text in lines:
            if _ASSIGN.match(text) is not None:  # (each name of `a = b = None` too)
                for name in _CHAIN.findall(text):
                    assigned[name] = assigned.get(name, 0) + 1
        found: dict[str, Any] = {}  # name -> its value, for the lines folded so far
        folded: dict[int, str] = {}  # line -> the name it folds
        for i, text in enumerate(lines):
            site = _SITE.match(text)
            m = _ASSIGN.match(site.group(2) if site else text)
            if m is None or (site is None and assigned[m.group(1)] != 1) or (
                    site is not None and m.group(1) not in found) or m.group(1) in self.params:
                continue
            namespace = self._constants(found, text if site else m.group(2))
            if namespace is None:
                continue
            try:
                with np.errstate(all="raise"):
                    if site is None:
                        value = eval(m.group(2), namespace)  # noqa: S307 (pure numpy)
                    else:
                        exec(text, namespace)  # noqa: S102 (a check on constants)
                        value = namespace[m.group(1)]
            except Exception:  # noqa: BLE001  (left to the run, which explains it)
                continue
            if isinstance(value, np.ndarray) and value.flags.writeable:
                value = value.copy()
                value.flags.writeable = False
            if not isinstance(value, (np.ndarray, np.generic, int, float, tuple)):
                continue
            found[m.group(1)] = value
            folded[i] = m.group(1)
        while True:  # a constant read where it is not made into a new array: not folded
            unsafe = {name for i, text in enumerate(lines) if i not in folded
                      for name in _IDENTIFIER.findall(text) if name in found
                      and not self._makes_new(text, name)}
            unsafe.update(name for name in _IDENTIFIER.findall(returns) if name in found)
            if not unsafe:
                break
            for i in [i for i, name in folded.items() if name in unsafe]:
                del folded[i]
            for name in unsafe:
                found.pop(name, None)
        keep = [True] * len(lines)
        for i, name in folded.items():
            if _SITE.match(lines[i]):
                keep[i] = False  # a check on a constant: done
            else:
                self._lines[i] = "    " * self._depth + f"# {lines[i]}  (the same every call: " \
                    "worked out once)"
                self._env[name] = found[name]
        self._keep(keep)
        return len(folded) + self._fold_parts(found)

    def _fold_parts(self, found: dict) -> int:
        """Work out once the parts of lines that are the same every call (``d_square * 2``
        in square's VJP ``d_square * 2 * sub``, when ``d_square`` is a folded seed): each
        becomes a read-only global, shown on a comment line above its line. Only parts
        that an operator or a ufunc makes a new array from. Returns how many."""
        rewritten: list[list[str]] = []
        parts = 0
        for line in self._lines:
            text = line.strip()
            m = None if text.startswith("#") or _SITE.match(text) else _ASSIGN.match(text)
            notes: list[str] = []
            if m is not None:
                try:
                    tree = ast.parse(m.group(2), mode="eval")
                except SyntaxError:
                    tree = None
                if tree is not None:
                    self._fold_in(tree, found, notes)
            if notes:
                parts += len(notes)
                indent = "    " * self._depth
                rewritten.append([indent + n for n in notes] +
                                 [indent + f"{m.group(1)} = {ast.unparse(tree.body)}"])
            else:
                rewritten.append([line])
        self._rewrite(rewritten)
        return parts

    def _fold_in(self, node: ast.AST, found: dict, notes: list[str]) -> None:
        """Replace in ``node``'s subtree each largest constant part that its parent makes
        a new array from by the name of its value; a comment for each goes to ``notes``."""
        for field, value in ast.iter_fields(node):
            items = value if isinstance(value, list) else [value]
            for i, child in enumerate(items):
                if not isinstance(child, ast.AST):
                    continue
                name = self._fold_part(child, found, notes) \
                    if self._operand(node, child) else None
                if name is None:
                    self._fold_in(child, found, notes)
                elif isinstance(value, list):
                    value[i] = ast.Name(name, ast.Load())
                else:
                    setattr(node, field, ast.Name(name, ast.Load()))

    def _operand(self, parent: ast.AST, child: ast.AST) -> bool:
        """Whether ``parent`` makes a new array from ``child`` (an operator's operand, a
        ufunc's argument), and ``child`` is a computation (not a name or a number)."""
        if not isinstance(child, (ast.BinOp, ast.UnaryOp, ast.Call)):
            return False
        if isinstance(parent, (ast.BinOp, ast.UnaryOp)):
            return True
        return isinstance(parent, ast.Call) and any(child is a for a in parent.args) and \
            _pure(_named(parent.func, self._env), fresh=True)

    def _fold_part(self, part: ast.expr, found: dict, notes: list[str]) -> str | None:
        """The name of ``part``'s value if it is the same every call and an array."""
        text = ast.unparse(part)
        namespace = self._constants(found, text)
        if namespace is None:
            return None
        try:
            with np.errstate(all="raise"):
                value = eval(text, namespace)  # noqa: S307 (pure numpy on constants)
        except Exception:  # noqa: BLE001  (left to the run, which explains it)
            return None
        if not isinstance(value, (np.ndarray, np.generic)):
            return None  # (numbers alone: Python's own compiler folds those)
        if isinstance(value, np.ndarray):
            value = value.copy()
            value.flags.writeable = False
        base = next((n.id for n in ast.walk(part) if isinstance(n, ast.Name) and
                     isinstance(namespace[n.id], (np.ndarray, np.generic))), "part")
        name = self.fresh(base)
        self._env[name] = found[name] = value
        notes.append(f"# {name} = {text}  (the same every call: worked out once)")
        return name

    def _straight(self) -> bool:
        """Whether the lines are straight-line code: one statement a line, no blocks."""
        return not any(not line.startswith("    " * self._depth) or
                       line[4 * self._depth] == " " or line.rstrip().endswith(":")
                       for line in self._lines)

    def _constants(self, found: dict, text: str) -> dict | None:
        """The names ``text`` reads, if all are constants, and its calls numpy's pure
        functions; else None."""
        try:
            tree = ast.parse(text)
        except SyntaxError:
            return None
        namespace: dict[str, Any] = {"fit": self._env["fit"], "ndarray": np.ndarray,
                                     "type": type}
        for name in {n.id for n in ast.walk(tree) if isinstance(n, ast.Name)}:
            if name in found:
                namespace[name] = found[name]
            elif name not in namespace:
                if name not in self._env or not _constant(self._env[name]):
                    return None
                namespace[name] = self._env[name]
        for call in (n for n in ast.walk(tree) if isinstance(n, ast.Call)):
            fn = _named(call.func, namespace)
            if not (_pure(fn) or fn is namespace["fit"] or fn is type):
                return None
        return namespace

    def _makes_new(self, text: str, name: str) -> bool:
        """Whether the line ``text`` only reads ``name`` to make a new array from it: in
        arithmetic or as an argument of a ufunc (not handed on, stored or viewed)."""
        m = _ASSIGN.match(text)
        if m is None or _SITE.match(text):
            return False
        try:
            top = ast.parse(m.group(2), mode="eval").body
        except SyntaxError:
            return False
        uses = 0
        for n in ast.walk(top):
            if isinstance(n, ast.BinOp):
                operands = [n.left, n.right]
            elif isinstance(n, ast.UnaryOp):
                operands = [n.operand]
            elif isinstance(n, ast.Call) and (_pure(fn := _named(n.func, self._env), fresh=True)
                                              or any(fn is c for c in self.copying)):
                operands = n.args
            else:
                continue
            uses += sum(isinstance(o, ast.Name) and o.id == name for o in operands)
        return uses == sum(isinstance(n, ast.Name) and n.id == name for n in ast.walk(top))

    def _keep(self, keep: list[bool]) -> None:
        """Keep the lines marked, moving each kept line's blame with it."""
        self._rewrite([[line] if k else [] for line, k in zip(self._lines, keep)])

    def _rewrite(self, lines: list[list[str]]) -> None:
        """Each line replaced by the lines given for it (none: dropped); its blame moves
        to the last of them."""
        self._lines, moved = [], {}
        for i, new in enumerate(lines):
            self._lines += new
            if new and i + 3 in self._blame:  # (after `def run(...):` and `try:`)
                moved[len(self._lines) + 2] = self._blame[i + 3]
        self._blame = moved

    def finish(self, returns: str, name: str = "run") -> tuple[str, Callable]:
        """The source and the function, ``exec``-ed once; tracebacks show its lines."""
        source = "\n".join([f"def {name}({', '.join(self.params)}):", "    try:",
                            *(self._lines or ["        pass"]),
                            "    except Exception as e:",
                            "        error = explain(e, locals())",
                            "        if error is None:",
                            "            raise",
                            "        raise error from None",
                            f"    return {returns}", ""])
        filename = f"<{self.kind} {next(_numbers)}>"
        env = self._env
        env["explain"] = partial(_explain, blame=self._blame, env=env)
        exec(compile(source, filename, "exec"), env)  # noqa: S102 (our own generated source)
        linecache.cache[filename] = (len(source), None, source.splitlines(True), filename)
        fn = env[name]
        weakref.finalize(fn, linecache.cache.pop, filename, None)  # gone with the function
        return source, fn


_PURE = frozenset({np.sum, np.mean, np.where, np.zeros, np.ones, np.full, np.array, _spread})
_VIEWS = frozenset({np.reshape, np.broadcast_to, np.transpose, np.asarray})


def _named(func: ast.expr, names: dict[str, Any]) -> Any:
    """What a call's function (``np.exp``, ``spread``: a name or attributes of one) is
    among ``names``; None for anything else."""
    if not isinstance(func, (ast.Name, ast.Attribute)):
        return None
    try:
        return eval(ast.unparse(func), {"__builtins__": {}}, names)  # noqa: S307 (names only)
    except Exception:  # noqa: BLE001  (unknown: not a function the fold may call)
        return None


def _pure(fn: Any, fresh: bool = False) -> bool:
    """Whether ``fn`` is a numpy function of its arguments alone; ``fresh``: one that
    returns a new array (not a view of, or the very array it was given)."""
    try:
        return isinstance(fn, np.ufunc) or fn in _PURE or (not fresh and fn in _VIEWS)
    except TypeError:  # unhashable
        return False


def _constant(value: Any) -> bool:
    """Whether a global of a generated function holds the same every run: a read-only
    array, a number, a dtype, numpy, or one of its pure functions."""
    if isinstance(value, np.ndarray):
        return not value.flags.writeable
    return type(value) in (int, float, bool, np.dtype) or isinstance(value, np.generic) or \
        value is np or _pure(value)


def _explain(error: Exception, local_vars: dict, blame: dict[int, Blame],
             env: dict) -> Exception | None:
    """The error to raise for ``error`` caught in a generated function (None: itself)."""
    tb = error.__traceback__
    why = blame.get(tb.tb_lineno) if tb is not None else None
    if why is None:
        return None
    return why(error, lambda name: local_vars[name] if name in local_vars else env[name])


class Source(str):
    """Source text to write as it is where a value is expected (a setting that is a
    value of the generated function: ``condition=mask``)."""


def is_literal(value: Any) -> bool:
    """Whether ``repr(value)`` is Python source for ``value`` (numbers, strings, tuples)."""
    if value is None or type(value) in (bool, int, str):
        return True
    if type(value) is float:
        return bool(np.isfinite(value))  # repr(inf) is not Python
    return type(value) is tuple and all(is_literal(v) for v in value)


def tuple_source(names: list[str]) -> str:
    """``(a, b)``, ``(a,)`` or ``()``."""
    return f"({names[0]},)" if len(names) == 1 else f"({', '.join(names)})"


# ----- one op's share of a backward pass -------------------------------------------------------


def write_vjps(code: Code, spec: Any, settings: dict, g: str, out: str, inputs: list[str],
               calls: list[tuple[int, str, str, bool]], guarded: bool,
               static: bool = False, fits: bool = True,
               inline: Callable[[int, list[str]], str | None] | None = None,
               shapes: dict[int, tuple] | None = None) -> list[str]:
    """Write an op's VJPs: for each ``(i, input value, input gradient, first)`` in
    ``calls``, input ``i``'s gradient from ``g`` (the op's own gradient), summed back to
    the input's shape where numpy broadcast it (a site), and added to what already
    arrived unless it is the ``first`` to arrive. ``guarded``: under ``if g is not
    None:``. ``static``: a traced backward, where every call is known to give a
    gradient, so there is no None to test for. ``fits=False``: the inputs are floats,
    which never need summing back. ``inline(i, args)`` may give input ``i``'s VJP as an
    expression to write instead of a call. ``shapes``: the inputs' shapes where they are
    known when writing (a traced step's), so the checks need not read the inputs; a
    traced backward's variant written after runs whose check summed from one shape writes
    that sum instead (``Code.sum_of``). Returns the source of each call's VJP (with its
    sum), in order.
    """
    args = [g, out if spec.reads_out else "None", *inputs]  # (never read: not kept alive)
    written = []
    if guarded:
        code.line(f"if {g} is not None:")
    with code.indented(1 if guarded else 0):
        for i, value, grad, first in calls:
            vjp = inline(i, args) if inline is not None else None
            if vjp is None:
                vjp = code.call(code.bind(spec.vjp(i), f"{spec.name}_vjp{i}"), args, settings)
            site = code.site() if fits else None
            summed = code.sum_of(site, vjp, shapes[i]) if static and shapes else None
            if summed is not None:  # the sum every earlier run did, written out
                vjp, site = summed, None
            written.append(vjp)
            shape = f"{value}.shape" if shapes is None else repr(shapes[i])
            like = value if shapes is None else shape
            misfit = f"type({{0}}) is not ndarray or {{0}}.shape != {shape}"
            fitted = f"{{0}} = fit({{0}}, {like}, {site})"
            if first:
                code.line(f"{grad} = {vjp}")
                if site is not None:
                    test = misfit.format(grad)
                    test = test if static else f"{grad} is not None and ({test})"
                    code.line(f"if {test}: {fitted.format(grad)}")
                continue
            code.line(f"c = {vjp}")
            if not static:
                code.line("if c is not None:")
            with code.indented(0 if static else 1):
                if site is not None:
                    code.line(f"if {misfit.format('c')}: {fitted.format('c')}")
                code.line(f"{grad} = {grad} + c" if static
                          else f"{grad} = c if {grad} is None else {grad} + c")
    return written
