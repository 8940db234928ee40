"""The course's programs: which file of the MOOC each program in ``tests/course/`` follows.

Peking University's MOOC "人工智能实践：Tensorflow笔记" (曹健) comes in two editions: TF1
(graphs and sessions) and TF2 (``GradientTape``). For each of the project's programs in
``tests/course/`` (written with the course's APIs, seeds and hyperparameters; every number
it prints is checked against TensorFlow 2.21 by ``tests/test_course.py``) a ``Program``
here says which section and files of the course it follows, what it teaches, which TF
names the course's files need, and which lines of those files to change to run them on
autograd_mini. ``autograd-mini course --list`` and ``course show NAME`` print it.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path

from .i18n import columns as _width
from .i18n import message, yes_no
from .i18n import pad as _pad

WIDTH = 100  # the columns the list and the entries fit
FIGURES = "to 5 significant figures"
MOOC = "https://www.icourse163.org/course/PKU-1002536002"
PROGRAMS_DIR = Path(__file__).resolve().parent.parent / "tests" / "course"  # in a clone


@dataclass(frozen=True)
class Edition:
    """One edition of the course: where its files are and its import line here."""

    name: str
    title: str
    get: str  # where the course's own files are published
    imports: tuple[tuple[str, str], ...]  # (the course's line, the line that replaces it)


@dataclass(frozen=True)
class Program:
    """One of the project's course programs and the course files it follows."""

    name: str  # tests/course/NAME.py or tests/course/NAME/main.py
    edition: str  # "TF1" or "TF2"
    section: str  # the MOOC's own numbering, e.g. "4.4"
    zh: str
    en: str
    files: tuple[str, ...]  # the course's files, as its downloads lay them out
    teaches: str
    apis: tuple[str, ...]  # the TF names the course's files call
    ours: str  # what our program runs, beside the course's file
    course_run: str  # what the course's own file did here with the lines changed
    changes: tuple[tuple[str, str], ...] = ()  # lines to change besides the imports
    demo: str = ""  # a demo that retells the lesson
    agreement: str = FIGURES  # how closely tests/test_course.py holds it to TensorFlow


EDITIONS = {
    "TF1": Edition(
        "TF1", "TensorFlow 1 edition (2018): graphs and sessions",
        "the code the MOOC links to, https://github.com/cj0012/AI-Practice-Tensorflow-Notes: "
        "tf.zip (lecture 3), opt.zip (lecture 4), fc1.zip (lecture 5), fc2.zip and fc3.zip "
        "(lecture 6), lenet5.zip (lecture 7); "
        "the course: " + MOOC,
        (("import tensorflow as tf", "import autograd_mini.compat.v1 as tf"),)),
    "TF2": Edition(
        "TF2", "TensorFlow 2 edition (2020): GradientTape",
        "the MOOC's courseware (课件) on " + MOOC + ", folders class1/, class2/, class3/ "
        "and class5/",
        (("import tensorflow as tf", "import autograd_mini.compat.v2 as tf"),)),
}

# The TF1 edition's files are Python 2 (`print x`); Python 3 needs print(x).
PY2_PRINT = ("print x (Python 2)",
             "print(x): run `2to3 -w FILE` once (Python 3.12 and older have 2to3)")
NO_SKLEARN = ("from sklearn import datasets",
              "without scikit-learn: from autograd_mini.datasets import iris, and "
              "x_data, y_data = iris.load_data() for datasets.load_iris().data and .target")
SAME = "every printed line agrees with TensorFlow 2.21's to 5 figures"  # checked by hand
IRIS_RUN = f"ran here, its 500 epochs in half a second; {SAME}"

_L2 = ("tf.contrib.layers.l2_regularizer", "tf.add_to_collection", "tf.get_collection",
       "tf.add_n")
_TF1_NET = ("tf.placeholder", "tf.Variable", "tf.random_normal", "tf.matmul", "tf.Session",
            "tf.global_variables_initializer")
_TF1_FIT = _TF1_NET + ("tf.reduce_mean", "tf.square", "tf.train.GradientDescentOptimizer")
_TF1_DESCENT = ("tf.Variable", "tf.constant", "tf.float32", "tf.square",
                "tf.train.GradientDescentOptimizer", "tf.Session",
                "tf.global_variables_initializer")  # minimising (w + 1)^2
_TF1_CUSTOM = _TF1_NET + ("tf.float32", "tf.where", "tf.greater", "tf.reduce_sum",
                          "tf.train.GradientDescentOptimizer")
