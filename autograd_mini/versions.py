"""One clock for node ids and in-place writes: how backward knows a saved input changed.

Every node takes the next tick as its ``_id`` (creation order, which is also a
topological order), and every in-place write through the library (``Variable.assign*``,
optimizer steps) stamps the node it changes with a tick (``mark_written``). An op whose
VJP reads an input stamped after the op's own id would compute a wrong gradient, so
backward refuses it (``check_unchanged``).
"""

from __future__ import annotations

import itertools
from typing import Any

from .errors import GraphError
from .i18n import message

next_id = itertools.count().__next__
_last_write = -1  # the tick of the latest in-place write to any node


def mark_written(node: Any) -> None:
    """Note that ``node.data`` was just changed in place (by ``assign``, an optimizer...).

    PyTorch keeps a version counter per tensor; here the stamp is the id clock, so an op
    recorded before the write (an older ``_id``) is told apart without storing anything
    per op: backward compares the two only for ops older than the latest write.
    """
    global _last_write
    node._written = _last_write = next_id()


def last_write() -> int:
    """The tick of the latest ``mark_written``: ops recorded later saw every write."""
    return _last_write


def check_unchanged(node: Any, spec: Any) -> None:
    """Raise if an input the op's VJP reads was changed in place after the op ran."""
    if node._id > _last_write:
        return  # recorded after every in-place write
    for i, p in enumerate(node.parents):
        if getattr(p, "_written", -1) > node._id and spec.saved(i):
            kind = type(p).__name__
            what = f"{kind} '{p.name}'" if p.name else message("err.inplace_unnamed", kind=kind)
            who = p.name or message("err.inplace_it")
            raise GraphError(message("err.inplace", op=node.op, i=i, what=what, who=who))
