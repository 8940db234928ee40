"""Record TensorFlow's values of every case in cases.py into ops.json.

Run from the worktree root with TensorFlow's venv:
``/work/tfenv/bin/python -m tests.tf_reference.record``
"""

from __future__ import annotations

import json
import sys
import types
from pathlib import Path

import tensorflow.compat.v1 as tf

from autograd_mini._io import write_text
from tests.course.harness import TF1_SHIM
from tests.tf_reference.cases import CASES, run

tf.disable_v2_behavior()
exec(TF1_SHIM, vars(types.ModuleType("_tf1_shim")))  # tf.contrib.layers as TF1 defined it

if __name__ == "__main__":
    names = sys.argv[1:] or sorted(CASES)
    path = Path(__file__).with_name("ops.json")
    recorded = json.loads(path.read_text()) if path.exists() else {}
    recorded.update({name: run(tf, name) for name in names})
    write_text(path, json.dumps(recorded, indent=1, sort_keys=True) + "\n")
