# Chapter 5 (全连接网络基础): MNIST with a 784-500-10 network in three modules, as the
# course splits it: forward, backward (training, checkpoints) and test (restores the moving
# averages). Trains, tests, trains on from the checkpoint, tests again.
import mnist_backward
import mnist_test
import numpy as np

import autograd_mini.compat.v1 as tf
from autograd_mini.datasets import input_data

np.random.seed(0)  # not in the course: the order of the batches (next_batch shuffles)
mnist = input_data.read_data_sets("./data/", one_hot=True)
print("train", mnist.train.num_examples, "validation", mnist.validation.num_examples,
      "test", mnist.test.num_examples)

mnist_test.test(mnist)  # before any training
for _ in range(2):
    with tf.Graph().as_default():
        mnist_backward.backward(mnist)
    mnist_test.test(mnist)
