"""``Tape``: TensorFlow's GradientTape semantics on the one dynamic graph.

A tape is a window onto the one dynamic graph: it remembers which nodes were created
while it was recording, and ``gradient()`` walks back from the target through those
nodes only. Differences from TensorFlow are noted in the docstrings.
"""

from __future__ import annotations

import contextvars
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from . import ops
from ._fast import backprop
from .errors import DTypeError, ShapeError, TapeError
from .graph import Node, shape_of
from .i18n import message
from .recording import RECORDING, TAPES, is_recording
from .tensor import Tensor
from .value import Value
from .variable import Variable
from .why_none import explain_none

# the tapes open in this thread / asyncio task (contextvars context), innermost last
_ACTIVE: contextvars.ContextVar[tuple[Tape, ...]] = contextvars.ContextVar("tapes", default=())
# the tapes whose watched nodes require grad here: the open ones and one differentiating
_WATCHING: contextvars.ContextVar[tuple[Tape, ...]] = contextvars.ContextVar("watching",
                                                                             default=())
_SWITCH_LOCK = threading.Lock()


class _Watched(int):
    """The ``requires_grad`` of a node that needs a gradient only because tapes watch it.

    True only in a thread or asyncio task where one of those tapes is open (or taking its
    gradient), as TensorFlow's tapes are per thread: another thread's ops on the node are
    not recorded. An ``int`` (1) so that code serializing flags still can.
    """

    def __new__(cls) -> _Watched:
        flag = super().__new__(cls, 1)
        flag.tapes = ()  # the tapes holding it on; replaced whole, so readers need no lock
        return flag

    def __bool__(self) -> bool:
        here = _WATCHING.get()
        for tape in self.tapes:
            if tape in here:
                return True
        return False

    def __repr__(self) -> str:
        return repr(bool(self))


