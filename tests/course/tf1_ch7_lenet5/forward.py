# Chapter 7: LeNet-5's forward pass. 28x28x1 images; two SAME 5x5 convolutions (32, then 64
# filters), each with bias_add, relu and a 2x2 max pool; the pooled maps flattened by
# get_shape().as_list() into a 512-unit fully connected layer (dropout while training),
# then 10 logits. Weights from truncated_normal (stddev 0.1) under the graph seed, each
# filed in the 'losses' collection as its L2 penalty.
import autograd_mini.compat.v1 as tf

IMAGE_SIZE = 28
NUM_CHANNELS = 1
CONV1_SIZE = 5
CONV1_KERNEL_NUM = 32
CONV2_SIZE = 5
CONV2_KERNEL_NUM = 64
FC_SIZE = 512
OUTPUT_NODE = 10


def get_weight(shape, regularizer):
    w = tf.Variable(tf.truncated_normal(shape, stddev=0.1))
    if regularizer is not None:
        tf.add_to_collection("losses", tf.contrib.layers.l2_regularizer(regularizer)(w))
    return w


def get_bias(shape):
    return tf.Variable(tf.zeros(shape))


def conv2d(x, w):
    return tf.nn.conv2d(x, w, strides=[1, 1, 1, 1], padding="SAME")


def max_pool_2x2(x):
    return tf.nn.max_pool(x, ksize=[1, 2, 2, 1], strides=[1, 2, 2, 1], padding="SAME")


def conv_layer(x, size, channels, kernels, regularizer):
    w = get_weight([size, size, channels, kernels], regularizer)
    b = get_bias([kernels])
    return max_pool_2x2(tf.nn.relu(tf.nn.bias_add(conv2d(x, w), b)))


def forward(x, train, regularizer):
    pool1 = conv_layer(x, CONV1_SIZE, NUM_CHANNELS, CONV1_KERNEL_NUM, regularizer)
    pool2 = conv_layer(pool1, CONV2_SIZE, CONV1_KERNEL_NUM, CONV2_KERNEL_NUM, regularizer)

    pool_shape = pool2.get_shape().as_list()
    nodes = pool_shape[1] * pool_shape[2] * pool_shape[3]
    reshaped = tf.reshape(pool2, [pool_shape[0], nodes])
    print("pool2", pool_shape, "->", reshaped.get_shape().as_list())

    fc1_w = get_weight([nodes, FC_SIZE], regularizer)
    fc1_b = get_bias([FC_SIZE])
    fc1 = tf.nn.relu(tf.matmul(reshaped, fc1_w) + fc1_b)
    if train:
        fc1 = tf.nn.dropout(fc1, 0.5)

    fc2_w = get_weight([FC_SIZE, OUTPUT_NODE], regularizer)
    fc2_b = get_bias([OUTPUT_NODE])
    return tf.matmul(fc1, fc2_w) + fc2_b
