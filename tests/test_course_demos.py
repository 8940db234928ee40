"""The course lessons among the demos (course-iris, course-optimizers, course-regularization)
print TensorFlow 2.21's recorded figures beside their own, and those embedded figures are
exactly the recordings' (tests/course/reference/)."""

from __future__ import annotations

import re

import numpy as np
import pytest
from test_demos import frames, run  # skips here too when Pillow is missing

import autograd_mini.compat.v2 as tf
from autograd_mini.cli import load_demo
from tests.course import harness


def recorded(name: str) -> str:
    return (harness.REFERENCE / f"{name}.txt").read_text(encoding="utf-8")


def epochs_recorded(name: str) -> dict[int, tuple[float, float]]:
    """{epoch: (loss, test accuracy)} as an iris program printed them on TensorFlow."""
    found = re.findall(r"Epoch (\d+), loss: (\S+)\nTest_acc: (\S+)", recorded(name))
    return {int(e): (float(loss), float(acc)) for e, loss, acc in found}


# ----- the embedded figures are the recordings' ---------------------------------------------


def test_course_iris_embeds_the_recorded_figures_of_tf2_ch1_iris():
    ours = load_demo("course-iris").TENSORFLOW
    assert ours == {e: v for e, v in epochs_recorded("tf2_ch1_iris").items() if e in ours}
    assert 0 in ours and 49 in ours


def test_course_optimizers_embeds_each_optimizers_recorded_last_epoch():
    for name, (epoch, loss, acc) in load_demo("course-optimizers").TENSORFLOW.items():
        by_epoch = epochs_recorded(f"tf2_ch2_iris_{name}")
        assert epoch == max(by_epoch) and by_epoch[epoch] == (loss, acc), name


def test_course_regularization_embeds_the_recorded_losses():
    found = re.findall(r"(with|without) regularization: after (\d+) steps, loss is (\S+)",
                       recorded("tf1_ch4_7_regularization"))
    plain = {int(s): float(v) for kind, s, v in found if kind == "without"}
    penalized = {int(s): float(v) for kind, s, v in found if kind == "with"}
    assert load_demo("course-regularization").TENSORFLOW == {
        s: (plain[s], penalized[s]) for s in plain}


# ----- course-iris ------------------------------------------------------------------------


def test_course_iris_matches_tensorflow_and_draws_the_courses_two_curves(tmp_path, capsys):
    code, out = run("course-iris", ["--out", str(tmp_path)], capsys)
    assert re.search(r"^   49  0\.0914311\d  0\.09143112  0\.5333", out, re.M)
    assert "matches TensorFlow 2.21: yes (12/12 figures" in out and code == 0
    assert frames(tmp_path / "course_iris.png") == 1


def test_course_iris_says_no_when_a_figure_differs(tmp_path, capsys, monkeypatch):
    demo = load_demo("course-iris")
    monkeypatch.setitem(demo.TENSORFLOW, 10, (0.148, 0.5333333333333333))
    code = demo.main(["--out", str(tmp_path)])
    assert "matches TensorFlow 2.21: no (11/12 figures" in capsys.readouterr().out
    assert code == 1


def test_course_iris_compares_only_the_epochs_it_ran(tmp_path, capsys):
    code, out = run("course-iris", ["--out", str(tmp_path), "--epochs", "3"], capsys)
    assert re.search(r"^    2  \S+  -  ", out, re.M)  # the last epoch, not recorded
    assert "yes (2/2 figures" in out and code == 0


# ----- course-optimizers ------------------------------------------------------------------


def test_course_optimizers_match_tensorflow_and_draw_one_png(tmp_path, capsys):
    code, out = run("course-optimizers", ["--out", str(tmp_path)], capsys)
    for name in ("sgd", "sgdm", "adagrad", "rmsprop", "adam"):
        assert re.search(rf"^{name} +0\.\d{{8}}  [01]\.\d{{4}} +\d+\.\d\d$", out, re.M), name
    assert "adam     epoch 49: loss 0.0237872" in out
    assert "matches TensorFlow 2.21: yes (10/10 figures" in out and code == 0
    assert frames(tmp_path / "course_optimizers.png") == 1


@pytest.mark.parametrize("rule, first_step", [
    ("sgdm", lambda g: 0.1 * (1 - 0.9) * g),  # m starts at zero: a tenth of SGD's step
    ("adagrad", lambda g: 0.1 * np.sign(g)),  # g / sqrt(g^2)
    ("rmsprop", lambda g: 0.1 * g / np.sqrt(0.1 * g * g)),
    ("adam", lambda g: 0.1 * np.sign(g)),  # m_hat = g, V_hat = g^2 after the correction
])
def test_each_update_rule_takes_its_formulas_first_step(rule, first_step):
    step = load_demo("course-optimizers").OPTIMIZERS[rule]()
    g = np.array([0.5, -2.0, 1e-3], dtype=np.float32)
    w, b = tf.Variable(tf.constant([1.0, 1.0, 1.0])), tf.Variable(tf.constant([0.0]))
    step([w, b], [tf.constant(g), tf.constant([1.0])])
    np.testing.assert_allclose(w.numpy(), 1.0 - first_step(g), rtol=1e-5)


# ----- course-regularization --------------------------------------------------------------


def test_course_regularization_quick_matches_tensorflow_and_draws_both_boundaries(tmp_path,
                                                                                  capsys):
    code, out = run("course-regularization", ["--quick", "--out", str(tmp_path)], capsys)
    assert out.startswith("2001 steps of Adam")
    assert re.search(r"^ 2000  0\.69225\d    0\.692253    0\.86794\d    0\.867941$", out, re.M)
    assert "matches TensorFlow 2.21: yes (10/10 figures" in out and code == 0
    assert frames(tmp_path / "course_regularization.png") == 1


def test_the_penalty_keeps_the_weights_smaller(capsys, tmp_path):
    _, out = run("course-regularization", ["--steps", "501", "--out", str(tmp_path)], capsys)
    plain, penalized = map(float, re.search(
        r"squared weights: (\S+) on mse alone, (\S+) with the penalty", out).groups())
    assert penalized < plain
    assert "yes (4/4 figures" in out  # steps 0 and 500 of both runs
