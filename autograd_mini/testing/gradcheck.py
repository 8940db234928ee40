"""Gradient checks: the engine's gradients against central differences computed in float64.

``gradcheck`` and ``gradgradcheck`` test a function of Values/Tensors to first and second
order, and name the ops whose VJPs are to blame when they fail.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from .._fast import backprop
from ..errors import AutogradError, DTypeError
from ..graph import Node, data_of, shape_of, toposort
from ..recording import enable_grad, is_recording, no_grad
from ..tensor import Tensor
from ..value import Value

FULL_JACOBIAN_MAX = 16  # outputs up to this many elements are checked row by row
PROJECTIONS = 2  # random vector-Jacobian products for larger outputs
# (eps, atol, rtol) by the lowest precision among the checked inputs; the differences
# are always taken in float64, float32 only loosens the tolerance on the analytic side
DEFAULTS = {np.dtype(np.float64): (1e-6, 1e-5, 1e-3), np.dtype(np.float32): (1e-6, 1e-4, 1e-2)}


@dataclass(frozen=True)
class Mismatch:
    """One input whose gradient is wrong: where it is worst and by how much."""

    input: int  # position among the inputs
    label: str  # "input 1 'W' (Tensor (2, 3) float32)"
    index: tuple  # the worst element of that input
    got: float  # the gradient under test (analytic, or the hand-written one)
    expected: float  # the reference (central differences, or the engine's)
    count: int  # how many elements of the input are wrong
    detail: str  # one line saying what was compared


class GradcheckError(AutogradError, AssertionError):
    """A gradient disagrees with its reference; ``str()`` is the report, ``mismatches`` the data."""

    def __init__(self, report: str, mismatches: Sequence[Mismatch] = ()):
        super().__init__(report)
        self.mismatches = list(mismatches)


# ----- gradcheck and gradgradcheck ------------------------------------------------------


def gradcheck(fn: Callable[..., Any], *inputs: Any, eps: float | None = None,
              atol: float | None = None, rtol: float | None = None,
              raise_exception: bool = True) -> bool:
    """Check ``fn``'s gradient for each input that requires one (Values do by default).

    Outputs (a node or a tuple of nodes) up to ``FULL_JACOBIAN_MAX`` elements are compared
    through the full Jacobian, larger ones through random vector-Jacobian products. Costs
    two calls of ``fn`` per checked input element. The inputs' data and ``.grad`` are left
    as they were; ``fn`` must compute from its arguments (not from closed-over copies).

    Returns:
        True when every gradient matches; False on a mismatch if not ``raise_exception``.
    Raises:
        GradcheckError: a report naming the input, the element, both values and the
            suspect ops (those whose own VJP fails the same check), or the op evaluated
            at one of its kinks (``kinks=`` in ``@op``: relu and abs at 0).
    """
    return _verdict(fn, inputs, eps, atol, rtol, raise_exception, order=1)


def gradgradcheck(fn: Callable[..., Any], *inputs: Any, eps: float | None = None,
                  atol: float | None = None, rtol: float | None = None,
                  raise_exception: bool = True) -> bool:
    """Check second derivatives: ``gradcheck`` on ``fn``'s vector-Jacobian product.

    The first derivative (for a fixed random output gradient) is built as a graph with
    ``create_graph=True``, then compared with central differences of itself.
    """
    return _verdict(fn, inputs, eps, atol, rtol, raise_exception, order=2)


def _verdict(fn, inputs, eps, atol, rtol, raise_exception, order) -> bool:
    mismatches, context = _check(fn, inputs, eps, atol, rtol, order)
    if not mismatches:
        return True
    if not raise_exception:
        return False
    ops, suspects, kinks = _diagnose(fn, inputs, order, eps or DEFAULTS[np.dtype(np.float64)][0])
    title = "gradcheck" if order == 1 else "gradgradcheck (second derivatives)"
    lines = [f"{title} failed:"]
    for m in mismatches:
        lines.append(f"  {m.label}: wrong at {m.count} element(s); worst at {m.index}: "
                     f"analytic {m.got:.6g}, numeric {m.expected:.6g} "
                     f"(error {abs(m.got - m.expected):.3g}; {m.detail})")
    lines.append(f"  {context}")
    lines.append(f"  ops in the graph: {', '.join(ops) or 'none'}")
    lines.extend(f"  {k}" for k in kinks)
    if suspects:
        lines.append("  suspect ops (their own VJP fails this check): " + ", ".join(suspects))
    raise GradcheckError("\n".join(lines), mismatches)


def _check(fn, inputs, eps, atol, rtol, order) -> tuple[list[Mismatch], str]:
    """Compare analytic and numeric gradients; the mismatches and what was compared."""
    checked = [i for i, x in enumerate(inputs) if isinstance(x, Node) and x.requires_grad]
    if not checked:
        raise DTypeError("gradcheck: no input to check; pass at least one Value or one "
                         "Tensor with requires_grad=True")
    low = min((inputs[i].data.dtype for i in checked if isinstance(inputs[i], Tensor)),
              key=lambda d: d.itemsize, default=np.dtype(np.float64))
    d_eps, d_atol, d_rtol = DEFAULTS.get(low, DEFAULTS[np.dtype(np.float32)])
    eps = eps or d_eps
    atol, rtol = d_atol if atol is None else atol, d_rtol if rtol is None else rtol
    names = ["output"] if order == 1 else [f"d/d(input {i})" for i in checked]
    if order == 2:
        fn = _first_derivative(fn, inputs, checked)
    nodes = [x for x in inputs if isinstance(x, Node)]
    grads, datas = [x.grad for x in nodes], [np.array(x.data, copy=True) for x in nodes]
    try:
        with enable_grad():
            outs = _outputs(fn(*inputs))
        sizes = [int(np.size(data_of(o))) for o in outs]
        names = names if len(names) == len(outs) else [f"output {k}" for k in range(len(outs))]
        rows = _rows(sum(sizes))
        analytic = _analytic(outs, sizes, rows, inputs, checked)
        numeric = _numeric(fn, inputs, checked, rows, eps)
    finally:
        for x, g in zip(nodes, grads):
            x.grad = g
    if any(not np.array_equal(x.data, d, equal_nan=True) for x, d in zip(nodes, datas)):
        raise GradcheckError("gradcheck: fn changed its inputs' data in place; gradients "
                             "cannot be checked on a function with side effects")
    mismatches = []
    for i in checked:
        a, n = analytic[i], numeric[i]
        allowed = atol + rtol * np.abs(n)
        bad = ~(np.abs(a - n) <= allowed)
        if bad.any():
            excess = np.where(bad, np.nan_to_num(np.abs(a - n) - allowed, nan=np.inf), -1)
            r, *index = np.unravel_index(int(np.argmax(excess)), a.shape)
            where = (f"random projection {r} of the outputs" if len(rows) < sum(sizes)
                     else _output_element(r, outs, sizes, names))
            mismatches.append(Mismatch(
                i, _label(i, inputs[i]), tuple(int(k) for k in index), float(a[(r, *index)]),
                float(n[(r, *index)]), int(bad.reshape(len(rows), -1).any(axis=0).sum()),
                f"{where}; allowed {allowed[(r, *index)]:.3g}"))
    how = (f"full Jacobian ({sum(sizes)} output element(s))" if len(rows) == sum(sizes)
           else f"{len(rows)} random vector-Jacobian products")
    return mismatches, f"compared through the {how}; eps={eps:g}, atol={atol:g}, rtol={rtol:g}"


def _rows(total: int) -> np.ndarray:
    """Output gradients to test with, one per row: unit vectors, or random ones."""
    if total <= FULL_JACOBIAN_MAX:
        return np.eye(total)
    return np.random.default_rng(0).standard_normal((PROJECTIONS, total))


def _analytic(outs, sizes, rows, inputs, checked) -> dict[int, np.ndarray]:
    """Each checked input's gradient for every row of output gradients, via backprop."""
    found: dict[int, list] = {i: [] for i in checked}
    splits = np.cumsum(sizes)[:-1]
    for row in rows:
        total: dict[int, Any] = {i: np.zeros(np.shape(inputs[i].data)) for i in checked}
        for o, v in zip(outs, np.split(row, splits)):
            if not isinstance(o, Node):
                continue
            seed = float(v[0]) if isinstance(o, Value) else v.reshape(o.shape).astype(o.dtype)
            grads = backprop(o, seed, retain_graph=True)
            for i in checked:
                g = grads.get(inputs[i])
                if g is not None:
                    g = np.asarray(data_of(g), dtype=np.float64)
                    if g.shape != total[i].shape:  # a bug in the core or in an op's VJP
                        raise GradcheckError(
                            f"gradcheck: the engine's gradient for {_label(i, inputs[i])} has "
                            f"shape {g.shape}, expected {total[i].shape}")
                    total[i] = total[i] + g
        for i in checked:
            found[i].append(total[i])
    return {i: np.array(found[i]).reshape((len(rows),) + np.shape(inputs[i].data))
            for i in checked}


