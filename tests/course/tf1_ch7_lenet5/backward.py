# ruff: noqa: UP031 (the course formats with %)
# Chapter 7: training LeNet-5 on MNIST batches: softmax cross entropy plus the L2 penalties,
# a staircase exponential decay of the learning rate, a moving average of every weight
# updated after each step, checkpoints saved with global_step. Batches and steps are cut
# so that the run takes seconds; the seeds make it repeatable (the course set none).
# The course groups the step and the averages' update under one tf.no_op; TensorFlow then
# runs the two in either order (in this graph TF 2.21 averages the weights from before the
# step, in a small one those from after it), so here the update runs after the step.
import os

import forward
import numpy as np

import autograd_mini.compat.v1 as tf

BATCH_SIZE = 16
LEARNING_RATE_BASE = 0.005
LEARNING_RATE_DECAY = 0.99
REGULARIZER = 0.0001
STEPS = 12
MOVING_AVERAGE_DECAY = 0.99
MODEL_SAVE_PATH = "./model/"
MODEL_NAME = "mnist_model"
SEED = 7


def backward(mnist):
    tf.set_random_seed(SEED)  # every weight, and dropout's mask, take op seeds from it
    np.random.seed(SEED)  # next_batch shuffles with numpy
    x = tf.placeholder(tf.float32, [BATCH_SIZE, forward.IMAGE_SIZE, forward.IMAGE_SIZE,
                                    forward.NUM_CHANNELS])
    y_ = tf.placeholder(tf.float32, [None, forward.OUTPUT_NODE])
    y = forward.forward(x, True, REGULARIZER)
    global_step = tf.Variable(0, trainable=False)

    ce = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=y, labels=tf.argmax(y_, 1))
    cem = tf.reduce_mean(ce)
    loss = cem + tf.add_n(tf.get_collection("losses"))

    learning_rate = tf.train.exponential_decay(
        LEARNING_RATE_BASE, global_step, 4, LEARNING_RATE_DECAY, staircase=True)
    train_step = tf.train.GradientDescentOptimizer(learning_rate).minimize(
        loss, global_step=global_step)

    ema = tf.train.ExponentialMovingAverage(MOVING_AVERAGE_DECAY, global_step)
    ema_op = ema.apply(tf.trainable_variables())

    saver = tf.train.Saver()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        ckpt = tf.train.get_checkpoint_state(MODEL_SAVE_PATH)
        if ckpt and ckpt.model_checkpoint_path:
            saver.restore(sess, ckpt.model_checkpoint_path)
        for i in range(STEPS):
            xs, ys = mnist.train.next_batch(BATCH_SIZE)
            reshaped_xs = np.reshape(xs, (BATCH_SIZE, forward.IMAGE_SIZE, forward.IMAGE_SIZE,
                                          forward.NUM_CHANNELS))
            _, loss_value, step, rate = sess.run([train_step, loss, global_step, learning_rate],
                                                 feed_dict={x: reshaped_xs, y_: ys})
            sess.run(ema_op)
            print("After %d training step(s), loss on training batch is %g (learning rate %g)."
                  % (step, loss_value, rate))
            if i % 4 == 3:
                saver.save(sess, os.path.join(MODEL_SAVE_PATH, MODEL_NAME),
                           global_step=global_step)
        # the same batch twice: dropout draws a new mask each run, the weights stay
        loss_a, loss_b = (sess.run(loss, feed_dict={x: reshaped_xs, y_: ys}) for _ in "ab")
        print("loss with two fresh dropout masks: %g %g" % (loss_a, loss_b))
