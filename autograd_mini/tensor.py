"""``Tensor``: a graph node holding a numpy array, and how plain numpy code reaches it.

Constructors, dtype rules, shape helpers and repr live here; the math lives in
``autograd_mini.ops``, and what numpy's functions do on Tensors in ``numpy_interop``.

Dtype rule: Python numbers and lists become float32 (as in TensorFlow and PyTorch);
numpy float32/float64 arrays keep their dtype; integer, bool and float16 arrays become
float32. Pass ``dtype="float64"`` for double precision. A Tensor combined with a Python
or numpy scalar keeps the Tensor's dtype; two Tensors of different dtypes promote as
numpy does (float32 with float64 gives float64).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import _fast, numpy_interop, ops
from ._fast import inlined
from .errors import DTypeError, GraphError, IndexingError, ShapeError
from .graph import Node, data_of, link
from .i18n import message
from .ops.registry import OpSpec, forward_failed, make_node, mixed_inputs, unbroadcast
from .recording import TRACE

FLOAT_DTYPES = (np.dtype(np.float32), np.dtype(np.float64))


def as_array(data: Any, dtype: Any = None) -> np.ndarray:
    """``data`` as a float32 or float64 numpy array, following the module's dtype rule."""
    if dtype is None and type(data) is np.ndarray and data.dtype in FLOAT_DTYPES:
        return data  # the common case (a batch of float rows): kept as it is, unchecked
    if isinstance(data, Node):
        data = data.data
    if dtype is not None:
        dtype = np.dtype(dtype)
        if dtype not in FLOAT_DTYPES:
            raise DTypeError(f"Tensor dtype must be float32 or float64, got {dtype}")
    try:
        arr = np.asarray(data)
    except (ValueError, TypeError) as e:
        raise DTypeError(f"Tensor takes numbers, nested lists or arrays; {e}") from None
    if arr.dtype.kind not in "biuf":
        raise DTypeError(f"Tensor takes real numbers, got an array of dtype {arr.dtype}")
    if dtype is None:
        keep = isinstance(data, (np.ndarray, np.generic)) and arr.dtype in FLOAT_DTYPES
        dtype = arr.dtype if keep else np.dtype(np.float32)
    return arr if arr.dtype == dtype else arr.astype(dtype)


def accumulated(old: Any, g: Any, dtype: np.dtype) -> Any:
    """``old + g`` (``g`` alone when ``old`` is None): a gradient added to a ``.grad``,
    ``g`` as an array of ``dtype`` unless it is a recorded node."""
    if not isinstance(g, Node) and (type(g) is not np.ndarray or g.dtype is not dtype):
        g = np.asarray(g, dtype=dtype)
    return g if old is None else old + g


def private(g: Any, upstream: Any, out: Any, inputs: Any, dtype: np.dtype) -> Any:
    """``g``, or a copy of dtype ``dtype`` when it may be shared with another gradient.

    A VJP's result is fresh unless it is a view (``base``), read-only, or one of the
    arrays the VJP was given (``add`` passes its upstream gradient on unchanged).
    """
    if g is not upstream and g is not out and type(g) is np.ndarray and g.base is None \
            and g.flags.writeable:
        for x in inputs:
            if g is x:
                break
        else:
            return g
    return np.array(g, dtype=dtype)


def _with_constants(args: tuple, spec: OpSpec) -> tuple:
    """``args`` with every non-Tensor made a constant of the Tensors' (promoted) dtype."""
    dtype = None
    for a in args:
        if isinstance(a, Tensor):
            dt = a.data.dtype
            dtype = dt if dtype is None or dt == dtype else np.promote_types(dtype, dt)
    return tuple([a if isinstance(a, Tensor) else _constant(a, dtype, spec) for a in args])


def _constant(x: Any, dtype: np.dtype, spec: OpSpec) -> Tensor:
    """A non-Tensor input of a Tensor op: a constant that keeps the Tensor's dtype."""
    if type(x) is float or type(x) is int:  # the common case, as in `0.5 * t`: no checks
        return _fast.constant(Tensor, np.array(x, dtype))
    if isinstance(x, Node):
        raise mixed_inputs(spec, Tensor, x)
    arr = np.asarray(x)
    if arr.dtype.kind == "f" and arr.ndim > 0 and arr.dtype in FLOAT_DTYPES:
        return Tensor(arr)  # float arrays keep their dtype and promote as numpy does
    if arr.dtype.kind not in "biuf":
        raise DTypeError(f"expected numbers, arrays or Tensors, got {type(x).__name__}")
    return Tensor(arr, dtype)  # converted inside, so a trace sees where it came from


