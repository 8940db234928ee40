"""Tests for nn layers (Linear, Sequential, MLP, Neuron, Layer, ValueMLP) and activations."""

import numpy as np
import pytest

from autograd_mini import DTypeError, ShapeError, Tensor, Value, nn
from autograd_mini.optim import SGD

# ----- Linear ---------------------------------------------------------------------------------


def test_linear_computes_x_at_weight_plus_bias():
    layer = nn.Linear(2, 3, seed=0)
    layer.bias.data[...] = [1.0, 2.0, 3.0]
    x = np.array([[1.0, 2.0], [3.0, 4.0]], dtype=np.float32)
    y = layer(x)
    assert y.shape == (2, 3)
    np.testing.assert_allclose(y.numpy(), x @ layer.weight.numpy() + [1, 2, 3], rtol=1e-6)


def test_linear_weight_is_stored_in_by_out():
    assert nn.Linear(4, 7).weight.shape == (4, 7)


def test_linear_without_bias_has_only_a_weight():
    layer = nn.Linear(2, 3, bias=False)
    assert layer.bias is None and [n for n, _ in layer.named_parameters()] == ["weight"]


def test_linear_takes_lists_and_stays_float32():
    y = nn.Linear(2, 1)([[1, 2], [3, 4]])
    assert isinstance(y, Tensor) and y.dtype == np.float32


def test_linear_can_be_float64():
    assert nn.Linear(2, 1, dtype="float64")(np.ones((1, 2))).dtype == np.float64


def test_linear_rejects_the_wrong_number_of_features_naming_the_layer():
    net = nn.MLP([3, 2])
    with pytest.raises(ShapeError, match=r"layers\.0\.weight.*3 features.*\(5, 4\)"):
        net(np.ones((5, 4)))


def test_linear_gradients_are_xT_g_and_sum_of_g():
    layer = nn.Linear(3, 2, seed=0)
    x = np.random.default_rng(1).normal(size=(4, 3)).astype(np.float32)
    g = np.random.default_rng(2).normal(size=(4, 2)).astype(np.float32)
    layer(x).backward(g)
    np.testing.assert_allclose(layer.weight.grad, x.T @ g, rtol=1e-5)
    np.testing.assert_allclose(layer.bias.grad, g.sum(axis=0), rtol=1e-5)


def test_linear_same_seed_gives_same_weights():
    a, b = nn.Linear(3, 4, seed=7), nn.Linear(3, 4, seed=7)
    np.testing.assert_array_equal(a.weight.numpy(), b.weight.numpy())
    assert not np.array_equal(a.weight.numpy(), nn.Linear(3, 4, seed=8).weight.numpy())


def test_linear_init_accepts_a_name_a_function_or_the_values():
    assert np.all(nn.Linear(2, 2, init="ones").weight.numpy() == 1)
    assert np.all(nn.Linear(2, 2, init=lambda shape: np.full(shape, 3.0)).weight.numpy() == 3)
    values = np.arange(6.0).reshape(2, 3)
    np.testing.assert_array_equal(nn.Linear(2, 3, init=values).weight.numpy(), values)


def test_linear_init_with_values_of_the_wrong_shape_raises():
    with pytest.raises(ShapeError, match=r"\(3, 2\).*\(2, 3\)"):
        nn.Linear(2, 3, init=np.zeros((3, 2)))


def test_linear_unknown_init_name_lists_the_choices():
    with pytest.raises(DTypeError, match="glorot_uniform"):
        nn.Linear(2, 3, init="glorot")


def test_linear_applies_its_activation_after_the_bias():
    layer = nn.Linear(2, 3, activation="relu", seed=0)
    layer.bias.data[...] = [-10.0, 0.0, 10.0]
    y = layer(np.ones((1, 2), np.float32)).numpy()
    assert y[0, 0] == 0 and y[0, 2] > 0
    assert repr(layer).endswith("bias=True, activation=relu)")


