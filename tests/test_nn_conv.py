"""Tests for the image layers: Conv2d, MaxPool2d, AvgPool2d, Flatten, Dropout (NHWC)."""

import numpy as np
import pytest

from autograd_mini import DTypeError, OpError, ShapeError, Tensor, nn


def images(shape, seed=0, dtype=np.float64):
    return np.random.default_rng(seed).normal(size=shape).astype(dtype)


def direct_conv(x, w, b, stride=1):
    """Cross-correlation by loops over the output pixels, VALID padding, NHWC / HWIO."""
    kh, kw = w.shape[:2]
    oh, ow = (x.shape[1] - kh) // stride + 1, (x.shape[2] - kw) // stride + 1
    y = np.zeros((x.shape[0], oh, ow, w.shape[3]))
    for i in range(oh):
        for j in range(ow):
            patch = x[:, i * stride:i * stride + kh, j * stride:j * stride + kw, :]
            y[:, i, j, :] = np.tensordot(patch, w, axes=([1, 2, 3], [0, 1, 2]))
    return y + b


# ----- Conv2d ---------------------------------------------------------------------------------


def test_conv2d_is_cross_correlation_plus_bias_over_nhwc_images():
    conv = nn.Conv2d(3, 4, (3, 2), stride=2, seed=0, dtype="float64")
    conv.bias.data[...] = [1.0, -1.0, 0.5, 2.0]
    x = images((2, 7, 6, 3))
    np.testing.assert_allclose(conv(x).numpy(), direct_conv(x, conv.weight.numpy(),
                                                            conv.bias.numpy(), stride=2),
                               rtol=1e-10, atol=1e-12)


@pytest.mark.parametrize("kwargs, shape", [
    ({"padding": "SAME"}, (2, 28, 28, 6)),
    ({"padding": "same"}, (2, 28, 28, 6)),
    ({}, (2, 24, 24, 6)),
    ({"padding": 2}, (2, 28, 28, 6)),
    ({"padding": ((0, 0), (2, 2))}, (2, 24, 28, 6)),
    ({"stride": 2, "padding": "SAME"}, (2, 14, 14, 6)),
    ({"dilation": 2}, (2, 20, 20, 6)),
])
def test_conv2d_output_shapes(kwargs, shape):
    assert nn.Conv2d(1, 6, 5, **kwargs)(np.zeros((2, 28, 28, 1))).shape == shape


def test_conv2d_applies_its_activation_after_the_bias():
    conv = nn.Conv2d(1, 2, 1, activation="relu", init="ones")
    conv.bias.data[...] = [-5.0, 5.0]
    y = conv(np.full((1, 2, 2, 1), 2.0, np.float32)).numpy()
    assert np.all(y[..., 0] == 0) and np.all(y[..., 1] == 7)


def test_conv2d_registers_an_hwio_weight_and_a_bias_named_by_their_place():
    net = nn.Sequential(nn.Conv2d(3, 8, 5), nn.ReLU(), nn.Conv2d(8, 2, 3, bias=False))
    assert [(n, p.shape) for n, p in net.named_parameters()] == [
        ("layers.0.weight", (5, 5, 3, 8)), ("layers.0.bias", (8,)),
        ("layers.2.weight", (3, 3, 8, 2))]
    assert net[0].weight.dtype == np.float32 and np.all(net[0].bias.numpy() == 0)


def test_conv2d_glorot_uniform_counts_fans_over_the_receptive_field():
    w = nn.Conv2d(16, 32, 3, seed=0).weight.numpy()
    limit = np.sqrt(6 / (3 * 3 * 16 + 3 * 3 * 32))
    assert np.abs(w).max() <= limit and np.abs(w).max() > 0.99 * limit
    assert abs(w.std() - limit / np.sqrt(3)) < 0.02 * limit


def test_conv2d_he_normal_has_stddev_sqrt_two_over_fan_in():
    w = nn.Conv2d(64, 64, 3, init="he_normal", seed=1).weight.numpy()
    assert abs(w.mean()) < 5 * w.std() / np.sqrt(w.size)
    assert w.std() == pytest.approx(np.sqrt(2 / (3 * 3 * 64)), rel=0.02)