class Tensor(Node):
    """An array that records the ops applied to it.

    Args:
        data: numbers, nested lists or a numpy array (see the module's dtype rule).
        dtype: ``float32`` or ``float64``; None follows the rule.
        requires_grad: whether ``backward()`` fills ``.grad`` (an array, or None until a
            backward reaches this tensor).
        name: a label for reprs and drawings.
    """

    __slots__ = ()
    _empty_grad = None
    _payload, _convert = np.ndarray, np.asarray  # for the inlined operators

    @staticmethod
    def _number(x: float | int, t: Tensor) -> Tensor:
        """A Python number beside Tensor ``t``: a constant of t's dtype."""
        return _fast.constant(Tensor, np.array(x, t.data.dtype))

    # the operators and elementwise methods: each op's common case inlined (autograd_mini._fast)
    __add__, __radd__ = inlined(ops.add), inlined(ops.add, reflected=True)
    __sub__, __rsub__ = inlined(ops.sub), inlined(ops.sub, reflected=True)
    __mul__, __rmul__ = inlined(ops.mul), inlined(ops.mul, reflected=True)
    __truediv__, __rtruediv__ = inlined(ops.div), inlined(ops.div, reflected=True)
    __pow__, __rpow__ = inlined(ops.pow), inlined(ops.pow, reflected=True)
    __matmul__, __rmatmul__ = inlined(ops.matmul), inlined(ops.matmul, reflected=True)
    __neg__ = inlined(ops.neg)
    exp, log, sqrt, square = inlined(ops.exp), inlined(ops.log), inlined(ops.sqrt), \
        inlined(ops.square)
    tanh, sigmoid, relu = inlined(ops.tanh), inlined(ops.sigmoid), inlined(ops.relu)
    sin, cos, abs = inlined(ops.sin), inlined(ops.cos), inlined(ops.abs)

    def __abs__(self):            return ops.abs(self)

    def __init__(self, data: Any, dtype: Any = None, requires_grad: bool = False,
                 name: str | None = None):
        self.data, self.grad, self.name = as_array(data, dtype), None, name
        link(self, (), "", None, bool(requires_grad))  # a leaf
        trace = TRACE.get()
        if trace is not None:  # autograd_mini.compile is tracing: where the data came from
            trace.leaf(self, data)

    @classmethod
    def _apply(cls, spec: OpSpec, args: tuple, kwargs: dict) -> Tensor:
        for a in args:
            if not isinstance(a, Tensor):  # numbers and arrays become constant Tensors
                args = _with_constants(args, spec)
                break
        try:  # unpacked by hand for one and two inputs: the hot paths
            if len(args) == 1:
                out = spec.forward(args[0].data, **kwargs)
            elif kwargs or len(args) != 2:
                out = spec.forward(*[a.data for a in args], **kwargs)
            else:
                out = spec.forward(args[0].data, args[1].data)
        except (ValueError, IndexError) as e:
            raise ShapeError(forward_failed(spec, e, [a.data.shape for a in args])) from None
        except TypeError as e:
            raise DTypeError(forward_failed(spec, e, [a.data.shape for a in args])) from None
        if type(out) is not np.ndarray:
            out = np.asarray(out)  # numpy returns scalars from full reductions
        return make_node(cls, out, args, spec, kwargs)  # cls: a subclass keeps its kind

    # ----- graph bookkeeping for arrays -------------------------------------------------

    def _seed(self, gradient: Any) -> Any:
        if gradient is None:
            if self.data.size != 1:
                raise GraphError(message("err.backward_not_scalar", shape=self.shape))
            return _fast.one(self.data.shape, self.data.dtype)
        if isinstance(gradient, Node) and gradient.requires_grad:
            return gradient
        g = as_array(gradient, self.dtype)
        if g.shape != self.shape:
            raise ShapeError(message("err.backward_gradient_shape", shape=g.shape,
                                     expected=self.shape))
        return g.copy()  # the caller's array must not become, or alias, a .grad

    def _accumulate(self, g: Any) -> None:
        self.grad = accumulated(self.grad, g, self.data.dtype)

    _accumulate_all = staticmethod(_fast.accumulate_arrays)

    def _private(self, g: Any, upstream: Any, out: Any, inputs: Any) -> Any:
        """``g``, or a copy when it may be shared: a leaf's ``.grad`` gets its own array."""
        return private(g, upstream, out, inputs, self.data.dtype)

    def _unbroadcast(self, g: Any) -> Any:
        """Sum ``g`` over the axes numpy broadcast this tensor along (see ``unbroadcast``)."""
        return unbroadcast(g, self.data.shape)

    def zero_grad(self) -> None:
        """Clear ``.grad`` (set it to None, as PyTorch's ``set_to_none``)."""
        self.grad = None

    # ----- array facts ------------------------------------------------------------------

    @property
    def shape(self) -> tuple[int, ...]:
        return self.data.shape

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        return self.data.size

    def numpy(self) -> np.ndarray:
        """The data as a read-only numpy view (no copy): writing into it raises, since a
        recorded op may still need these values; copy it (``.copy()``) to change it."""
        view = self.data.view()
        view.flags.writeable = False
        return view

    def item(self) -> float:
        return self.data.item()

    def __float__(self) -> float:
        if self.data.size != 1:
            raise ShapeError(message("err.float_not_scalar", shape=self.shape))
        return float(self.data.item())

    def __len__(self) -> int:
        if self.data.ndim == 0:
            raise TypeError("len() of a 0-d Tensor")
        return len(self.data)

    def __array__(self, dtype: Any = None, copy: Any = None) -> np.ndarray:
        return self.data if dtype is None else self.data.astype(dtype)

    def detach(self) -> Tensor:
        """The same data as a new constant Tensor, cut from the graph."""
        return Tensor(self.data)

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", threshold=20, edgeitems=2,
                               precision=6, prefix="Tensor(")
        extras = [f"dtype={self.dtype}"]
        if self.requires_grad:
            extras.append("requires_grad=True")
        if self.op:
            extras.append(f"op={self.op!r}")
        if self.name:
            extras.append(f"name={self.name!r}")
        return f"{type(self).__name__}({body}, {', '.join(extras)})"

    # ----- array ops as methods, with numpy's signatures ----------------------------------

    def __eq__(self, other):      return self.data == data_of(other)
    def __ne__(self, other):      return self.data != data_of(other)
    __hash__ = Node.__hash__

    def __getitem__(self, index: Any) -> Tensor:
        return ops.getitem(self, index=_plain_index(index))

    def sum(self, axis=None, keepdims=False):  return self._reduce(ops.sum, axis, keepdims)
    def mean(self, axis=None, keepdims=False): return self._reduce(ops.mean, axis, keepdims)
    def max(self, axis=None, keepdims=False):  return self._reduce(ops.max, axis, keepdims)
    def min(self, axis=None, keepdims=False):  return self._reduce(ops.min, axis, keepdims)

    def _reduce(self, op: Any, axis: Any, keepdims: bool) -> Tensor:
        """``op(self, axis=axis, keepdims=keepdims)``, straight to ``_apply`` (the input is
        known to be a Tensor: nothing to dispatch on)."""
        axis = tuple(axis) if type(axis) is list else axis
        return self._family._apply(op.spec, (self,), {"axis": axis, "keepdims": keepdims})

    def softmax(self, axis=-1):     return ops.softmax(self, axis)
    def log_softmax(self, axis=-1): return ops.log_softmax(self, axis)
    def clip(self, low=None, high=None): return ops.clip(self, low, high)
    def matmul(self, other):        return ops.matmul(self, other)

    def reshape(self, *shape: Any) -> Tensor:
        """``t.reshape(3, 8)`` or ``t.reshape((3, 8))``."""
        return ops.reshape(self, shape[0] if len(shape) == 1 else shape)

    def transpose(self, *axes: Any) -> Tensor:
        """``t.transpose()``, ``t.transpose(2, 0, 1)`` or ``t.transpose((2, 0, 1))``."""
        if len(axes) == 1 and not isinstance(axes[0], int):
            axes = axes[0]
        return ops.transpose(self, tuple(axes) if axes else None)

    @property
    def T(self) -> Tensor:
        return ops.transpose(self)

    # ----- plain numpy code on Tensors ------------------------------------------------------

    def __array_ufunc__(self, ufunc: np.ufunc, method: str, *inputs: Any, **kwargs: Any):
        return numpy_interop.array_ufunc(ufunc, method, inputs, kwargs)

    def __array_function__(self, func: Any, types: Any, args: Any, kwargs: Any):
        return numpy_interop.array_function(func, args, kwargs)


Tensor._family = Tensor


def _plain_index(index: Any) -> Any:
    """An index with Tensors and lists turned into numpy integer or bool arrays.

    Raises:
        IndexingError: an index array holds floats (a Tensor always does): numpy and
            PyTorch refuse them rather than truncate 0.7 to 0.
    """
    if isinstance(index, tuple):
        return tuple(_plain_index(i) for i in index)
    if isinstance(index, (Node, list, np.ndarray)):
        arr = np.asarray(data_of(index))
        if arr.dtype.kind in "biu":
            return arr
        if arr.size == 0 and isinstance(index, list):
            return arr.astype(np.intp)  # [] is an empty integer index, as in numpy
        raise IndexingError(f"getitem: arrays used as indices must be of integer (or boolean) "
                            f"type, got {type(index).__name__} of dtype {arr.dtype}; index "
                            "with an integer numpy array or list, e.g. "
                            "t[np.asarray(i, dtype=int)]")
    return index

