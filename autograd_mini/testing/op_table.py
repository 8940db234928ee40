"""``OP_ARGS``: how to draw the arguments of each registered op for its gradient tests.

One entry per op name: input shapes (broadcasting for binary ops), values inside the op's
domain and away from kinks (relu, abs), ties (max, maximum) and clip bounds, and the
op's settings (axes, shapes, indices). A test fails for any op of the package missing here.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

REAL = st.floats(-2.0, 2.0)
POSITIVE = st.floats(0.25, 3.0)
ON_GRID = st.integers(-12, 12).map(lambda k: k / 4)  # multiples of 1/4 ...
OFF_GRID = st.integers(-12, 11).map(lambda k: k / 4 + 1 / 8)  # ... never within 1/8 of these
DISTINCT = st.integers(-40, 40).map(lambda k: k / 4)  # with unique=True: no ties
MANY_DISTINCT = st.integers(-256, 256).map(lambda k: k / 64)  # the same for bigger arrays
NONZERO = st.tuples(st.sampled_from([-1.0, 1.0]), st.floats(0.5, 2.0)).map(lambda p: p[0] * p[1])


@dataclass(frozen=True)
class OpArgs:
    """How to draw one op's arguments: ``draw(spec, scalar)`` -> (float64 arrays, settings)."""

    draw: Callable[..., st.SearchStrategy]
    scalar: bool = False  # whether the op makes sense on Values


def _domain_elements(domain: tuple | None) -> st.SearchStrategy[float]:
    """Floats inside an op's domain, a margin away from its edges."""
    low, high = domain or (None, None)
    if low is not None and high is not None:
        return st.floats(low + (high - low) / 8, high - (high - low) / 8)
    if low is not None:
        return st.floats(low + 0.25, low + 3.0)
    if high is not None:
        return st.floats(high - 3.0, high - 0.25)
    return REAL


def _arrays(draw: Callable, shapes: Any, elements: Any, unique: bool = False) -> list:
    return [draw(hnp.arrays(np.float64, s, elements=e, unique=unique))
            for s, e in zip(shapes, elements)]


def _shape(draw: Callable, min_dims: int = 0) -> tuple:
    return draw(hnp.array_shapes(min_dims=min_dims, max_dims=3, max_side=3))


def _broadcastable(n: int) -> st.SearchStrategy:
    return hnp.mutually_broadcastable_shapes(num_shapes=n, max_dims=3, max_side=3).map(
        lambda b: b.input_shapes)


@st.composite
def elementwise(draw, spec, scalar, elements=None):
    """Inputs for an elementwise op: broadcastable shapes, values in ``spec.domain``."""
    params = inspect.signature(spec.forward).parameters.values()
    n = len([p for p in params if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD])
    shapes = [()] * n if scalar else draw(_broadcastable(n))
    return _arrays(draw, shapes, elements or [_domain_elements(spec.domain)] * n), {}


@st.composite
def _where(draw, spec, scalar):
    shapes = [()] * 3 if scalar else draw(_broadcastable(3))
    condition = draw(hnp.arrays(bool, shapes[2]))
    return _arrays(draw, shapes[:2], [REAL, REAL]), {"condition": condition}


@st.composite
def _clip(draw, spec, scalar):
    (x,), _ = draw(elementwise(spec, scalar, elements=[OFF_GRID]))
    low, high = sorted(draw(st.lists(ON_GRID, min_size=2, max_size=2, unique=True)))
    low, high = draw(st.sampled_from([(low, high), (None, high), (low, None)]))
    return [x], {"low": low, "high": high}


@st.composite
def _reduce(draw, spec, scalar, elements=REAL, unique=False):
    shape = _shape(draw)
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1) | hnp.valid_tuple_axes(
        len(shape), min_size=1)) if shape else None
    return _arrays(draw, [shape], [elements], unique), {"axis": axis,
                                                        "keepdims": draw(st.booleans())}


@st.composite
def _along_axis(draw, spec, scalar, keepdims=False):
    shape = _shape(draw, min_dims=1)
    settings = {"axis": draw(st.integers(-len(shape), len(shape) - 1))}
    if keepdims:
        settings["keepdims"] = draw(st.booleans())
    return _arrays(draw, [shape], [REAL]), settings


