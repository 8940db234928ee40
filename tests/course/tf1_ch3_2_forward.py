# Chapter 3.2: a two-layer forward pass with seeded random weights and one input row.
import autograd_mini.compat.v1 as tf

x = tf.constant([[0.7, 0.5]])
w1 = tf.Variable(tf.random_normal([2, 3], stddev=1, seed=1))
w2 = tf.Variable(tf.random_normal([3, 1], stddev=1, seed=1))

a = tf.matmul(x, w1)
y = tf.matmul(a, w2)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("y in ch3_2_forward is:\n", sess.run(y))
