# Chapter 2.4: a custom loss for a sales forecast, cost 1 per unit over and profit 99 per unit
# under, picked with tf.where(tf.greater(...)); 2000 steps here (the course runs 10000).
import numpy as np

import autograd_mini.compat.v2 as tf

SEED = 23455
COST = 1
PROFIT = 99

rdm = np.random.RandomState(SEED)
x = rdm.rand(32, 2)
y_ = [[x1 + x2 + (rdm.rand() / 10.0 - 0.05)] for (x1, x2) in x]
x = tf.cast(x, dtype=tf.float32)

w1 = tf.Variable(tf.random.normal([2, 1], stddev=1, seed=1))

epochs = 2000
lr = 0.002

for epoch in range(epochs):
    with tf.GradientTape() as tape:
        y = tf.matmul(x, w1)
        loss = tf.reduce_sum(tf.where(tf.greater(y, y_), (y - y_) * COST, (y_ - y) * PROFIT))
    grads = tape.gradient(loss, w1)
    w1.assign_sub(lr * grads)
    if epoch % 500 == 0:
        print("After %d training steps,w1 is " % (epoch))  # noqa: UP031  (the course's line)
        print(w1.numpy(), "\n")
print("Final w1 is: ", w1.numpy())
print("loss:", loss)
