"""Random expression graphs over the registered ops, checked against central differences.

A few hundred expressions per local run (fresh ones each time) and more on CI
(``CI=true``, derandomized): the counts are ``FUZZ_EXAMPLES`` in the pytest plugin.
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings

from autograd_mini.ops import OPS
from autograd_mini.testing import GradcheckError, gradcheck, gradgradcheck
from autograd_mini.testing.pytest_plugin import FUZZ_EXAMPLES, PROFILE
from autograd_mini.testing.strategies import expressions

EXAMPLES = FUZZ_EXAMPLES[PROFILE]


def fuzz(examples: int) -> settings:
    return settings(max_examples=examples, suppress_health_check=[HealthCheck.too_slow])


@fuzz(EXAMPLES)
@given(case=expressions())
def test_random_tensor_expressions_match_central_differences(case):
    fn, inputs = case
    assert gradcheck(fn, *inputs)


@fuzz(EXAMPLES // 3)
@given(case=expressions("value"))
def test_random_value_expressions_match_central_differences(case):
    fn, inputs = case
    assert gradcheck(fn, *inputs)


@fuzz(EXAMPLES // 6)
@given(case=expressions(dtype="float64", max_steps=4))
def test_random_expressions_have_correct_second_derivatives(case):
    fn, inputs = case
    assert gradgradcheck(fn, *inputs)


def test_fuzzing_finds_a_wrong_vjp_in_a_registered_op(monkeypatch):
    monkeypatch.setattr(OPS["sin"], "vjps", (lambda g, out, x: g * OPS["sin"].fn(x),))

    @settings(max_examples=500, database=None)
    @given(case=expressions("value"))
    def fuzz_values(case):
        fn, inputs = case
        gradcheck(fn, *inputs)

    with pytest.raises(GradcheckError, match="sin"):
        fuzz_values()