@st.composite
def _reshape(draw, spec, scalar):
    shape = _shape(draw)
    left, new = int(np.prod(shape)), []
    ndim = draw(st.integers(0 if left == 1 else 1, 3))
    for _ in range(ndim - 1):
        new.append(draw(st.sampled_from([d for d in range(1, left + 1) if left % d == 0])))
        left //= new[-1]
    new += [left] if ndim else []
    if new and draw(st.booleans()):
        new[draw(st.integers(0, len(new) - 1))] = -1
    return _arrays(draw, [shape], [REAL]), {"shape": tuple(new)}


@st.composite
def _transpose(draw, spec, scalar):
    shape = _shape(draw)
    axes = draw(st.none() | st.permutations(range(len(shape))).map(tuple))
    return _arrays(draw, [shape], [REAL]), {"axes": axes}


@st.composite
def _broadcast_to(draw, spec, scalar):
    shapes = draw(hnp.mutually_broadcastable_shapes(num_shapes=2, max_dims=3, max_side=3))
    return _arrays(draw, shapes.input_shapes[:1], [REAL]), {"shape": shapes.result_shape}


def _index(shape: tuple) -> st.SearchStrategy:
    """Basic indices, integer arrays (with repeats) and boolean masks."""
    options = hnp.basic_indices(shape, allow_newaxis=True, allow_ellipsis=True)
    if shape:
        options |= hnp.integer_array_indices(shape, result_shape=hnp.array_shapes(
            min_dims=1, max_dims=2, max_side=3))
        options |= hnp.arrays(bool, shape)
    return options


@st.composite
def _getitem(draw, spec, scalar):
    shape = _shape(draw)
    return _arrays(draw, [shape], [REAL]), {"index": draw(_index(shape))}


@st.composite
def _scatter_add(draw, spec, scalar):
    shape = _shape(draw)
    index = draw(_index(shape))
    g_shape = np.empty(shape)[index].shape
    return _arrays(draw, [g_shape], [REAL]), {"index": index, "shape": shape}


@st.composite
def _join(draw, spec, scalar, new_axis=False):
    shape = _shape(draw, min_dims=1)
    axis = draw(st.integers(-len(shape) - new_axis, len(shape) - 1 + new_axis))
    sizes = draw(st.lists(st.integers(1, 3), min_size=1, max_size=3))  # along axis
    shapes = [shape if new_axis else shape[:axis % len(shape)] + (n,) + shape[
        axis % len(shape) + 1:] for n in sizes]
    return _arrays(draw, shapes, [REAL] * len(shapes)), {"axis": axis}


@st.composite
def _matmul(draw, spec, scalar):
    shapes = draw(hnp.mutually_broadcastable_shapes(signature=np.matmul.signature, max_dims=2,
                                                    max_side=3))
    return _arrays(draw, shapes.input_shapes, [REAL, REAL]), {}


