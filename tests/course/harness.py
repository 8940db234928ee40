"""Run a course program on autograd_mini or on real TensorFlow, and compare what they print.

A *program* is ``tests/course/NAME.py``, or a folder ``tests/course/NAME/`` whose entry is
``main.py`` (for the course's multi-module programs, such as forward/backward/test). Its
first import says which TensorFlow edition it was written for::

    import autograd_mini.compat.v1 as tf   # the TF1 edition (graphs and sessions)
    import autograd_mini.compat.v2 as tf   # the TF2 edition (GradientTape)

(the Keras chapters may also import from ``autograd_mini.compat.v2.keras``, which stands
for ``tensorflow.keras``), and nothing else in it names autograd_mini, except the
documented lines that replace
``tensorflow.examples.tutorials.mnist`` and, for the iris programs, scikit-learn's loader
(``from autograd_mini.datasets import iris`` with ``x_data, y_data = iris.load_data()``
for ``datasets.load_iris().data`` and ``.target``: the same 150 rows, no download).
``record_tf.py`` runs the same text under real TensorFlow, with only that import line
rewritten, and stores what it printed in ``reference/NAME.txt``; ``tests/test_course.py``
runs the program here and compares.
"""

from __future__ import annotations

import math
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parents[1]
REFERENCE = HERE / "reference"

# the import lines of the project's programs, and what real TensorFlow needs instead
TF_IMPORTS = {
    "import autograd_mini.compat.v1 as tf":
        "import tensorflow.compat.v1 as tf; tf.disable_v2_behavior(); "
        "import _tf1_shim  # noqa",
    "import autograd_mini.compat.v2 as tf": "import tensorflow as tf",
    "from autograd_mini.compat.v2.keras": "from tensorflow.keras",  # the Keras chapters
}

# What TensorFlow 2's compat.v1 no longer has but the TF1 course calls: tf.contrib's
# l2_regularizer is ``scale * tf.nn.l2_loss(w)`` (TF1's own definition).
TF1_SHIM = '''
import types
import tensorflow.compat.v1 as tf

def _l2_regularizer(scale, scope=None):
    return lambda weights: tf.multiply(scale, tf.nn.l2_loss(weights))

tf.contrib = types.SimpleNamespace(layers=types.SimpleNamespace(l2_regularizer=_l2_regularizer))
'''

NUMBER = re.compile(r"[-+]?(?:\d+\.\d*|\.\d+|\d+)(?:[eE][-+]?\d+)?|[-+]?\b(?:nan|inf)\b")


def programs() -> list[str]:
    """The names of every course program in this folder."""
    names = [p.stem for p in HERE.glob("*.py")
             if p.name not in {"__init__.py", "harness.py", "record_tf.py"}]
    names += [p.name for p in HERE.iterdir() if (p / "main.py").is_file()]
    return sorted(names)


def entry(name: str) -> Path:
    """The file to run for program ``name``."""
    folder = HERE / name
    return folder / "main.py" if folder.is_dir() else HERE / f"{name}.py"


def sources(name: str) -> list[Path]:
    """Every source file of program ``name``."""
    folder = HERE / name
    return sorted(folder.glob("*.py")) if folder.is_dir() else [HERE / f"{name}.py"]


def _env() -> dict[str, str]:
    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))
    env.update(PYTHONHASHSEED="0", MPLBACKEND="Agg", CUDA_VISIBLE_DEVICES="",
               TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0", TF_DETERMINISTIC_OPS="1")
    return env


def run(name: str, workdir: Path, python: str = sys.executable, timeout: float = 300) -> str:
    """Run program ``name`` here with ``workdir`` as its current folder; return its stdout."""
    done = subprocess.run([python, str(entry(name))], cwd=workdir, env=_env(),
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"course program {name} failed:\n{done.stderr[-4000:]}")
    return done.stdout


def run_on_tensorflow(name: str, workdir: Path, python: str, timeout: float = 900) -> str:
    """Run program ``name`` on real TensorFlow (``python`` has it): import line rewritten."""
    code = workdir / "_program"
    shutil.rmtree(code, ignore_errors=True)
    code.mkdir(parents=True)
    (code / "_tf1_shim.py").write_text(TF1_SHIM)
    for source in sources(name):
        text = source.read_text(encoding="utf-8")
        for ours, theirs in TF_IMPORTS.items():
            text = text.replace(ours, theirs)
        if "autograd_mini.compat" in text:
            raise ValueError(f"{source.name}: an import line the recorder does not know")
        (code / source.name).write_text(text, encoding="utf-8")
    script = code / entry(name).name
    done = subprocess.run([python, str(script)], cwd=workdir, env=_env(),
                          capture_output=True, text=True, timeout=timeout)
    if done.returncode:
        raise RuntimeError(f"{name} failed on TensorFlow:\n{done.stderr[-4000:]}")
    return done.stdout


def compare(ours: str, theirs: str, rtol: float = 1e-5, atol: float = 1e-7) -> list[str]:
    """What differs between two program outputs: [] when they agree.

    The text around the numbers must be the same (white space does not count, since
    numpy pads printed arrays to their widest entry); every number must agree to ``rtol``
    (5 significant figures by default, float32's precision) or ``atol``.
    """
    problems = []
    ours_lines, theirs_lines = ours.strip().splitlines(), theirs.strip().splitlines()
    if len(ours_lines) != len(theirs_lines):
        problems.append(f"{len(ours_lines)} lines printed, TensorFlow printed "
                        f"{len(theirs_lines)}")
    for i, (a, b) in enumerate(zip(ours_lines, theirs_lines), 1):
        text_a = "".join(NUMBER.sub("#", a).split())
        text_b = "".join(NUMBER.sub("#", b).split())
        nums_a, nums_b = NUMBER.findall(a), NUMBER.findall(b)
        if text_a != text_b or len(nums_a) != len(nums_b):
            problems.append(f"line {i}: {a!r} != TensorFlow's {b!r}")
            continue
        for x, y in zip(nums_a, nums_b):
            fx, fy = float(x), float(y)
            same = (math.isnan(fx) and math.isnan(fy)) or fx == fy or \
                abs(fx - fy) <= atol + rtol * max(abs(fx), abs(fy))
            if not same:
                problems.append(f"line {i}: {x} != TensorFlow's {y} in {a!r}")
    return problems

