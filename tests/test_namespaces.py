"""The public names of the packages users import: ``dir()`` and tab completion offer each
one's ``__all__``, not the names its code imports (``annotations``, ``np``, ``Any``)."""

from __future__ import annotations

import importlib

import pytest

import autograd_mini

MODULES = [
    "autograd_mini", "autograd_mini.nn", "autograd_mini.optim", "autograd_mini.testing",
    "autograd_mini.compat.v1", "autograd_mini.compat.v1.nn", "autograd_mini.compat.v1.train",
    "autograd_mini.compat.v2", "autograd_mini.compat.v2.nn", "autograd_mini.compat.v2.random",
    "autograd_mini.compat.v2.data", "autograd_mini.compat.v2.keras.losses",
]
MODULES += [f"autograd_mini.compat.v2.keras{m}" for m in (
    "", ".activations", ".backend", ".callbacks", ".datasets", ".initializers", ".layers",
    ".metrics", ".models", ".optimizers", ".regularizers")]
# what a module's own code imports, or a submodule it is made of
NOT_PUBLIC = ["annotations", "importlib", "Any", "Callable", "Iterable", "TYPE_CHECKING", "np",
              "missing", "public_dir", "data_of", "mark_written", "philox", "errors", "graph",
              "tape", "value", "why_none", "session", "math_ops", "array_ops", "backward"]


def public(module) -> list[str]:
    return [n for n in dir(module) if not n.startswith("_")]


@pytest.mark.parametrize("name", MODULES)
def test_the_public_names_are_exactly_all(name):
    module = importlib.import_module(name)
    assert public(module) == sorted(module.__all__)
    assert not set(NOT_PUBLIC) & set(public(module))


@pytest.mark.parametrize("name", MODULES)
def test_every_name_in_all_is_there(name):
    module = importlib.import_module(name)
    assert all(hasattr(module, n) for n in module.__all__)


def test_lazy_subpackages_are_listed_before_their_first_use():
    assert {"nn", "optim", "viz", "testing", "datasets", "compat"} <= set(dir(autograd_mini))


def test_private_names_stay_reachable_for_readers():
    from autograd_mini import optim

    assert "_sgd_update" in dir(optim) and "__version__" in dir(autograd_mini)