class Tape:
    """Record ops on watched sources and take gradients of them, as ``tf.GradientTape``.

    Watched automatically: trainable ``Variable``s and, unlike TensorFlow, every other
    leaf that requires grad (``Value``s, ``Tensor(..., requires_grad=True)``). Other
    Tensors and Values need ``tape.watch(x)``. A gradient taken while an outer tape is
    recording is itself recorded, so nested tapes give higher derivatives; so is one taken
    inside the block of a persistent tape, by that tape. As in TensorFlow a tape is per
    thread: it records only the ops run in its own thread and asyncio task (contextvars
    context; a task started inside the block shares it), and ``watch()`` turns on
    tracking only there.

    An in-place update (``assign*``, an optimizer step) of a value an op recorded here has
    read makes ``gradient()`` raise ``GraphError``; TensorFlow would differentiate with the
    value as it was read, which would cost a copy of every Variable read under a tape.

    Args:
        persistent: allow more than one ``gradient()`` / ``jacobian()`` call.
        watch_accessed_variables: False watches only what ``watch()`` is given.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._watched: dict[int, Node] = {}  # holding the nodes keeps their ids unique
        self._switched: list[Node] = []  # watched nodes whose requires_grad we hold on
        self._used = False
        self._paused = False
        self._shared = False  # another tape recorded at the same time: never free the graph
        self._token: contextvars.Token | None = None
        self._tokens: list[contextvars.Token] = []  # of the per-context recording state

    # ----- recording ------------------------------------------------------------------

    def __enter__(self) -> Tape:
        if self._token is not None:
            raise TapeError(message("err.tape_recording"))
        if self._used and not self.persistent:
            raise TapeError(message("err.tape_reused"))
        for other in _ACTIVE.get():
            other._shared = self._shared = True
        self._token = _ACTIVE.set(_ACTIVE.get() + (self,))
        self._tokens = [_WATCHING.set(_WATCHING.get() + (self,))] + \
            _record_with(TAPES.get() + (self,))
        for node in self._switched:
            _switch(node, self, on=True)
        return self

    def __exit__(self, *exc: object) -> None:
        _reset(self._tokens)
        _ACTIVE.reset(self._token)
        self._token = None
        for node in self._switched:  # off again unless another open tape holds it on
            _switch(node, self, on=False)

    @contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Ops inside this block are not recorded by this tape (other tapes still record)."""
        if self._token is None:
            raise TapeError("stop_recording() needs the tape to be recording (inside `with`)")
        if self._paused:
            yield
            return
        tokens = _record_with(tuple(t for t in TAPES.get() if t is not self))
        self._paused = True
        try:
            yield
        finally:
            self._paused = False
            _reset(tokens)

    def watch(self, x: Any) -> None:
        """Watch a Tensor or Value (or a list, tuple or dict of them) from now on."""
        if self._token is None:
            raise TapeError(message("err.watch_outside"))
        for node in _flatten(x):
            if not isinstance(node, Node):
                raise DTypeError(f"watch() takes Tensors or Values, got {type(node).__name__}")
            held = any(n is node for n in self._switched)
            self._watched[id(node)] = node
            if not held and (type(node.requires_grad) is _Watched or not node.requires_grad):
                _switch(node, self, on=True)
                self._switched.append(node)

    @property
    def _recording(self) -> bool:
        return self._token is not None and not self._paused

    def _recorded(self, node: Node) -> bool:
        """Made by an op while this tape recorded, in its thread and asyncio task."""
        try:
            return self in node._tapes
        except AttributeError:  # made while no tape recorded
            return False

    def watches(self, node: Node) -> bool:
        """Whether ``gradient()`` can differentiate with respect to ``node``: it was given
        to ``watch()``, is an op's result that requires grad, or is a leaf this tape
        watches by itself (see the class docstring)."""
        if id(node) in self._watched or (node.parents and node.requires_grad):
            return True
        if not self.watch_accessed_variables:
            return False
        if isinstance(node, Variable):
            return node.trainable
        flag = node.requires_grad
        return type(flag) is not _Watched and bool(flag)  # not on only for watching tapes

    @contextmanager
    def _watching(self) -> Iterator[None]:
        """Turn this tape's watched nodes back on, here, while it differentiates."""
        token = _WATCHING.set(_WATCHING.get() + (self,))
        for node in self._switched:
            _switch(node, self, on=True)
        try:
            yield
        finally:
            for node in self._switched:
                _switch(node, self, on=False)
            _WATCHING.reset(token)

    def reaches(self, target: Node, source: Node) -> bool:
        """Whether ops this tape recorded lead from ``source`` to ``target``: the path
        ``gradient()`` follows back, through nodes that require grad."""
        with self._watching():
            seen, stack = {id(target)}, [target]
            while stack:
                node = stack.pop()
                if node is source:
                    return True
                if self._recorded(node):
                    for p in node.parents:
                        if p.requires_grad and id(p) not in seen:
                            seen.add(id(p))
                            stack.append(p)
        return False

    # ----- gradients ------------------------------------------------------------------

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = "none") -> Any:
        """d(target)/d(sources), in the structure of ``sources``; ``.grad`` is not touched.

        A non-scalar target is summed first (its gradient is that of ``target.sum()``),
        as in TensorFlow; ``output_gradients`` weights it instead. A list or tuple of
        targets gives the gradient of their sum (``output_gradients`` then has one entry
        per target). Tensor sources get Tensors of their dtype, Value sources floats;
        while an outer tape records, the results are recorded nodes instead. A source the
        target does not depend on gets None (``tape.why_none(target, x)`` says why), or
        zeros with ``unconnected_gradients="zero"``.

        Raises:
            TapeError: a second call on a non-persistent tape.
            ShapeError: ``output_gradients`` has not one entry per target.
        """
        single = not isinstance(target, (list, tuple))
        targets = [target] if single else list(target)
        weights = [output_gradients] if single else (
            [None] * len(targets) if output_gradients is None else list(output_gradients))
        if len(weights) != len(targets):
            raise ShapeError(f"gradient: {len(targets)} targets but {len(weights)} "
                             "output_gradients; give one per target (None for ones)")
        flat = self._start("gradient", targets, sources, unconnected_gradients)
        total: list[Any] = [None] * len(flat)
        for k, (t, w) in enumerate(zip(targets, weights)):
            seed = t._seed(w) if w is not None else \
                (1.0 if isinstance(t, Value) else np.ones_like(t.data))
            (row,) = self._backprop(t, [seed], flat, last=k == len(targets) - 1)
            total = [g if a is None else a if g is None else a + g for a, g in zip(total, row)]
        found = [_zero_fill(g, s, unconnected_gradients) for g, s in zip(total, flat)]
        return _unflatten(sources, iter(found))

    def jacobian(self, target: Any, sources: Any, unconnected_gradients: str = "none") -> Any:
        """Full Jacobian: for each source, an array of shape ``target.shape + source.shape``.

        Takes one backward pass per element of ``target``; sources may be a structure.
        """
        flat = self._start("jacobian", [target], sources, unconnected_gradients)
        if isinstance(target, Value):
            seeds: list[Any] = [1.0]
        else:
            seeds = [_one_hot(target.size, [k], target.dtype).reshape(target.shape)
                     for k in range(target.size)]
        rows = self._backprop(target, seeds, flat)
        found = [_assemble([row[j] for row in rows], s, target.shape, 0, unconnected_gradients)
                 for j, s in enumerate(flat)]
        return _unflatten(sources, iter(found))

    def batch_jacobian(self, target: Tensor, source: Tensor,
                       unconnected_gradients: str = "none") -> Any:
        """Per-example Jacobians: shape ``(B,) + target.shape[1:] + source.shape[1:]``.

        As in TensorFlow, assumes ``target[i]`` depends only on ``source[i]``: one backward
        pass per element of ``target[0]`` gives all B examples at once.
        """
        if not (isinstance(target, Tensor) and isinstance(source, Tensor)
                and target.ndim and source.ndim and target.shape[0] == source.shape[0]):
            raise ShapeError(f"batch_jacobian: target and source must be Tensors with the same "
                             f"first (batch) axis, got shapes {shape_of(target)} and "
                             f"{shape_of(source)}; use jacobian() otherwise")
        self._start("batch_jacobian", [target], source, unconnected_gradients)
        batch, per = target.shape[0], target.size // max(target.shape[0], 1)
        seeds = [_one_hot((batch, per), (slice(None), k), target.dtype).reshape(target.shape)
                 for k in range(per)]
        column = [row[0] for row in self._backprop(target, seeds, [source])]
        return _assemble(column, source, target.shape[1:], 1, unconnected_gradients)

    def _start(self, verb: str, targets: list, sources: Any, unconnected: str) -> list[Node]:
        """Check a gradient call's arguments, then count it as this tape's use."""
        if unconnected not in ("none", "zero"):
            raise TapeError(f"{verb}: unconnected_gradients must be 'none' or 'zero', got "
                            f"{unconnected!r}")
        for t in targets:
            if not isinstance(t, Node):
                raise DTypeError(f"{verb}: target must be a Tensor or Value (or, for "
                                 f"gradient, a list of them), got {type(t).__name__}")
        flat = _flatten(sources)
        for s in flat:
            if not isinstance(s, Node):
                raise DTypeError(f"{verb}: sources must be Tensors or Values, got "
                                 f"{type(s).__name__}; watch a Tensor made from it instead")
        if self._used and not self.persistent:
            raise TapeError(message("err.gradient_twice", verb=verb))
        self._used = True
        return flat

    def _backprop(self, target: Node, seeds: list, flat: list[Node],
                  last: bool = True) -> list[list[Any]]:
        """One row of source gradients (None where unconnected) per seed; ``last=False``
        keeps the graph for a later target of the same call."""
        # recorded while a tape records here (this one too if persistent, as in TensorFlow),
        # so that tape can differentiate the gradient again
        create_graph = _taping(besides=None if self.persistent else self)
        rows = []
        with self._watching():
            for k, seed in enumerate(seeds):
                keep = (self.persistent or self._shared or create_graph or not last
                        or k < len(seeds) - 1)
                grads = backprop(target, seed, expand=self._recorded, create_graph=create_graph,
                                 retain_graph=keep)
                rows.append([_as_result(grads.get(s), s, create_graph)
                             if self.watches(s) else None for s in flat])
        return rows

    # ----- why is my gradient None? ---------------------------------------------------

    def why_none(self, target: Node, source: Node) -> str:
        """One sentence on why ``gradient(target, source)`` is None, for debugging.

        Checked in order: the source is not watched by this tape; it reaches the target
        only through ops outside this tape's recording (``stop_recording()``, or before or
        after the ``with`` block); its values reach the target only through a copy cut
        from the graph (``.numpy()``, ``.data``, ``.detach()``); or no op path joins them
        at all, where an op run under ``no_grad()`` is named (comparisons, ``x > 0``, and
        ``float()`` leave no trace to tell them apart).
        """
        return explain_none(self, target, source)


