# ruff: noqa: UP031 (the course formats with %)
# Chapter 4.7: L2 regularization against overfitting. 300 points (x0, x1) ~ N(0, 1), red
# (1) inside the circle x0^2 + x1^2 < 2; a 2-11-1 net fitted by mse alone, then by mse plus
# the weights' L2 penalties gathered in the 'losses' collection; each decision boundary
# (net output 0.5) drawn with plt.contour.
import os

import matplotlib.pyplot as plt
import numpy as np

import autograd_mini.compat.v1 as tf

BATCH_SIZE = 30
SEED = 2
STEPS = 2001

rdm = np.random.RandomState(SEED)
X = rdm.randn(300, 2)
Y_ = [int(x0 * x0 + x1 * x1 < 2) for (x0, x1) in X]
Y_c = [["red" if y else "blue"] for y in Y_]
X = np.vstack(X).reshape(-1, 2)
Y_ = np.vstack(Y_).reshape(-1, 1)
print("first points:\n", X[:3], "\nlabels:", Y_[:3].ravel())

tf.set_random_seed(1)  # the weights below take op seeds 0 and 1 from the graph seed


def get_weight(shape, regularizer):
    w = tf.Variable(tf.random_normal(shape), dtype=tf.float32)
    tf.add_to_collection("losses", tf.contrib.layers.l2_regularizer(regularizer)(w))
    return w


def get_bias(shape):
    return tf.Variable(tf.constant(0.01, shape=shape))


x = tf.placeholder(tf.float32, shape=(None, 2))
y_ = tf.placeholder(tf.float32, shape=(None, 1))
w1 = get_weight([2, 11], 0.01)
b1 = get_bias([11])
y1 = tf.nn.relu(tf.matmul(x, w1) + b1)
w2 = get_weight([11, 1], 0.01)
b2 = get_bias([1])
y = tf.matmul(y1, w2) + b2

loss_mse = tf.reduce_mean(tf.square(y - y_))
loss_total = loss_mse + tf.add_n(tf.get_collection("losses"))

for title, loss in (("without regularization", loss_mse), ("with regularization", loss_total)):
    train_step = tf.train.AdamOptimizer(0.0001).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(STEPS):
            start = (i * BATCH_SIZE) % 300
            end = start + BATCH_SIZE
            sess.run(train_step, feed_dict={x: X[start:end], y_: Y_[start:end]})
            if i % 500 == 0:
                loss_v = sess.run(loss, feed_dict={x: X, y_: Y_})
                print("%s: after %d steps, loss is %f" % (title, i, loss_v))
        xx, yy = np.mgrid[-3:3:.01, -3:3:.01]
        grid = np.c_[xx.ravel(), yy.ravel()]
        probs = sess.run(y, feed_dict={x: grid})
        probs = probs.reshape(xx.shape)
        print("w1:\n", sess.run(w1))
        print("b2:\n", sess.run(b2))
    plt.figure()
    plt.scatter(X[:, 0], X[:, 1], c=np.squeeze(Y_c))
    plt.contour(xx, yy, probs, levels=[.5])
    path = "boundary_%s.png" % title.replace(" ", "_")
    plt.savefig(path)
    plt.close()
    print("boundary saved:", os.path.getsize(path) > 0)
