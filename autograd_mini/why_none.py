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
from .tensor import Tensor
from .variable import Variable

if TYPE_CHECKING:
    from .tape import Tape


def explain_none(tape: Tape, target: Node, source: Node) -> str:
    """One sentence on why ``tape.gradient(target, source)`` is None (see ``Tape.why_none``)."""
    who = _label(source)
    if not tape.watches(source):
        if isinstance(source, Variable) and not source.trainable:
            return (f"{who} is a Variable with trainable=False, which tapes do not "
                    "watch; call tape.watch() on it inside the with block")
        if not tape.watch_accessed_variables and source.requires_grad:
            return (f"{who} was never watched: this Tape has "
                    "watch_accessed_variables=False; call tape.watch() on it")
        return (f"{who} was never watched by this tape (it does not require grad); call "
                "tape.watch() on it inside the with block, or make it a Variable")
    if tape.reaches(target, source):
        return f"{who} is connected to the target through this tape, so its gradient is " \
               "not None"
    if any(n is source for n in _walk(target)):
        return (f"{who} reaches the target only through ops this tape did not record: "
                "they ran under tape.stop_recording(), or outside the tape's with block; "
                "compute the target inside the block")
    cut = next((n for n in _walk(target) if n.op and not n.parents), None)
    if cut is not None:
        return (f"{who} is not connected: '{cut.op}' on the way to the target ran under "
                "no_grad() (or has no gradient), so it recorded nothing; compute it with "
                "recording on")
    if not target.parents and target is not source:
        return (f"{who} is not connected: the target is a constant, made by no recorded "
                "op (from plain numbers, or from a copy such as .numpy(), float() or a "
                "comparison's booleans)")
    if isinstance(source, Tensor) and any(
            isinstance(n, Tensor) and n is not source and not n.parents
            and np.may_share_memory(n.data, source.data) for n in _walk(target)):
        return (f"{who} reaches the target only as a constant copy of its numbers "
                "(.numpy(), .data or .detach()), which has no gradient; use the Tensor "
                "itself in the computation")
    return (f"{who} is not connected to the target: no recorded op leads from it to the "
            "target. If the target was computed from it, the link was cut by a comparison "
            "(x > 0 gives plain booleans), float() or .item()")


def _label(node: Node) -> str:
    kind = type(node).__name__
    if node.name:
        return f"{kind} {node.name!r}"
    return f"the {kind}" + (f" of shape {node.shape}" if isinstance(node, Tensor) else "")


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
