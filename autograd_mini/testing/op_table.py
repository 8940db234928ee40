"""``OP_ARGS``: how to draw the arguments of each registered op for its gradient tests.

Each op's ``@op`` block names its recipe (``args="reduce"``; an elementwise op without
settings needs none) and declares its ``domain``, ``kinks`` (relu, abs) and ``ties`` (max,
maximum); the recipes here turn those into input shapes (broadcasting for binary ops),
values inside the domain and away from kinks, ties and clip bounds, and the op's settings
(axes, shapes, indices). A test fails for any op of the package without a recipe.
"""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

import hypothesis.extra.numpy as hnp
import numpy as np
from hypothesis import strategies as st

from ..ops import OPS, OpSpec

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


def _declared_elements(spec: OpSpec, n: int) -> list[st.SearchStrategy[float]]:
    """Each input's values for an elementwise op: in its domain, away from its kinks or
    (two inputs) never tied."""
    if spec.ties:
        return [OFF_GRID, ON_GRID]
    if spec.kinks:
        if any(k * 4 != round(k * 4) for k in spec.kinks):
            raise ValueError(f"{spec.name}: kinks {spec.kinks} are not multiples of 1/4; "
                             "declare a recipe of its own with @op(args=...)")
        return [OFF_GRID] * n
    return [_domain_elements(spec.domain)] * n


@st.composite
def elementwise(draw, spec, scalar, elements=None):
    """Inputs for an elementwise op: broadcastable shapes, values in ``spec.domain`` and
    away from ``spec.kinks`` and ``spec.ties``."""
    params = inspect.signature(spec.forward).parameters.values()
    n = len([p for p in params if p.default is p.empty and p.kind is p.POSITIONAL_OR_KEYWORD])
    shapes = [()] * n if scalar else draw(_broadcastable(n))
    return _arrays(draw, shapes, elements or _declared_elements(spec, n)), {}


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
def _reduce(draw, spec, scalar):
    elements, unique = (DISTINCT, True) if spec.ties else (REAL, False)  # max, min: no ties
    shape = _shape(draw)
    axis = draw(st.none() | st.integers(-len(shape), len(shape) - 1) | hnp.valid_tuple_axes(
        len(shape), min_size=1)) if shape else None
    return _arrays(draw, [shape], [elements], unique), {"axis": axis,
                                                        "keepdims": draw(st.booleans())}


@st.composite
def _along_axis(draw, spec, scalar):
    shape = _shape(draw, min_dims=1)
    settings = {"axis": draw(st.integers(-len(shape), len(shape) - 1))}
    if "keepdims" in spec.settings:
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
def _conv(draw, spec, scalar):
    """conv2d and its VJP ops: the inputs (``x``, ``w`` or ``g``) are named as in _geometry."""
    shapes, settings = draw(_geometry())
    if "input_size" in spec.settings:
        settings["input_size"] = shapes["input_size"]
    elif "kernel_size" in spec.settings:
        settings["kernel_size"] = shapes["size"]
    inputs = list(inspect.signature(spec.forward).parameters)[:spec.nin]
    return _arrays(draw, [shapes[i] for i in inputs], [REAL] * len(inputs)), settings


@st.composite
def _pool(draw, spec, scalar):
    """The pools and their VJP ops; max_pool2d (``ties``) without ties in a window."""
    elements, unique = (MANY_DISTINCT, True) if spec.ties else (REAL, False)
    shapes, settings = draw(_geometry(pool=True))
    settings["size"] = shapes["size"]
    if "first" in spec.settings:  # which pixel of a window (max_pool2d's VJP ops)
        g = shapes["g"]
        settings["first"] = draw(hnp.arrays(np.intp, g if settings["data_format"] == "NHWC" else (
            g[0], *g[2:], g[1]), elements=st.integers(0, np.prod(shapes["size"]) - 1)))
    if "input_size" in spec.settings:  # from the output's gradient back to the input
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


RECIPES: dict[str, OpArgs] = {
    # elementwise: inputs from the op's domain, away from kinks (relu, abs) and ties
    # (maximum, minimum); away from zero denominators, clip bounds; positive bases
    "elementwise": OpArgs(elementwise, scalar=True),
    "nonzero_divisor": OpArgs(functools.partial(elementwise, elements=[REAL, NONZERO]),
                              scalar=True),
    "positive_base": OpArgs(functools.partial(elementwise, elements=[POSITIVE, REAL]),
                            scalar=True),
    "clip": OpArgs(_clip, scalar=True), "where": OpArgs(_where, scalar=True),
    # reductions: axis None, int, negative or tuple (max and min without ties); softmax's
    "reduce": OpArgs(_reduce), "along_axis": OpArgs(_along_axis),
    # shape ops and products
    "reshape": OpArgs(_reshape), "transpose": OpArgs(_transpose),
    "broadcast_to": OpArgs(_broadcast_to), "getitem": OpArgs(_getitem),
    "scatter_add": OpArgs(_scatter_add), "concatenate": OpArgs(_join),
    "stack": OpArgs(functools.partial(_join, new_axis=True)), "matmul": OpArgs(_matmul),
    # convolutional nets: small windows with every stride, dilation and padding; max_pool2d
    # without ties; dropout with a drawn mask (the op's setting)
    "conv": OpArgs(_conv), "pool": OpArgs(_pool), "pad": OpArgs(_pad),
    "dropout": OpArgs(_dropout),
}


def recipe_of(spec: OpSpec) -> OpArgs | None:
    """How to draw ``spec``'s arguments: the recipe its ``args=`` names, "elementwise" for
    an op with a fixed number of inputs and no settings, None otherwise."""
    if spec.args is not None:
        return RECIPES.get(spec.args)
    return RECIPES["elementwise"] if spec.nin is not None and not spec.settings else None


class _OpArgs(Mapping[str, OpArgs]):
    """Op name -> its ``OpArgs``, read from ``OPS`` on each look-up (test-time ops too)."""

    def __getitem__(self, name: str) -> OpArgs:
        found = recipe_of(OPS[name]) if name in OPS else None
        if found is None:
            raise KeyError(name)
        return found

    def __iter__(self) -> Iterator[str]:
        return (name for name, spec in list(OPS.items()) if recipe_of(spec) is not None)

    def __len__(self) -> int:
        return sum(1 for _ in self)


OP_ARGS: Mapping[str, OpArgs] = _OpArgs()