# ----- helpers ------------------------------------------------------------------------


def _taping(besides: Tape | None = None) -> bool:
    """True when a tape other than ``besides`` records ops here (per thread and context)."""
    return is_recording() and any(t is not besides and t._recording for t in _ACTIVE.get())


def _record_with(tapes: tuple[Tape, ...]) -> list[contextvars.Token]:
    """Make ``tapes`` the ones recording here (recording stays off under ``no_grad``)."""
    tokens = [TAPES.set(tapes)]
    if RECORDING.get() is not False:
        tokens.append(RECORDING.set(tapes or True))
    return tokens


def _reset(tokens: list[contextvars.Token]) -> None:
    for token in reversed(tokens):
        token.var.reset(token)


def _switch(node: Node, tape: Tape, on: bool) -> None:
    """Hold ``node.requires_grad`` on for ``tape`` (in the contexts it watches), or let go."""
    with _SWITCH_LOCK:
        flag = node.requires_grad
        if on:
            if type(flag) is not _Watched:
                flag = node.requires_grad = _Watched()
            flag.tapes = flag.tapes + (tape,)
        elif type(flag) is _Watched:
            held = list(flag.tapes)
            held.remove(tape)
            flag.tapes = tuple(held)
            if not held:
                node.requires_grad = False


def _as_result(g: Any, s: Node, recorded: bool) -> Any:
    """A gradient in the form the user gets: a Tensor of s's dtype, a float, or a node."""
    if g is None:
        return None
    if recorded:
        if isinstance(g, Node):
            return g
        return Tensor(np.asarray(g, dtype=s.dtype)) if isinstance(s, Tensor) else \
            Value(g, requires_grad=False)
    return Tensor(np.array(g, dtype=s.dtype)) if isinstance(s, Tensor) else float(g)