def _numeric(fn, inputs, checked, rows, eps) -> dict[int, np.ndarray]:
    """Each checked input's gradient for every row, by central differences in float64."""
    base = [np.array(data_of(x), dtype=np.float64) if isinstance(x, Node) else x
            for x in inputs]

    def evaluate(i: int, j: int, delta: float) -> np.ndarray:
        args = []
        for k, x in enumerate(inputs):
            if not isinstance(x, Node):
                args.append(x)
                continue
            d = base[k].copy() if k == i else base[k]
            if k == i:
                d.flat[j] += delta
            args.append(Value(float(d), requires_grad=x.requires_grad) if isinstance(x, Value)
                        else Tensor(d, requires_grad=x.requires_grad))
        with no_grad():
            outs = _outputs(fn(*args))
        return np.concatenate([np.ravel(np.asarray(data_of(o), dtype=np.float64))
                               for o in outs])

    found = {}
    for i in checked:
        shape = np.shape(base[i])
        n = int(np.prod(shape))
        cols = [(evaluate(i, j, eps) - evaluate(i, j, -eps)) / (2 * eps) for j in range(n)]
        jac = np.array(cols).reshape(n, rows.shape[1])  # (input elements, output elements)
        found[i] = (rows @ jac.T).reshape((len(rows),) + shape)
    return found


