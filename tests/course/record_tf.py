"""Record what real TensorFlow prints for the course programs: ``reference/NAME.txt``.

Run once, by hand, with a Python that has ``tensorflow-cpu`` (a virtual environment
outside the repository; TensorFlow itself never enters it)::

    /path/to/tf-venv/bin/python tests/course/record_tf.py            # every program
    /path/to/tf-venv/bin/python tests/course/record_tf.py tf1_ch4_1_mse    # some

The TF1 programs run under ``tensorflow.compat.v1`` with v2 behaviour disabled, oneDNN off
and deterministic ops on. ``reference/ABOUT.txt`` records the TensorFlow version.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[2]))

from tests.course import harness  # noqa: E402


def main(names: list[str]) -> None:
    os.environ.update(TF_CPP_MIN_LOG_LEVEL="3", TF_ENABLE_ONEDNN_OPTS="0")
    import numpy as np
    import tensorflow as tf

    harness.REFERENCE.mkdir(exist_ok=True)
    for name in names or harness.programs():
        with tempfile.TemporaryDirectory() as work:
            out = harness.run_on_tensorflow(name, Path(work), sys.executable)
        (harness.REFERENCE / f"{name}.txt").write_text(out, encoding="utf-8")
        print(f"{name}: {len(out.splitlines())} lines")
    (harness.REFERENCE / "ABOUT.txt").write_text(
        f"Recorded with tests/course/record_tf.py on TensorFlow {tf.__version__} "
        f"(tensorflow-cpu, oneDNN off, deterministic ops), numpy {np.__version__}.\n")


if __name__ == "__main__":
    main(sys.argv[1:])