_IRIS = ("tf.random.set_seed", "tf.cast", "tf.data.Dataset.from_tensor_slices",
         "tf.random.truncated_normal", "tf.Variable", "tf.GradientTape", "tf.matmul",
         "tf.nn.softmax", "tf.one_hot", "tf.reduce_mean", "tf.square", "tf.argmax",
         "tf.equal", "tf.reduce_sum", "tf.int32")
_IRIS_OURS = "50 epochs (the course: 500), every epoch's loss and test accuracy, w1, b1"


def _optimizer(name: str, file: str, rule: str, extra: tuple[str, ...] = (),
               ours: str = _IRIS_OURS, run: str = IRIS_RUN) -> Program:
    """A chapter 2 optimizer program: chapter 1's iris layer with another update rule."""
    return Program(
        f"tf2_ch2_iris_{name}", "TF2", "2.6", "优化器", "optimizers", (f"class2/{file}",),
        f"the iris layer of chapter 1 trained by {rule}, written by hand with assign_sub",
        _IRIS + extra, ours, run, (NO_SKLEARN,), "course-optimizers")


CATALOGUE: tuple[Program, ...] = (
    # ----- TF1 edition ---------------------------------------------------------------
    Program("tf1_ch3_2_forward", "TF1", "3.2", "前向传播", "forward pass",
            ("tf/tf3_3.py",),
            "a two-layer net's forward pass in a session, weights from seeded random_normal",
            ("tf.constant", "tf.Variable", "tf.random_normal", "tf.matmul", "tf.Session",
             "tf.global_variables_initializer"),
            "the forward pass of one row", f"ran here; {SAME} ([[3.0904665]])",
            (PY2_PRINT,)),
    Program("tf1_ch3_3_placeholder", "TF1", "3.2", "前向传播", "forward pass",
            ("tf/tf3_4.py", "tf/tf3_5.py"),
            "feeding one row, then a batch of rows, through placeholders",
            _TF1_NET + ("tf.float32",), "both feeds and the weights",
            f"ran here, both files; {SAME}", (PY2_PRINT,)),
    Program("tf1_ch3_4_backward", "TF1", "3.3", "反向传播", "backpropagation",
            ("tf/tf3_6.py",),
            "training the two-layer net on 32 labelled parts: mse loss, gradient descent",
            _TF1_FIT + ("tf.float32",), "the course's 3,000 steps, loss every 500",
            f"ran here; {SAME} (59 lines)", (PY2_PRINT,), "tf1-net"),
    Program("tf1_ch4_1_mse", "TF1", "4.1", "损失函数", "loss functions", ("opt/opt4_1.py",),
            "fitting yogurt sales with one layer and mean squared error",
            _TF1_FIT + ("tf.float32",), "4,000 steps (the course: 20,000), w1 every 500",
            f"ran here, 20,000 steps; {SAME} (163 lines)",
            (PY2_PRINT,)),
    Program("tf1_ch4_2_custom_loss", "TF1", "4.1", "损失函数", "loss functions",
            ("opt/opt4_2.py",),
            "a custom loss (cost 1, profit 9) with tf.where and tf.greater: predict more",
            _TF1_CUSTOM,
            "the course's 3,000 steps, w1 every 500",
            "ran here; w1 is within 2.5e-5 of TensorFlow 2.21's (float32 rounding of y "
            "near y_ flips tf.where's pick)", (PY2_PRINT,),
            agreement="within 5e-5 relative (float32 flips tf.where's pick near the optimum)"),
    Program("tf1_ch4_2_custom_loss_swapped", "TF1", "4.1", "损失函数", "loss functions",
            ("opt/opt4_3.py",),
            "the same loss with cost 9 and profit 1: the model predicts less",
            _TF1_CUSTOM,
            "the course's 3,000 steps, w1 every 500",
            f"ran here; {SAME} (27 lines)", (PY2_PRINT,)),
    Program("tf1_ch4_3_cross_entropy", "TF1", "4.1", "损失函数", "loss functions", (),
            "cross entropy by its formula and by softmax_cross_entropy_with_logits "
            "(the lecture's slides; the course has no file for it)",
            ("tf.log", "tf.clip_by_value", "tf.nn.softmax_cross_entropy_with_logits",
             "tf.nn.sparse_softmax_cross_entropy_with_logits", "tf.argmax", "tf.equal",
             "tf.cast"),
            "the slides' examples and a small classifier", "(no course file)"),
    Program("tf1_ch4_4_learning_rate", "TF1", "4.2", "学习率", "learning rate",
            ("opt/opt4_4.py",),
            "minimising (w + 1)^2: rate 0.2 converges, 1 oscillates, 0.0001 crawls "
            "(the lecture's three runs)",
            _TF1_DESCENT,
            "the three rates, 40 steps each", f"ran here; {SAME} (40 lines)",
            (PY2_PRINT,), "descent"),
    Program("tf1_ch4_5_exp_decay", "TF1", "4.2", "学习率", "learning rate",
            ("opt/opt4_5.py",),
            "an exponentially decaying rate (staircase) driven by global_step",
            _TF1_DESCENT + ("tf.train.exponential_decay",),
            "the course's 40 steps", f"ran here; {SAME} (40 lines)", (PY2_PRINT,)),
    Program("tf1_ch4_5_exp_decay_smooth", "TF1", "4.2", "学习率", "learning rate",
            ("opt/opt4_5.py",),
            "the same decay with staircase=False: the rate falls a little every step",
            _TF1_DESCENT + ("tf.train.exponential_decay",),
            "opt4_5's decay with staircase=False, 12 steps", "(see tf1_ch4_5_exp_decay)",
            (PY2_PRINT,)),
    Program("tf1_ch4_6_moving_average", "TF1", "4.3", "滑动平均", "moving average",
            ("opt/opt4_6.py",),
            "a variable's shadow: ExponentialMovingAverage, its decay min(d, (1+n)/(10+n))",
            ("tf.Variable", "tf.float32", "tf.train.ExponentialMovingAverage",
             "tf.trainable_variables", "tf.assign", "tf.Session",
             "tf.global_variables_initializer"),
            "the course's assignments and shadow values",
            f"ran here; {SAME} (18 lines; shadows 0.9, 1.6445453 ... 4.9934072)",
            (PY2_PRINT,)),
    Program("tf1_ch4_7_regularization", "TF1", "4.4", "正则化", "regularization",
            ("opt/opt4_7.py", "opt/opt4_8_generateds.py", "opt/opt4_8_forward.py",
             "opt/opt4_8_backward.py"),
            "L2 regularization against overfitting: the 2-11-1 net fitted with and without "
            "the weights' penalties, each decision boundary drawn with plt.contour "
            "(opt4_8_*: the same net split into modules, lecture 4.5)",
            _TF1_NET + ("tf.float32", "tf.constant", "tf.nn.relu", "tf.reduce_mean",
                        "tf.square", "tf.train.AdamOptimizer",
                        "tf.train.exponential_decay") + _L2,
            "2,001 steps each (the course: 40,000), loss every 500, w1, b2, two PNGs",
            "ran here, opt4_7 and opt4_8_backward, 40,000 steps each, with their contours "
            "(their weights are unseeded, so no two runs agree, on TensorFlow either)",
            (PY2_PRINT,), "course-regularization"),
    Program("tf1_ch5_mnist_fc", "TF1", "5", "手写数字识别", "MNIST digits",
            ("fc1/mnist_forward.py", "fc1/mnist_backward.py", "fc1/mnist_test.py",
             "fc3/mnist_backward.py"),
            "the 784-500-10 net in three modules: forward, backward with decaying rate, "
            "moving averages, L2 and checkpoints, and a test that restores the averages; "
            "fc3's backward resumes from the last checkpoint (断点续训, lecture 6.1; fc2's "
            "copy mixes tabs and spaces, which Python 3 refuses)",
            ("tf.placeholder", "tf.Variable", "tf.truncated_normal", "tf.zeros", "tf.matmul",
             "tf.nn.relu", "tf.nn.sparse_softmax_cross_entropy_with_logits", "tf.argmax",
             "tf.reduce_mean", "tf.train.exponential_decay",
             "tf.train.GradientDescentOptimizer", "tf.train.ExponentialMovingAverage",
             "tf.trainable_variables", "tf.control_dependencies", "tf.no_op",
             "tf.train.Saver", "tf.train.get_checkpoint_state", "tf.Graph", "tf.equal",
             "tf.cast", "tf.Session", "tf.global_variables_initializer") + _L2,
            "the trio, fewer steps: trains, tests, trains on from the checkpoint, tests",
            "ran here: mnist_backward trained (13,001 of its 50,000 steps in a minute) and "
            "saved; mnist_test restored the averages: test accuracy 0.9786; fc3's backward "
            "resumed a 1,001-step run to step 2,002: 0.9589 (TensorFlow 0.959, its own "
            "unseeded weights)",
            (("from tensorflow.examples.tutorials.mnist import input_data",
              "from autograd_mini.datasets import input_data"),)),
    Program("tf1_ch7_lenet5", "TF1", "7", "卷积网络基础", "CNN basics",
            ("lenet5/mnist_lenet5_forward.py", "lenet5/mnist_lenet5_backward.py",
             "lenet5/mnist_lenet5_test.py"),
            "LeNet-5 on MNIST: two SAME 5x5 convolutions with bias_add, relu and 2x2 max "
            "pools, flattened by get_shape().as_list() into a 512-unit layer with dropout "
            "0.5, then 10 logits; chapter 5's decay, moving averages, L2 and checkpoints",
            ("tf.placeholder", "tf.Variable", "tf.truncated_normal", "tf.zeros",
             "tf.nn.conv2d", "tf.nn.max_pool", "tf.nn.bias_add", "tf.nn.relu", "tf.reshape",
             "tf.matmul", "tf.nn.dropout", "tf.nn.sparse_softmax_cross_entropy_with_logits",
             "tf.argmax", "tf.reduce_mean", "tf.train.exponential_decay",
             "tf.train.GradientDescentOptimizer", "tf.train.ExponentialMovingAverage",
             "tf.trainable_variables", "tf.control_dependencies", "tf.no_op",
             "tf.train.Saver", "tf.train.get_checkpoint_state", "tf.Graph", "tf.equal",
             "tf.cast", "tf.Session", "tf.global_variables_initializer") + _L2,
            "the trio with seeds, batch 16, 12 steps, the test on 200 images; the averages "
            "update after each step (the course's grouping leaves TF the order)",
            "ran here: mnist_lenet5_backward trained (3 of its 50,000 steps, batch 100) and "
            "saved; mnist_lenet5_test restored the averages and tested all 10,000 images",
            (("from tensorflow.examples.tutorials.mnist import input_data",
              "from autograd_mini.datasets import input_data"),)),
    # ----- TF2 edition ---------------------------------------------------------------
    Program("tf2_ch1_iris", "TF2", "1", "鸢尾花分类", "iris species",
            ("class1/p45_iris.py",),
            "a 4-3 softmax layer on iris trained by hand: GradientTape, assign_sub, "
            "test accuracy by argmax, loss and accuracy curves",
            _IRIS, _IRIS_OURS, IRIS_RUN, (NO_SKLEARN,), "course-iris"),
    Program("tf2_ch2_lr_decay", "TF2", "2.2", "学习率", "learning rate",
            ("class2/p10_backpropagation_decaylr.py",),
            "an exponentially decaying rate by hand: lr = base * decay ** (epoch / step)",
            ("tf.Variable", "tf.constant", "tf.float32", "tf.GradientTape", "tf.square"),
            "the course's 40 epochs", f"ran here; {SAME} (40 lines)"),
    Program("tf2_ch2_activation", "TF2", "2.3", "激活函数", "activations", (),
            "sigmoid, tanh and relu and the gradients a tape takes through them "
            "(the lecture's slides; the course has no file for it)",
            ("tf.nn.sigmoid", "tf.math.tanh", "tf.nn.relu", "tf.GradientTape"),
            "each function and its gradient on five points", "(no course file)"),
    Program("tf2_ch2_loss_custom", "TF2", "2.4", "损失函数", "loss functions",
            ("class2/p20_custom.py",),
            "a sales forecast with cost 1 and profit 99, picked by tf.where(tf.greater(...))",
            ("tf.random.normal", "tf.Variable", "tf.cast", "tf.float32", "tf.GradientTape",
             "tf.matmul", "tf.where", "tf.greater", "tf.reduce_sum"),
            "2,000 steps (the course: 10,000), w1 every 500",
            f"ran here, 10,000 steps; {SAME} (82 lines)"),
    Program("tf2_ch2_loss_ce", "TF2", "2.4", "损失函数", "loss functions",
            ("class2/p22_ce.py", "class2/p23_softmaxce.py"),
            "cross entropy from probabilities and from logits (they agree)",
            ("tf.losses.categorical_crossentropy", "tf.nn.softmax",
             "tf.nn.softmax_cross_entropy_with_logits"),
            "both files' examples", f"ran here, both files; {SAME}"),
    _optimizer("sgd", "p32_sgd.py", "plain SGD (the course's baseline)"),
    _optimizer("sgdm", "p34_sgdm.py", "SGD with momentum (beta 0.9)"),
    _optimizer("adagrad", "p36_adagrad.py", "Adagrad", ("tf.sqrt",)),
    _optimizer("rmsprop", "p38_rmsprop.py", "RMSProp (beta 0.9)", ("tf.sqrt",),
               "2 epochs: at lr 0.1 the run is chaotic, float32's last bits part it "
               "from TensorFlow's by epoch 3",
               "ran here, its 500 epochs; its loss parts from TensorFlow 2.21's at epoch 3, "
               "as our program's does"),
    _optimizer("adam", "p40_adam.py", "Adam (bias-corrected)", ("tf.sqrt", "tf.pow")),
)

