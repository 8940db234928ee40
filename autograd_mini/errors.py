"""The exceptions autograd_mini raises on purpose.

Each one subclasses the built-in exception a Python user would expect (``ValueError``,
``TypeError``, ...), so ``except ValueError`` keeps working.
"""

from __future__ import annotations


class AutogradError(Exception):
    """Base class of every error autograd_mini raises on purpose."""


class ShapeError(AutogradError, ValueError):
    """Shapes do not fit: ``mul: cannot broadcast (3, 2) with (4,)``."""


class IndexingError(AutogradError, IndexError):
    """An index that numpy would refuse, such as an array of floats, named with the op."""


class DTypeError(AutogradError, TypeError):
    """A wrong type or dtype was given: the message says what was expected."""


class OpError(AutogradError, ValueError):
    """An op's forward failed on its input (for example ``log`` of a negative Value)."""


class NonFiniteError(AutogradError, ValueError):
    """A NaN or inf where finite numbers are required (``load_state_dict`` by default)."""


class GraphError(AutogradError, RuntimeError):
    """The graph cannot be walked: released by an earlier backward, or a non-scalar root."""


class TraceError(GraphError):
    """A step traced by ``compile`` did something a replay could not repeat (a branch on
    a computed value, a write compile cannot follow); the message names the line."""


class TapeError(AutogradError, RuntimeError):
    """A Tape was misused, such as ``gradient()`` twice on a non-persistent tape."""


class NoGradientError(AutogradError, NotImplementedError):
    """The op has no gradient (``argmax``) or the function is not supported on graph nodes."""


class AnomalyError(AutogradError, FloatingPointError):
    """``detect_anomaly()`` found a NaN or inf; the message names the op that made it."""


class NotInCompatError(AutogradError, AttributeError):
    """A TensorFlow name the ``compat`` layer does not have (yet): ``tf.foo`` in a program."""