def _first_derivative(fn, inputs, checked) -> Callable[..., tuple]:
    """``fn``'s vector-Jacobian product for a fixed random output gradient, as a function."""
    with enable_grad():
        sizes = [int(np.size(data_of(o))) for o in _outputs(fn(*inputs))]
    seeds = np.split(np.random.default_rng(1).standard_normal(sum(sizes)),
                     np.cumsum(sizes)[:-1])

    def first_derivative(*xs: Any) -> tuple:
        create = is_recording()  # central differences need only the numbers
        with enable_grad():
            outs = _outputs(fn(*xs))
            total: list[Any] = [None] * len(checked)
            for o, v in zip(outs, seeds):
                if not isinstance(o, Node):
                    continue
                seed = float(v[0]) if isinstance(o, Value) else v.reshape(o.shape).astype(o.dtype)
                grads = backprop(o, seed, retain_graph=True, create_graph=create)
                for k, i in enumerate(checked):
                    g = grads.get(xs[i])
                    if g is not None:
                        total[k] = g if total[k] is None else total[k] + g
        return tuple(0.0 * data_of(xs[i]) if g is None else g for i, g in zip(checked, total))

    return first_derivative


# ----- what went wrong: labels and suspect ops ------------------------------------------


def _outputs(result: Any) -> list:
    return list(result) if isinstance(result, (tuple, list)) else [result]


def _label(i: int, x: Node) -> str:
    name = f" '{x.name}'" if x.name else ""
    kind = "Value" if isinstance(x, Value) else f"Tensor {x.data.shape} {x.data.dtype}"
    return f"input {i}{name} ({kind})"


def _output_element(r: int, outs: list, sizes: list[int], names: list[str]) -> str:
    """Which output element row ``r`` of the full Jacobian belongs to."""
    k = int(np.searchsorted(np.cumsum(sizes), r, side="right"))
    index = np.unravel_index(r - sum(sizes[:k]), shape_of(outs[k]))
    return f"{names[k]}, element {tuple(int(j) for j in index)}" if index else names[k]


def _diagnose(fn, inputs, order, eps) -> tuple[list[str], list[str], list[str]]:
    """The ops in ``fn``'s graph, those whose own VJP fails the same check, and the ops
    evaluated within ``eps`` of one of their kinks (a line each), which are not suspects."""
    with enable_grad():
        outs = [o for o in _outputs(fn(*inputs)) if isinstance(o, Node)]
    nodes = {id(n): n for o in outs for n in toposort(o) if n.parents and n._ctx is not None}
    ops, suspects, tried = sorted({n.op for n in nodes.values()}), [], Counter()
    kinks: dict[str, str] = {}
    for node in sorted(nodes.values(), key=lambda n: n._id):
        spec, settings = node._ctx
        kink = _at_kink(spec, node.parents, eps)
        if kink:
            kinks.setdefault(spec.name, kink)
            continue
        if spec.name in suspects or tried[spec.name] >= 3 or any(
                np.size(p.data) > 64 for p in node.parents):
            continue
        tried[spec.name] += 1
        leaves = [Value(p.data, requires_grad=p.requires_grad) if isinstance(p, Value)
                  else Tensor(p.data.astype(np.float64), requires_grad=p.requires_grad)
                  for p in node.parents]
        local = lambda *xs, spec=spec, settings=settings: spec.fn(*xs, **settings)  # noqa: E731
        try:
            if _check(local, leaves, None, None, None, order)[0]:
                suspects.append(spec.name)
        except Exception:  # an op that cannot even run on its own inputs is suspect too
            suspects.append(spec.name)
    return ops, suspects, list(kinks.values())


def _at_kink(spec: Any, parents: Sequence[Node], eps: float) -> str | None:
    """Which input of a ``spec`` node lies within ``eps`` of a kink of the op, as words."""
    for i, p in enumerate(parents):
        x = np.asarray(p.data, dtype=np.float64)
        for k in spec.kinks:
            near = np.argwhere(np.abs(x - k) <= eps)
            if len(near):
                index = tuple(int(j) for j in near[0])
                at = f" at {index}" if index else ""
                return (f"{spec.name}: input {i} is {x[index]:g}{at}, a kink of {spec.name}, "
                        "where it has no derivative and finite differences do not hold there: "
                        "check at points away from it")
    return None