_KERAS_IMPORTS = ("from tensorflow.keras.layers import ... / from tensorflow.keras import Model",
                  "from autograd_mini.compat.v2.keras.layers import ... / "
                  "from autograd_mini.compat.v2.keras import Model")
_KERAS_CNN = ("tf.keras.Model", "tf.keras.layers.Conv2D", "tf.keras.layers.BatchNormalization",
              "tf.keras.layers.Activation", "tf.keras.layers.MaxPool2D",
              "tf.keras.layers.Dropout", "tf.keras.layers.Flatten", "tf.keras.layers.Dense",
              "tf.keras.losses.SparseCategoricalCrossentropy",
              "tf.keras.callbacks.ModelCheckpoint")
CATALOGUE += (
    Program("tf2_ch3_iris_sequential", "TF2", "3", "搭建网络八股", "six steps",
            ("class3/p8_iris_sequential.py", "class3/p11_iris_class.py"),
            "import, data, model (Sequential or a Model subclass), compile, fit, summary: "
            "the iris softmax layer with an L2 penalty, validated every 20 epochs",
            ("tf.keras.models.Sequential", "tf.keras.layers.Dense", "tf.keras.regularizers.l2",
             "tf.keras.optimizers.SGD", "tf.keras.losses.SparseCategoricalCrossentropy",
             "tf.keras.Model"),
            "100 epochs (the course: 500), unshuffled, from seeded weights; the validated "
            "epochs' logs, summary, kernel, predictions",
            "ran here, both files, their 500 epochs in 1.5 s (SGD(lr=0.1) as written: "
            "TF 2.21's Keras 3 refuses lr=)", (NO_SKLEARN, _KERAS_IMPORTS)),
    Program("tf2_ch5_cnn_baseline", "TF2", "5", "卷积神经网络", "CNNs",
            ("class5/p27_cifar10_baseline.py", "class5/P31_cifar10_lenet5.py",
             "class5/p34_cifar10_alexnet8.py"),
            "a CNN as a tf.keras.Model subclass, trained by fit with a ModelCheckpoint "
            "(断点续训), its summary and trainable_variables",
            _KERAS_CNN,
            "64 random 32x32 images for CIFAR-10, 3 epochs unshuffled from seeded weights, "
            "the checkpoint restored into a new model",
            "ran here, all three, on 256 random images for CIFAR-10, 2 epochs: trained, "
            "saved ./checkpoint/NAME.ckpt.index, resumed from it on a second run (TF 2.21 "
            "itself refuses a .ckpt path: its Keras 3 saves only .weights.h5)",
            (_KERAS_IMPORTS,
             ("cifar10.load_data()", "your own arrays: x (N, 32, 32, 3) uint8, y (N, 1) "
              "labels (CIFAR-10 does not ship with autograd_mini)"))),
)

