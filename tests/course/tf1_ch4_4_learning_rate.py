# ruff: noqa: UP031 (the course formats with %)
# Chapter 4.4: the learning rate. Minimise loss = (w + 1)^2 from w = 5 by gradient descent:
# 0.2 converges to w = -1, 1 oscillates between 5 and -7, 0.0001 barely moves.
import autograd_mini.compat.v1 as tf

for LEARNING_RATE in (0.2, 1, 0.0001):
    w = tf.Variable(tf.constant(5, dtype=tf.float32))
    loss = tf.square(w + 1)
    train_step = tf.train.GradientDescentOptimizer(LEARNING_RATE).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        print("learning rate", LEARNING_RATE)
        for i in range(40):
            sess.run(train_step)
            w_val, loss_val = sess.run([w, loss])
            if i % 4 == 0 or i == 39:
                print("After %s steps: w is %f, loss is %f." % (i, w_val, loss_val))
