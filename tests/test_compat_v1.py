"""compat.v1, TF1's define-then-run style: seed 000 ported line for line, sessions, plans,
gradients, optimizers and the node attributes drawings read.

The eager reference for seed 000 is the same net written with ``Variable``, ``Tape`` and
``autograd_mini.optim``; the graph version must print the same table.
"""

from __future__ import annotations

import time

import numpy as np
import pytest
import seed000 as S

import autograd_mini as am
import autograd_mini.compat.v1 as tf
from autograd_mini import optim
from autograd_mini.cli import load_demo
from autograd_mini.compat.v1.graph import _STACK

X32 = S.X.astype(np.float32)
Y32 = np.array(S.Y_, dtype=np.float32)
EAGER_OPTIMIZERS = {
    "gd": lambda: optim.SGD(lr=S.LR),
    "momentum": lambda: optim.Momentum(lr=S.LR, momentum=0.9),
    "adam": lambda: optim.Adam(lr=S.LR),
}


@pytest.fixture(autouse=True)
def graph():
    """Every test builds in its own graph."""
    with tf.Graph().as_default() as g:
        yield g


def eager_seed_000(optimizer: str):
    """Seed 000 on the eager engine: the %g table and the final weights."""
    w1, w2 = am.Variable(S.W1), am.Variable(S.W2)
    opt = EAGER_OPTIMIZERS[optimizer]()

    def loss_mse(x, y_):
        return am.mean(am.square(am.matmul(am.matmul(x, w1), w2) - y_))

    table = []
    for i in range(S.STEPS):
        rows = S.batch(i)
        with am.Tape() as tape:
            loss = loss_mse(am.Tensor(X32[rows]), am.Tensor(Y32[rows]))
        opt.apply_gradients(zip(tape.gradient(loss, [w1, w2]), [w1, w2]))
        if i % S.REPORT_EVERY == 0:
            with am.no_grad():
                table.append("%g" % loss_mse(am.Tensor(X32), am.Tensor(Y32)).item())  # noqa: UP031
    return table, w1.numpy(), w2.numpy()


def seed_net(make_optimizer=lambda: tf.train.GradientDescentOptimizer(0.001)):
    """The seed's graph: placeholders, variables, loss and train op."""
    x = tf.placeholder(tf.float32, shape=(None, 2))
    y_ = tf.placeholder(tf.float32, shape=(None, 1))
    w1 = tf.Variable(tf.random_normal([2, 3], stddev=1, seed=1))
    w2 = tf.Variable(tf.random_normal([3, 1], stddev=1, seed=1))
    y = tf.matmul(tf.matmul(x, w1), w2)
    loss = tf.reduce_mean(tf.square(y - y_))
    return x, y_, w1, w2, loss, make_optimizer().minimize(loss)


# ----- seed 000 -----------------------------------------------------------------------------


def test_seed_000_in_graph_style_prints_the_seeds_table_and_final_weights():
    losses, w1, w2 = load_demo("tf1_net_graph").run("gd", show=lambda *a: None)
    assert losses == S.TABLE
    np.testing.assert_allclose(w1, S.W1_FINAL, atol=1e-6, rtol=0)
    np.testing.assert_allclose(w2, S.W2_FINAL, atol=1e-6, rtol=0)


@pytest.mark.parametrize("optimizer", ["gd", "momentum", "adam"])
def test_seed_000_in_graph_style_prints_the_same_table_as_the_eager_engine(optimizer):
    losses, w1, w2 = load_demo("tf1_net_graph").run(optimizer, show=lambda *a: None)
    table, e1, e2 = eager_seed_000(optimizer)
    assert losses == table
    np.testing.assert_allclose(w1, e1, atol=1e-6, rtol=0)
    np.testing.assert_allclose(w2, e2, atol=1e-6, rtol=0)


def test_random_normal_with_seed_draws_the_numbers_tensorflow_1_printed():
    with tf.Session() as sess:
        w1 = sess.run(tf.random_normal([2, 3], stddev=1, seed=1))
        w2 = sess.run(tf.random_normal([3, 1], stddev=1, seed=1))
    assert np.array_equal(w1, S.W1) and np.array_equal(w2, S.W2)


def test_graph_demo_main_reports_a_match_with_the_seed(capsys):
    assert load_demo("tf1_net_graph").main([]) == 0
    out = capsys.readouterr().out
    assert "After 2500 training step(s), loss_mse on all data is 0.390597" in out
    assert "matches seed 000: yes" in out


# ----- sessions and plans -------------------------------------------------------------------


