"""TF1's convolutional layers on graph tensors: ``tf.nn.conv2d``, ``max_pool``, ``avg_pool``,
``bias_add`` and ``dropout``, each a call of an ``autograd_mini.ops`` op.

TensorFlow writes strides and windows per axis of the data (``strides=[1, 2, 2, 1]`` in
NHWC); ``read_window`` and ``read_padding`` turn them into the engine's ``(h, w)`` pairs
(``compat.v2`` reads its arguments with the same functions). ``dropout`` draws its mask
from ``random_uniform`` with TF's seeds, as TF builds it, so a seeded run keeps the units
TensorFlow keeps, and each run of a session draws a new mask.
"""

from __future__ import annotations

import numbers
from typing import TYPE_CHECKING, Any

import numpy as np

from ... import ops
from ...errors import DTypeError, ShapeError
from ...ops.windows import resolve_padding
from .array_ops import cast, graph_op
from .graph import GraphElement, SymbolicTensor, convert_to_tensor
from .math_ops import apply
from .random import (
    _RESERVE,
    RandomTensor,
    _per_block,
    _seeds,
    random_uniform,
    uniform_bits,
    uniform_bits64,
)

if TYPE_CHECKING:
    from .compile import Code
    from .session import _Plan

Pair = tuple[int, int]


def read_data_format(data_format: Any, what: str) -> str:
    """``"NHWC"`` or ``"NCHW"`` (None: NHWC), else a clear error."""
    fmt = "NHWC" if data_format is None else str(data_format).upper()
    if fmt not in ("NHWC", "NCHW"):
        raise ShapeError(f"{what}: data_format must be 'NHWC' or 'NCHW', got {data_format!r}")
    return fmt


def read_window(value: Any, what: str, arg: str, data_format: str) -> Pair:
    """An int, ``[n]``, ``[h, w]`` or a per-axis ``[1, h, w, 1]`` (``[1, 1, h, w]`` in NCHW)
    as ``(h, w)``; the batch and channel entries must be 1, as in TF."""
    try:
        sizes = [int(n) for n in np.atleast_1d(np.asarray(value, dtype=object))]
    except (TypeError, ValueError):
        sizes = []
    h = 1 if data_format == "NHWC" else 2  # the axis of the height
    if len(sizes) == 4:
        if [sizes[i] for i in range(4) if i not in (h, h + 1)] != [1, 1]:
            raise ShapeError(f"{what}: {arg}={sizes} moves along the batch or channel axis; "
                             f"in {data_format} those entries must be 1, e.g. "
                             f"{arg}={_per_axis(2, data_format)}")
        sizes = sizes[h:h + 2]
    if len(sizes) == 1:
        sizes = sizes * 2
    if len(sizes) != 2 or min(sizes) < 1:
        raise ShapeError(f"{what}: {arg} must be a positive int, [h, w] or "
                         f"{_per_axis('n', data_format)}, got {value!r}")
    return sizes[0], sizes[1]


def _per_axis(n: Any, data_format: str) -> str:
    return f"[1, {n}, {n}, 1]" if data_format == "NHWC" else f"[1, 1, {n}, {n}]"


def read_padding(value: Any, what: str, data_format: str) -> str | tuple:
    """``"SAME"``/``"VALID"``, or TF's explicit per-axis pairs as ``((top, bottom),
    (left, right))`` (the batch and channel pairs must be zero)."""
    if isinstance(value, str):
        if value.upper() not in ("SAME", "VALID"):
            raise ShapeError(f"{what}: padding must be 'SAME', 'VALID' or explicit pairs, "
                             f"got {value!r}")
        return value.upper()
    pairs = np.asarray(value, dtype=object)
    if pairs.shape != (4, 2):
        raise ShapeError(f"{what}: explicit padding is 4 pairs, one per axis, e.g. "
                         f"[[0, 0], [1, 1], [2, 2], [0, 0]] in NHWC; got {value!r}")
    pairs = [(int(a), int(b)) for a, b in pairs]
    h = 1 if data_format == "NHWC" else 2
    if any(pairs[i] != (0, 0) for i in range(4) if i not in (h, h + 1)):
        raise ShapeError(f"{what}: explicit padding pads only the two spatial axes; the "
                         f"batch and channel pairs must be [0, 0], got {value!r}")
    return pairs[h], pairs[h + 1]


# ----- convolution and pooling ----------------------------------------------------------------


