# Chapter 3.1-3.3: the "six steps" with tf.keras: import, data, Sequential, compile, fit,
# summary, on iris (the course's p8_iris_sequential / p11_iris_class). 100 epochs here
# (the course: 500). The course starts from Keras's random weights; so that TensorFlow and
# autograd_mini start alike, the weights are set from seeded truncated_normal draws, and
# the batches are not shuffled (Keras shuffles with its own random numbers).
import numpy as np

import autograd_mini.compat.v2 as tf
from autograd_mini.datasets import iris

x_train, y_train = iris.load_data()

np.random.seed(116)
np.random.shuffle(x_train)
np.random.seed(116)
np.random.shuffle(y_train)
tf.random.set_seed(116)

model = tf.keras.models.Sequential([
    tf.keras.layers.Dense(3, activation='softmax', kernel_regularizer=tf.keras.regularizers.l2())
])
model(x_train[:1])  # the weights are made on the first call
model.set_weights([tf.random.truncated_normal([4, 3], stddev=0.1, seed=1).numpy(),
                   tf.random.truncated_normal([3], stddev=0.1, seed=1).numpy()])

model.compile(optimizer=tf.keras.optimizers.SGD(learning_rate=0.1),
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False),
              metrics=['sparse_categorical_accuracy'])

history = model.fit(x_train, y_train, batch_size=32, epochs=100, validation_split=0.2,
                    validation_freq=20, shuffle=False, verbose=0)  # Keras's shuffling is its own

h = history.history
for i, epoch in enumerate(range(19, 100, 20)):  # validated every 20 epochs
    print(f"epoch {epoch + 1}: loss {h['loss'][epoch]:.6f} "
          f"acc {h['sparse_categorical_accuracy'][epoch]:.4f} val_loss {h['val_loss'][i]:.6f} "
          f"val_acc {h['val_sparse_categorical_accuracy'][i]:.4f}")
print(sorted(history.history))

model.summary()
print(model.trainable_variables[0].numpy())
print(model.predict(x_train[:3], verbose=0))