# ----- Sequential and MLP ---------------------------------------------------------------------


def test_sequential_applies_layers_in_order_and_accepts_functions():
    seq = nn.Sequential(lambda x: x * 2, nn.ReLU(), lambda x: x + 1)
    assert seq(Tensor([-1.0, 3.0])).numpy().tolist() == [1.0, 7.0]
    assert len(seq) == 3 and isinstance(seq[1], nn.ReLU)


def test_sequential_rejects_something_that_is_not_a_layer():
    with pytest.raises(DTypeError, match="layer 1"):
        nn.Sequential(nn.Tanh(), 3)


@pytest.mark.parametrize("activation, fn", [("sigmoid", lambda z: 1 / (1 + np.exp(-z))),
                                            ("tanh", np.tanh),
                                            ("relu", lambda z: np.maximum(z, 0)),
                                            (None, lambda z: z)])
def test_mlp_applies_the_activation_between_layers_only(activation, fn):
    net = nn.MLP([2, 3, 1], activation=activation, seed=0, dtype="float64")
    x = np.array([[0.5, -1.0], [2.0, 0.3]])
    l0, l1 = net.layers
    expected = fn(x @ l0.weight.numpy() + l0.bias.numpy()) @ l1.weight.numpy() + l1.bias.numpy()
    np.testing.assert_allclose(net(x).numpy(), expected, rtol=1e-12)


def test_mlp_output_activation_is_applied_last():
    out = nn.MLP([2, 3, 2], output_activation="sigmoid", seed=0)(np.full((4, 2), 50.0))
    assert np.all((out.numpy() > 0) & (out.numpy() < 1))


def test_mlp_seed_fixes_every_layer():
    a, b = nn.MLP([2, 3, 1], seed=3), nn.MLP([2, 3, 1], seed=3)
    for (_, p), (_, q) in zip(a.named_parameters(), b.named_parameters()):
        np.testing.assert_array_equal(p.numpy(), q.numpy())
    assert not np.array_equal(a.layers[0].weight.numpy(),
                              nn.MLP([2, 3, 1], seed=4).layers[0].weight.numpy())


def test_mlp_with_bad_sizes_explains_the_format():
    with pytest.raises(ShapeError, match="at least two"):
        nn.MLP([3])


def test_mlp_with_unknown_activation_lists_the_choices():
    with pytest.raises(DTypeError, match="sigmoid"):
        nn.MLP([2, 1], activation="swishy")


# ----- the Value flavour ----------------------------------------------------------------------


def test_neuron_computes_activation_of_weighted_sum_plus_bias():
    n = nn.Neuron(2, activation="tanh", seed=0)
    n.b.data = 0.5
    w = [p.data for p in n.w]
    out = n([1.0, -2.0])
    assert isinstance(out, Value)
    assert out.data == pytest.approx(np.tanh(w[0] - 2 * w[1] + 0.5))


def test_neuron_with_the_wrong_number_of_inputs_raises():
    with pytest.raises(ShapeError, match="expected 3 inputs, got 2"):
        nn.Neuron(3)([1.0, 2.0])


def test_value_mlp_returns_one_value_for_one_output_and_a_list_otherwise():
    assert isinstance(nn.ValueMLP([3, 4, 1], seed=0)([1.0, 2.0, 3.0]), Value)
    outs = nn.ValueMLP([3, 2], seed=0)([1.0, 2.0, 3.0])
    assert isinstance(outs, list) and len(outs) == 2


def test_value_mlp_has_micrograds_parameter_count_and_names():
    net = nn.ValueMLP([3, 4, 4, 1], seed=0)
    assert len(net.parameters()) == 4 * 4 + 4 * 5 + 1 * 5
    assert net.parameters()[0].name == "layers.0.neurons.0.w.0"
    assert net.parameters()[3].name == "layers.0.neurons.0.b"


def test_value_mlp_weights_start_uniform_in_minus_one_one():
    data = [p.data for p in nn.ValueMLP([5, 8, 1], bias=False, seed=0).parameters()]
    assert -1 <= min(data) and max(data) < 1


