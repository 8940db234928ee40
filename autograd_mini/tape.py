"""``Tape`` (TensorFlow's GradientTape semantics) and ``Variable``, the trainable leaf.

A tape is a window onto the one dynamic graph: it remembers which nodes were created
while it was recording, and ``gradient()`` walks back from the target through those
nodes only. Differences from TensorFlow are noted in the docstrings.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .errors import DTypeError, ShapeError, TapeError
from .graph import Node, _ids, backprop
from .tensor import Tensor, as_array
from .value import Value

_ACTIVE: contextvars.ContextVar[tuple[Tape, ...]] = contextvars.ContextVar("tapes", default=())


class Variable(Tensor):
    """A Tensor that holds a model's state: trainable, watched by tapes, updated in place.

    Args:
        initial: the starting value (number, list or array).
        dtype: float32 (the default for numbers and lists) or float64.
        name: a label for reprs and drawings.
        trainable: False makes a state variable that tapes do not watch.
    """

    __slots__ = ()

    def __init__(self, initial: Any, dtype: Any = None, name: str | None = None,
                 trainable: bool = True):
        super().__init__(np.array(as_array(initial, dtype)), requires_grad=trainable,
                         name=name)

    @property
    def trainable(self) -> bool:
        return self.requires_grad

    @property
    def value(self) -> Tensor:
        """The current value as a constant Tensor (a snapshot, not recorded)."""
        return Tensor(self.data.copy())

    def assign(self, new: Any) -> Variable:
        """Set the value in place (not recorded); shape must match, dtype is kept."""
        new_data = np.asarray(new.data if isinstance(new, Node) else new)
        if new_data.shape != self.data.shape:
            raise ShapeError(f"assign: value of shape {new_data.shape} does not fit Variable "
                             f"of shape {self.data.shape}")
        if new_data.dtype.kind not in "biuf":
            raise DTypeError(f"assign: expected numbers, got dtype {new_data.dtype}")
        self.data[...] = new_data
        return self

    def assign_add(self, delta: Any) -> Variable:
        """``self += delta`` in place, not recorded."""
        return self.assign(self.data + np.asarray(getattr(delta, "data", delta),
                                                  dtype=self.dtype))

    def assign_sub(self, delta: Any) -> Variable:
        """``self -= delta`` in place, not recorded."""
        return self.assign(self.data - np.asarray(getattr(delta, "data", delta),
                                                  dtype=self.dtype))


class Tape:
    """Record ops on watched sources and take gradients of them, as ``tf.GradientTape``.

    ``Variable``s (trainable) and every ``Value`` are watched automatically; other
    Tensors need ``tape.watch(t)``. Nested tapes give higher derivatives.

    Args:
        persistent: allow more than one ``gradient()`` call.
        watch_accessed_variables: watch trainable Variables without ``watch()``.
    """

    def __init__(self, persistent: bool = False, watch_accessed_variables: bool = True):
        self.persistent = persistent
        self.watch_accessed_variables = watch_accessed_variables
        self._spans: list[list[int]] = []  # [first id, last id] ranges recorded
        self._watched: set[int] = set()
        self._unwatch: list[Node] = []  # nodes whose requires_grad we switched on
        self._used = False
        self._token: contextvars.Token | None = None

    # ----- recording ------------------------------------------------------------------------

    def __enter__(self) -> Tape:
        if self._token is not None:
            raise TapeError("this Tape is already recording; nest a new Tape instead")
        self._token = _ACTIVE.set(_ACTIVE.get() + (self,))
        self._spans.append([next(_ids), -1])
        return self

    def __exit__(self, *exc: object) -> None:
        if self._spans[-1][1] < 0:
            self._spans[-1][1] = next(_ids)
        _ACTIVE.reset(self._token)
        self._token = None
        for node in self._unwatch:
            node.requires_grad = False
        self._unwatch.clear()

    @contextmanager
    def stop_recording(self) -> Iterator[None]:
        """Ops inside this block are not recorded by this tape (others are unaffected)."""
        if self._token is None:
            raise TapeError("stop_recording() needs the tape to be recording (inside `with`)")
        self._spans[-1][1] = next(_ids)
        try:
            yield
        finally:
            self._spans.append([next(_ids), -1])

    def watch(self, x: Any) -> None:
        """Watch a Tensor or Value (or a list, tuple or dict of them)."""
        for node in _flatten(x):
            if not isinstance(node, Node):
                raise DTypeError(f"watch() takes Tensors or Values, got {type(node).__name__}")
            self._watched.add(id(node))
            if not node.requires_grad:
                node.requires_grad = True
                self._unwatch.append(node)

    def _recorded(self, node: Node) -> bool:
        i = node._id
        return any(a < i and (b < 0 or i < b) for a, b in self._spans)

    def _is_source(self, node: Node) -> bool:
        """Watched explicitly, a trainable Variable (unless told not to), or any other node
        that requires grad (Values, Tensors made with requires_grad=True, results)."""
        if id(node) in self._watched:
            return True
        if isinstance(node, Variable):
            return node.trainable and self.watch_accessed_variables
        return node.requires_grad

    # ----- gradients --------------------------------------------------------------------------

    def gradient(self, target: Any, sources: Any, output_gradients: Any = None,
                 unconnected_gradients: str = "none") -> Any:
        """d(target)/d(sources), in the structure of ``sources``; ``.grad`` is not touched.

        A non-scalar target is summed first (its gradient is that of ``target.sum()``),
        as in TensorFlow. ``unconnected_gradients="zero"`` gives zeros instead of None.
        Raises:
            TapeError: a second call on a non-persistent tape.
        """
        if unconnected_gradients not in ("none", "zero"):
            raise ValueError("unconnected_gradients must be 'none' or 'zero'")
        if self._used and not self.persistent:
            raise TapeError("gradient() was already called on this Tape, which is not "
                            "persistent; use Tape(persistent=True) to call it more than once")
        self._used = True
        if not isinstance(target, Node):
            raise DTypeError(f"gradient: target must be a Tensor or Value, got "
                             f"{type(target).__name__}")
        flat = _flatten(sources)
        for s in flat:
            if not isinstance(s, Node):
                raise DTypeError(f"gradient: sources must be Tensors or Values, got "
                                 f"{type(s).__name__}")
        # an outer tape still recording records this computation too: higher derivatives
        create_graph = any(t is not self for t in _ACTIVE.get())
        seed = _seed(target, output_gradients)
        grads = backprop(target, seed, expand=self._recorded, create_graph=create_graph,
                         retain_graph=self.persistent or create_graph)
        found = []
        for s in flat:
            g = grads.get(s) if self._is_source(s) else None
            if g is None and unconnected_gradients == "zero":
                g = np.zeros_like(s.data) if isinstance(s, Tensor) else 0.0
            if g is not None and not create_graph and isinstance(s, Tensor):
                g = Tensor(np.asarray(g, dtype=s.dtype))
            found.append(g)
        return _unflatten(sources, iter(found))


def _seed(target: Node, output_gradients: Any) -> Any:
    if output_gradients is not None:
        return target._seed(output_gradients)
    if isinstance(target, Value):
        return 1.0
    return np.ones_like(target.data)


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
