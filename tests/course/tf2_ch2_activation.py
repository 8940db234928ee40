# Chapter 2.3: the activation functions sigmoid, tanh and relu, their values and the
# gradients a GradientTape takes through them.
import autograd_mini.compat.v2 as tf

x = tf.Variable(tf.constant([-2.0, -0.5, 0.0, 0.5, 3.0]))
with tf.GradientTape(persistent=True) as tape:
    s = tf.nn.sigmoid(x)
    t = tf.math.tanh(x)
    r = tf.nn.relu(x)
    e = tf.exp(x)
    p = tf.pow(x, 3)
    q = tf.sqrt(tf.square(x) + 1.0)
for name, y in (("sigmoid", s), ("tanh", t), ("relu", r), ("exp", e), ("pow", p),
                ("sqrt", q)):
    print(name, y)
    print("d" + name, tape.gradient(y, x))