def conv2d(input: Any, filter: Any = None, strides: Any = None,  # noqa: A002 (TF's names)
           padding: Any = None, use_cudnn_on_gpu: bool = True, data_format: str = "NHWC",
           dilations: Any = 1, name: str | None = None, filters: Any = None) -> SymbolicTensor:
    """The 2-D convolution (cross-correlation, as TF computes it) of ``input`` with
    ``filter`` (or ``filters=``) of shape (kh, kw, C_in, C_out), in either data format."""
    if (filter is None) == (filters is None):
        raise DTypeError("conv2d: give the filter once, as filter= (TF1) or filters= (TF2)")
    if strides is None or padding is None:
        raise DTypeError("conv2d: strides and padding are required, e.g. "
                         "strides=[1, 1, 1, 1], padding='SAME'")
    fmt = read_data_format(data_format, "conv2d")
    x = convert_to_tensor(input)
    w = convert_to_tensor(filter if filters is None else filters, x.dtype)
    xs, ws = _spatial_input(x, "conv2d", fmt), w.shape
    if ws is None or len(ws) != 4 or None in ws:
        raise ShapeError(f"conv2d: the filter must have a known 4-D shape (kh, kw, C_in, "
                         f"C_out), got {ws}")
    channels = xs[3] if fmt == "NHWC" else xs[1]
    if channels is not None and channels != ws[2]:
        raise ShapeError(f"conv2d: input of shape {xs} ({fmt}) has {channels} channels but the "
                         f"filter of shape {ws} (kh, kw, C_in, C_out) expects {ws[2]}")
    stride = read_window(strides, "conv2d", "strides", fmt)
    dilation = read_window(dilations, "conv2d", "dilations", fmt)
    extent = tuple((k - 1) * d + 1 for k, d in zip(ws[:2], dilation))
    pads = _pads(read_padding(padding, "conv2d", fmt), xs, fmt, extent, stride, "conv2d")
    if fmt == "NCHW":  # TF's filter is (kh, kw, C_in, C_out) in both; the op's NCHW wants OIHW
        w = apply(ops.transpose, [w], axes=(3, 2, 0, 1))
    return _op("conv2d", [x, w], name, stride=stride, padding=pads, dilation=dilation,
               data_format=fmt)


def _op(op_name: str, inputs: list, name: str | None, **settings: Any) -> SymbolicTensor:
    """The registered op ``op_name`` with its settings resolved here (explicit pads, pairs):
    ``autograd_mini.ops``' conv2d and pools read their input's value to check it, which a
    graph tensor only has once it runs."""
    spec = ops.OPS[op_name]
    return apply(lambda *args, **kw: SymbolicTensor._apply(spec, args, kw), inputs, name,
                 **settings)


def _spatial_input(x: SymbolicTensor, what: str, fmt: str) -> tuple:
    if x.shape is None or len(x.shape) != 4:
        layout = "(N, H, W, C)" if fmt == "NHWC" else "(N, C, H, W)"
        raise ShapeError(f"{what}: the input must be 4-D {layout} for data_format='{fmt}', "
                         f"got shape {x.shape}")
    return x.shape


def _pads(padding: str | tuple, shape: tuple, fmt: str, extent: tuple, stride: Pair,
          what: str) -> tuple:
    """Explicit ((top, bottom), (left, right)): TF's "SAME" pads so that the output has
    ceil(size / stride) pixels, the odd one at the bottom/right; checks the window fits."""
    sizes = shape[1:3] if fmt == "NHWC" else shape[2:4]
    if None in sizes:
        raise ShapeError(f"{what}: the input's height and width must be known when the graph "
                         f"is built, got shape {shape}")
    pads = resolve_padding(padding, sizes, extent, stride, what)  # the ops' own rule
    padded = [n + a + b for n, (a, b) in zip(sizes, pads)]
    if any(p < k for p, k in zip(padded, extent)):
        raise ShapeError(f"{what}: the {extent[0]}x{extent[1]} window is larger than the "
                         f"padded input {padded[0]}x{padded[1]} (input of shape {shape}, "
                         f"padding {padding!r}); use padding='SAME' or a smaller window")
    return pads


def _pool(op_name: str, what: str, value: Any, ksize: Any, strides: Any, padding: Any,
          data_format: Any, name: str | None) -> SymbolicTensor:
    fmt = read_data_format(data_format, what)
    x = convert_to_tensor(value)
    size = read_window(ksize, what, "ksize", fmt)
    stride = read_window(strides, what, "strides", fmt)
    pads = _pads(read_padding(padding, what, fmt), _spatial_input(x, what, fmt), fmt, size,
                 stride, what)
    return _op(op_name, [x], name, size=size, stride=stride, padding=pads, data_format=fmt)