def test_run_returns_values_in_the_structure_of_the_fetches():
    a = tf.constant([1.0, 2.0])
    b = a * 3
    op = tf.group(b)
    with tf.Session() as sess:
        got = sess.run({"pair": (a, b), "list": [b, op]})
    assert np.array_equal(got["pair"][1], [3.0, 6.0]) and isinstance(got["pair"], tuple)
    assert got["list"][1] is None and np.array_equal(got["list"][0], [3.0, 6.0])


def test_scalar_fetch_is_a_numpy_scalar_of_the_graph_dtype():
    with tf.Session() as sess:
        loss = sess.run(tf.reduce_mean(tf.constant([1.0, 2.0])))
    assert isinstance(loss, np.float32) and loss == 1.5


def test_run_replays_one_plan_per_fetches_and_fed_placeholders():
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for i in range(5):
            sess.run(train, feed_dict={x: X32[S.batch(i)], y_: Y32[S.batch(i)]})
            sess.run(loss, feed_dict={x: X32, y_: Y32})
        assert len(sess._plans) == 3  # init, train, loss


def test_graph_is_reevaluated_for_every_new_feed():
    x = tf.placeholder(tf.float32, shape=(None,))
    total = tf.reduce_sum(x * x)
    with tf.Session() as sess:
        assert sess.run(total, {x: [1, 2]}) == 5.0
        assert sess.run(total, {x: [3]}) == 9.0


def test_fed_values_take_the_placeholder_dtype():
    x = tf.placeholder(tf.float64, shape=(2,))
    with tf.Session() as sess:
        assert sess.run(x * 1, {x: [1, 2]}).dtype == np.float64


def test_fetched_arrays_are_copies_that_later_training_does_not_change():
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        before = sess.run(w1)
        sess.run(train, feed_dict={x: X32[:8], y_: Y32[:8]})
        assert np.array_equal(before, S.W1) and not np.array_equal(sess.run(w1), S.W1)


def test_each_session_keeps_its_own_variable_values():
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as trained, tf.Session() as fresh:
        for sess in (trained, fresh):
            sess.run(tf.global_variables_initializer())
        trained.run(train, feed_dict={x: X32[:8], y_: Y32[:8]})
        assert np.array_equal(fresh.run(w1), S.W1)
        assert not np.array_equal(trained.run(w1), S.W1)


def test_global_initializer_restarts_variables_and_optimizer_slots():
    w1 = tf.Variable(S.W1)  # a constant start (random_normal would draw anew: as in TF1)
    x = tf.placeholder(tf.float32, shape=(None, 2))
    train = tf.train.MomentumOptimizer(0.1, 0.9).minimize(tf.reduce_sum(tf.matmul(x, w1)))
    feed = {x: X32[:8]}
    with tf.Session() as sess:
        init = tf.global_variables_initializer()
        sess.run(init)
        sess.run(train, feed)
        first = sess.run(w1)
        sess.run(train, feed)
        sess.run(init)  # back to the start, momentum forgotten
        sess.run(train, feed)
        assert np.array_equal(sess.run(w1), first)


def test_random_tensor_continues_its_stream_each_run_and_restarts_in_a_new_session():
    r = tf.random_uniform([3], seed=7)
    with tf.Session() as sess:
        first, second = sess.run(r), sess.run(r)
    with tf.Session() as sess:
        again = sess.run(r)
    assert not np.array_equal(first, second) and np.array_equal(first, again)
    assert np.all((first >= 0) & (first < 1))


def test_eval_and_run_use_the_default_session():
    v = tf.Variable([1.0, 2.0])
    with tf.Session():
        v.initializer.run()
        assert np.array_equal((v * 2).eval(), [2.0, 4.0])


def test_interactive_session_is_the_default_until_closed():
    c = tf.constant(3.0)
    sess = tf.InteractiveSession()
    try:
        assert tf.get_default_session() is sess and c.eval() == 3.0
    finally:
        sess.close()
    assert tf.get_default_session() is not sess


def test_as_default_makes_a_graph_the_default_inside_the_block(graph):
    assert tf.get_default_graph() is graph
    inner = tf.Graph()
    with inner.as_default():
        assert tf.constant(1.0).graph is inner
    assert tf.get_default_graph() is graph


def test_reset_default_graph_replaces_the_global_graph():
    token = _STACK.set(())  # step outside the fixture's `with graph.as_default()`
    try:
        before = tf.get_default_graph()
        tf.reset_default_graph()
        assert tf.get_default_graph() is not before
    finally:
        _STACK.reset(token)


