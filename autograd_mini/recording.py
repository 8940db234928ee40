"""Whether ops are recorded, and by which tapes: ``no_grad``, ``enable_grad``, ``detect_anomaly``.

The state is per thread and per asyncio task (``contextvars``), so a tape in one thread
never records another thread's ops.
"""

from __future__ import annotations

import contextvars
import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np

from .errors import AnomalyError

# False under no_grad; when on, True or (while tapes record here) the tuple of those tapes,
# which each recorded node keeps in ``_tapes``: a tape sees only its own thread's and
# asyncio task's ops (each thread has its own context, each task a copy of its creator's)
RECORDING: contextvars.ContextVar[bool | tuple] = contextvars.ContextVar("recording",
                                                                        default=True)
TAPES: contextvars.ContextVar[tuple] = contextvars.ContextVar("tapes_recording", default=())
ANOMALY: contextvars.ContextVar[bool] = contextvars.ContextVar("anomaly", default=False)
# True when every op must take its general path (the inlined operators step aside): under
# detect_anomaly, and while ``autograd_mini.compile`` traces a call (``TRACE`` holds the trace)
GENERAL: contextvars.ContextVar[bool] = contextvars.ContextVar("general", default=False)
TRACE: contextvars.ContextVar[Any] = contextvars.ContextVar("trace", default=None)


def is_recording() -> bool:
    """True when new ops are recorded into the graph (outside ``no_grad``)."""
    return RECORDING.get() is not False


def recording_state(on: bool) -> bool | tuple:
    """The value of ``RECORDING`` that turns recording on (with this context's tapes) or off."""
    return (TAPES.get() or True) if on else False


class _RecordingSwitch:
    """``no_grad()`` / ``enable_grad()``: a context manager that is also a decorator."""

    def __init__(self, on: bool):
        self.on = on
        self._tokens: list[contextvars.Token] = []

    def __enter__(self) -> None:
        self._tokens.append(RECORDING.set(recording_state(self.on)))

    def __exit__(self, *exc: object) -> None:
        RECORDING.reset(self._tokens.pop())

    def __call__(self, fn: Callable) -> Callable:
        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with _RecordingSwitch(self.on):
                return fn(*args, **kwargs)

        return wrapper


def no_grad() -> _RecordingSwitch:
    """Stop recording ops inside a ``with`` block or a decorated function."""
    return _RecordingSwitch(False)


def enable_grad() -> _RecordingSwitch:
    """Turn recording back on inside a ``no_grad`` block."""
    return _RecordingSwitch(True)


@contextmanager
def detect_anomaly() -> Iterator[None]:
    """Check every forward result and every gradient for NaN/inf and name the op that made it."""
    token, general = ANOMALY.set(True), GENERAL.set(True)
    try:
        yield
    finally:
        GENERAL.reset(general)
        ANOMALY.reset(token)



def check_finite(data: Any, what: str) -> None:
    """Raise ``AnomalyError`` naming ``what`` if ``data`` (a number or array) holds a NaN or inf."""
    if not np.all(np.isfinite(data)):
        bad = "nan" if np.any(np.isnan(data)) else "inf"
        raise AnomalyError(f"{what} produced {bad}")
