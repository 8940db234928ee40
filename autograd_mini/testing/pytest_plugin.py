"""pytest plugin (entry point ``autograd_mini``): hypothesis profiles and gradient-test fixtures.

Profiles: ``dev`` (the default) draws fresh examples; ``ci`` (chosen when ``CI=true``) is
derandomized, so a CI run is repeatable. Fixtures: ``rng``, a numpy Generator seeded from
the test's id, and ``register_op``, which registers ops for one test only.
"""

from __future__ import annotations

import os
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import numpy as np
import pytest

from ..ops import OPS, op

try:
    from hypothesis import HealthCheck, settings
except ImportError:  # hypothesis is a test extra; without it the fixtures still work
    settings = None
else:
    settings.register_profile("dev", deadline=None, max_examples=25)
    settings.register_profile("ci", deadline=None, max_examples=40, derandomize=True,
                              print_blob=True, suppress_health_check=[HealthCheck.too_slow])

# examples for the random-expression fuzz tests: a few hundred locally, more on CI
FUZZ_EXAMPLES = {"dev": 500, "ci": 3000}
PROFILE = "dev"


def pytest_configure(config) -> None:  # noqa: ANN001  (pytest's hook signature)
    global PROFILE
    PROFILE = "ci" if os.environ.get("CI", "").lower() == "true" else "dev"
    if settings is not None:
        settings.load_profile(PROFILE)


@contextmanager
def temporary_ops() -> Iterator[Callable[..., Any]]:
    """Yield a twin of ``@op`` whose ops leave ``OPS`` on exit (shadowed ops come back)."""
    shadowed: dict[str, Any] = {}

    def register(forward: Callable | None = None, **options: Any) -> Any:
        def wrap(forward: Callable) -> Any:
            name = options.get("name") or forward.__name__
            shadowed.setdefault(name, OPS.get(name))
            return op(forward, **options)

        return wrap(forward) if forward is not None else wrap

    try:
        yield register
    finally:
        for name, previous in shadowed.items():
            if previous is None:
                OPS.pop(name, None)
            else:
                OPS[name] = previous


@pytest.fixture
def register_op() -> Iterator[Callable[..., Any]]:
    """``@register_op`` (or ``register_op(name=...)``) registers an op for this test only."""
    with temporary_ops() as register:
        yield register


@pytest.fixture
def rng(request: pytest.FixtureRequest) -> np.random.Generator:
    """A numpy Generator seeded from the test's id: repeatable, different for each test."""
    return np.random.default_rng(zlib.crc32(request.node.nodeid.encode()))
