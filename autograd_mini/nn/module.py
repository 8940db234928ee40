"""``Module``: the base of every layer; finds parameters in attributes, names them, saves them.

A parameter is a ``Variable`` (Tensor flavour) or a ``Value`` that requires grad (scalar
flavour) stored in an attribute, directly or in a list/tuple, or inside a child Module.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

from ..errors import DTypeError, NonFiniteError, ShapeError
from ..graph import Node
from ..value import Value
from ..variable import Variable
from ..versions import mark_written, next_id


def _is_parameter(x: Any) -> bool:
    return (isinstance(x, Variable) and x.trainable) or (isinstance(x, Value) and x.requires_grad)


class Module:
    """Base class of layers and models: subclass it, set parameters and child modules as
    attributes in ``__init__``, and write ``forward``.

    Parameters get names from where they sit (``"layers.0.weight"``), used by
    ``state_dict`` and shown in graph drawings; a name you gave yourself is kept. Calling a
    module notes on its results which call made them, so ``draw_graph(loss, collapse=model)``
    can draw each layer as one box.
    """

    training: bool = True  # a class default, so a subclass that skips __init__ still works

    def __init__(self) -> None:
        object.__setattr__(self, "training", True)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} must define forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        start = next_id()  # every node this call makes gets a later id
        return _mark_call(self.forward(*args, **kwargs), self, start)

    def __setattr__(self, name: str, value: Any) -> None:
        object.__setattr__(self, name, value)
        if not name.startswith("_"):
            for full, node in _walk(value, name):
                if node.name is None or full.endswith("." + node.name):
                    node.name = full  # unnamed, or named by a module one level down

    # ----- walking the tree ------------------------------------------------------------------

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """Direct child modules with their attribute names (``"layers.0"`` for lists)."""
        for name, value in vars(self).items():
            if name.startswith("_"):
                continue
            if isinstance(value, Module):
                yield name, value
            elif isinstance(value, (list, tuple)):
                for i, item in enumerate(value):
                    if isinstance(item, Module):
                        yield f"{name}.{i}", item

    def modules(self) -> Iterator[Module]:
        """This module and every module below it, parents first."""
        yield self
        for _, child in self.named_children():
            yield from child.modules()

    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module (named ``prefix``) and every module below it with its dotted path,
        parents first."""
        yield prefix, self
        for name, child in self.named_children():
            yield from child.named_modules(f"{prefix}.{name}" if prefix else name)

    def named_nodes(self, prefix: str = "") -> Iterator[tuple[str, Node]]:
        """Every Variable/Value held, trainable or not, with its dotted name."""
        seen: set[int] = set()
        for full, node in _walk(self, prefix.rstrip(".")):
            if id(node) not in seen:  # a shared parameter is listed once
                seen.add(id(node))
                yield full, node

    def named_parameters(self) -> Iterator[tuple[str, Node]]:
        """``(name, parameter)`` pairs in attribute order, each parameter once."""
        return ((n, p) for n, p in self.named_nodes() if _is_parameter(p))

    def parameters(self) -> list[Node]:
        """The trainable leaves: give them to an optimizer or ``Tape.gradient``."""
        return [p for _, p in self.named_parameters()]

    def zero_grad(self) -> None:
        """Reset ``.grad`` of every parameter."""
        for p in self.parameters():
            p.zero_grad()

    def train(self, mode: bool = True) -> Module:
        """Set the training flag on this module and all below it; returns self."""
        for m in self.modules():
            object.__setattr__(m, "training", mode)
        return self

    def eval(self) -> Module:
        """Same as ``train(False)``."""
        return self.train(False)

    # ----- saving and loading -----------------------------------------------------------------

    def state_dict(self) -> dict[str, np.ndarray]:
        """A copy of every Variable/Value held (trainable or not), by name."""
        return {name: np.array(node.data, copy=True) for name, node in self.named_nodes()}

    def load_state_dict(self, state: dict[str, Any], allow_nonfinite: bool = False) -> None:
        """Copy the arrays in ``state`` into the parameters, in place: all or nothing.

        Every entry is checked before any parameter is written, so a bad state changes
        nothing. Integer entries are taken as floats.

        Args:
            allow_nonfinite: accept NaN and inf entries (refused by default: a model
                saved mid-divergence should not load silently).

        Raises:
            ShapeError: a key is missing or unexpected, or an array's shape does not fit.
            DTypeError: an entry is not real numbers (complex, strings, objects, bools).
            NonFiniteError: an entry holds NaN/inf, or a float64 value too large for the
                parameter's float32 (it would become inf).
            The messages name the parameter.
        """
        nodes = dict(self.named_nodes())
        missing = [k for k in nodes if k not in state]
        extra = [k for k in state if k not in nodes]
        if missing or extra:
            parts = ([f"missing {', '.join(missing)}"] if missing else []) + \
                    ([f"unexpected {', '.join(extra)}"] if extra else [])
            raise ShapeError(f"load_state_dict into {type(self).__name__}: {'; '.join(parts)} "
                             f"(the model has {', '.join(nodes) or 'no parameters'})")
        arrays = {name: _checked_entry(self, name, node, state[name], allow_nonfinite)
                  for name, node in nodes.items()}
        for name, node in nodes.items():  # all checked first, so a bad state changes nothing
            if isinstance(node, Value):
                node.data = float(arrays[name])
            else:
                node.data[...] = arrays[name]
            mark_written(node)  # a graph recorded before the load may not backward through it

    def save(self, path: str | os.PathLike) -> None:
        """Write ``state_dict()`` to an ``.npz`` file, atomically: a failed save leaves the
        old checkpoint as it was."""
        from .._io import atomic_open

        with atomic_open(path, "wb") as f:  # a file object, so numpy does not append ".npz"
            np.savez(f, **self.state_dict())

    def load(self, path: str | os.PathLike, allow_nonfinite: bool = False) -> Module:
        """Read an ``.npz`` written by ``save`` into this model (all or nothing, as
        ``load_state_dict``); returns self."""
        with np.load(path, allow_pickle=False) as npz:
            self.load_state_dict({k: npz[k] for k in npz.files}, allow_nonfinite)
        return self

    # ----- display -------------------------------------------------------------------------------

    def extra_repr(self) -> str:
        """The settings shown inside ``Layer(...)``."""
        return ""

    def __repr__(self) -> str:
        children = list(self.named_children())
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"  ({n}): " + repr(m).replace("\n", "\n  ") for n, m in children]
        return f"{type(self).__name__}(\n" + "\n".join(lines) + "\n)"


