"""Random expression graphs over the registered ops: ``Expression`` and the rules that grow one.

``grow`` builds a program step by step while evaluating it on the drawn numbers, so an op
that would leave its domain gets a guard (``log(sigmoid(t) + 0.25)``) and one that would sit
on a kink or a tie (relu at 0, max of equal numbers) is replaced by a smooth op. The
hypothesis strategy that draws the inputs is ``strategies.expressions``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

from ..ops import OPS, OpSpec

MARGIN = 0.05  # how far from a kink, tie or clip bound a drawn value must stay
TAME = 4.0  # operands larger than this in magnitude go through tanh first


@dataclass(frozen=True, repr=False)
class Expression:
    """A straight-line program over the registered ops.

    Each step ``(op name, operands, settings)`` appends one result; an int operand is an
    input or an earlier result (numbered after the inputs), a float is a constant. Calling
    the expression on inputs runs the steps and returns the last result.
    """

    n_inputs: int
    steps: tuple

    def __call__(self, *inputs: Any) -> Any:
        env = list(inputs)
        for name, operands, settings in self.steps:
            args = [env[a] if isinstance(a, int) else a for a in operands]
            env.append(OPS[name].fn(*args, **settings))
        return env[-1]

    def __repr__(self) -> str:
        names = [f"x{i}" for i in range(self.n_inputs)]
        lines = []
        for name, operands, settings in self.steps:
            args = [names[a] if isinstance(a, int) else repr(a) for a in operands]
            args += [f"{k}={v!r}" for k, v in settings.items()]
            lines.append(f"t{len(names)} = {name}({', '.join(args)})")
            names.append(f"t{len(names)}")
        return f"Expression({', '.join(names[:self.n_inputs])} -> {'; '.join(lines)})"

    def _repr_pretty_(self, printer: Any, cycle: bool) -> None:  # hypothesis's reports
        printer.text(repr(self))


class _Program:
    """The steps drawn so far and their values on the drawn inputs (float64)."""

    def __init__(self, draw: Callable, values: list[np.ndarray]):
        self.draw, self.values, self.steps = draw, [np.asarray(v) for v in values], []
        self.n_inputs = len(values)

    def apply(self, name: str, operands: list, **settings: Any) -> int:
        args = [self.values[a] if isinstance(a, int) else a for a in operands]
        self.values.append(np.asarray(OPS[name].fn(*args, **settings), dtype=np.float64))
        self.steps.append((name, tuple(operands), settings))
        return len(self.values) - 1

    def pick(self) -> int:
        """An earlier result (the latest one half the time, for depth), tamed if large."""
        last = len(self.values) - 1
        i = self.draw(st.just(last) | st.integers(0, last))
        return self.apply("tanh", [i]) if np.max(np.abs(self.values[i])) > TAME else i

    def operand(self) -> int | float:
        """An earlier result, or now and then a constant."""
        return self.draw(st.sampled_from([-1.5, 0.5, 2.0])) if self.draw(
            st.integers(0, 4)) == 0 else self.pick()

    def inside(self, i: int, domain: tuple | None) -> int:
        """Result ``i``, squashed into ``domain`` (a margin inside) when it is not already."""
        low, high = domain or (None, None)
        v = self.values[i]
        if (low is None or np.min(v) >= low + 0.25) and (high is None or np.max(v) <= high - 0.25):
            return i
        s = self.apply("sigmoid", [i])  # in (0, 1)
        if low is not None and high is not None:
            return self.apply("add", [self.apply("mul", [s, (high - low) / 2]),
                                      low + (high - low) / 4])
        return self.apply("add", [s, low + 0.25]) if low is not None else \
            self.apply("sub", [high - 0.25, s])

    def away_from_zero(self, i: int) -> int:
        if np.min(np.abs(self.values[i])) >= 0.25:
            return i
        return self.apply("add", [self.apply("sigmoid", [i]), 0.5])

    def axis(self, i: int, tuples: bool = True) -> Any:
        nd = self.values[i].ndim
        axes = st.integers(-nd, nd - 1)
        if tuples:
            axes |= st.none() | hnp.valid_tuple_axes(nd, min_size=1)
        return self.draw(axes) if nd else None


# ----- rules: one per op, each appends that op (with guards) to the program -------------------


def _unary(name: str) -> Callable[[_Program], Any]:
    return lambda p: p.apply(name, [p.inside(p.pick(), OPS[name].domain)])


def _binary(name: str) -> Callable[[_Program], Any]:
    return lambda p: p.apply(name, [p.pick(), p.operand()] if p.draw(st.booleans())
                             else [p.operand(), p.pick()])


def _div(name: str) -> Callable[[_Program], Any]:
    return lambda p: p.apply(name, [p.operand(), p.away_from_zero(p.pick())])


def _pow(name: str) -> Callable[[_Program], Any]:
    def rule(p: _Program) -> int:
        base = p.inside(p.pick(), (0.0, None))
        if p.draw(st.booleans()):
            return p.apply(name, [base, p.draw(st.sampled_from([-1.0, 0.5, 1.5, 2.0, 3.0]))])
        return p.apply(name, [p.draw(st.sampled_from([base, 2.0])), p.pick()])

    return rule


def _kink(name: str, arity: int, distance: Callable) -> Callable[[_Program], Any]:
    """An op with a kink or a tie: applied only when ``distance`` keeps its inputs away."""

    def rule(p: _Program) -> int:
        operands = [p.pick() for _ in range(arity)]
        if np.min(distance(*[p.values[i] for i in operands]), initial=np.inf) >= MARGIN:
            return p.apply(name, operands)
        return p.apply("tanh", operands[:1])

    return rule


def _distance_to(kinks: tuple) -> Callable[[np.ndarray], np.ndarray]:
    return lambda x: np.min([np.abs(x - k) for k in kinks], axis=0)


def _clip(name: str) -> Callable[[_Program], Any]:
    def rule(p: _Program) -> int:
        i, low = p.pick(), p.draw(st.floats(-2.0, 0.0))
        high = low + p.draw(st.floats(0.5, 2.0))
        v = p.values[i]
        if min(np.min(np.abs(v - low)), np.min(np.abs(v - high))) >= MARGIN:
            return p.apply(name, [i], low=low, high=high)
        return p.apply("sigmoid", [i])

    return rule


def _where(name: str) -> Callable[[_Program], Any]:
    def rule(p: _Program) -> int:
        x, y = p.pick(), p.pick()
        shape = np.broadcast(p.values[x], p.values[y]).shape
        return p.apply(name, [x, y], condition=p.draw(hnp.arrays(bool, shape)))

    return rule


def _reduce(name: str) -> Callable[[_Program], Any]:
    def rule(p: _Program) -> int:
        i = p.pick()
        axis, v, op = p.axis(i), p.values[i], name
        if OPS[name].ties:  # max, min: the extreme must be unique, a margin from the next
            extreme = (np.max if name == "max" else np.min)(v, axis, keepdims=True)
            if np.max(np.sum(np.abs(v - extreme) < MARGIN, axis=axis)) > 1:
                op = "sum"
        return p.apply(op, [i], axis=axis, keepdims=True)  # keepdims: shapes stay compatible

    return rule


def _along_axis(name: str) -> Callable[[_Program], Any]:
    def rule(p: _Program) -> int:
        i = p.pick()
        if p.values[i].ndim == 0:
            return p.apply("tanh", [i])
        extra = {"keepdims": True} if "keepdims" in OPS[name].settings else {}
        return p.apply(name, [i], axis=p.axis(i, tuples=False), **extra)

    return rule


# the rules of the ops' argument recipes (``@op(args=...)``) that expressions use:
# elementwise ones work on Values and Tensors, the others need arrays
_ELEMENTWISE_RECIPES = {"nonzero_divisor": _div, "positive_base": _pow, "clip": _clip,
                        "where": _where}
_ARRAY_RECIPES = {"reduce": _reduce, "along_axis": _along_axis}


def _rule(spec: OpSpec, arrays: bool) -> Callable[[_Program], Any] | None:
    """The rule that appends ``spec``'s op, read off its declarations; None if expressions
    leave it out (ops with settings of their own, elementwise ops of 3 or more inputs)."""
    if spec.args is None and spec.nin is not None and not spec.settings:  # elementwise
        if spec.nin == 1:
            return _kink(spec.name, 1, _distance_to(spec.kinks)) if spec.kinks else \
                _unary(spec.name)
        if spec.nin == 2 and spec.ties:
            return _kink(spec.name, 2, lambda x, y: np.abs(x - y))
        if spec.nin == 2 and spec.domain is None and not spec.kinks:
            return _binary(spec.name)
        return None
    make = {**_ELEMENTWISE_RECIPES, **(_ARRAY_RECIPES if arrays else {})}.get(spec.args or "")
    return make(spec.name) if make is not None else None


def rules(arrays: bool) -> dict[str, Callable[[_Program], Any]]:
    """Op name -> the rule appending it, for every registered op an expression may use:
    the elementwise ones (on Values too) and, with ``arrays``, reductions and softmaxes."""
    found = {name: _rule(spec, arrays) for name, spec in OPS.items()}
    return {name: rule for name, rule in found.items() if rule is not None}


# ----- heads: an optional last step that changes the shape -------------------------------------


def _common(p: _Program, i: int, j: int) -> tuple[int, int, tuple]:
    """Results ``i`` and ``j`` broadcast to their common shape."""
    shape = np.broadcast(p.values[i], p.values[j]).shape
    fit = [k if p.values[k].shape == shape else p.apply("broadcast_to", [k], shape=shape)
           for k in (i, j)]
    return fit[0], fit[1], shape


def _matmul_head(p: _Program) -> int:
    a, b, shape = _common(p, len(p.values) - 1, p.pick())
    if len(shape) >= 2:
        axes = tuple(range(len(shape) - 2)) + (len(shape) - 1, len(shape) - 2)
        b = p.apply("transpose", [b], axes=axes)
    return p.apply("matmul", [a, b]) if shape else p.apply("mul", [a, b])


def _join_head(name: str) -> Callable[[_Program], Any]:
    def head(p: _Program) -> int:
        a, b, shape = _common(p, len(p.values) - 1, p.pick())
        nd = len(shape) + (name == "stack")
        if nd == 0:
            return p.apply("add", [a, b])
        return p.apply(name, [a, b], axis=p.draw(st.integers(-nd, nd - 1)))

    return head


HEADS: dict[str, Callable[[_Program], Any]] = {
    "sum": lambda p: p.apply("sum", [len(p.values) - 1]),
    "mean": lambda p: p.apply("mean", [len(p.values) - 1]),
    "reshape": lambda p: p.apply("reshape", [len(p.values) - 1], shape=(-1,)),
    "transpose": lambda p: p.apply("transpose", [len(p.values) - 1]),
    "getitem": lambda p: p.apply("getitem", [len(p.values) - 1], index=p.draw(
        hnp.basic_indices(p.values[-1].shape, allow_newaxis=True, allow_ellipsis=True))),
    "matmul": _matmul_head, "concatenate": _join_head("concatenate"),
    "stack": _join_head("stack"),
}


def grow(draw: Callable, values: list[np.ndarray], n_steps: int, arrays: bool) -> Expression:
    """An expression of ``n_steps`` ops on inputs with these ``values``, plus maybe a head.

    The ops are the registered ones, chosen by their declarations (see ``rules``); ``arrays``
    allows reductions and heads.
    """
    usable = rules(arrays)
    names = sorted(usable)
    p = _Program(draw, values)
    for _ in range(n_steps):
        usable[draw(st.sampled_from(names))](p)
    heads = sorted(name for name in HEADS if name in OPS) if arrays else []
    if heads and draw(st.booleans()):
        HEADS[draw(st.sampled_from(heads))](p)
    return Expression(p.n_inputs, tuple(p.steps))
