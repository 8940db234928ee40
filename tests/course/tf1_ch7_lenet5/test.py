# ruff: noqa: UP031 (the course formats with %)
# Chapter 7: LeNet-5's test: a new graph with the forward pass (no dropout), the weights
# restored from the latest checkpoint as their moving averages (ema.variables_to_restore),
# accuracy and mean cross entropy on the first TEST_NUM test images.
import backward
import forward
import numpy as np

import autograd_mini.compat.v1 as tf

TEST_NUM = 200


def test(mnist):
    with tf.Graph().as_default():
        tf.set_random_seed(backward.SEED)  # the initial weights are restored over anyway
        x = tf.placeholder(tf.float32, [TEST_NUM, forward.IMAGE_SIZE, forward.IMAGE_SIZE,
                                        forward.NUM_CHANNELS])
        y_ = tf.placeholder(tf.float32, [None, forward.OUTPUT_NODE])
        y = forward.forward(x, False, None)

        ema = tf.train.ExponentialMovingAverage(backward.MOVING_AVERAGE_DECAY)
        saver = tf.train.Saver(ema.variables_to_restore())

        correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))
        cem = tf.reduce_mean(tf.nn.sparse_softmax_cross_entropy_with_logits(
            logits=y, labels=tf.argmax(y_, 1)))

        with tf.Session() as sess:
            ckpt = tf.train.get_checkpoint_state(backward.MODEL_SAVE_PATH)
            if not (ckpt and ckpt.model_checkpoint_path):
                print("No checkpoint file found")
                return
            saver.restore(sess, ckpt.model_checkpoint_path)
            global_step = ckpt.model_checkpoint_path.split("/")[-1].split("-")[-1]
            reshaped_x = np.reshape(mnist.test.images[:TEST_NUM], (
                TEST_NUM, forward.IMAGE_SIZE, forward.IMAGE_SIZE, forward.NUM_CHANNELS))
            accuracy_score, test_loss = sess.run(
                [accuracy, cem], feed_dict={x: reshaped_x, y_: mnist.test.labels[:TEST_NUM]})
            print("After %s training step(s), test accuracy = %g" % (global_step,
                                                                     accuracy_score))
            print("test cross entropy = %g" % test_loss)
