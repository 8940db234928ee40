"""Tests for training.fit, and the seed acceptance runs that train a whole net:
seed 001's XOR net (exactly the seed's numbers) and seed 002's linear regression."""

import io

import numpy as np
import pytest

from autograd_mini import DTypeError, Tensor, nn, sum
from autograd_mini.optim import SGD, Adam
from autograd_mini.training import History, fit

X_LINE = np.linspace(-1, 1, 16, dtype=np.float32).reshape(-1, 1)
Y_LINE = 3 * X_LINE - 0.5


def line_batches():
    return [(X_LINE[i:i + 4], Y_LINE[i:i + 4]) for i in range(0, 16, 4)]


# ----- fit ------------------------------------------------------------------------------------


def test_fit_records_every_step_and_each_epochs_mean():
    history = fit(nn.Linear(1, 1, seed=0), nn.mse, SGD(lr=0.1), line_batches(), epochs=3,
                  progress=False)
    assert isinstance(history, History)
    assert len(history.losses) == 12 and len(history.epoch_losses) == 3
    assert history.epoch_losses[0] == pytest.approx(np.mean(history.losses[:4]))


def test_fit_trains_a_linear_model_to_the_line():
    model = nn.Linear(1, 1, seed=0)
    history = fit(model, nn.mse, Adam(lr=0.1), line_batches(), epochs=100, progress=False)
    assert history.epoch_losses[-1] < 1e-4 < history.epoch_losses[0]
    assert model.weight.item() == pytest.approx(3.0, abs=0.01)


def test_fit_reads_a_generator_once_and_reuses_it_every_epoch():
    history = fit(nn.Linear(1, 1, seed=0), nn.mse, SGD(lr=0.1), iter(line_batches()),
                  epochs=2, progress=False)
    assert len(history.losses) == 8


def test_fit_calls_a_batches_function_once_per_epoch():
    calls = []

    def batches():
        calls.append(1)
        return line_batches()[:1]

    fit(nn.Linear(1, 1, seed=0), nn.mse, SGD(lr=0.1), batches, epochs=3, progress=False)
    assert len(calls) == 3


def test_fit_calls_on_epoch_end_after_each_epoch():
    seen = []
    fit(nn.Linear(1, 1, seed=0), nn.mse, SGD(lr=0.1), line_batches(), epochs=2, progress=False,
        on_epoch_end=lambda epoch, h: seen.append((epoch, len(h.epoch_losses))))
    assert seen == [(0, 1), (1, 2)]


def test_fit_trains_a_plain_function_with_the_optimizers_params():
    w = nn.Linear(1, 1, seed=0).weight
    history = fit(lambda x: Tensor(x) @ w, nn.mse, SGD([w], lr=0.5), line_batches(), epochs=20,
                  progress=False)
    assert history.epoch_losses[-1] < history.epoch_losses[0]


def test_fit_without_parameters_says_where_to_give_them():
    with pytest.raises(DTypeError, match="no parameters"):
        fit(lambda x: x, nn.mse, SGD(lr=0.1), line_batches(), progress=False)


def test_fit_shows_no_progress_bar_when_stdout_is_not_a_terminal(capsys):
    fit(nn.Linear(1, 1, seed=0), nn.mse, SGD(lr=0.1), line_batches(), epochs=2)
    assert capsys.readouterr().out == ""


def test_fit_shows_a_progress_bar_when_asked(monkeypatch):
    pytest.importorskip("tqdm")
    out = io.StringIO()
    monkeypatch.setattr("sys.stdout", out)
    fit(nn.Linear(1, 1, seed=0), nn.mse, SGD(lr=0.1), line_batches(), epochs=2, progress=True)
    assert "2/2" in out.getvalue() and "loss=" in out.getvalue()


# ----- seed 001: XOR, 2-2-1 sigmoid, no biases, lr 0.5, 10,000 epochs ------------------------


def xor_seed_weights():
    """The seed's start: np.random.seed(0), then uniform (2, 2) and (2, 1)."""
    np.random.seed(0)
    return np.random.uniform(size=(2, 2)), np.random.uniform(size=(2, 1))


XOR_X = np.array([[0, 0], [0, 1], [1, 0], [1, 1]], dtype=np.float64)
XOR_Y = np.array([[0], [1], [1], [0]], dtype=np.float64)


def xor_seed_numpy():
    """Seed 001's own loop, copied in its hand-derived form: the reference."""
    w_ih, w_ho = xor_seed_weights()
    for _ in range(10_000):
        hidden = 1 / (1 + np.exp(-XOR_X @ w_ih))
        pred = 1 / (1 + np.exp(-hidden @ w_ho))
        d_pred = (XOR_Y - pred) * pred * (1 - pred)
        d_hidden = d_pred.dot(w_ho.T) * hidden * (1 - hidden)
        w_ho += hidden.T.dot(d_pred) * 0.5
        w_ih += XOR_X.T.dot(d_hidden) * 0.5
    return w_ih, w_ho


@pytest.fixture(scope="module")
def xor_net():
    net = nn.MLP([2, 2, 1], activation="sigmoid", output_activation="sigmoid", bias=False,
                 dtype="float64")
    w_ih, w_ho = xor_seed_weights()
    net.load_state_dict({"layers.0.weight": w_ih, "layers.1.weight": w_ho})
    opt = SGD(net.parameters(), lr=0.5)
    x = Tensor(XOR_X)
    for _ in range(10_000):
        opt.zero_grad()
        # the seed's update error * sigmoid'(...) is the gradient of 0.5 * sum of squares
        (0.5 * sum((XOR_Y - net(x)) ** 2)).backward()
        opt.step()
    return net


def test_xor_net_classifies_all_four_points(xor_net):
    pred = xor_net(XOR_X).numpy()
    assert ((pred > 0.5) == (XOR_Y > 0.5)).all()


def test_xor_net_ends_at_the_seeds_weights(xor_net):
    w_ih, w_ho = xor_seed_numpy()
    np.testing.assert_allclose(xor_net.layers[0].weight.numpy(), w_ih, rtol=1e-12)
    np.testing.assert_allclose(xor_net.layers[1].weight.numpy(), w_ho, rtol=1e-12)


# ----- seed 002: a Linear layer recovers W and b --------------------------------------------------


def test_seed002_linear_regression_recovers_w_and_b():
    W, b = np.array([[3, 7, 4], [5, 2, 6]]), np.array([2, 9, 3])
    rng = np.random.RandomState(0)
    x_data = rng.randint(0, 10, 1000).reshape(500, 2)
    y_data = x_data @ W + b
    layer = nn.Linear(2, 3, init=rng.randn(2, 3), dtype="float64")
    # the seed's step dy = y - y_true is the gradient of half its loss: halve lr instead
    opt = SGD(layer.parameters(), lr=0.01 / 2)
    loss, steps = 100.0, 0
    while loss > 1e-15 and steps < 30_000:
        i = rng.randint(500)
        x, y = x_data[i:i + 2], y_data[i:i + 2]
        loss = float(opt.minimize(lambda x=x, y=y: nn.sum_squared_mean(layer(x), y)))
        steps += 1
    assert np.allclose(layer.weight.numpy(), W) and np.allclose(layer.bias.numpy(), b)