def max_pool(value: Any = None, ksize: Any = None, strides: Any = None, padding: Any = None,
             data_format: str = "NHWC", name: str | None = None,
             input: Any = None) -> SymbolicTensor:  # noqa: A002
    """The largest entry of each ``ksize`` window, moved by ``strides`` ("SAME" pads with
    -inf, so padding never wins)."""
    return _pool("max_pool2d", "max_pool", _value_or_input(value, input, "max_pool"),
                 ksize, strides, padding, data_format, name)


def avg_pool(value: Any = None, ksize: Any = None, strides: Any = None, padding: Any = None,
             data_format: str = "NHWC", name: str | None = None,
             input: Any = None) -> SymbolicTensor:  # noqa: A002
    """The mean of each ``ksize`` window, moved by ``strides`` ("SAME" averages over the
    real pixels of a window only, as TF does)."""
    return _pool("avg_pool2d", "avg_pool", _value_or_input(value, input, "avg_pool"),
                 ksize, strides, padding, data_format, name)


def max_pool2d(input: Any, ksize: Any, strides: Any, padding: Any,  # noqa: A002
               data_format: str = "NHWC", name: str | None = None) -> SymbolicTensor:
    """``max_pool`` under its TF2 name (compat.v1 has both)."""
    return _pool("max_pool2d", "max_pool2d", input, ksize, strides, padding, data_format, name)


avg_pool2d = avg_pool  # compat.v1's avg_pool2d is avg_pool, value= and input= alike


def _value_or_input(value: Any, input: Any, what: str) -> Any:  # noqa: A002
    if (value is None) == (input is None):
        raise DTypeError(f"{what}: give the tensor once, as value= (TF1) or input=")
    return value if input is None else input


def bias_add(value: Any, bias: Any, data_format: str | None = None,
             name: str | None = None) -> SymbolicTensor:
    """``value`` plus the 1-D ``bias``, one number per channel (the last axis, or axis 1
    in NCHW)."""
    fmt = read_data_format(data_format, "bias_add")
    value, bias = convert_to_tensor(value), convert_to_tensor(bias, getattr(value, "dtype", None))
    shape = value.shape
    if bias.shape is not None and len(bias.shape) != 1:
        raise ShapeError(f"bias_add: bias must be 1-D (one number per channel), got shape "
                         f"{bias.shape}")
    if shape is not None and len(shape) < 2:
        raise ShapeError(f"bias_add: value must have at least 2 axes, got shape {shape}")
    channels = None if shape is None else shape[-1 if fmt == "NHWC" else 1]
    if None not in (channels, bias.shape and bias.shape[0]) and channels != bias.shape[0]:
        raise ShapeError(f"bias_add: {bias.shape[0]} biases for {channels} channels (value "
                         f"of shape {shape}, {fmt})")
    if fmt == "NCHW":
        if shape is None:
            raise ShapeError("bias_add: NCHW needs value's rank; give it a known shape")
        bias = apply(ops.reshape, [bias], shape=(-1,) + (1,) * (len(shape) - 2))
    return apply(ops.add, [value, bias], name)


# ----- dropout ----------------------------------------------------------------------------------


def _dropout_forward(x, u, *, rate, scale):
    keep = u >= u.dtype.type(rate)
    return np.where(keep, x * x.dtype.type(scale), x.dtype.type(0))


def _dropout_vjp(g, out, x, u, *, rate, scale):
    return np.where(u >= u.dtype.type(rate), g * g.dtype.type(scale), g.dtype.type(0))


_dropout = graph_op("dropout", _dropout_forward, _dropout_vjp, None)


def _fed_rate_forward(x, u, rate):
    return np.where(u >= rate, x / (x.dtype.type(1) - rate), x.dtype.type(0))


def _fed_rate_vjp_x(g, out, x, u, rate):
    return np.where(u >= rate, g / (g.dtype.type(1) - rate), g.dtype.type(0))


def _fed_rate_vjp_rate(g, out, x, u, rate):
    kept = np.where(u >= rate, g * x / np.square(x.dtype.type(1) - rate), x.dtype.type(0))
    return np.sum(kept, dtype=x.dtype).reshape(np.shape(rate))


