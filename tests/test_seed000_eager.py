"""Seed 000 (PKU's TensorFlow 1.x two-layer net) run eagerly with nn and optim.

SGD must reproduce the seed's printed table and final weights; Momentum and Adam must
follow TensorFlow 1.x's update rules, checked against a plain-numpy float32 reference
that writes the same program by hand (gradients and TF's kernel formulas).
"""

import numpy as np
import pytest
import seed000 as S

import autograd_mini as am
from autograd_mini import Tensor, Variable
from autograd_mini.nn import mse
from autograd_mini.optim import SGD, Adam, Momentum

X = S.X.astype(np.float32)
Y = np.array(S.Y_, dtype=np.float32)


def run_engine(make_optimizer):
    """The seed's loop on our engine; returns the %g table and the final weights."""
    w1, w2 = Variable(S.W1, name="w1"), Variable(S.W2, name="w2")
    opt = make_optimizer()
    table = []
    for i in range(S.STEPS):
        rows = S.batch(i)
        opt.minimize(lambda rows=rows: mse((Tensor(X[rows]) @ w1) @ w2, Y[rows]), [w1, w2])
        if i % S.REPORT_EVERY == 0:
            table.append(format(mse((Tensor(X) @ w1) @ w2, Y).item(), "g"))  # the seed's %g
    return table, w1.data, w2.data


# ----- the reference: the same program in numpy, float32, TF's kernels ----------------------


def tf_gradients(w1, w2, x, y_):
    """d mean((x@w1@w2 - y_)^2) / d(w1, w2), as TF's gradient graph computes it."""
    a = x @ w1
    dy = np.float32(1.0 / len(x)) * (np.float32(2.0) * (a @ w2 - y_))
    return x.T @ (dy @ w2.T), a.T @ dy


def tf_momentum(var, g, slot, lr, momentum, nesterov):
    lr, momentum = np.float32(lr), np.float32(momentum)
    slot[:] = slot * momentum + g
    if nesterov:
        return var - (g * lr + slot * momentum * lr)
    return var - slot * lr


def tf_adam(var, g, slot, t, lr, beta1=0.9, beta2=0.999, eps=1e-8):
    f = np.float32
    alpha = f(lr) * np.sqrt(f(1) - f(beta2) ** t) / (f(1) - f(beta1) ** t)
    slot["m"] += (g - slot["m"]) * (f(1) - f(beta1))
    slot["v"] += (g * g - slot["v"]) * (f(1) - f(beta2))
    return var - (slot["m"] * alpha) / (np.sqrt(slot["v"]) + f(eps))


def run_reference(rule, **hyper):
    w = [S.W1.copy(), S.W2.copy()]
    slots = [{"m": np.zeros_like(v), "v": np.zeros_like(v)} if rule is tf_adam
             else np.zeros_like(v) for v in w]
    table = []
    for i in range(S.STEPS):
        rows = S.batch(i)
        grads = tf_gradients(w[0], w[1], X[rows], Y[rows])
        for k in range(2):
            extra = {"t": i + 1} if rule is tf_adam else {}
            w[k] = rule(w[k], grads[k], slots[k], **extra, **hyper)
        if i % S.REPORT_EVERY == 0:
            table.append(format(float(np.mean(np.square(X @ w[0] @ w[1] - Y))), "g"))
    return table, w[0], w[1]


# ----- SGD: the seed's own numbers --------------------------------------------------------------


@pytest.fixture(scope="module")
def sgd_run():
    return run_engine(lambda: SGD(lr=S.LR))


def test_sgd_prints_the_seeds_loss_table(sgd_run):
    assert sgd_run[0] == S.TABLE


def test_sgd_ends_at_the_seeds_weights_within_1e6(sgd_run):
    np.testing.assert_allclose(sgd_run[1], S.W1_FINAL, rtol=0, atol=1e-6)
    np.testing.assert_allclose(sgd_run[2], S.W2_FINAL, rtol=0, atol=1e-6)


def test_training_keeps_the_weights_float32(sgd_run):
    assert sgd_run[1].dtype == np.float32 and sgd_run[2].dtype == np.float32


def test_pytorch_style_step_takes_the_same_steps_as_minimize(sgd_run):
    w1, w2 = Variable(S.W1), Variable(S.W2)
    opt = SGD([w1, w2], lr=S.LR)
    for i in range(S.STEPS):
        rows = S.batch(i)
        opt.zero_grad()
        mse((Tensor(X[rows]) @ w1) @ w2, Y[rows]).backward()
        opt.step()
    np.testing.assert_array_equal(w1.data, sgd_run[1])
    np.testing.assert_array_equal(w2.data, sgd_run[2])


def test_numpy_reference_also_prints_the_seeds_table():
    # guards the reference used below: it must be the seed's program
    assert run_reference(lambda var, g, slot, lr: var - g * np.float32(lr), lr=S.LR)[0] == S.TABLE


# ----- Momentum and Adam: TF 1.x's rules, against the numpy reference --------------------------


@pytest.mark.parametrize("make, rule, hyper", [
    (lambda: Momentum(lr=S.LR, momentum=0.9), tf_momentum,
     {"lr": S.LR, "momentum": 0.9, "nesterov": False}),
    (lambda: Momentum(lr=S.LR, momentum=0.9, nesterov=True), tf_momentum,
     {"lr": S.LR, "momentum": 0.9, "nesterov": True}),
    (lambda: Adam(lr=S.LR), tf_adam, {"lr": S.LR}),
], ids=["momentum", "nesterov", "adam"])
def test_optimizer_follows_tf1_update_rule_on_seed000(make, rule, hyper):
    table, w1, w2 = run_engine(make)
    ref_table, ref_w1, ref_w2 = run_reference(rule, **hyper)
    assert table == ref_table
    np.testing.assert_allclose(w1, ref_w1, rtol=0, atol=1e-6)
    np.testing.assert_allclose(w2, ref_w2, rtol=0, atol=1e-6)


def test_optimizers_reach_lower_loss_than_sgd_on_seed000(sgd_run):
    # the seed's comment invites trying MomentumOptimizer and AdamOptimizer: both do better
    momentum = run_engine(lambda: Momentum(lr=S.LR, momentum=0.9))[0]
    adam = run_engine(lambda: Adam(lr=S.LR))[0]
    assert float(momentum[-1]) < float(sgd_run[0][-1])
    assert float(adam[-1]) < float(sgd_run[0][-1])


def test_seed000_runs_through_the_package_namespace():
    assert am.optim.SGD is SGD and am.nn.mse is mse
