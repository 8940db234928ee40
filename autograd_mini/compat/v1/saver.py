"""TF1's checkpoints: ``tf.train.Saver`` (``save``, ``restore``) and ``get_checkpoint_state``.

A checkpoint is our own format, not TensorFlow's: ``PREFIX.npz`` holds ``{name: array}``
(numpy's ``.npz``), and the folder's text file ``checkpoint`` lists the latest ones in
TF1's layout, which ``get_checkpoint_state`` reads::

    model_checkpoint_path: "mnist_model-3"
    all_model_checkpoint_paths: "mnist_model-2"
    all_model_checkpoint_paths: "mnist_model-3"

Every file is written whole or not at all (``autograd_mini._io``).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from ..._io import atomic_open, write_text
from ...errors import DTypeError, GraphError, ShapeError
from .graph import GraphElement, get_default_graph
from .variables import Variable

SUFFIX = ".npz"
STATE_FILE = "checkpoint"
_LINE = re.compile(r'^\s*(model_checkpoint_path|all_model_checkpoint_paths)\s*:\s*(".*")\s*$')


@dataclass
class CheckpointState:
    """What a folder's ``checkpoint`` file says: the latest checkpoint and all kept ones
    (paths joined to the folder, as TF1 gives them)."""

    model_checkpoint_path: str
    all_model_checkpoint_paths: list[str] = field(default_factory=list)


class Saver:
    """Saves variables' values from a session and restores them into one.

    Args:
        var_list: the variables to save (default: every variable of the default graph),
            as a list (each saved under its name) or a dict ``{name: variable}``, such as
            ``ExponentialMovingAverage.variables_to_restore()``.
        max_to_keep: how many of this saver's latest checkpoints to keep; older ones are
            deleted (``None`` or 0 keeps all).
    Raises:
        GraphError: there are no variables to save.
    """

    def __init__(self, var_list: Any = None, max_to_keep: int | None = 5):
        if var_list is None:
            var_list = get_default_graph().variables
        pairs = list(var_list.items()) if isinstance(var_list, dict) else \
            [(getattr(v, "name", None), v) for v in var_list]
        for name, v in pairs:
            if not isinstance(v, Variable) or not isinstance(name, str):
                raise DTypeError(f"Saver: {name!r}: {v!r} is not a tf.Variable under a name")
        if not pairs:
            raise GraphError("Saver: there are no variables to save; make the Saver after "
                             "the model's tf.Variable(...)s")
        self.var_map: dict[str, Variable] = dict(pairs)
        if len(self.var_map) < len(pairs):
            raise GraphError("Saver: two variables have the same name; pass a dict {name: var}")
        self.max_to_keep = max_to_keep
        self.last_checkpoints: list[str] = []

    def save(self, sess: Any, save_path: str, global_step: Any = None,
             latest_filename: str | None = None) -> str:
        """Write the variables' values in ``sess`` to ``save_path-STEP.npz`` (without
        ``-STEP`` if no ``global_step``: a number or a tensor that ``sess`` runs), creating
        the folder if needed, and record it in the folder's ``checkpoint`` file.

        Returns:
            the checkpoint's path, ``save_path-STEP``, for ``restore``.
        Raises:
            GraphError: a variable is not initialised in ``sess``.
        """
        if global_step is not None:
            step = sess.run(global_step) if isinstance(global_step, GraphElement) else global_step
            save_path = f"{save_path}-{int(step)}"
        arrays = {name: self._value(sess, name, v) for name, v in self.var_map.items()}
        folder = os.path.dirname(save_path)
        if folder:
            os.makedirs(folder, exist_ok=True)
        with atomic_open(save_path + SUFFIX, "wb") as file:
            np.savez(file, **arrays)
        kept = [p for p in self.last_checkpoints if p != save_path] + [save_path]
        while self.max_to_keep and len(kept) > self.max_to_keep:
            old = kept.pop(0)
            if os.path.exists(old + SUFFIX):
                os.remove(old + SUFFIX)
        self.last_checkpoints = kept
        _write_state(folder, kept, latest_filename or STATE_FILE)
        return save_path

    def restore(self, sess: Any, save_path: str | None) -> None:
        """Set the variables in ``sess`` to the values in checkpoint ``save_path`` (what
        ``save`` returned); they need no initializer.

        Raises:
            FileNotFoundError: there is no checkpoint ``save_path``.
            GraphError: the checkpoint has no value for one of the variables.
            ShapeError: a value's shape does not fit its variable's.
        """
        if save_path is None:
            raise FileNotFoundError("Saver.restore: save_path is None (no checkpoint found? "
                                    "tf.train.get_checkpoint_state(folder) returns None then)")
        file = save_path + SUFFIX
        if not os.path.isfile(file):
            raise FileNotFoundError(f"Saver.restore: no checkpoint {save_path!r} ({file} does "
                                    "not exist); pass the path Saver.save returned")
        with np.load(file, allow_pickle=False) as data:
            values = {name: data[name] for name in data.files}
        for name, var in self.var_map.items():
            if var.graph is not sess.graph:
                raise GraphError(f"Saver.restore: variable '{var.name}' is not in the "
                                 "session's graph; make the Saver in the session's graph")
            if name not in values:
                raise GraphError(f"Saver.restore: checkpoint {save_path!r} has no value for "
                                 f"'{name}' (variable '{var.name}'); it holds "
                                 f"{sorted(values)}")
            if values[name].shape != var.shape:
                raise ShapeError(f"Saver.restore: '{name}' in {save_path!r} has shape "
                                 f"{values[name].shape}, variable '{var.name}' has {var.shape}")
        for name, var in self.var_map.items():
            sess._set_variable(var, values[name])

    @staticmethod
    def _value(sess: Any, name: str, var: Variable) -> np.ndarray:
        if var.graph is not sess.graph:
            raise GraphError(f"Saver.save: variable '{var.name}' is not in the session's graph")
        held = sess._variables.get(var)
        if held is None:
            raise GraphError(f"Saver.save: variable '{var.name}' (saved as '{name}') is not "
                             "initialised in this Session; run "
                             "sess.run(tf.global_variables_initializer()) first")
        return np.asarray(held.data)


def _write_state(folder: str, paths: list[str], filename: str) -> None:
    """The folder's ``checkpoint`` file, paths relative to it when they are inside it."""
    def relative(path: str) -> str:
        return os.path.basename(path) if os.path.dirname(path) == folder else path

    lines = [f"model_checkpoint_path: {json.dumps(relative(paths[-1]))}"]
    lines += [f"all_model_checkpoint_paths: {json.dumps(relative(p))}" for p in paths]
    write_text(os.path.join(folder, filename), "\n".join(lines) + "\n")


