"""TF2's eager tensors on the engine: ``EagerTensor``, ``Variable``, dtypes, ``constant``, ``cast``.

An ``EagerTensor`` is the engine's ``Tensor`` (the same graph, ops and VJPs) that may also
hold TF's integer and bool dtypes and prints as TensorFlow 2 does::

    tf.Tensor(0.5, shape=(), dtype=float32)             # print(t)
    <tf.Tensor: shape=(2,), dtype=int64, numpy=array([1, 5])>   # repr(t), in a tuple

Ops on it (``t * 2``, ``tf.matmul``) return EagerTensors; only float tensors record
gradients. ``.numpy()`` gives a numpy scalar for a 0-d tensor, a copy of the array otherwise.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import numpy as np

from ... import _fast
from ... import variable as engine_variable
from ...errors import DTypeError
from ...graph import Node, link
from ...recording import TRACE
from ...tensor import Tensor


class DType:
    """A TF dtype (``tf.float32``): prints ``<dtype: 'float32'>``, equals the numpy dtype.

    numpy reads its ``.dtype``, so ``np.zeros(3, tf.int32)`` works.
    """

    def __init__(self, name: str):
        self.name = name
        self.dtype = self.as_numpy_dtype = np.dtype(name)

    @property
    def is_floating(self) -> bool:
        return self.dtype.kind == "f"

    @property
    def is_integer(self) -> bool:
        return self.dtype.kind in "iu"

    @property
    def is_bool(self) -> bool:
        return self.dtype.kind == "b"

    def __eq__(self, other: Any) -> bool:
        try:
            return self.dtype == as_dtype(other).dtype
        except DTypeError:
            return False

    def __hash__(self) -> int:
        return hash(self.dtype)

    def __repr__(self) -> str:
        return f"tf.{self.name}"

    def __str__(self) -> str:
        return f"<dtype: '{self.name}'>"


float16, float32, float64 = DType("float16"), DType("float32"), DType("float64")
int8, int16, int32, int64 = DType("int8"), DType("int16"), DType("int32"), DType("int64")
uint8, bool_ = DType("uint8"), DType("bool")
DTYPES = {d.dtype: d for d in (float16, float32, float64, int8, int16, int32, int64, uint8,
                               bool_)}


def as_dtype(dtype: Any) -> DType:
    """``tf.float32``, ``np.float32``, ``"float32"`` or a numpy dtype as a TF DType."""
    if isinstance(dtype, DType):
        return dtype
    try:
        return DTYPES[np.dtype(dtype)]
    except (TypeError, KeyError):
        raise DTypeError(f"{dtype!r} is not a dtype autograd_mini's TF layer knows; use one "
                         f"of {', '.join(d.name for d in DTYPES.values())}") from None


def _infer(value: Any) -> np.ndarray:
    """``value`` as an array with TF2's dtype rule: Python floats float32, ints int32,
    numpy arrays and tensors keep theirs."""
    if isinstance(value, Node):
        return value.data
    if isinstance(value, (np.ndarray, np.generic)):
        arr = np.asarray(value)
    else:
        try:
            arr = np.asarray(value)
        except (ValueError, TypeError) as e:
            raise DTypeError(f"tf.constant: cannot make a tensor of {type(value).__name__}; "
                             f"{e}") from None
        if arr.dtype.kind == "f":
            arr = arr.astype(np.float32)
        elif arr.dtype.kind in "iu":
            arr = arr.astype(np.int32)
    if arr.dtype not in DTYPES:
        raise DTypeError(f"tf.constant: a tensor cannot hold dtype {arr.dtype}")
    return arr


class EagerTensor(Tensor):
    """The engine's Tensor with TF2's dtypes, printing and ``.numpy()``."""

    __slots__ = ()

    def __init__(self, data: Any, dtype: Any = None, name: str | None = None):
        arr = _infer(data)
        self.data = arr if dtype is None else arr.astype(as_dtype(dtype).dtype, copy=False)
        self.grad, self.name = None, name
        link(self)  # a leaf
        trace = TRACE.get()
        if trace is not None:  # autograd_mini.compile is tracing: where the data came from
            trace.leaf(self, data)

    @classmethod
    def _apply(cls, spec: Any, args: tuple, kwargs: dict) -> Tensor:
        """An op on EagerTensors; other operands are converted as TF converts them."""
        for a in args:
            if not isinstance(a, Node):
                like = next(b for b in args if isinstance(b, Node)).data.dtype
                args = tuple(b if isinstance(b, Node) else operand(b, like) for b in args)
                break
        return super()._apply(spec, args, kwargs)

    @property
    def dtype(self) -> DType:  # type: ignore[override]
        return as_dtype(self.data.dtype)

    def numpy(self) -> Any:
        """A copy of the value: a numpy scalar for a 0-d tensor, else an array."""
        return self.data[()] if self.data.ndim == 0 else self.data.copy()

    def __int__(self) -> int:
        return int(self.data.item())

    def __index__(self) -> int:
        if self.data.dtype.kind not in "iu":
            raise TypeError("only integer tensors can be used as an index")
        return int(self.data.item())

    def __bool__(self) -> bool:
        return bool(self.data)

    def __iter__(self) -> Iterator[EagerTensor]:
        if self.data.ndim == 0:
            raise TypeError("iterating over a 0-d tensor is not allowed")
        return (self[i] for i in range(len(self.data)))

    def __str__(self) -> str:
        return f"tf.Tensor({_text(self.data, False)}, shape={self.shape}, " \
               f"dtype={self.dtype.name})"

    def __repr__(self) -> str:
        return f"<tf.Tensor: shape={self.shape}, dtype={self.dtype.name}, " \
               f"numpy={_text(self.data, True)}>"

    # comparisons give bool tensors, as in TF2 (no gradient flows through them)
    def __eq__(self, other):  return _compare(np.equal, self, other)  # type: ignore[override]
    def __ne__(self, other):  return _compare(np.not_equal, self, other)  # type: ignore[override]
    def __lt__(self, other):  return _compare(np.less, self, other)
    def __le__(self, other):  return _compare(np.less_equal, self, other)
    def __gt__(self, other):  return _compare(np.greater, self, other)
    def __ge__(self, other):  return _compare(np.greater_equal, self, other)
    __hash__ = Node.__hash__


def _text(arr: np.ndarray, as_repr: bool) -> str:
    """numpy's text for a tensor's value, on a new line when it spans several."""
    text = str(arr[()]) if arr.ndim == 0 else repr(arr) if as_repr else str(arr)
    return "\n" + text if "\n" in text and not as_repr else text


def operand(x: Any, like: np.dtype) -> EagerTensor:
    """A non-tensor operand beside a tensor of dtype ``like``, as TF converts it: Python
    numbers and lists (and numpy scalars) take ``like``, numpy arrays keep their dtype."""
    if isinstance(x, np.ndarray) and x.ndim:
        return EagerTensor(x)
    arr = _infer(x)
    if arr.dtype.kind == "f" and like.kind != "f":
        raise DTypeError(f"cannot combine floats ({arr.dtype}) with a {like} tensor; tf.cast "
                         f"the tensor to a float dtype first")
    return EagerTensor(arr.astype(like))


def _compare(fn: np.ufunc, x: Tensor, y: Any) -> EagerTensor:
    other = y.data if isinstance(y, Node) else operand(y, x.data.dtype).data
    return EagerTensor(fn(x.data, other))


def _number(x: float | int, t: Tensor) -> Tensor:
    """A Python number beside tensor ``t``: a constant of t's dtype (TF converts it so)."""
    if type(x) is float and t.data.dtype.kind != "f":
        return operand(x, t.data.dtype)  # the error
    return _fast.constant(EagerTensor, np.array(x, t.data.dtype))