# ----- building: shapes, names, what drawings read ------------------------------------------


def test_ops_infer_static_shapes_with_none_for_fed_sizes():
    x = tf.placeholder(tf.float32, shape=(None, 2))
    h = tf.nn.relu(tf.matmul(x, tf.Variable(tf.zeros([2, 3]))))
    assert h.shape == (None, 3) and tf.reduce_mean(h).shape == ()
    assert tf.reduce_sum(h, axis=0).shape == (3,)


def test_graph_nodes_carry_the_attributes_eager_nodes_have():
    x, y_, w1, w2, loss, train = seed_net()
    assert loss.op == "mean" and loss.parents[0].op == "square"
    assert x.parents == () and x.op == "" and not x.requires_grad and w1.requires_grad
    assert train.parents[-2:] == (w1, w2) and loss.data is None
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        value = sess.run(loss, {x: X32, y_: Y32})
        assert loss.data == value and x.data.shape == (32, 2)  # the last value computed
        sess.run(train, {x: X32[:8], y_: Y32[:8]})
    assert x.data.shape == (8, 2) and w1.grad.shape == (2, 3)  # ... and gradient


def test_after_a_train_run_nodes_show_the_values_that_run_used():
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: X32[:8], y_: Y32[:8]})
        assert np.array_equal(w1.data, S.W1)  # what the forward and the drawing used ...
        assert not np.array_equal(sess.run(w1), S.W1)  # ... not the updated weights


def test_names_are_made_unique_as_tensorflow_does():
    a, b = tf.placeholder(tf.float32, name="x"), tf.placeholder(tf.float32, name="x")
    assert (a.name, b.name) == ("x", "x_1")
    assert tf.square(a, name="sq").name == "sq"
    assert tf.get_default_graph().get_element("x_1:0") is b


# ----- gradients ----------------------------------------------------------------------------


