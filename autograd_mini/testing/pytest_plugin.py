"""pytest plugin (entry point ``autograd_mini``): hypothesis profiles for gradient tests.

``dev`` (the default) draws fresh examples; ``ci`` (chosen when ``CI=true``) is
derandomized, so a CI run is repeatable.
"""

from __future__ import annotations

import os

from hypothesis import HealthCheck, settings

settings.register_profile("dev", deadline=None, max_examples=25)
settings.register_profile("ci", deadline=None, max_examples=40, derandomize=True,
                          print_blob=True, suppress_health_check=[HealthCheck.too_slow])


def pytest_configure(config) -> None:  # noqa: ANN001  (pytest's hook signature)
    settings.load_profile("ci" if os.environ.get("CI", "").lower() == "true" else "dev")
