# Chapter 5.5-5.6: the course's CNN "baseline" (p27_cifar10_baseline): a tf.keras.Model
# subclass of Conv2D, BatchNormalization, Activation, MaxPool2D and Dropout layers, trained
# with model.fit and a ModelCheckpoint (断点续训), then restored into a new model.
# CIFAR-10 cannot ship: random images of its shape stand in; 3 epochs (the course: 5),
# unshuffled (Keras shuffles with its own random numbers).
# As in TensorFlow 2.21 (Keras 3), a call(self, x) without `training` trains the batch
# norm and dropout layers in inference mode: the moving mean printed last stays 0.
import os

import numpy as np

import autograd_mini.compat.v2 as tf
from autograd_mini.compat.v2.keras import Model
from autograd_mini.compat.v2.keras.layers import (
    Activation,
    BatchNormalization,
    Conv2D,
    Dense,
    Dropout,
    Flatten,
    MaxPool2D,
)

np.random.seed(0)
x_train = np.random.randint(0, 256, (64, 32, 32, 3)).astype(np.uint8)
y_train = np.random.randint(0, 10, (64, 1))
x_test = np.random.randint(0, 256, (32, 32, 32, 3)).astype(np.uint8)
y_test = np.random.randint(0, 10, (32, 1))
x_train, x_test = x_train / 255.0, x_test / 255.0


class Baseline(Model):
    def __init__(self):
        super().__init__()
        self.c1 = Conv2D(filters=6, kernel_size=(5, 5), padding='same')
        self.b1 = BatchNormalization()
        self.a1 = Activation('relu')
        self.p1 = MaxPool2D(pool_size=(2, 2), strides=2, padding='same')
        self.d1 = Dropout(0.2)

        self.flatten = Flatten()
        self.f1 = Dense(128, activation='relu')
        self.d2 = Dropout(0.2)
        self.f2 = Dense(10, activation='softmax')

    def call(self, x):
        x = self.c1(x)
        x = self.b1(x)
        x = self.a1(x)
        x = self.p1(x)
        x = self.d1(x)

        x = self.flatten(x)
        x = self.f1(x)
        x = self.d2(x)
        y = self.f2(x)
        return y


def seeded_start(model):
    """TensorFlow's and our random initial weights differ: start both from the same."""
    model(x_train[:1])
    tf.random.set_seed(1)
    model.set_weights([tf.random.truncated_normal(w.shape, stddev=0.1).numpy()
                       if 'moving' not in v.name else w
                       for v, w in zip(model.weights, model.get_weights())])


model = Baseline()
seeded_start(model)
model.compile(optimizer='adam',
              loss=tf.keras.losses.SparseCategoricalCrossentropy(from_logits=False),
              metrics=['sparse_categorical_accuracy'])

checkpoint_save_path = "./checkpoint/Baseline.weights.h5"  # Keras 3 wants .weights.h5
if os.path.exists(checkpoint_save_path):
    print('-------------load the model-----------------')
    model.load_weights(checkpoint_save_path)

cp_callback = tf.keras.callbacks.ModelCheckpoint(filepath=checkpoint_save_path,
                                                 save_weights_only=True,
                                                 save_best_only=True)

history = model.fit(x_train, y_train, batch_size=32, epochs=3, validation_data=(x_test, y_test),
                    validation_freq=1, callbacks=[cp_callback], shuffle=False, verbose=0)
model.summary()

for key in ['loss', 'sparse_categorical_accuracy', 'val_loss',
            'val_sparse_categorical_accuracy']:
    print(key, [f"{v:.6f}" for v in history.history[key]])
for v in model.trainable_variables:
    print(v.name, v.shape)
print(os.path.exists(checkpoint_save_path))

restored = Baseline()
restored.compile(optimizer='adam', loss='sparse_categorical_crossentropy',
                 metrics=['sparse_categorical_accuracy'])
restored(x_test[:1])  # Keras 3 loads only into a built model (autograd_mini waits for it)
restored.load_weights(checkpoint_save_path)
loss, acc = restored.evaluate(x_test, y_test, verbose=0)
print(f"restored val loss {loss:.6f}, acc {acc:.4f}")
print(f"best val loss {min(history.history['val_loss']):.6f}")
print(np.argmax(restored.predict(x_test[:8], verbose=0), axis=1))
print(model.b1.moving_mean.numpy())
