"""Tests for nn losses: values against numpy, gradients, stability and error messages."""

import numpy as np
import pytest

from autograd_mini import OpError, ShapeError, Tensor, Value, nn


def t64(x, grad=False):
    return Tensor(np.asarray(x, dtype=np.float64), requires_grad=grad)


# ----- regression -----------------------------------------------------------------------------


def test_mse_is_the_mean_of_squared_errors():
    pred, target = np.array([[1.0, 2.0], [3.0, 5.0]]), np.array([[0.0, 2.0], [3.0, 1.0]])
    assert nn.mse(t64(pred), target).item() == pytest.approx(np.mean((pred - target) ** 2))


def test_mse_gradient_is_two_errors_over_n():
    pred = t64([[1.0], [4.0]], grad=True)
    nn.mse(pred, np.array([[0.0], [1.0]])).backward()
    np.testing.assert_allclose(pred.grad, [[1.0], [3.0]])


def test_mse_takes_a_list_of_values():
    preds = [Value(1.0), Value(3.0)]
    loss = nn.mse(preds, [0.0, 1.0])
    loss.backward()
    assert loss.data == 2.5 and [p.grad for p in preds] == [1.0, 2.0]


def test_mse_keeps_float32_predictions_float32_with_float64_targets():
    assert nn.mse(Tensor([[1.0]]), np.array([[0.5]], dtype=np.float64)).dtype == np.float32


def test_mse_rejects_shapes_that_would_broadcast():
    with pytest.raises(ShapeError, match=r"\(4, 1\).*\(4,\)"):
        nn.mse(Tensor(np.zeros((4, 1))), np.zeros(4))


def test_sum_squared_mean_matches_seed_002s_formula():
    pred, target = np.array([[1.0, 2.0, 3.0], [0.0, 1.0, 0.5]]), np.zeros((2, 3))
    expected = np.mean(np.sum(np.square(pred - target), axis=-1))
    assert nn.sum_squared_mean(t64(pred), target).item() == pytest.approx(expected)


def test_half_sum_squared_mean_has_seed_002s_hand_gradient():
    pred, target = t64([[1.0, 2.0], [3.0, 4.0]], grad=True), np.array([[0.0, 0.0], [1.0, 1.0]])
    (0.5 * nn.sum_squared_mean(pred, target)).backward()
    np.testing.assert_allclose(pred.grad, (pred.numpy() - target) / 2)  # dy / N


# ----- binary classification ------------------------------------------------------------------


def test_binary_cross_entropy_matches_numpy():
    p, t = np.array([0.9, 0.2, 0.6]), np.array([1.0, 0.0, 0.0])
    expected = -np.mean(t * np.log(p) + (1 - t) * np.log(1 - p))
    assert nn.binary_cross_entropy(t64(p), t).item() == pytest.approx(expected)


def test_binary_cross_entropy_is_finite_for_probabilities_of_zero_and_one():
    loss = nn.binary_cross_entropy(t64([0.0, 1.0]), np.array([1.0, 0.0]))
    assert np.isfinite(loss.item()) and loss.item() == pytest.approx(-np.log(1e-7), rel=1e-6)


def test_bce_with_logits_equals_bce_of_sigmoid_for_moderate_logits():
    x, t = np.array([-2.0, 0.3, 4.0]), np.array([0.0, 1.0, 1.0])
    a = nn.binary_cross_entropy_with_logits(t64(x), t).item()
    b = nn.binary_cross_entropy(t64(1 / (1 + np.exp(-x))), t).item()
    assert a == pytest.approx(b, rel=1e-9)


def test_bce_with_logits_is_exact_for_huge_logits():
    loss = nn.binary_cross_entropy_with_logits(t64([1000.0, -1000.0]), np.array([0.0, 0.0]))
    assert loss.item() == pytest.approx(500.0)


def test_bce_with_logits_gradient_is_sigmoid_minus_target_over_n():
    x = t64([-1.0, 0.5, 800.0], grad=True)
    t = np.array([1.0, 0.0, 1.0])
    nn.binary_cross_entropy_with_logits(x, t).backward()
    np.testing.assert_allclose(x.grad, (1 / (1 + np.exp(-x.numpy())) - t) / 3, atol=1e-12)


# ----- softmax cross-entropy ------------------------------------------------------------------


LOGITS = np.array([[2.0, 1.0, 0.1], [0.5, 2.5, -1.0]])
LABELS = np.array([0, 1])
ONE_HOT = np.eye(3)[LABELS]


def test_softmax_cross_entropy_matches_numpy():
    log_p = LOGITS - np.log(np.exp(LOGITS).sum(axis=1, keepdims=True))
    expected = -np.mean(log_p[np.arange(2), LABELS])
    assert nn.softmax_cross_entropy(t64(LOGITS), LABELS).item() == pytest.approx(expected)


def test_softmax_cross_entropy_accepts_integer_labels_and_one_hot_alike():
    a = nn.softmax_cross_entropy(t64(LOGITS), LABELS).item()
    b = nn.softmax_cross_entropy(t64(LOGITS), ONE_HOT).item()
    assert a == pytest.approx(b, rel=1e-12)


def test_softmax_cross_entropy_gradient_is_softmax_minus_one_hot_over_n():
    x = t64(LOGITS, grad=True)
    nn.softmax_cross_entropy(x, LABELS).backward()
    soft = np.exp(LOGITS) / np.exp(LOGITS).sum(axis=1, keepdims=True)
    np.testing.assert_allclose(x.grad, (soft - ONE_HOT) / 2, rtol=1e-10)


def test_softmax_cross_entropy_is_finite_for_huge_logits():
    loss = nn.softmax_cross_entropy(Tensor([[1e4, 0.0, -1e4]]), np.array([1]))
    assert loss.item() == pytest.approx(1e4)


@pytest.mark.parametrize("labels", [LABELS, ONE_HOT], ids=["ids", "one-hot"])
def test_softmax_cross_entropy_stays_float32(labels):
    assert nn.softmax_cross_entropy(Tensor(LOGITS.tolist()), labels).dtype == np.float32


def test_softmax_cross_entropy_rejects_out_of_range_labels():
    with pytest.raises(OpError, match=r"\[0, 3\)"):
        nn.softmax_cross_entropy(t64(LOGITS), np.array([0, 3]))


def test_softmax_cross_entropy_explains_accepted_label_shapes():
    with pytest.raises(ShapeError, match=r"integer ids of shape \(2,\) or one-hot"):
        nn.softmax_cross_entropy(t64(LOGITS), np.zeros((2, 4)))


# ----- hinge ----------------------------------------------------------------------------------


def test_hinge_is_mean_of_positive_part_of_one_minus_margin():
    pred, t = np.array([2.0, 0.5, -0.3]), np.array([1.0, 1.0, 1.0])
    assert nn.hinge(t64(pred), t).item() == pytest.approx(np.mean(np.maximum(0, 1 - t * pred)))


def test_hinge_rejects_zero_one_labels_and_says_how_to_convert():
    with pytest.raises(OpError, match="2 \\* labels - 1"):
        nn.hinge(t64([0.5, -0.5]), np.array([0.0, 1.0]))