def _zero_fill(g: Any, s: Node, unconnected: str) -> Any:
    if g is not None or unconnected == "none":
        return g
    return Tensor(np.zeros_like(s.data)) if isinstance(s, Tensor) else 0.0


def _assemble(column: list, s: Node, lead: tuple, axis: int, unconnected: str) -> Any:
    """Stack one source's gradient rows (None where unconnected) along ``axis``."""
    shape = shape_of(s)[:axis] + tuple(lead) + shape_of(s)[axis:]
    if isinstance(s, Value) and not shape:  # a Value target: the Jacobian is the gradient
        return _zero_fill(column[0], s, unconnected)
    if all(g is None for g in column):
        return None if unconnected == "none" else Tensor(np.zeros(shape, dtype=np.result_type(
            getattr(s, "dtype", np.float64))))
    parts = [Tensor(np.zeros_like(s.data)) if g is None else g for g in column]
    if any(g.requires_grad for g in parts):  # recorded under an outer tape
        return ops.reshape(ops.stack(parts, axis=axis), shape)
    return Tensor(np.stack([g.data for g in parts], axis=axis).reshape(shape))


def _one_hot(shape: Any, index: Any, dtype: Any) -> np.ndarray:
    e = np.zeros(shape, dtype=dtype)
    e[tuple(index)] = 1
    return e


def _flatten(x: Any) -> list:
    if isinstance(x, dict):
        return [n for v in x.values() for n in _flatten(v)]
    if isinstance(x, (list, tuple)):
        return [n for v in x for n in _flatten(v)]
    return [x]


def _unflatten(like: Any, it: Iterator) -> Any:
    if isinstance(like, dict):
        return {k: _unflatten(v, it) for k, v in like.items()}
    if isinstance(like, (list, tuple)):
        return type(like)(_unflatten(v, it) for v in like)
    return next(it)
