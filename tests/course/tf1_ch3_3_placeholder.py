# Chapter 3.3: the same forward pass fed through placeholders, one row and then several.
import autograd_mini.compat.v1 as tf

x = tf.placeholder(tf.float32, shape=(1, 2))
w1 = tf.Variable(tf.random_normal([2, 3], stddev=1, seed=1))
w2 = tf.Variable(tf.random_normal([3, 1], stddev=1, seed=1))
a = tf.matmul(x, w1)
y = tf.matmul(a, w2)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("y for one fed row is:\n", sess.run(y, feed_dict={x: [[0.7, 0.5]]}))

rows = tf.placeholder(tf.float32, shape=(None, 2))
y_rows = tf.matmul(tf.matmul(rows, w1), w2)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("y for four fed rows is:\n", sess.run(y_rows, feed_dict={
        rows: [[0.7, 0.5], [0.2, 0.3], [0.3, 0.4], [0.4, 0.5]]}))
    print("w1:\n", sess.run(w1))
    print("w2:\n", sess.run(w2))