def _mark_call(out: Any, maker: Any, start: int) -> Any:
    """Note ``(maker, start)`` on the nodes in ``out`` made since id ``start`` (not on an
    input passed through): drawings box the nodes with ids between as one call."""
    for node in (out,) if isinstance(out, Node) else \
            out if isinstance(out, (list, tuple)) else ():
        if isinstance(node, Node) and node._id > start:
            node._calls = (*getattr(node, "_calls", ()), (maker, start))
    return out


def marks_calls(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Mark ``fn``'s results as a module call marks its own, so that
    ``draw_graph(..., collapse=model)`` draws each call of ``fn`` (a loss) as one box."""

    @functools.wraps(fn)
    def call(*args: Any, **kwargs: Any) -> Any:
        start = next_id()
        return _mark_call(fn(*args, **kwargs), call, start)

    return call


def _walk(value: Any, name: str) -> Iterator[tuple[str, Node]]:
    """Variables/Values found in an attribute's value, with dotted names."""
    if isinstance(value, Module):
        for attr, item in vars(value).items():
            if not attr.startswith("_"):
                yield from _walk(item, f"{name}.{attr}" if name else attr)
    elif isinstance(value, (Variable, Value)):
        yield name, value
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            yield from _walk(item, f"{name}.{i}")


def _checked_entry(model: Module, name: str, node: Node, entry: Any,
                   allow_nonfinite: bool) -> np.ndarray:
    """``entry`` as an array in ``node``'s dtype, or the error that names ``name``."""
    where = f"load_state_dict: '{name}'"
    try:
        arr = np.asarray(getattr(entry, "data", entry))
    except (ValueError, TypeError) as e:
        raise DTypeError(f"{where} is not an array of numbers: {e}") from None
    if arr.dtype.kind not in "iuf":
        raise DTypeError(f"{where} has dtype {arr.dtype} in the state; parameters take "
                         "real numbers (float or integer)")
    shape = np.shape(node.data)
    if arr.shape != shape:
        raise ShapeError(f"{where} has shape {arr.shape} in the state "
                         f"but {shape} in {type(model).__name__}")
    dtype = np.result_type(node.data)
    with np.errstate(over="ignore", invalid="ignore"):
        cast = arr.astype(dtype)
    finite = np.isfinite(arr)
    if not np.all(np.isfinite(cast)[finite]):  # checked even with allow_nonfinite
        raise NonFiniteError(f"{where} holds values beyond the range of {dtype} (largest "
                             f"{np.max(np.abs(arr[finite])):.6g}): they would load as inf")
    if not allow_nonfinite and not np.all(finite):
        bad = "nan" if np.any(np.isnan(arr)) else "inf"
        raise NonFiniteError(f"{where} holds {bad} in the state; pass "
                             "allow_nonfinite=True to load it anyway")
    return cast
