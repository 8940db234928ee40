# ruff: noqa: B007
# Chapter 4.6: the moving average (shadow) of a variable. Each run of ema_op moves the
# shadow towards w1 with decay min(MOVING_AVERAGE_DECAY, (1 + step) / (10 + step)); the
# program changes w1 and the step by hand and prints [w1, its average] after each change.
import autograd_mini.compat.v1 as tf

w1 = tf.Variable(0, dtype=tf.float32)
global_step = tf.Variable(0, trainable=False)
MOVING_AVERAGE_DECAY = 0.99
ema = tf.train.ExponentialMovingAverage(MOVING_AVERAGE_DECAY, global_step)
ema_op = ema.apply(tf.trainable_variables())

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("start:", sess.run([w1, ema.average(w1)]))

    sess.run(tf.assign(w1, 1))  # step 0: decay min(0.99, 1/10) = 0.1
    sess.run(ema_op)
    print("w1 = 1, one update:", sess.run([w1, ema.average(w1)]))

    sess.run(tf.assign(global_step, 100))  # step 100: decay min(0.99, 101/110)
    sess.run(tf.assign(w1, 10))
    sess.run(ema_op)
    print("step 100, w1 = 10:", sess.run([w1, ema.average(w1)]))

    for i in range(30):
        sess.run(ema_op)
        print("update", i, sess.run([w1, ema.average(w1)]))

    sess.run(tf.assign(global_step, 10000))  # decay capped at MOVING_AVERAGE_DECAY
    sess.run(tf.assign(w1, -3.5))
    for i in range(10):
        sess.run(ema_op)
        print("step 10000, w1 = -3.5, update", i, sess.run([w1, ema.average(w1)]))