def test_gradients_match_the_eager_tape_with_broadcasting():
    rng = np.random.default_rng(0)
    xv, wv, bv = rng.normal(size=(4, 3)), rng.normal(size=(3, 2)), rng.normal(size=(2,))
    x = tf.placeholder(tf.float64, shape=(None, 3))
    w, b = tf.Variable(wv), tf.Variable(bv)
    loss = tf.reduce_sum(tf.nn.softmax(tf.sigmoid(tf.matmul(x, w) + b)) * tf.log(1 + tf.exp(w[0])))
    gw, gb = tf.gradients(loss, [w, b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got = sess.run([gw, gb], {x: xv})
    ew, eb = am.Variable(wv), am.Variable(bv)
    with am.Tape() as tape:
        e = am.sum(am.softmax(am.sigmoid(am.matmul(am.Tensor(xv), ew) + eb))
                   * am.log(1 + am.exp(ew[0])))
    want = tape.gradient(e, [ew, eb])
    np.testing.assert_allclose(got[0], want[0].numpy(), rtol=1e-12)
    np.testing.assert_allclose(got[1], want[1].numpy(), rtol=1e-12)


def test_gradients_reach_placeholders_and_give_none_for_unconnected_sources():
    x = tf.placeholder(tf.float32, shape=(2,))
    unused = tf.Variable(1.0)
    gx, gu = tf.gradients(tf.reduce_sum(tf.square(x)), [x, unused])
    with tf.Session() as sess:
        assert np.array_equal(sess.run(gx, {x: [1, 3]}), [2, 6])
    assert gu is None


def test_grad_ys_replace_the_seed_of_ones():
    x = tf.placeholder(tf.float32, shape=(2,))
    seed = tf.placeholder(tf.float32, shape=(2,))
    (g,) = tf.gradients(x * 3, x, grad_ys=seed)
    with tf.Session() as sess:
        assert np.array_equal(sess.run(g, {x: [1, 1], seed: [1, 10]}), [3, 30])


def test_gradient_tensors_compose_with_ops_like_any_tensor():
    w = tf.Variable([1.0, -2.0])
    (g,) = tf.gradients(tf.reduce_sum(w * w), w)
    step = w - 0.25 * g  # a hand-written update rule, evaluated like any tensor
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert np.array_equal(sess.run(step), [0.5, -1.0])


GRAPH_VS_EAGER = {  # TF1 function on a graph tensor -> the same thing on an eager Tensor
    "square": (tf.square, am.square), "exp": (tf.exp, am.exp), "tanh": (tf.tanh, am.tanh),
    "log": (lambda t: tf.log(tf.abs(t) + 1), lambda t: am.log(am.abs(t) + 1)),
    "sqrt": (lambda t: tf.sqrt(t * t + 1), lambda t: am.sqrt(t * t + 1)),
    "sigmoid": (tf.nn.sigmoid, am.sigmoid), "relu": (tf.nn.relu, am.relu),
    "softmax": (tf.nn.softmax, am.softmax),
    "log_softmax": (lambda t: tf.nn.log_softmax(t, axis=0), lambda t: am.log_softmax(t, 0)),
    "negative": (tf.negative, lambda t: -t),
    "divide": (lambda t: tf.divide(t, tf.abs(t) + 2), lambda t: t / (am.abs(t) + 2)),
    "maximum": (lambda t: tf.maximum(t, 0.1), lambda t: am.maximum(t, 0.1)),
    "clip_by_value": (lambda t: tf.clip_by_value(t, -0.5, 0.5), lambda t: am.clip(t, -0.5, 0.5)),
    "reduce_sum axis 0": (lambda t: tf.reduce_sum(t, axis=0), lambda t: am.sum(t, axis=0)),
    "reduce_mean keep_dims": (lambda t: tf.reduce_mean(t, reduction_indices=[1], keep_dims=True),
                              lambda t: am.mean(t, axis=(1,), keepdims=True)),
    "reduce_max": (tf.reduce_max, am.max), "reduce_min": (tf.reduce_min, am.min),
    "transpose": (lambda t: tf.transpose(t) * [1.0, 2.0], lambda t: t.T * [1.0, 2.0]),
    "reshape": (lambda t: tf.reshape(t, [-1]) * np.arange(6.0),
                lambda t: am.reshape(t, (-1,)) * np.arange(6.0)),
    "matmul transpose_b": (lambda t: tf.matmul(t, t, transpose_b=True),
                           lambda t: am.matmul(t, t.T)),
    "slice": (lambda t: t[:, 1:] * 3, lambda t: t[:, 1:] * 3),
}


@pytest.mark.parametrize("name", sorted(GRAPH_VS_EAGER))
def test_graph_function_gives_the_eager_value_and_gradient(name):
    graph_fn, eager_fn = GRAPH_VS_EAGER[name]
    value = np.random.default_rng(3).normal(size=(2, 3))
    upstream = np.random.default_rng(4).normal(size=np.shape(eager_fn(am.Tensor(value)).data))
    w = tf.Variable(value)
    out = graph_fn(w)
    (g,) = tf.gradients(out, w, grad_ys=tf.constant(upstream))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_value, got_grad = sess.run([out, g])
    ew = am.Variable(value)
    with am.Tape() as tape:
        eout = eager_fn(ew)
    want_grad = tape.gradient(eout, ew, output_gradients=upstream)
    np.testing.assert_allclose(got_value, eout.numpy(), rtol=1e-12)
    np.testing.assert_allclose(got_grad, want_grad.numpy(), rtol=1e-12)
    assert out.shape == eout.shape  # the static shape inferred when building


# ----- optimizers ---------------------------------------------------------------------------


def test_learning_rate_may_be_a_fed_placeholder_and_global_step_counts_updates():
    w = tf.Variable([1.0])
    lr = tf.placeholder(tf.float32, shape=())
    step = tf.Variable(0.0, trainable=False)
    train = tf.train.GradientDescentOptimizer(lr).minimize(tf.reduce_sum(w * w), global_step=step)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {lr: 0.25})
        sess.run(train, {lr: 0.0})
        assert sess.run(w)[0] == 0.5 and sess.run(step) == 2


def test_minimize_trains_only_var_list():
    a, b = tf.Variable(1.0), tf.Variable(1.0)
    train = tf.train.AdamOptimizer(0.1).minimize(a * b, var_list=[a])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train)
        assert sess.run(a) < 1.0 and sess.run(b) == 1.0


@pytest.mark.filterwarnings("ignore:invalid value:RuntimeWarning")
def test_detect_anomaly_names_the_graph_node_that_made_a_nan():
    x = tf.placeholder(tf.float32, shape=(1,))
    y = tf.log(x, name="logx")
    with tf.Session() as sess, am.detect_anomaly(), pytest.raises(am.AnomalyError, match="logx"):
        sess.run(y, {x: [-1.0]})


# ----- performance (measured, never asserted) -----------------------------------------------


