"""Seed 000's constants (the PKU TensorFlow 1.x two-layer net, tf3_6.py), for the tests.

The starting weights are data copied from the seed's printout: TensorFlow's random
generator cannot be reproduced. ``TABLE`` is what the seed printed with ``%g`` after steps
0, 500, ..., 2500; ``W1_FINAL``/``W2_FINAL`` are its weights after 3000 steps.
"""

import numpy as np

BATCH_SIZE = 8
STEPS = 3000
LR = 0.001
REPORT_EVERY = 500

X = np.random.RandomState(23455).rand(32, 2)
Y_ = [[int(x0 + x1 < 1)] for (x0, x1) in X]

W1 = np.array([[-0.81131822, 1.48459876, 0.06532937],
               [-2.4427042, 0.0992484, 0.59122431]], dtype=np.float32)
W2 = np.array([[-0.81131822],
               [1.48459876],
               [0.06532937]], dtype=np.float32)

TABLE = ["5.13118", "0.429111", "0.409789", "0.399923", "0.394146", "0.390597"]

W1_FINAL = np.array([[-0.70006633, 0.9136318, 0.08953571],
                     [-2.3402493, -0.14641267, 0.58823055]], dtype=np.float32)
W2_FINAL = np.array([[-0.06024267],
                     [0.91956186],
                     [-0.0682071]], dtype=np.float32)


def batch(i: int) -> slice:
    """The rows the seed feeds at step ``i``: ``start = (i*8) % 32``."""
    start = (i * BATCH_SIZE) % 32
    return slice(start, start + BATCH_SIZE)
