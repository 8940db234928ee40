# ruff: noqa: UP031 (the course formats with %)
# Chapter 3.4: the two-layer net trained by backpropagation (seed 000's network): 32 random
# parts with volume and weight, labelled 1 when x0 + x1 < 1; mean squared error, gradient
# descent, batches of 8.
import numpy as np

import autograd_mini.compat.v1 as tf

BATCH_SIZE = 8
SEED = 23455

rng = np.random.RandomState(SEED)
X = rng.rand(32, 2)
Y_ = [[int(x0 + x1 < 1)] for (x0, x1) in X]
print("X:\n", X)
print("Y_:\n", Y_)

x = tf.placeholder(tf.float32, shape=(None, 2))
y_ = tf.placeholder(tf.float32, shape=(None, 1))
w1 = tf.Variable(tf.random_normal([2, 3], stddev=1, seed=1))
w2 = tf.Variable(tf.random_normal([3, 1], stddev=1, seed=1))
a = tf.matmul(x, w1)
y = tf.matmul(a, w2)

loss_mse = tf.reduce_mean(tf.square(y - y_))
train_step = tf.train.GradientDescentOptimizer(0.001).minimize(loss_mse)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("w1 before training:\n", sess.run(w1))
    print("w2 before training:\n", sess.run(w2))
    STEPS = 3000
    for i in range(STEPS):
        start = (i * BATCH_SIZE) % 32
        end = start + BATCH_SIZE
        sess.run(train_step, feed_dict={x: X[start:end], y_: Y_[start:end]})
        if i % 500 == 0:
            total_loss = sess.run(loss_mse, feed_dict={x: X, y_: Y_})
            print("After %d training step(s), loss_mse on all data is %g" % (i, total_loss))
    print("w1 after training:\n", sess.run(w1))
    print("w2 after training:\n", sess.run(w2))