def measure_w4(steps: int = S.STEPS, rounds: int = 5) -> float:
    """Benchmark W4: 3000 seed-000 training steps through ``sess.run`` against hand-written
    numpy doing the same forward, backward and update; sides alternate, best round each.
    Returns the time ratio (graph / numpy). Run it by hand: it asserts nothing."""
    x, y_, w1, w2, loss, train = seed_net()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    W1, W2 = S.W1.copy(), S.W2.copy()
    lr, half = np.float32(S.LR), np.float32(2.0 / S.BATCH_SIZE)

    def graph_steps():
        for i in range(steps):
            start = (i * 8) % 32
            sess.run(train, feed_dict={x: S.X[start:start + 8], y_: S.Y_[start:start + 8]})

    def numpy_steps():
        for i in range(steps):
            start = (i * 8) % 32
            xb = np.asarray(S.X[start:start + 8], np.float32)
            yb = np.asarray(S.Y_[start:start + 8], np.float32)
            a = xb @ W1
            d = a @ W2 - yb
            np.mean(np.square(d))  # the loss: the graph computes it too
            g = d * half
            ga = g @ W2.T
            W2[...] = W2 - lr * (a.T @ g)
            W1[...] = W1 - lr * (xb.T @ ga)

    best = {graph_steps: float("inf"), numpy_steps: float("inf")}
    for _ in range(rounds):
        for fn in best:
            t = time.process_time()
            fn()
            best[fn] = min(best[fn], time.process_time() - t)
    sess.close()
    return best[graph_steps] / best[numpy_steps]


if __name__ == "__main__":
    print(f"W4: sess.run(train_step) x {S.STEPS} / hand-written numpy = {measure_w4():.2f}")


def test_a_graph_tensor_prints_as_tf1_prints_it():
    # what the course's tf3_1.py and tf3_2.py print under TensorFlow 1.x
    with tf.Graph().as_default():
        a, b = tf.constant([1.0, 2.0]), tf.constant([3.0, 4.0])
        assert str(a + b) == 'Tensor("add:0", shape=(2,), dtype=float32)'
        y = tf.matmul(tf.constant([[1.0, 2.0]]), tf.constant([[3.0], [4.0]]))
        assert str(y) == 'Tensor("MatMul:0", shape=(1, 1), dtype=float32)'
        x = tf.placeholder(tf.float32, shape=(None, 2))
        assert str(x) == 'Tensor("Placeholder:0", shape=(?, 2), dtype=float32)'
        w = tf.Variable(np.ones((2, 3), np.float32))
        assert str(tf.matmul(x, w)) == 'Tensor("MatMul_1:0", shape=(?, 3), dtype=float32)'
        hits = tf.equal(tf.argmax(x, 1), tf.argmax(x, 1))
        assert str(hits) == 'Tensor("Equal:0", shape=(?,), dtype=bool)'
        assert str(tf.cast(hits, tf.float32)).startswith('Tensor("Cast:0"')
        assert hits.parents[0].name == "ArgMax" and hits.parents[1].name == "ArgMax_1"


def test_repr_unknown_ranks_and_variables_as_tf1_shows_them():
    # TensorFlow 2.21's tf.compat.v1 with v2 behaviour disabled
    with tf.Graph().as_default():
        a = tf.constant([1.0, 2.0])
        x = tf.placeholder(tf.float32, shape=(None, 2))
        anything = tf.placeholder(tf.float32)
        v = tf.Variable(tf.zeros([2, 3]))
        assert repr(x) == "<tf.Tensor 'Placeholder:0' shape=(?, 2) dtype=float32>"
        assert str(anything) == 'Tensor("Placeholder_1:0", dtype=float32)'
        assert repr(anything) == "<tf.Tensor 'Placeholder_1:0' shape=<unknown> dtype=float32>"
        assert str(tf.reduce_sum(a)).endswith(':0", shape=(), dtype=float32)')
        assert str(tf.argmax(x, 1)).endswith(':0", shape=(?,), dtype=int64)')
        assert str(v) == repr(v) == "<tf.Variable 'Variable:0' shape=(2, 3) dtype=float32_ref>"


def test_arg_max_and_arg_min_are_tf1s_older_argmax_and_argmin():
    # the course's MNIST programs written against TF 1.4 call tf.arg_max(y_, 1)
    with tf.Graph().as_default():
        x = tf.constant([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]])
        with tf.Session() as sess:
            got = sess.run([tf.arg_max(x, 1), tf.arg_min(x, 0), tf.arg_max(x, dimension=0)])
    assert [g.tolist() for g in got] == [[1, 0], [0, 1, 0], [1, 0, 1]]
    assert got[0].dtype == np.int64