_dropout_fed_rate = graph_op("dropout", _fed_rate_forward, _fed_rate_vjp_x, None,
                             _fed_rate_vjp_rate)


def dropout(x: Any, keep_prob: Any = None, noise_shape: Any = None, seed: int | None = None,
            name: str | None = None, rate: Any = None) -> SymbolicTensor:
    """Zero each entry of ``x`` with probability ``rate`` (or ``1 - keep_prob``, TF1's
    name) and scale the others by ``1 / (1 - rate)``.

    The mask is TF's: ``random_uniform(noise_shape) >= rate``, with ``seed`` and the graph
    seed taken as TF takes them (``rate=0`` returns ``x`` but still takes its op seed), and
    a new mask each time a session runs it. ``noise_shape`` (broadcast to ``x``'s shape)
    keeps or drops whole rows or columns together. ``keep_prob`` or ``rate`` may be a
    scalar tensor (a placeholder fed 0.5 to train and 1.0 to test), computed as TF does.
    """
    if keep_prob is not None and rate is not None:
        raise DTypeError("dropout: give keep_prob (TF1) or rate, not both")
    if keep_prob is None and rate is None:
        raise DTypeError("dropout: give rate= (the fraction dropped) or keep_prob")
    fed = isinstance(keep_prob if rate is None else rate, GraphElement)
    if not fed:
        rate = 1.0 - _number(keep_prob, "keep_prob") if rate is None else _number(rate, "rate")
        if not 0 <= rate < 1:
            raise ShapeError(f"dropout: rate must be in [0, 1), got {rate} (keep_prob in "
                             "(0, 1])")
    x = convert_to_tensor(x)
    if not fed and rate == 0:
        _seeds(x.graph, seed)
        return x  # TF takes the op seed even here, so later random ops draw the same
    if noise_shape is None and (x.shape is None or None in x.shape):
        u = _UniformLike(x, seed)  # a size known only at run time: drawn at the fed size
    else:
        shape = x.shape if noise_shape is None else tuple(int(n) for n in noise_shape)
        try:
            np.broadcast_shapes(shape, tuple(1 if n is None else n for n in x.shape or ()))
        except ValueError:
            raise ShapeError(f"dropout: noise_shape {list(shape)} does not broadcast to x's "
                             f"shape {x.shape}") from None
        u = random_uniform(shape, dtype=x.dtype, seed=seed)
    if not fed:
        return apply(_dropout, [x, u], name, rate=float(rate),
                     scale=1.0 / (1.0 - float(rate)))
    if rate is None:
        rate = apply(ops.sub, [np.asarray(1.0, keep_prob.dtype), keep_prob])  # TF's 1. - kp
    if rate.shape != ():
        raise ShapeError(f"dropout: a rate or keep_prob tensor must be a scalar, got shape "
                         f"{rate.shape}")
    rate = rate if rate.dtype == x.dtype else cast(rate, x.dtype)
    return apply(_dropout_fed_rate, [x, u, rate], name)


def _number(value: Any, what: str) -> float:
    if not isinstance(value, numbers.Real):
        raise DTypeError(f"dropout: {what} must be a number or a scalar graph tensor, got "
                         f"{value!r}")
    return float(value)


class _UniformLike(RandomTensor):
    """``random_uniform`` in [0, 1) of the shape ``like`` has at each run (TF's dynamic
    noise shape, when a batch size is fed). As TF's kernel does, each run starts 256
    counters per number drawn so far further on; no gradient flows to ``like``."""

    __slots__ = ()

    def __init__(self, like: SymbolicTensor, seed: int | None):
        SymbolicTensor.__init__(self, "random_uniform", like.dtype, like.shape, parents=(like,),
                                graph=like.graph)
        self.seeds = _seeds(self.graph, seed)
        self.sample = _per_block(uniform_bits64, 2) if self.dtype == np.float64 else \
            _per_block(uniform_bits)

    def _emit(self, plan: _Plan, code: Code) -> None:
        draws, (seed, seed2), dtype = plan.session._random_draws, self.seeds, self.dtype

        def draw(like: np.ndarray) -> np.ndarray:
            start = draws.get(self, 0)  # the next counter (static shapes count runs instead)
            draws[self] = start + like.size * _RESERVE
            return self.sample(seed, seed2, start, like.size).reshape(like.shape).astype(dtype)

        code.line(f"{code.define(self)} = {code.bind(draw, 'draw_' + self.name)}"
                  f"({code.names[self.parents[0]]})")
