# Chapter 7 (卷积网络基础): LeNet-5 on MNIST, trained (backward.py), then tested from its
# checkpoint with the moving averages (test.py).
import backward
import test

from autograd_mini.datasets import input_data

mnist = input_data.read_data_sets("./data/", one_hot=True)
backward.backward(mnist)
test.test(mnist)
