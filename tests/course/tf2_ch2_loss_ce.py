# Chapter 2.4: cross entropy, from probabilities with tf.losses.categorical_crossentropy and
# from logits with tf.nn.softmax_cross_entropy_with_logits (they agree), and the MSE.
import numpy as np

import autograd_mini.compat.v2 as tf

loss_ce1 = tf.losses.categorical_crossentropy([1, 0], [0.6, 0.4])
loss_ce2 = tf.losses.categorical_crossentropy([1, 0], [0.8, 0.2])
print("loss_ce1:", loss_ce1)
print("loss_ce2:", loss_ce2)

y_ = np.array([[1, 0, 0], [0, 1, 0], [0, 0, 1], [1, 0, 0], [0, 1, 0]])
y = np.array([[12, 3, 2], [3, 10, 1], [1, 2, 5], [4, 6.5, 1.2], [3, 6, 1]])
y_pro = tf.nn.softmax(y)
loss_ce1 = tf.keras.losses.categorical_crossentropy(y_, y_pro)
loss_ce2 = tf.nn.softmax_cross_entropy_with_logits(y_, y)
print("step by step:\n", loss_ce1)
print("in one go:\n", loss_ce2)
print(tf.keras.losses.CategoricalCrossentropy(from_logits=True)(y_, y))
print(tf.keras.losses.CategoricalCrossentropy()(y_, y_pro))
print(tf.reduce_mean(tf.square(y_ - y_pro)))
