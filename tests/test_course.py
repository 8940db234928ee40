"""The course's programs (tests/course/) print TensorFlow's numbers on autograd_mini.

Each program was run once on real TensorFlow by ``tests/course/record_tf.py``; its output is
in ``tests/course/reference/``. Here it runs on autograd_mini, unchanged, and every printed
number must agree to float32 precision (5 significant figures).
"""

from __future__ import annotations

import pytest

from tests.course import harness

# per-program tolerances where a long float32 run drifts by more than 5 figures (say why)
TOLERANCE: dict[str, dict[str, float]] = {
    # a piecewise-linear loss: which branch of tf.where a sample takes flips with float32
    # rounding of y near y_ once w is near the optimum, so w jitters in the 5th figure
    "tf1_ch4_2_custom_loss": {"rtol": 5e-5},
}


def test_every_program_has_a_reference():
    missing = [n for n in harness.programs() if not (harness.REFERENCE / f"{n}.txt").exists()]
    assert not missing, f"record these with tests/course/record_tf.py: {missing}"


@pytest.mark.parametrize("name", harness.programs())
def test_program_prints_tensorflows_numbers(name, tmp_path):
    reference = harness.REFERENCE / f"{name}.txt"
    if not reference.exists():
        pytest.fail(f"no reference output for {name}: run tests/course/record_tf.py {name}")
    ours = harness.run(name, tmp_path)
    problems = harness.compare(ours, reference.read_text(encoding="utf-8"),
                               **TOLERANCE.get(name, {}))
    assert not problems, "\n".join(problems[:20])


@pytest.mark.parametrize("ours, theirs, ok", [
    ("loss 0.123456\n", "loss 0.123457\n", True),
    ("loss 0.1234\n", "loss 0.1240\n", False),
    ("w [[1. 2.]\n [3. 4.]]\n", "w [[1.  2.]\n [3.  4.]]\n", True),
    ("w [[0.5882305 ]]\n", "w [[0.58823055]]\n", True),  # numpy pads to the widest entry
    ("b array([ 0.0266034 , -0.1 ])\n", "b array([0.02660341, -0.1])\n", True),
    ("After 1 steps\n", "After 2 steps\n", False),
    ("acc nan\n", "acc nan\n", True),
    ("a\n", "a\nb\n", False),
    ("loss is 1.0\n", "loss: 1.0\n", False),
])
def test_compare_finds_what_differs(ours, theirs, ok):
    assert (harness.compare(ours, theirs) == []) is ok


def test_decision_boundary_contour_is_drawn_from_session_arrays(tmp_path):
    # chapter 4.7 hands the grid's outputs from Session.run to plt.contour (Agg backend)
    harness.run("tf1_ch4_7_regularization", tmp_path)
    pngs = sorted(p.name for p in tmp_path.glob("*.png"))
    assert pngs == ["boundary_with_regularization.png", "boundary_without_regularization.png"]
    assert all((tmp_path / p).read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" for p in pngs)
