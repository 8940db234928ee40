# ruff: noqa: UP031 (the course formats with %)
# Chapter 5's test: a graph of its own, the weights restored from their moving averages in
# the latest checkpoint, accuracy on the 10000 test images. The course repeats this every
# TEST_INTERVAL_SECS while the training runs; here main.py calls it between trainings.
import mnist_backward
import mnist_forward

import autograd_mini.compat.v1 as tf


def test(mnist):
    with tf.Graph().as_default():
        tf.set_random_seed(mnist_backward.SEED)  # TF's deterministic mode wants one
        x = tf.placeholder(tf.float32, [None, mnist_forward.INPUT_NODE])
        y_ = tf.placeholder(tf.float32, [None, mnist_forward.OUTPUT_NODE])
        y = mnist_forward.forward(x, None)

        ema = tf.train.ExponentialMovingAverage(mnist_backward.MOVING_AVERAGE_DECAY)
        ema_restore = ema.variables_to_restore()
        saver = tf.train.Saver(ema_restore)

        correct_prediction = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
        accuracy = tf.reduce_mean(tf.cast(correct_prediction, tf.float32))

        with tf.Session() as sess:
            ckpt = tf.train.get_checkpoint_state(mnist_backward.MODEL_SAVE_PATH)
            if ckpt and ckpt.model_checkpoint_path:
                saver.restore(sess, ckpt.model_checkpoint_path)
                global_step = ckpt.model_checkpoint_path.split("/")[-1].split("-")[-1]
                accuracy_score = sess.run(accuracy, feed_dict={x: mnist.test.images,
                                                               y_: mnist.test.labels})
                print("After %s training step(s), test accuracy = %g"
                      % (global_step, accuracy_score))
                print("checkpoints kept:", [p.split("/")[-1]
                                            for p in ckpt.all_model_checkpoint_paths])
            else:
                print("No checkpoint file found")