def test_conv2d_same_seed_same_kernel_and_init_takes_values():
    a, b = nn.Conv2d(2, 3, 3, seed=5), nn.Conv2d(2, 3, 3, seed=5)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    values = np.arange(2 * 2 * 1 * 1.0).reshape(2, 2, 1, 1)
    np.testing.assert_array_equal(nn.Conv2d(1, 1, 2, init=values).weight.numpy(), values)
    with pytest.raises(ShapeError, match=r"\(2, 2, 1, 1\).*\(3, 3, 1, 1\)"):
        nn.Conv2d(1, 1, 3, init=values)


def test_conv2d_with_the_wrong_channels_names_the_layer_and_the_shapes():
    net = nn.Sequential(nn.Conv2d(3, 6, 5))
    with pytest.raises(ShapeError, match=r"Conv2d 'layers\.0' \(3 -> 6 channels, "
                                         r"5x5 kernel\): expected 3 channels.*\(2, 28, 28, 1\)"):
        net(np.zeros((2, 28, 28, 1), np.float32))


def test_conv2d_given_nchw_images_says_how_to_move_the_channels_last():
    with pytest.raises(ShapeError, match=r"NCHW.*transpose\(\(0, 2, 3, 1\)\)"):
        nn.Conv2d(3, 6, 5)(np.zeros((2, 3, 28, 28), np.float32))


def test_conv2d_given_one_image_without_a_batch_axis_says_so():
    with pytest.raises(ShapeError, match=r"Conv2d: expected a batch of images.*\(28, 28, 1\).*"
                                         r"x\[None\]"):
        nn.Conv2d(1, 6, 5)(np.zeros((28, 28, 1)))


@pytest.mark.parametrize("kwargs, message", [
    ({"padding": "FULL"}, "padding must be 'SAME', 'VALID'"),
    ({"kernel_size": 0}, r"kernel_size must be an int or an \(h, w\) pair of ints >= 1"),
    ({"stride": (1, 2, 3)}, "stride must be"),
    ({"padding": -1}, "padding must be an int or an .* >= 0"),
    ({"in_channels": 0}, "channels must be positive"),
])
def test_conv2d_bad_settings_are_refused_when_the_layer_is_made(kwargs, message):
    settings = {"in_channels": 1, "out_channels": 2, "kernel_size": 3} | kwargs
    with pytest.raises(ShapeError, match=message):
        nn.Conv2d(**settings)


def test_conv2d_sends_gradients_to_its_input_kernel_and_bias():
    conv = nn.Conv2d(2, 3, 3, padding="SAME", seed=0, dtype="float64")
    x = Tensor(images((2, 5, 5, 2)), requires_grad=True)
    g = images((2, 5, 5, 3), seed=1)
    conv(x).backward(g)
    np.testing.assert_allclose(conv.bias.grad, g.sum(axis=(0, 1, 2)), rtol=1e-10)
    assert conv.weight.grad.shape == (3, 3, 2, 3) and x.grad.shape == (2, 5, 5, 2)
    # the centre tap of the kernel sees every pixel: its gradient is sum(x * g) per pair
    np.testing.assert_allclose(conv.weight.grad[1, 1],
                               np.einsum("nhwi,nhwo->io", x.numpy(), g), rtol=1e-10)


# ----- pooling --------------------------------------------------------------------------------


def test_max_and_avg_pool_take_each_windows_max_and_mean_per_channel():
    x = images((2, 4, 6, 3))
    blocks = x.reshape(2, 2, 2, 3, 2, 3)
    np.testing.assert_array_equal(nn.MaxPool2d(2)(x).numpy(), blocks.max(axis=(2, 4)))
    np.testing.assert_allclose(nn.AvgPool2d(2)(x).numpy(), blocks.mean(axis=(2, 4)))


