# ruff: noqa: UP031 (the course formats with %)
# Chapter 4.3: cross entropy H(y_, y) = -sum(y_ * log(y)), the distance between two
# probability distributions; softmax turns a net's outputs into one first.
import numpy as np

import autograd_mini.compat.v1 as tf

# which prediction is nearer the answer [1, 0]? the one of smaller cross entropy
answer = tf.constant([[1.0, 0.0]])
for guess in ([[0.6, 0.4]], [[0.8, 0.2]], [[1.0, 0.0]]):
    y = tf.constant(guess)
    ce = -tf.reduce_mean(answer * tf.log(tf.clip_by_value(y, 1e-12, 1.0)))
    with tf.Session() as sess:
        print("cross entropy of", guess, "is", sess.run(ce))

# a classifier of the 32 parts (qualified when x0 + x1 < 1), trained on softmax cross entropy
BATCH_SIZE = 8
SEED = 23455
rdm = np.random.RandomState(SEED)
X = rdm.rand(32, 2)
Y_ = [[1.0, 0.0] if x0 + x1 < 1 else [0.0, 1.0] for (x0, x1) in X]

x = tf.placeholder(tf.float32, shape=(None, 2))
y_ = tf.placeholder(tf.float32, shape=(None, 2))
w1 = tf.Variable(tf.truncated_normal([2, 3], stddev=1, seed=1))
b1 = tf.Variable(tf.constant(0.01, shape=[3]))
w2 = tf.Variable(tf.truncated_normal([3, 2], stddev=1, seed=2))
b2 = tf.Variable(tf.zeros([2]))
h = tf.nn.relu(tf.matmul(x, w1) + b1)
y = tf.matmul(h, w2) + b2

ce = tf.nn.sparse_softmax_cross_entropy_with_logits(logits=y, labels=tf.argmax(y_, 1))
cem = tf.reduce_mean(ce)
dense = tf.reduce_mean(tf.nn.softmax_cross_entropy_with_logits(labels=y_, logits=y))
by_hand = -tf.reduce_mean(tf.reduce_sum(y_ * tf.log(tf.clip_by_value(
    tf.nn.softmax(y), 1e-12, 1.0)), axis=1))
correct = tf.equal(tf.argmax(y, 1), tf.argmax(y_, 1))
accuracy = tf.reduce_mean(tf.cast(correct, tf.float32))
train_step = tf.train.GradientDescentOptimizer(0.05).minimize(cem)

with tf.Session() as sess:
    sess.run(tf.global_variables_initializer())
    print("w1:\n", sess.run(w1))
    print("w2:\n", sess.run(w2))
    for i in range(1201):
        start = (i * BATCH_SIZE) % 32
        sess.run(train_step, feed_dict={x: X[start:start + BATCH_SIZE],
                                        y_: Y_[start:start + BATCH_SIZE]})
        if i % 200 == 0:
            feed = {x: X, y_: Y_}
            print("After %d steps: cem %g, dense %g, by hand %g, accuracy %g"
                  % (i, *sess.run([cem, dense, by_hand, accuracy], feed_dict=feed)))
    print("cross entropy of each part:\n", sess.run(ce, feed_dict={x: X[:8], y_: Y_[:8]}))