PROGRAMS: dict[str, Program] = {p.name: p for p in CATALOGUE}


# ----- looking programs up --------------------------------------------------------------


def find(name: str) -> list[Program]:
    """The programs ``name`` names: a program (``tf2_ch1_iris``, its path in tests/course)
    or a course file (``p45_iris.py``, ``opt4_5``, ``fc1/mnist_test.py``); [] when none."""
    stem = Path(name).name.removesuffix(".py")
    if stem in PROGRAMS:
        return [PROGRAMS[stem]]
    return [p for p in CATALOGUE if any(Path(f).stem == stem for f in p.files)]


def source(program: Program) -> Path:
    """Where the program lives in a clone of the repository (it may be absent)."""
    folder = PROGRAMS_DIR / program.name
    return folder / "main.py" if folder.is_dir() else PROGRAMS_DIR / f"{program.name}.py"


def agrees(ours: float, theirs: float, figures: int = 5) -> bool:
    """True when two printed numbers agree to ``figures`` significant figures, the test
    ``tests/test_course.py`` applies to every number a course program prints."""
    return math.isclose(ours, theirs, rel_tol=10.0 ** -figures, abs_tol=1e-7)


def report(figures: list[tuple[float, float]]) -> bool:
    """Print whether each (ours, TensorFlow's) pair of figures agrees to 5 significant
    figures; True when all do (or there is none to compare)."""
    if not figures:
        print(message("demo.tf_not_compared"))
        return True
    same = sum(agrees(ours, theirs) for ours, theirs in figures)
    print(message("demo.tf_matches", verdict=yes_no(same == len(figures)), same=same,
                  total=len(figures)))
    return same == len(figures)


