# ruff: noqa: UP031, B007
# Chapter 4.5: an exponentially decaying learning rate (staircase) driven by global_step,
# minimising loss = (w + 1)^2 from w = 5.
import autograd_mini.compat.v1 as tf

LEARNING_RATE_BASE = 0.1
LEARNING_RATE_DECAY = 0.99
LEARNING_RATE_STEP = 1

global_step = tf.Variable(0, trainable=False)
learning_rate = tf.train.exponential_decay(LEARNING_RATE_BASE, global_step, LEARNING_RATE_STEP,
                                           LEARNING_RATE_DECAY, staircase=True)
w = tf.Variable(tf.constant(5, dtype=tf.float32))
loss = tf.square(w + 1)
train_step = tf.train.GradientDescentOptimizer(learning_rate).minimize(
    loss, global_step=global_step)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    for i in range(40):
        sess.run(train_step)
        learning_rate_val = sess.run(learning_rate)
        global_step_val = sess.run(global_step)
        w_val = sess.run(w)
        loss_val = sess.run(loss)
        print("After %s steps: global_step is %f, w is %f, learning rate is %f, loss is %f"
              % (i, global_step_val, w_val, learning_rate_val, loss_val))
    # one run that trains and fetches: the step fetched is the incremented one
    _, step, rate = sess.run([train_step, global_step, learning_rate])
    print("fetched with the train step: global_step", step, "learning rate", rate)
