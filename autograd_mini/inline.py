"""An op's forward or VJP written into generated code as an expression, not a call.

A compiled step spends much of its time calling small functions (``lambda g, out, x, y:
g * y``). Where such a function is one expression, ``inline`` gives that expression with
the arguments put in, read from the op's own source: the op stays defined in one place.
On floats (a ``Value`` step) only arithmetic that cannot raise is inlined (``+``, ``-``,
``*``, comparisons, ``a if c else b``, calls of the functions it names): Python's ``/``
raises on zero where the op gives inf. On arrays numpy never raises, so ``/``, ``**`` and
module functions (``np.exp``) are inlined too.
"""

from __future__ import annotations

import ast
import functools
import inspect
import sys
from collections.abc import Callable
from typing import Any

_ARRAYS = (ast.Div, ast.Pow, ast.Attribute)  # safe on arrays only
_SAFE = (ast.Expression, ast.Name, ast.Load, ast.Constant, ast.BinOp, ast.Add, ast.Sub,
         ast.Mult, ast.UnaryOp, ast.USub, ast.UAdd, ast.Not, ast.Compare, ast.Gt, ast.GtE,
         ast.Lt, ast.LtE, ast.Eq, ast.NotEq, ast.IfExp, ast.BoolOp, ast.And, ast.Or, ast.Call)


def inline(code: Any, fn: Callable, args: list[str], arrays: bool = False) -> str | None:
    """``fn(*args)`` as an expression for ``code`` (a ``codegen.Code``), or None.
    ``args`` are names or literals, as generated code passes them; ``arrays``: they hold
    numpy arrays, not floats."""
    found = template(fn, arrays)
    if found is None or len(found[0]) != len(args):
        return None
    params, form, names = found
    args = [f"({a})" if a[:1] == "-" else a for a in args]
    globals_ = fn.__globals__
    return form.format(*args, *[code.bind(globals_[n], n) for n in names])


@functools.cache
def template(fn: Callable, arrays: bool = False) -> tuple[tuple[str, ...], str, list[str]] | None:
    """``(parameters, form, globals)`` of a function that is one safe expression (else
    None): ``form`` has ``{0}``, ``{1}``... for the parameters, then for the globals."""
    c = getattr(fn, "__code__", None)
    if c is None or c.co_freevars or c.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS):
        return None
    tree = _module_tree(c.co_filename)
    if tree is None:
        return None
    params = c.co_varnames[:c.co_argcount]
    for node in ast.walk(tree):
        if getattr(node, "lineno", None) != c.co_firstlineno and not (
                isinstance(node, ast.FunctionDef) and node.decorator_list
                and node.decorator_list[0].lineno == c.co_firstlineno):
            continue
        if isinstance(node, ast.Lambda):
            body = node.body
        elif isinstance(node, ast.FunctionDef) and node.name == c.co_name:
            stmts = [s for s in node.body if not (isinstance(s, ast.Expr) and isinstance(
                s.value, ast.Constant))]  # without its docstring
            if len(stmts) != 1 or not isinstance(stmts[0], ast.Return) or stmts[0].value is None:
                continue
            body = stmts[0].value
        else:
            continue
        if tuple(a.arg for a in node.args.args) != params or node.args.defaults:
            continue
        if not _same_code(node.args, body, c) or not _safe(body, params, fn, arrays):
            continue
        return _form(body, params)
    return None


def _form(body: ast.expr, params: tuple[str, ...]) -> tuple[tuple[str, ...], str, list[str]]:
    """The expression with numbered fields for its parameters and the globals it names."""
    names: list[str] = []
    marks = {p: f"__field{i}__" for i, p in enumerate(params)}

    class Mark(ast.NodeTransformer):
        def visit_Name(self, node: ast.Name) -> ast.AST:  # noqa: N802  (ast's name)
            if node.id not in marks:
                marks[node.id] = f"__field{len(params) + len(names)}__"
                names.append(node.id)
            return ast.Name(marks[node.id], ast.Load())

    text = ast.unparse(Mark().visit(ast.parse(ast.unparse(body), mode="eval")))
    for i in range(len(params) + len(names)):
        text = text.replace(f"__field{i}__", "{" + str(i) + "}")
    return params, text, names


@functools.cache
def _module_tree(filename: str) -> ast.AST | None:
    try:
        with open(filename, encoding="utf-8") as f:
            return ast.parse(f.read())
    except (OSError, SyntaxError, ValueError):
        return None


def _same_code(args: ast.arguments, body: ast.expr, c: Any) -> bool:
    """Whether ``body`` is the expression ``c`` was compiled from (two lambdas may share a line)."""
    lam = ast.Expression(ast.Lambda(args=args, body=body))
    ast.fix_missing_locations(lam)
    try:
        made = compile(lam, c.co_filename, "eval").co_consts[0]
    except (SyntaxError, ValueError, IndexError):
        return False
    return made.co_code == c.co_code and made.co_names == c.co_names and \
        made.co_consts[1:] == c.co_consts[1:] if sys.version_info < (3, 12) else \
        made.co_code == c.co_code and made.co_names == c.co_names


def _safe(body: ast.expr, params: tuple[str, ...], fn: Callable, arrays: bool) -> bool:
    """Only arithmetic that cannot raise, and calls of named functions (on arrays, also
    division, powers and a module's functions: ``np.exp``)."""
    names = getattr(fn, "__globals__", {})
    for node in ast.walk(body):
        if not isinstance(node, _SAFE) and not (arrays and isinstance(node, _ARRAYS)):
            return False
        if isinstance(node, ast.Attribute) and not (
                isinstance(node.value, ast.Name) and node.value.id in names
                and inspect.ismodule(names[node.value.id])):
            return False
        if isinstance(node, ast.Call) and not isinstance(node.func, (ast.Name, ast.Attribute)):
            return False
        if isinstance(node, ast.Name) and node.id not in params and node.id not in names:
            return False
    return True
