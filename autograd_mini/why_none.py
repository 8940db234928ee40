"""Why is my gradient None? ``Tape.why_none`` answers in one sentence.

The checks walk the graph from the target without recursion, in the order a student's
mistakes usually happen: the source is not watched, it reaches the target only outside
the tape's recording, only through a constant copy, or not at all.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING

import numpy as np

from .graph import Node
from .i18n import message
from .tensor import Tensor
from .variable import Variable

if TYPE_CHECKING:
    from .tape import Tape


def explain_none(tape: Tape, target: Node, source: Node) -> str:
    """One sentence on why ``tape.gradient(target, source)`` is None (see ``Tape.why_none``)."""
    who = _label(source)
    if not tape.watches(source):
        if isinstance(source, Variable) and not source.trainable:
            return message("why_none.untrainable", who=who)
        if not tape.watch_accessed_variables and source.requires_grad:
            return message("why_none.no_auto_watch", who=who)
        return message("why_none.not_watched", who=who)
    if tape.reaches(target, source):
        return message("why_none.connected", who=who)
    if any(n is source for n in _walk(target)):
        return message("why_none.outside_tape", who=who)
    cut = next((n for n in _walk(target) if n.op and not n.parents), None)
    if cut is not None:
        return message("why_none.cut", who=who, op=cut.op)
    if not target.parents and target is not source:
        return message("why_none.constant_target", who=who)
    if isinstance(source, Tensor) and any(
            isinstance(n, Tensor) and n is not source and not n.parents
            and np.may_share_memory(n.data, source.data) for n in _walk(target)):
        return message("why_none.copy", who=who)
    return message("why_none.unconnected", who=who)


def _label(node: Node) -> str:
    kind = type(node).__name__
    if node.name:
        return f"{kind} {node.name!r}"
    if isinstance(node, Tensor):
        return message("why_none.shaped", kind=kind, shape=node.shape)
    return message("why_none.unnamed", kind=kind)


def _walk(root: Node) -> Iterator[Node]:
    """Every node ``root`` was computed from, and ``root``, each once, without recursion."""
    seen = {id(root)}
    stack = [root]
    while stack:
        node = stack.pop()
        yield node
        for p in node.parents:
            if id(p) not in seen:
                seen.add(id(p))
                stack.append(p)