@pytest.mark.parametrize("layer, shape", [
    (nn.MaxPool2d(2), (1, 14, 14, 6)),
    (nn.MaxPool2d(3, stride=2), (1, 13, 13, 6)),
    (nn.AvgPool2d(3, padding="SAME"), (1, 10, 10, 6)),
    (nn.MaxPool2d((2, 4)), (1, 14, 7, 6)),
])
def test_pool_output_shapes_and_stride_defaults_to_size(layer, shape):
    assert layer(np.zeros((1, 28, 28, 6))).shape == shape


def test_pools_have_no_parameters_and_refuse_a_non_image():
    assert nn.MaxPool2d(2).parameters() == [] and nn.AvgPool2d(2).parameters() == []
    with pytest.raises(ShapeError, match=r"MaxPool2d: expected a batch of images"):
        nn.MaxPool2d(2)(np.zeros((4, 4)))


def test_max_pool_sends_the_gradient_to_each_windows_maximum():
    x = Tensor(np.array([[1.0, 2.0], [4.0, 3.0]]).reshape(1, 2, 2, 1), requires_grad=True)
    nn.MaxPool2d(2)(x).sum().backward()
    np.testing.assert_array_equal(x.grad.reshape(2, 2), [[0, 0], [1, 0]])


# ----- Flatten and Dropout --------------------------------------------------------------------


def test_flatten_keeps_the_batch_axis_in_numpys_order():
    x = images((2, 5, 5, 16))
    np.testing.assert_array_equal(nn.Flatten()(x).numpy(), x.reshape(2, -1))
    assert nn.Flatten(start_axis=2)(x).shape == (2, 5, 80)


def test_dropout_zeroes_about_rate_and_scales_the_rest_while_training():
    y = nn.Dropout(0.25, seed=0)(np.ones((200, 100), np.float32)).numpy()
    assert set(np.unique(y)) == {0.0, np.float32(1 / 0.75)}
    assert abs((y == 0).mean() - 0.25) < 0.01


def test_dropout_draws_a_new_mask_each_call_and_a_seed_fixes_them_all():
    a, b = nn.Dropout(0.5, seed=3), nn.Dropout(0.5, seed=3)
    x = np.ones((10, 10))
    first, second = a(x).numpy(), a(x).numpy()
    assert not np.array_equal(first, second)
    np.testing.assert_array_equal(b(x).numpy(), first)
    np.testing.assert_array_equal(b(x).numpy(), second)


def test_eval_turns_dropout_off_in_nested_modules_and_train_turns_it_back_on():
    net = nn.Sequential(nn.Linear(4, 4, seed=0), nn.Sequential(nn.Dropout(0.9, seed=0)))
    x = np.ones((8, 4), np.float32)
    assert net.eval() is net and not net[1][0].training
    np.testing.assert_array_equal(net(x).numpy(), net[0](x).numpy())
    net.train()
    assert net[1][0].training and np.mean(net(x).numpy() == 0) > 0.5


def test_dropout_passes_gradients_only_through_the_kept_inputs():
    x = Tensor(np.ones((50, 20)), requires_grad=True)
    y = nn.Dropout(0.4, seed=1)(x)
    y.sum().backward()
    np.testing.assert_allclose(x.grad, y.numpy())  # 1/(1-rate) where kept, 0 where dropped


@pytest.mark.parametrize("rate, error, message", [
    (1.0, OpError, r"in \[0, 1\); got 1.0 \(keep_prob is 1 - rate\)"),
    (-0.1, OpError, r"in \[0, 1\); got -0.1"),
    ("half", DTypeError, "rate must be a number"),
])
def test_dropout_rate_outside_zero_one_is_refused(rate, error, message):
    with pytest.raises(error, match="Dropout: .*" + message):
        nn.Dropout(rate)


def test_image_layers_show_their_settings():
    assert repr(nn.Conv2d(1, 6, 5, padding="SAME")) == \
        "Conv2d(1, 6, kernel_size=(5, 5), padding=SAME)"
    assert repr(nn.MaxPool2d(3, stride=2)) == "MaxPool2d(size=(3, 3), stride=(2, 2))"
    assert repr(nn.Dropout(0.5)) == "Dropout(rate=0.5)"
