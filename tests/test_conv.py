"""conv2d, max_pool2d, avg_pool2d, pad, dropout and flatten.

Three oracles: a plain loop over output pixels written here (so CI checks the numbers
without torch), central differences (``gradcheck``, ``gradgradcheck``, float64) and, when
it is installed, PyTorch. Shapes, strides, paddings and dilations come from hypothesis,
in both data formats.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import autograd_mini as am
from autograd_mini import OpError, ShapeError, Tensor
from autograd_mini.testing import gradcheck, gradgradcheck

FEW = settings(max_examples=12)

# ----- plain references: one output pixel at a time, NHWC, float64 -----------------------


def same_pads(n: int, extent: int, stride: int) -> tuple[int, int]:
    """TensorFlow's "SAME": ceil(n / stride) outputs, the odd padded pixel after."""
    total = max((-(-n // stride) - 1) * stride + extent - n, 0)
    return total // 2, total - total // 2


def resolve(padding, hw, extent, stride) -> tuple:
    if padding == "SAME":
        return tuple(same_pads(n, e, s) for n, e, s in zip(hw, extent, stride))
    if padding == "VALID":
        return (0, 0), (0, 0)
    if isinstance(padding, int):
        return (padding, padding), (padding, padding)
    return tuple((p, p) if isinstance(p, int) else tuple(p) for p in padding)


def loop_conv(x, w, g, stride, pads, dilation):
    """Forward, and the gradients for x and w given the output's gradient g."""
    xp = np.pad(x, ((0, 0), *pads, (0, 0)))
    kh, kw, _, c_out = w.shape
    oh = (xp.shape[1] - dilation[0] * (kh - 1) - 1) // stride[0] + 1
    ow = (xp.shape[2] - dilation[1] * (kw - 1) - 1) // stride[1] + 1
    out = np.zeros((x.shape[0], oh, ow, c_out))
    dxp, dw = np.zeros_like(xp), np.zeros_like(w)
    for n in range(x.shape[0]):
        for r in range(oh):
            for c in range(ow):
                win = (n, slice(r * stride[0], r * stride[0] + dilation[0] * (kh - 1) + 1,
                                dilation[0]),
                       slice(c * stride[1], c * stride[1] + dilation[1] * (kw - 1) + 1,
                             dilation[1]))
                out[n, r, c] = np.tensordot(xp[win], w, axes=3)
                dxp[win] += np.tensordot(w, g[n, r, c], axes=([3], [0])) if g is not None else 0
                dw += xp[win][..., None] * (g[n, r, c] if g is not None else 0)
    (top, _), (left, _) = pads
    return out, dxp[:, top:top + x.shape[1], left:left + x.shape[2]], dw


def loop_pool(x, g, size, stride, pads, kind):
    """max (first maximum in row-major order gets g) or mean over the real pixels."""
    xp = np.pad(x, ((0, 0), *pads, (0, 0)), constant_values=np.nan)
    oh = (xp.shape[1] - size[0]) // stride[0] + 1
    ow = (xp.shape[2] - size[1]) // stride[1] + 1
    out = np.zeros((x.shape[0], oh, ow, x.shape[3]))
    dxp = np.zeros_like(xp)
    for n in range(x.shape[0]):
        for r in range(oh):
            for c in range(ow):
                for ch in range(x.shape[3]):
                    rows = slice(r * stride[0], r * stride[0] + size[0])
                    cols = slice(c * stride[1], c * stride[1] + size[1])
                    win = xp[n, rows, cols, ch]
                    real = ~np.isnan(win)
                    if kind == "max":
                        first = np.nanargmax(win)  # the first maximum, row-major
                        out[n, r, c, ch] = win.flat[first]
                        dxp[n, rows, cols, ch].flat[first] += g[n, r, c, ch]
                    else:
                        out[n, r, c, ch] = np.nanmean(win)
                        dxp[n, rows, cols, ch] += real * g[n, r, c, ch] / real.sum()
    (top, _), (left, _) = pads
    return out, dxp[:, top:top + x.shape[1], left:left + x.shape[2]]


def to_nchw(a):
    return a.transpose(0, 3, 1, 2)


def to_oihw(w):
    return w.transpose(3, 2, 0, 1)


# ----- drawn geometries ----------------------------------------------------------------------

PADDINGS = st.one_of(st.sampled_from(["SAME", "VALID"]), st.integers(0, 2),
                     st.tuples(st.integers(0, 2), st.integers(0, 2)),
                     st.tuples(st.tuples(st.integers(0, 2), st.integers(0, 2)),
                               st.tuples(st.integers(0, 2), st.integers(0, 2))))
INTS_OR_PAIRS = st.one_of(st.integers(1, 2), st.tuples(st.integers(1, 2), st.integers(1, 2)))


def pair(v):
    return (v, v) if isinstance(v, int) else tuple(v)


@st.composite
def conv_cases(draw):
    kernel = (draw(st.integers(1, 3)), draw(st.integers(1, 3)))
    stride, dilation, padding = draw(INTS_OR_PAIRS), draw(INTS_OR_PAIRS), draw(PADDINGS)
    extent = [(k - 1) * d + 1 for k, d in zip(kernel, pair(dilation))]
    lows = [1 if padding == "SAME" else max(e - sum(p), 1) for e, p in zip(
        extent, resolve(padding, (9, 9), extent, pair(stride)))]
    hw = tuple(draw(st.integers(low, low + 3)) for low in lows)
    n, c_in, c_out = draw(st.integers(1, 2)), draw(st.integers(1, 3)), draw(st.integers(1, 2))
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    x = rng.standard_normal((n, *hw, c_in))
    w = rng.standard_normal((*kernel, c_in, c_out))
    return x, w, dict(stride=stride, padding=padding, dilation=dilation), rng


@st.composite
def pool_cases(draw, ties=False):
    size = draw(st.one_of(st.integers(1, 3), st.tuples(st.integers(1, 3), st.integers(1, 3))))
    stride = draw(st.none() | st.integers(1, 3))
    padding = draw(st.sampled_from(["SAME", "VALID"]) | st.tuples(*(st.integers(
        0, k - 1) for k in pair(size))))
    k = pair(size)
    lows = [1 if padding == "SAME" else max(kk - 2 * (padding[i] if padding != "VALID" else 0),
                                            1) for i, kk in enumerate(k)]
    hw = tuple(draw(st.integers(low, low + 3)) for low in lows)
    rng = np.random.default_rng(draw(st.integers(0, 2**16)))
    shape = (draw(st.integers(1, 2)), *hw, draw(st.integers(1, 2)))
    x = rng.integers(0, 3, shape).astype(float) if ties else rng.permutation(
        np.arange(np.prod(shape)) / 8.0).reshape(shape)
    return x, dict(size=size, stride=stride, padding=padding), rng


def conv_in(fmt, x, w):
    return (x, w) if fmt == "NHWC" else (to_nchw(x), to_oihw(w))


# ----- conv2d ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@FEW
@given(case=conv_cases())
def test_conv2d_and_its_gradients_match_a_loop_over_output_pixels(fmt, case):
    x, w, kw, rng = case
    extent = [(k - 1) * d + 1 for k, d in zip(w.shape[:2], pair(kw["dilation"]))]
    pads = resolve(kw["padding"], x.shape[1:3], extent, pair(kw["stride"]))
    out_shape = loop_conv(x, w, None, pair(kw["stride"]), pads, pair(kw["dilation"]))[0].shape
    g = rng.standard_normal(out_shape)
    ref, dx, dw = loop_conv(x, w, g, pair(kw["stride"]), pads, pair(kw["dilation"]))
    X, W = (Tensor(a, requires_grad=True) for a in conv_in(fmt, x, w))
    out = am.conv2d(X, W, data_format=fmt, **kw)
    out.backward(g if fmt == "NHWC" else to_nchw(g))
    np.testing.assert_allclose(out.data, ref if fmt == "NHWC" else to_nchw(ref), atol=1e-12)
    np.testing.assert_allclose(X.grad, dx if fmt == "NHWC" else to_nchw(dx), atol=1e-12)
    np.testing.assert_allclose(W.grad, dw if fmt == "NHWC" else to_oihw(dw), atol=1e-12)


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@FEW
@given(case=conv_cases())
def test_conv2d_passes_gradcheck_and_gradgradcheck(fmt, case):
    x, w, kw, _ = case
    X, W = (Tensor(a, requires_grad=True) for a in conv_in(fmt, x, w))
    def f(x, w):
        return am.conv2d(x, w, data_format=fmt, **kw)
    assert gradcheck(f, X, W) and gradgradcheck(f, X, W)


def test_same_padding_puts_the_odd_pixel_at_the_bottom_and_right():
    x = np.arange(16.0).reshape(1, 4, 4, 1)
    out = am.conv2d(x, np.ones((2, 2, 1, 1)), padding="SAME")  # total padding 1: (0, 1)
    assert out.shape == (1, 4, 4, 1)
    assert out[0, 0, 0, 0] == 0 + 1 + 4 + 5 and out[0, 3, 3, 0] == 15
    assert am.conv2d(x, np.ones((3, 3, 1, 1)), stride=2, padding="SAME").shape == (1, 2, 2, 1)


def test_conv2d_computes_on_plain_arrays_and_on_float32():
    x = np.ones((1, 5, 5, 2), np.float32)
    out = am.conv2d(Tensor(x), np.ones((3, 3, 2, 4), np.float32))
    assert out.dtype == np.float32 and np.all(out.data == 18)
    assert isinstance(am.conv2d(x, np.ones((3, 3, 2, 4))), np.ndarray)


# ----- pooling --------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@pytest.mark.parametrize("kind", ["max", "avg"])
@FEW
@given(case=pool_cases(ties=True))
def test_pools_and_their_gradients_match_a_loop_over_output_pixels(fmt, kind, case):
    x, kw, rng = case
    k = pair(kw["size"])
    stride = k if kw["stride"] is None else pair(kw["stride"])
    pads = resolve(kw["padding"], x.shape[1:3], k, stride)
    shape = loop_pool(x, np.zeros((9,) * 4), k, stride, pads, kind)[0].shape
    g = rng.standard_normal(shape)
    ref, dx = loop_pool(x, g, k, stride, pads, kind)
    X = Tensor(x if fmt == "NHWC" else to_nchw(x), requires_grad=True)
    pool = am.max_pool2d if kind == "max" else am.avg_pool2d
    out = pool(X, data_format=fmt, **kw)
    out.backward(g if fmt == "NHWC" else to_nchw(g))
    np.testing.assert_allclose(out.data, ref if fmt == "NHWC" else to_nchw(ref), atol=1e-12)
    np.testing.assert_allclose(X.grad, dx if fmt == "NHWC" else to_nchw(dx), atol=1e-12)


@pytest.mark.parametrize("fmt", ["NHWC", "NCHW"])
@pytest.mark.parametrize("pool", [am.max_pool2d, am.avg_pool2d])
@FEW
@given(case=pool_cases())
def test_pools_pass_gradcheck_and_gradgradcheck(fmt, pool, case):
    x, kw, _ = case
    X = Tensor(x if fmt == "NHWC" else to_nchw(x), requires_grad=True)
    def f(x):
        return pool(x, data_format=fmt, **kw)
    assert gradcheck(f, X) and gradgradcheck(f, X)


def test_a_tied_max_sends_the_whole_gradient_to_the_first_maximum_in_row_major_order():
    x = Tensor(np.array([[1.0, 3.0], [3.0, 3.0]]).reshape(1, 2, 2, 1), requires_grad=True)
    am.max_pool2d(x).sum().backward()
    np.testing.assert_array_equal(x.grad.reshape(2, 2), [[0, 1], [0, 0]])


def test_same_max_pool_pads_with_minus_infinity_and_avg_pool_counts_real_pixels_only():
    x = -np.ones((1, 3, 3, 1))
    assert np.all(am.max_pool2d(x, 2, padding="SAME") == -1)  # never the padding's 0
    np.testing.assert_array_equal(am.avg_pool2d(x, 2, padding="SAME"), -np.ones((1, 2, 2, 1)))
    x = np.arange(9.0).reshape(1, 3, 3, 1)
    assert am.avg_pool2d(x, 2, padding="SAME")[0, 1, 1, 0] == 8  # the corner: 1 pixel
    assert am.avg_pool2d(x, 2, padding="SAME")[0, 0, 1, 0] == (2 + 5) / 2


# ----- pad, dropout, flatten ------------------------------------------------------------------


@pytest.mark.parametrize("pad_width", [1, (1, 2), ((0, 1), (2, 0)), [[1, 1]]])
def test_pad_matches_numpy_and_its_gradient_is_the_middle(pad_width):
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    out = am.pad(x, pad_width, value=-2.0)
    np.testing.assert_array_equal(out.data, np.pad(x.data, pad_width, constant_values=-2.0))
    assert gradcheck(lambda x: am.pad(x, pad_width), x)
    assert gradgradcheck(lambda x: am.pad(x, pad_width), x)


def test_dropout_reuses_its_mask_in_the_gradient_and_scales_the_kept_elements():
    x = Tensor(np.full((50, 40), 2.0), requires_grad=True)
    out = am.dropout(x, 0.25, seed=3)
    out.sum().backward()
    kept = out.data != 0
    np.testing.assert_allclose(out.data[kept], 2.0 / 0.75)
    np.testing.assert_allclose(x.grad, kept / 0.75)
    assert 0.2 < 1 - kept.mean() < 0.3


def test_dropout_draws_the_same_mask_for_the_same_seed_and_takes_a_generator():
    x = np.ones((8, 8), np.float32)
    same = am.dropout(x, 0.5, seed=7)
    np.testing.assert_array_equal(same, am.dropout(x, 0.5, seed=7))
    np.testing.assert_array_equal(same, am.dropout(x, 0.5, seed=np.random.default_rng(7)))
    assert same.dtype == np.float32


def test_dropout_is_the_identity_when_not_training_or_at_rate_zero():
    x = Tensor(np.ones(3))
    assert am.dropout(x, 0.5, training=False) is x and am.dropout(x, 0.0) is x


@pytest.mark.parametrize("rate", [1.0, -0.1, 1.5])
def test_dropout_refuses_a_rate_outside_0_to_1(rate):
    with pytest.raises(OpError, match=r"dropout: rate must be in \[0, 1\)"):
        am.dropout(np.ones(3), rate)


def test_flatten_joins_the_axes_from_start_axis():
    x = Tensor(np.ones((2, 3, 4, 5)), requires_grad=True)
    assert am.flatten(x).shape == (2, 60) and am.flatten(x, 2).shape == (2, 3, 20)
    assert am.flatten(x, -1).shape == (2, 3, 4, 5)
    am.flatten(x).sum().backward()
    assert x.grad.shape == (2, 3, 4, 5)
    with pytest.raises(ShapeError, match="flatten: start_axis 4"):
        am.flatten(x, 4)


# ----- errors ---------------------------------------------------------------------------------


@pytest.mark.parametrize("call, message", [
    (lambda: am.conv2d(np.ones((5, 5, 1)), np.ones((3, 3, 1, 1))),
     r"conv2d: x must be 4-D \(N, H, W, C\) for data_format='NHWC', got shape \(5, 5, 1\)"),
    (lambda: am.conv2d(np.ones((1, 5, 5, 1)), np.ones((3, 3, 1))), "conv2d: w must be 4-D"),
    (lambda: am.conv2d(Tensor(np.ones((1, 5, 5, 3))), np.ones((3, 3, 2, 4))),
     r"conv2d: x of shape \(1, 5, 5, 3\) has 3 channels but w of shape \(3, 3, 2, 4\) "
     "expects 2"),
    (lambda: am.conv2d(np.ones((1, 3, 8, 8)), np.ones((3, 3, 3, 4))),
     "pass data_format='NCHW'"),
    (lambda: am.conv2d(np.ones((1, 3, 3, 1)), np.ones((5, 5, 1, 1))),
     r"conv2d: the 5x5 window is larger than the padded input 3x3 .*padding='SAME'"),
    (lambda: am.conv2d(np.ones((1, 4, 4, 1)), np.ones((3, 3, 1, 1)), dilation=2),
     r"the 5x5 window \(a 3x3 filter, dilation \(2, 2\)\)"),
    (lambda: am.conv2d(np.ones((1, 4, 4, 1)), np.ones((1, 1, 1, 1)), padding="FULL"),
     "conv2d: padding must be 'SAME', 'VALID'"),
    (lambda: am.conv2d(np.ones((1, 4, 4, 1)), np.ones((1, 1, 1, 1)), stride=0),
     "conv2d: stride must be a positive int"),
    (lambda: am.conv2d(np.ones((1, 4, 4, 1)), np.ones((1, 1, 1, 1)), data_format="NWHC"),
     "conv2d: unknown data_format 'NWHC'; use 'NHWC'"),
    (lambda: am.max_pool2d(np.ones((4, 4))), "max_pool2d: x must be 4-D"),
    (lambda: am.avg_pool2d(np.ones((1, 1, 1, 1)), 2), "avg_pool2d: the 2x2 window is larger"),
    (lambda: am.max_pool2d(np.ones((1, 4, 4, 1)), 2, padding=2),
     "max_pool2d: padding .* must be smaller than the 2x2 window"),
    (lambda: am.pad(np.ones((2, 2)), -1), "pad: pad_width must be ints >= 0"),
    (lambda: am.pad(np.ones((2, 2)), ((1, 1), (1, 1), (1, 1))), "pad: pad_width"),
])
def test_bad_input_gets_an_error_naming_the_op_and_the_fix(call, message):
    with pytest.raises(ShapeError, match=message):
        call()


# ----- against PyTorch ------------------------------------------------------------------------


def torch_pads(pads):
    (top, bottom), (left, right) = pads
    return left, right, top, bottom


@FEW
@given(case=conv_cases())
def test_conv2d_matches_pytorch_forward_and_gradients(case):
    torch = pytest.importorskip("torch")
    x, w, kw, rng = case
    X, W = (Tensor(a, requires_grad=True) for a in conv_in("NCHW", x, w))
    out = am.conv2d(X, W, data_format="NCHW", **kw)
    tx, tw = (torch.tensor(a.data.copy(), requires_grad=True) for a in (X, W))
    extent = [(k - 1) * d + 1 for k, d in zip(w.shape[:2], pair(kw["dilation"]))]
    pads = resolve(kw["padding"], x.shape[1:3], extent, pair(kw["stride"]))
    tout = torch.nn.functional.conv2d(torch.nn.functional.pad(tx, torch_pads(pads)), tw,
                                      stride=kw["stride"], dilation=kw["dilation"])
    g = rng.standard_normal(out.shape)
    out.backward(g)
    tout.backward(torch.tensor(g))
    for ours, theirs in ((out.data, tout), (X.grad, tx.grad), (W.grad, tw.grad)):
        np.testing.assert_allclose(ours, theirs.detach().numpy(), atol=1e-10)


@pytest.mark.parametrize("kind", ["max", "avg"])
@FEW
@given(case=pool_cases(ties=True))
def test_pools_match_pytorch_forward_and_gradients_ties_included(kind, case):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x, kw, rng = case
    k = pair(kw["size"])
    stride = k if kw["stride"] is None else pair(kw["stride"])
    X = Tensor(to_nchw(x), requires_grad=True)
    out = (am.max_pool2d if kind == "max" else am.avg_pool2d)(X, data_format="NCHW", **kw)
    tx = torch.tensor(X.data.copy(), requires_grad=True)
    pads = torch_pads(resolve(kw["padding"], x.shape[1:3], k, stride))
    if kind == "max":
        tout = F.max_pool2d(F.pad(tx, pads, value=-np.inf), k, stride)
    else:  # the mean over real pixels: padded sums over padded counts
        counts = F.avg_pool2d(F.pad(torch.ones_like(tx), pads), k, stride)
        tout = F.avg_pool2d(F.pad(tx, pads), k, stride) / counts
    g = rng.standard_normal(out.shape)
    out.backward(g)
    tout.backward(torch.tensor(g))
    np.testing.assert_allclose(out.data, tout.detach().numpy(), atol=1e-12)
    np.testing.assert_allclose(X.grad, tx.grad.numpy(), atol=1e-12)


def test_pad_matches_pytorch():
    torch = pytest.importorskip("torch")
    x = np.arange(12.0).reshape(1, 3, 4)
    ours = am.pad(x, ((0, 0), (1, 2), (3, 0)), value=1.5)
    np.testing.assert_array_equal(ours, torch.nn.functional.pad(
        torch.tensor(x), (3, 0, 1, 2), value=1.5).numpy())
