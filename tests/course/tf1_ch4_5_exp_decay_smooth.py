# ruff: noqa: UP031, B007
# Chapter 4.5, without staircase: the rate decays a little at every step (decay_steps 3).
import autograd_mini.compat.v1 as tf

global_step = tf.Variable(0, trainable=False)
learning_rate = tf.train.exponential_decay(0.2, global_step, 3, 0.9, staircase=False)
w = tf.Variable(tf.constant([[1.0, -2.0]]))
loss = tf.reduce_sum(tf.square(w - 3.0))
train_step = tf.train.GradientDescentOptimizer(learning_rate).minimize(
    loss, global_step=global_step)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(12):
        _, loss_val = sess.run([train_step, loss])
        print("step %d: loss before %f, w %s, rate now %.7f"
              % (sess.run(global_step), loss_val, sess.run(w), sess.run(learning_rate)))
