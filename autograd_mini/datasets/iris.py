"""Fisher's iris flowers: 150 rows of 4 measurements (cm) and a species label 0, 1 or 2.

The data are R. A. Fisher's 1936 measurements ("The use of multiple measurements in
taxonomic problems", Annals of Eugenics 7), public domain, as scikit-learn 1.9's
``load_iris()`` ships them (exported to ``iris.csv`` beside this module), so a course
program's ``datasets.load_iris().data`` becomes ``iris.load_data()[0]`` without a download.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

CSV = Path(__file__).with_name("iris.csv")
FEATURES = ("sepal_length", "sepal_width", "petal_length", "petal_width")
SPECIES = ("setosa", "versicolor", "virginica")


def load_data() -> tuple[np.ndarray, np.ndarray]:
    """``(x, y)``: x float64 of shape (150, 4) and y int64 of shape (150,), in
    scikit-learn's order (``load_iris().data`` and ``.target``); fresh arrays each call."""
    table = np.loadtxt(CSV, delimiter=",", skiprows=1)
    return np.ascontiguousarray(table[:, :4]), table[:, 4].astype(np.int64)
