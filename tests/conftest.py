"""Test setup. The autograd_mini pytest plugin (hypothesis profiles, ``rng`` and
``register_op`` fixtures) comes through its entry point; this loads it from a source
checkout that was not pip-installed."""

from __future__ import annotations


def pytest_configure(config) -> None:  # noqa: ANN001  (pytest's hook signature)
    config.addinivalue_line("markers", "lessons: runs the classroom notebooks in Jupyter "
                                       "kernels (tests/test_lessons.py, about 30 s)")
    manager = config.pluginmanager
    if not manager.has_plugin("autograd_mini") and not manager.is_blocked("autograd_mini"):
        from autograd_mini.testing import pytest_plugin

        manager.register(pytest_plugin, "autograd_mini")

# the course's folder programs are run by tests/test_course.py, not collected: chapter 5's
# mnist_test.py (the course's own module name) would otherwise be taken for tests
collect_ignore_glob = ["course/*/*.py"]
