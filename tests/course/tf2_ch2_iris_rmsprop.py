# Chapter 2.6: the iris softmax layer of chapter 1 trained with RMSProp (beta 0.9) written
# by hand with assign_sub. 2 epochs here (the course runs 500): with lr 0.1 the steps lr /
# sqrt(v), v ~ 2e-4, are large and the run is chaotic, so the last-bit differences between
# numpy's and TensorFlow's float32 kernels (present from the first step) grow past 5
# significant figures in the weights by epoch 3 and to 10% in the loss by epoch 6.
import numpy as np

import autograd_mini.compat.v2 as tf
from autograd_mini.datasets import iris

x_data, y_data = iris.load_data()

np.random.seed(116)
np.random.shuffle(x_data)
np.random.seed(116)
np.random.shuffle(y_data)
tf.random.set_seed(116)

x_train, y_train = x_data[:-30], y_data[:-30]
x_test, y_test = x_data[-30:], y_data[-30:]
x_train = tf.cast(x_train, tf.float32)
x_test = tf.cast(x_test, tf.float32)

train_db = tf.data.Dataset.from_tensor_slices((x_train, y_train)).batch(32)
test_db = tf.data.Dataset.from_tensor_slices((x_test, y_test)).batch(32)

w1 = tf.Variable(tf.random.truncated_normal([4, 3], stddev=0.1, seed=1))
b1 = tf.Variable(tf.random.truncated_normal([3], stddev=0.1, seed=1))

lr = 0.1
epochs = 2
loss_all = 0
v_w, v_b = 0, 0
beta = 0.9
for epoch in range(epochs):
    for x_batch, y_batch in train_db:
        with tf.GradientTape() as tape:
            y = tf.nn.softmax(tf.matmul(x_batch, w1) + b1)
            y_ = tf.one_hot(y_batch, depth=3)
            loss = tf.reduce_mean(tf.square(y_ - y))
            loss_all += loss.numpy()
        grads = tape.gradient(loss, [w1, b1])
        v_w = beta * v_w + (1 - beta) * tf.square(grads[0])
        v_b = beta * v_b + (1 - beta) * tf.square(grads[1])
        w1.assign_sub(lr * grads[0] / tf.sqrt(v_w))
        b1.assign_sub(lr * grads[1] / tf.sqrt(v_b))
    print(f"Epoch {epoch}, loss: {loss_all / 4}")
    loss_all = 0

    total_correct, total_number = 0, 0
    for x_batch, y_batch in test_db:
        y = tf.nn.softmax(tf.matmul(x_batch, w1) + b1)
        pred = tf.cast(tf.argmax(y, axis=1), dtype=y_batch.dtype)
        correct = tf.reduce_sum(tf.cast(tf.equal(pred, y_batch), dtype=tf.int32))
        total_correct += int(correct)
        total_number += x_batch.shape[0]
    print("Test_acc:", total_correct / total_number)
print("w1:", w1.numpy())
print("b1:", b1)