@st.composite
def _geometry(draw, pool=False):
    """A small 2-D window layout: data_format, (N, C_in, C_out), window, stride, dilation,
    explicit padding and an input size the padded window fits in (conv2d and the pools)."""
    fmt = draw(st.sampled_from(["NHWC", "NCHW"]))
    n, c_in, c_out = (draw(st.integers(1, 2)) for _ in range(3))
    size = tuple(draw(st.integers(1, 3)) for _ in range(2))
    stride = tuple(draw(st.integers(1, 3 if pool else 2)) for _ in range(2))
    dilation = (1, 1) if pool else tuple(draw(st.integers(1, 2)) for _ in range(2))
    extent = tuple((k - 1) * d + 1 for k, d in zip(size, dilation))
    padding = tuple(tuple(draw(st.integers(0, k - 1 if pool else 2)) for _ in range(2))
                    for k in size)
    hw = tuple(draw(st.integers(max(e - b - a, 1), max(e - b - a, 1) + 3))
               for e, (b, a) in zip(extent, padding))
    out = tuple((h + b + a - e) // s + 1 for h, e, s, (b, a) in zip(hw, extent, stride, padding))
    def act(c, spatial):
        return (n, *spatial, c) if fmt == "NHWC" else (n, c, *spatial)
    settings = {"stride": stride, "padding": padding, "data_format": fmt}
    if not pool:
        settings["dilation"] = dilation
    return {"x": act(c_in, hw), "g": act(c_out if not pool else c_in, out),
            "w": (*size, c_in, c_out) if fmt == "NHWC" else (c_out, c_in, *size),
            "input_size": hw, "size": size}, settings


@st.composite
def _conv(draw, spec, scalar, inputs=("x", "w")):
    shapes, settings = draw(_geometry())
    if spec.name == "conv2d_transpose":
        settings["input_size"] = shapes["input_size"]
    elif spec.name == "conv2d_filter_grad":
        settings["kernel_size"] = shapes["size"]
    return _arrays(draw, [shapes[i] for i in inputs], [REAL] * len(inputs)), settings


@st.composite
def _pool(draw, spec, scalar, elements=REAL, unique=False):
    shapes, settings = draw(_geometry(pool=True))
    settings["size"] = shapes["size"]
    if spec.name in ("max_pool2d_scatter", "max_pool2d_gather"):  # which pixel of a window
        g = shapes["g"]
        settings["first"] = draw(hnp.arrays(np.intp, g if settings["data_format"] == "NHWC" else (
            g[0], *g[2:], g[1]), elements=st.integers(0, np.prod(shapes["size"]) - 1)))
    if spec.name.endswith(("transpose", "scatter")):
        settings["input_size"] = shapes["input_size"]
        return _arrays(draw, [shapes["g"]], [REAL]), settings
    return _arrays(draw, [shapes["x"]], [elements], unique), settings


@st.composite
def _pad(draw, spec, scalar):
    shape = _shape(draw)
    pad_width = tuple((draw(st.integers(0, 2)), draw(st.integers(0, 2))) for _ in shape)
    return _arrays(draw, [shape], [REAL]), {"pad_width": pad_width, "value": draw(REAL)}


@st.composite
def _dropout(draw, spec, scalar):
    shape = _shape(draw)
    mask = draw(hnp.arrays(np.float64, shape, elements=st.sampled_from([0.0, 2.0])))
    return _arrays(draw, [shape], [REAL]), {"mask": mask}


_ELEMENTWISE = OpArgs(elementwise, scalar=True)
_BETWEEN = OpArgs(functools.partial(elementwise, elements=[OFF_GRID, ON_GRID]), scalar=True)
_AWAY_FROM_0 = OpArgs(functools.partial(elementwise, elements=[OFF_GRID]), scalar=True)

OP_ARGS: dict[str, OpArgs] = {
    # elementwise: inputs from the op's domain, away from kinks (relu, abs), ties
    # (maximum, minimum), clip bounds and zero denominators
    **dict.fromkeys(["add", "sub", "mul", "neg", "exp", "log", "sqrt", "square", "sin", "cos",
                     "tanh", "sigmoid"], _ELEMENTWISE),
    "div": OpArgs(functools.partial(elementwise, elements=[REAL, NONZERO]), scalar=True),
    "pow": OpArgs(functools.partial(elementwise, elements=[POSITIVE, REAL]), scalar=True),
    "maximum": _BETWEEN, "minimum": _BETWEEN, "relu": _AWAY_FROM_0, "abs": _AWAY_FROM_0,
    "clip": OpArgs(_clip, scalar=True), "where": OpArgs(_where, scalar=True),
    # reductions: axis None, int, negative or tuple; max and min without ties
    "sum": OpArgs(_reduce), "mean": OpArgs(_reduce),
    "max": OpArgs(functools.partial(_reduce, elements=DISTINCT, unique=True)),
    "min": OpArgs(functools.partial(_reduce, elements=DISTINCT, unique=True)),
    "softmax": OpArgs(_along_axis), "log_softmax": OpArgs(_along_axis),
    "logsumexp": OpArgs(functools.partial(_along_axis, keepdims=True)),
    # shape ops and products
    "reshape": OpArgs(_reshape), "transpose": OpArgs(_transpose),
    "broadcast_to": OpArgs(_broadcast_to), "getitem": OpArgs(_getitem),
    "scatter_add": OpArgs(_scatter_add), "concatenate": OpArgs(_join),
    "stack": OpArgs(functools.partial(_join, new_axis=True)), "matmul": OpArgs(_matmul),
    # convolutional nets: small windows with every stride, dilation and padding; max_pool2d
    # without ties; dropout with a drawn mask (the op's setting)
    "conv2d": OpArgs(_conv), "conv2d_transpose": OpArgs(functools.partial(_conv, inputs=(
        "g", "w"))), "conv2d_filter_grad": OpArgs(functools.partial(_conv, inputs=("x", "g"))),
    "max_pool2d": OpArgs(functools.partial(_pool, elements=MANY_DISTINCT, unique=True)),
    "avg_pool2d": OpArgs(_pool), "avg_pool2d_transpose": OpArgs(_pool),
    "max_pool2d_scatter": OpArgs(_pool), "max_pool2d_gather": OpArgs(_pool),
    "pad": OpArgs(_pad), "dropout": OpArgs(_dropout),
}