def test_value_mlp_and_tensor_mlp_give_the_same_output_and_gradients():
    vnet = nn.ValueMLP([2, 3, 1], activation="tanh", seed=0)
    tnet = nn.MLP([2, 3, 1], activation="tanh", dtype="float64")
    for i, layer in enumerate(vnet.layers):  # copy the Value weights into the Tensor layers
        tnet.layers[i].weight.data[...] = [[n.w[j].data for n in layer.neurons]
                                           for j in range(len(layer.neurons[0].w))]
        tnet.layers[i].bias.data[...] = [n.b.data for n in layer.neurons]
    x = [0.7, -1.3]
    vout, tout = vnet(x), tnet(np.array([x]))
    vout.backward()
    tout.sum().backward()
    assert vout.data == pytest.approx(tout.item(), rel=1e-12)
    w_grads = [[n.w[j].grad for n in vnet.layers[0].neurons] for j in range(2)]
    np.testing.assert_allclose(tnet.layers[0].weight.grad, w_grads, rtol=1e-10)


def test_value_mlp_learns_micrograds_tiny_dataset():
    net = nn.ValueMLP([3, 4, 4, 1], seed=1)
    xs = [[2.0, 3.0, -1.0], [3.0, -1.0, 0.5], [0.5, 1.0, 1.0], [1.0, 1.0, -1.0]]
    ys = [1.0, -1.0, -1.0, 1.0]
    opt = SGD(net.parameters(), lr=0.05)
    for _ in range(100):
        loss = nn.mse([net(x) for x in xs], ys)
        opt.zero_grad()
        loss.backward()
        opt.step()
    assert loss.data < 0.05
    assert [np.sign(net(x).data) for x in xs] == ys


# ----- activations ----------------------------------------------------------------------------


@pytest.mark.parametrize("fn, module", [(nn.sigmoid, nn.Sigmoid()), (nn.tanh, nn.Tanh()),
                                        (nn.relu, nn.ReLU()), (nn.softplus, nn.Softplus()),
                                        (nn.identity, nn.Identity())])
def test_activation_modules_compute_their_functions(fn, module):
    x = Tensor([-2.0, 0.5, 3.0])
    np.testing.assert_array_equal(module(x).numpy(), fn(x).numpy())


def test_leaky_relu_scales_negatives_by_alpha():
    out = nn.LeakyReLU(0.1)(Tensor([-2.0, 3.0]))
    np.testing.assert_allclose(out.numpy(), [-0.2, 3.0], rtol=1e-6)


def test_softplus_is_finite_and_exact_for_large_inputs():
    out = nn.softplus(Tensor([-1000.0, 0.0, 1000.0], dtype="float64"))
    np.testing.assert_allclose(out.numpy(), [0.0, np.log(2.0), 1000.0], rtol=1e-12)


def test_softplus_gradient_is_sigmoid():
    x = Tensor([-3.0, 0.2, 4.0], dtype="float64", requires_grad=True)
    nn.softplus(x).sum().backward()
    np.testing.assert_allclose(x.grad, 1 / (1 + np.exp(-x.numpy())), rtol=1e-12)


def test_activations_work_on_values_too():
    assert nn.leaky_relu(Value(-1.0), 0.5).data == -0.5
    assert nn.softplus(Value(0.0)).data == pytest.approx(np.log(2.0))


def test_softmax_module_normalises_over_its_axis():
    out = nn.Softmax(axis=0)(Tensor([[1.0, 2.0], [3.0, 4.0]]))
    np.testing.assert_allclose(out.numpy().sum(axis=0), [1.0, 1.0], rtol=1e-6)


def test_get_activation_resolves_names_callables_and_none():
    assert nn.get_activation("relu") is nn.relu
    assert nn.get_activation(None) is nn.identity
    assert nn.get_activation(np.tanh) is np.tanh
