"""compat.v1's ops give TensorFlow's numbers, dtypes and gradients (None where TF has none)
on the graphs of tests/tf_reference/cases.py, recorded on TensorFlow 2.21 in ops.json."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

import autograd_mini.compat.v1 as tf
from tests.tf_reference.cases import CASES, run

RECORDED = json.loads((Path(__file__).parent / "tf_reference" / "ops.json").read_text())

# A convolution's filter gradient sums hundreds of products in another order than TF's
# kernels: an entry near zero (cancellation) may then differ by float32's rounding of the
# larger terms, so these cases allow an absolute error of 1e-6 of the array's largest entry.
SUMMED = {"conv2d_paddings_and_strides", "conv2d_course_style"}


def test_every_case_is_recorded():
    assert sorted(RECORDED) == sorted(CASES)


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_matches_tensorflow(name):
    ours = run(tf, name)
    assert len(ours) == len(RECORDED[name])
    for i, (got_run, want_run) in enumerate(zip(ours, RECORDED[name])):
        assert got_run.keys() == want_run.keys()
        for label, want in want_run.items():
            got = got_run[label]
            where = f"{name}, run {i + 1}, {label}"
            if want is None:
                assert got is None, f"{where}: TF gives no gradient, we give one"
                continue
            assert got is not None, f"{where}: TF gives a gradient, we give None"
            assert got["dtype"] == want["dtype"], where
            want_value = np.asarray(want["value"])
            atol = 1e-6 * np.abs(want_value).max(initial=0) if name in SUMMED else 1e-7
            np.testing.assert_allclose(np.asarray(got["value"]), want_value, rtol=2e-6,
                                       atol=max(atol, 1e-7), err_msg=where)