# ----- the text `autograd-mini course` prints ---------------------------------------------


def chapter(program: Program, lang: str = "both") -> str:
    """The section's title: ``zh``, ``en`` or both (``"正则化 regularization"``)."""
    return {"zh": program.zh, "en": program.en}.get(lang, f"{program.zh} {program.en}")


def _wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces (a longer word
    gets a line of its own)."""
    lines: list[str] = []
    for word in text.split():
        if lines and _width(lines[-1]) + 1 + _width(word) <= width:
            lines[-1] += " " + word
        else:
            lines.append(word)
    return lines or [""]


def list_text(lang: str = "both") -> str:
    """The catalogue as a table, one row per program, edition by edition."""
    name_w = max(len(p.name) for p in CATALOGUE) + 2
    section_w = max(len(p.section) for p in CATALOGUE) + 2
    title_w = max(_width(chapter(p, lang)) for p in CATALOGUE) + 2
    files_w = WIDTH - 2 - name_w - section_w - title_w
    lines = ["The course's programs that run on autograd_mini:",
             "人工智能实践：Tensorflow笔记 (曹健), Peking University's MOOC"]
    for edition in EDITIONS.values():
        lines += ["", f"{edition.title}; {edition.imports[0][1]}",
                  "  " + _pad("program", name_w) + _pad("§", section_w)
                  + _pad("chapter", title_w) + "the course's files"]
        for p in (p for p in CATALOGUE if p.edition == edition.name):
            files = _wrap(", ".join(Path(f).name for f in p.files) or "(none)", files_w)
            lines.append("  " + _pad(p.name, name_w) + _pad(p.section, section_w)
                         + _pad(chapter(p, lang), title_w) + files[0])
            lines += [" " * (WIDTH - files_w) + more for more in files[1:]]
    lines.append("")
    for e in EDITIONS.values():
        lines += _wrap(f"Get the course's files ({e.name}): {e.get}.", WIDTH)
    lines += _wrap("`autograd-mini course show NAME` (a program or a course file) says which "
                   "lines to change and what was checked.", WIDTH)
    return "\n".join(lines)


def show_text(program: Program) -> str:
    """Everything about one program: the course's files, how to get them, the lines to
    change, what ran, and our program with its check against TensorFlow."""
    edition = EDITIONS[program.edition]
    rows = [("teaches", program.teaches),
            ("course's files", ", ".join(program.files) or "(none: the lecture's slides)"),
            ("get them", edition.get),
            ("TF names used", ", ".join(program.apis))]
    changes = edition.imports + program.changes
    for i, (old, new) in enumerate(changes):
        rows += [("change" if i == 0 else "", old), ("", f"-> {new}")]
    rows.append(("the course's file", program.course_run))
    path = source(program)
    if path.is_file():
        where = path.relative_to(PROGRAMS_DIR.parents[1]).as_posix()
        rows.append(("our program", f"{where}: {program.ours}; every number it prints "
                     "agrees with TensorFlow 2.21's (tests/course/reference/"
                     f"{program.name}.txt) {program.agreement} (tests/test_course.py)"))
    else:
        rows.append(("our program", f"tests/course/{program.name} is not in this "
                     "installation: tests/ is not in the wheel; it is in the repository's "
                     f"tests/course/ folder ({program.ours})"))
    if program.demo:
        rows.append(("lesson", f"autograd-mini demo {program.demo}"))
    label_w = max(len(label) for label, _ in rows) + 2
    lines = [f"{program.name}: section {program.section} {chapter(program)}",
             f"  {edition.title}"]
    for label, text in rows:
        body = _wrap(text, WIDTH - label_w - 2)
        lines.append("  " + label.ljust(label_w) + body[0])
        lines += [" " * (label_w + 2) + more for more in body[1:]]
    return "\n".join(lines)