EagerTensor._family = EagerTensor  # ops on an EagerTensor make EagerTensors,
EagerTensor._number = staticmethod(_number)  # with TF's conversions of Python numbers,
_fast.specialize_all(EagerTensor)  # and Tensor's inlined operators, remade for them


class Variable(EagerTensor, engine_variable.Variable):
    """``tf.Variable``: the engine's Variable (watched by tapes, ``assign_sub`` in place)
    that prints as TF2's and may hold integers (never trainable then)."""

    __slots__ = ()

    def __init__(self, initial_value: Any, trainable: bool = True, name: str | None = None,
                 dtype: Any = None):
        EagerTensor.__init__(self, np.array(_infer(initial_value)), dtype, name)
        self._trainable = bool(trainable) and self.data.dtype.kind == "f"
        self.requires_grad = self._trainable

    def __repr__(self) -> str:
        return f"<tf.Variable '{self.name or 'Variable'}:0' shape={self.shape} " \
               f"dtype={self.dtype.name}, numpy={_text(self.data, True)}>"

    __str__ = __repr__


def constant(value: Any, dtype: Any = None, shape: Any = None, name: str | None = None
             ) -> EagerTensor:
    """``tf.constant``: a tensor of ``value`` (TF2's dtype rule), cast to ``dtype``,
    broadcast or reshaped to ``shape`` when given."""
    arr = _infer(value)
    if dtype is not None:
        arr = arr.astype(as_dtype(dtype).dtype)
    if shape is not None:
        shape = tuple(int(n) for n in np.atleast_1d(shape)) if np.ndim(shape) else (int(shape),)
        arr = np.broadcast_to(arr, shape) if arr.size == 1 else arr.reshape(shape)
    return EagerTensor(np.array(arr), name=name)


def convert_to_tensor(value: Any, dtype: Any = None) -> Tensor:
    """A tensor as it is, anything else a constant; ``dtype`` checks or converts numbers."""
    if isinstance(value, Node):
        if dtype is not None and as_dtype(dtype).dtype != value.data.dtype:
            raise DTypeError(f"a {value.data.dtype} tensor where a {as_dtype(dtype).name} "
                             f"one was expected; use tf.cast")
        return value
    return constant(value, dtype)


def cast(x: Any, dtype: Any, name: str | None = None) -> Tensor:
    """``tf.cast``: ``x`` in ``dtype`` (floats to ints truncate toward zero, as TF does).

    The same dtype returns ``x`` itself; another dtype gives a constant (no gradient flows
    through a cast here, unlike TF's float-to-float casts).
    """
    target = as_dtype(dtype).dtype
    if isinstance(x, Node) and x.data.dtype == target:
        return x
    return EagerTensor(_infer(x).astype(target))


def as_eager(x: Any) -> Any:
    """An engine Tensor's value as an EagerTensor (others, and structures, unchanged)."""
    if isinstance(x, (list, tuple)):
        return type(x)(as_eager(v) for v in x)
    if isinstance(x, dict):
        return {k: as_eager(v) for k, v in x.items()}
    if type(x) is Tensor and not x.requires_grad:  # a recorded one keeps its graph
        return EagerTensor(x.data)
    return x