def get_checkpoint_state(checkpoint_dir: str,
                         latest_filename: str | None = None) -> CheckpointState | None:
    """The ``checkpoint`` file of ``checkpoint_dir`` as read by TF1: None if there is none.

    Raises:
        ValueError: the file is not a checkpoint state file.
    """
    path = os.path.join(checkpoint_dir, latest_filename or STATE_FILE)
    if not os.path.isfile(path):
        return None
    with open(path, encoding="utf-8") as file:
        text = file.read()
    latest, every = None, []
    for i, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        match = _LINE.match(line)
        if match is None:
            raise ValueError(f"{path}, line {i}: not a checkpoint state line: {line!r}")
        value = json.loads(match[2])
        value = value if os.path.isabs(value) else os.path.join(checkpoint_dir, value)
        if match[1] == "model_checkpoint_path":
            latest = value
        else:
            every.append(value)
    if latest is None:
        raise ValueError(f"{path}: no model_checkpoint_path line")
    return CheckpointState(latest, every)


def latest_checkpoint(checkpoint_dir: str, latest_filename: str | None = None) -> str | None:
    """The path of ``checkpoint_dir``'s latest checkpoint, None if it has none."""
    state = get_checkpoint_state(checkpoint_dir, latest_filename)
    if state is None or not os.path.isfile(state.model_checkpoint_path + SUFFIX):
        return None
    return state.model_checkpoint_path
