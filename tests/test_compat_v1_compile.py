"""compat.v1 plans compiled to straight-line Python: the source, its numbers, its errors, and
the node values drawings read from the last run."""

from __future__ import annotations

import traceback
from pathlib import Path

import numpy as np
import pytest
import seed000 as S

import autograd_mini as am
import autograd_mini.compat.v1 as tf
from autograd_mini.errors import ShapeError
from autograd_mini.ops.registry import OPS, op
from benchmarks import w4_seed000 as w4

X32 = S.X.astype(np.float32)
Y32 = np.array(S.Y_, dtype=np.float32)


@pytest.fixture(autouse=True)
def graph():
    with tf.Graph().as_default() as g:
        yield g


def seed_net(optimizer=None):
    x = tf.placeholder(tf.float32, shape=(None, 2), name="x")
    y_ = tf.placeholder(tf.float32, shape=(None, 1), name="y_")
    w1, w2 = tf.Variable(S.W1, name="w1"), tf.Variable(S.W2, name="w2")
    y = tf.matmul(tf.matmul(x, w1), w2)
    loss = tf.reduce_mean(tf.square(y - y_), name="loss")
    train = (optimizer or tf.train.GradientDescentOptimizer(0.001)).minimize(loss)
    return x, y_, w1, w2, loss, train


# ----- the source ---------------------------------------------------------------------------


def test_plan_source_has_a_line_per_feed_forward_vjp_and_update():
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        source = sess.plan_source(train, {x: X32, y_: Y32})
        assert sess.plan_source(train, [x, y_]) == source  # the placeholders alone will do
    assert source.startswith("def run(x, y_):")
    for line in ("x = asarray(x, float32)", "if x.ndim != 2 or x.shape[1] != 2: raise misfit",
                 "w1 = variables[tf_w1].data", "square = square_forward(sub)",
                 "loss = None  # only seeds gradients",
                 "d_square = mean_vjp0(d_loss, None, square, axis=None, keepdims=False)",
                 "d_w2 = matmul_vjp1(d_matmul_1, None, matmul, w2)",
                 "GradientDescent([gradients_w1_grad, gradients_w2_grad])"):
        assert line in source
    assert "matmul_vjp0(d_matmul, " not in source  # no gradient for the fed x
    compile(source, "<plan>", "exec")


def test_the_fast_variant_writes_each_ops_own_arithmetic_and_keeps_its_numbers():
    """After a first run the plan is rewritten for the shapes fed: a forward or VJP is the
    expression the op computes (``matmul.T @ d_matmul_1``), not a call through the op, and
    the weights it trains are those of the general plan to the bit."""
    x, y_, w1, w2, loss, train = seed_net()
    trained = []
    for fast in (True, False):
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            sess.run(train, feed_dict={x: X32[:8], y_: Y32[:8]})
            source = sess.plan_source(train, [x, y_], fast=True)
            if not fast:  # the general plan again, every step
                plan = sess._plan(train, (x, y_))
                plan._fn = plan._general
            for i in range(1, 20):
                sess.run(train, feed_dict={x: X32[i % 4 * 8:][:8], y_: Y32[i % 4 * 8:][:8]})
            trained.append(sess.run([w1, w2]))
        if fast:
            assert "d_w2 = matmul.T @ d_matmul_1" in source and "matmul_vjp" not in source
            assert "matmul = x @ w1" in source
            # the loss's seed is the same every run: worked out once, as compiled steps do;
            # the gradients its first run had need no `if d_... is not None:` around them
            assert "# d_square_2 = d_square * 2  (the same every call: worked out once)" \
                in source and "d_sub = d_square_2 * sub" in source
            lines = [line.strip() for line in source.splitlines()]
            assert "is not None:" not in source
            assert not [line for line in lines if line.startswith("d_") and line.endswith(" None")]
    for a, b in zip(*trained):
        np.testing.assert_array_equal(a, b)


def test_a_gradient_worked_out_once_is_fetched_as_a_copy_and_drawn_as_it_was():
    """A gradient that is the same every run is one shared read-only array in the fast
    variant: a fetch of it is the caller's own copy, and drawings show its numbers."""
    x = tf.placeholder(tf.float32, shape=(None, 2), name="x")
    w = tf.Variable(np.ones((2, 1), np.float32), name="w")
    sq = tf.square(tf.matmul(x, w), name="sq")
    loss = tf.reduce_mean(sq)
    (d_sq,) = tf.gradients(loss, [sq])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):  # the general function, then the fast variant twice
            got = sess.run(d_sq, {x: np.ones((4, 2), np.float32)})
            np.testing.assert_array_equal(got, np.full((4, 1), 0.25, np.float32))
            assert got.flags.writeable
            got[...] = 7.0  # the caller's copy: the next run is not changed by this
        assert "the same every call: worked out once" in sess.plan_source(d_sq, [x], fast=True)
        np.testing.assert_array_equal(sq.grad, np.full((4, 1), 0.25, np.float32))


def test_a_train_step_alone_does_not_compute_its_loss_as_in_tf1():
    # the loss only seeds the gradients and mean's VJP does not read it: not computed,
    # unless it is fetched; drawings keep the loss of the last run that computed it
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert "mean_forward" not in sess.plan_source(train, [x, y_])
        assert "loss = mean_forward" in sess.plan_source([train, loss], [x, y_])
        sess.run(train, feed_dict={x: X32, y_: Y32})
        assert "loss = mean  not computed yet  grad 1" in am.viz.to_text(loss)
        sess.run(tf.global_variables_initializer())  # start again from the seed's weights
        first = sess.run(loss, feed_dict={x: X32, y_: Y32})
        sess.run(train, feed_dict={x: X32, y_: Y32})
        assert loss.data == first and loss.grad == 1.0  # shown: the last computed loss
        _, before = sess.run([train, loss], feed_dict={x: X32, y_: Y32})
        after = sess.run(loss, feed_dict={x: X32, y_: Y32})
    ws = [am.Variable(np.array(w, np.float32)) for w in (S.W1, S.W2)]
    losses = []
    for _ in range(3):  # the same two steps, eagerly
        eager = am.mean(am.square(am.Tensor(X32) @ ws[0] @ ws[1] - am.Tensor(Y32)))
        eager.backward()
        losses.append(eager.item())
        for w in ws:
            w.data, w.grad = w.data - 0.001 * w.grad, None
    np.testing.assert_allclose([first, before, after], losses, rtol=1e-6)
    assert after < before < first


def test_plan_source_returns_the_source_and_the_docs_say_so(capsys):
    from autograd_mini.compat.v1 import session

    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        assert sess.plan_source(train, [x, y_]).startswith("def run(")
    assert capsys.readouterr().out == ""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    for text in (readme, session.__doc__):
        assert "plan_source`` prints" not in text and "plan_source` prints" not in text
        assert "returns" in text[text.index("plan_source"):][:120]


def test_plan_source_writes_the_fetches_in_their_structure():
    a = tf.constant([1.0, 2.0], name="a")
    b = tf.multiply(a, 3.0, name="b")
    with tf.Session() as sess:
        source = sess.plan_source({"pair": (a, b), "one": (b,)})
        assert "fetched = {'pair': (result(a), result(b)), 'one': (result(b),)}" in source
        assert sess.run({"pair": (a, b), "one": (b,)})["one"][0][1] == 6.0


# ----- the numbers --------------------------------------------------------------------------


def test_compiled_train_steps_match_hand_written_numpy():
    X, Y = w4.dataset()
    ref = w4.init_params()
    w4.numpy_train(ref, X, Y, 100)
    x = tf.placeholder(tf.float32, shape=(None, 2))
    y_ = tf.placeholder(tf.float32, shape=(None, 1))
    w1, w2 = (tf.Variable(p) for p in w4.init_params())
    loss = tf.reduce_mean(tf.square(tf.matmul(tf.matmul(x, w1), w2) - y_))
    train = tf.train.GradientDescentOptimizer(w4.LR).minimize(loss)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for xb, yb in w4._batches(100, X, Y):
            sess.run(train, {x: xb, y_: yb})
        got = sess.run([w1, w2])
    for a, b in zip(got, ref):
        np.testing.assert_allclose(a, b, atol=1e-6, rtol=0)


def test_gradients_add_up_over_fan_out_repeated_ys_and_broadcasting():
    wv, bv = np.array([[1.0, -2.0, 0.5]]), np.array([0.25])
    w, b = tf.Variable(wv), tf.Variable(bv)
    y = w * w + w * b  # w used three times, b broadcast over w's columns
    gw, gb = tf.gradients([y, y], [w, b])  # the same y twice: its seed counts twice
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        got_w, got_b = sess.run([gw, gb])
    ew, eb = am.Variable(wv), am.Variable(bv)
    with am.Tape() as tape:
        e = 2 * am.sum(ew * ew + ew * eb)
    want_w, want_b = tape.gradient(e, [ew, eb])
    np.testing.assert_allclose(got_w, want_w.numpy())
    np.testing.assert_allclose(got_b, want_b.numpy())


@pytest.fixture
def custom_op():
    """An op for this test only (removed from the registry afterwards)."""
    made = []

    def make(name, forward, *vjps):
        fn = op(forward, name=name)
        fn.defvjp(*vjps)
        made.append(fn.spec.name)
        return fn

    yield make
    for name in made:
        OPS.pop(name, None)


def test_a_vjp_that_returns_none_gives_no_gradient(custom_op):
    stop = custom_op("test_stop", lambda x: x * 1.0, lambda g, out, x: None)
    w = tf.Variable([1.0, 2.0])
    g_stopped, g_direct = tf.gradients(tf.reduce_sum(stop(w)) + tf.reduce_sum(w), [w, w])
    (g_none,) = tf.gradients(tf.reduce_sum(stop(w)), w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):  # the general function, then the fast variant (guards kept)
            assert np.array_equal(sess.run(g_stopped), [1.0, 1.0])
            assert np.array_equal(sess.run(g_none), [0.0, 0.0])  # no gradient reached w


def test_an_error_inside_a_vjp_passes_through_with_the_plans_line_in_the_traceback(custom_op):
    def broken(g, out, x):
        raise RuntimeError("broken vjp")

    boom = custom_op("test_boom", lambda x: x + 0.0, broken)
    w = tf.Variable([1.0], name="w")
    (g,) = tf.gradients(tf.reduce_sum(boom(w)), w)
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        with pytest.raises(RuntimeError, match="broken vjp") as info:
            sess.run(g)
    shown = "".join(traceback.format_exception(info.value))
    assert "d_w = test_boom_vjp0(d_test_boom, test_boom, w)" in shown  # the plan's own line


# ----- errors -------------------------------------------------------------------------------


def test_a_failing_forward_names_op_and_node_and_leaves_the_last_values_shown():
    a = tf.placeholder(tf.float32, shape=(None, 2), name="a")
    b = tf.placeholder(tf.float32, shape=(None, 2), name="b")
    total = tf.reduce_sum(tf.add(a, b, name="both"))
    with tf.Session() as sess:
        sess.run(total, {a: np.ones((3, 2)), b: np.ones((3, 2))})
        with pytest.raises(ShapeError, match=r"add: .*\(3, 2\), \(4, 2\).*\(at 'both'\)"):
            sess.run(total, {a: np.ones((3, 2)), b: np.ones((4, 2))})
    assert b.data.shape == (3, 2) and total.data == 12.0  # the last run that finished


def test_anomaly_mode_checks_values_and_plain_runs_do_not():
    x = tf.placeholder(tf.float32, shape=(1,))
    y = tf.sqrt(x, name="root")
    with tf.Session() as sess, np.errstate(invalid="ignore"):
        assert np.isnan(sess.run(y, {x: [-1.0]})[0])
        with am.detect_anomaly(), pytest.raises(am.AnomalyError, match="'root'"):
            sess.run(y, {x: [-1.0]})
        assert sess.run(y, {x: [4.0]})[0] == 2.0


# ----- what drawings read -------------------------------------------------------------------


def test_nodes_show_the_latest_run_that_computed_them_across_plans():
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: X32[:8], y_: Y32[:8]})
        grad_after_train = w1.grad
        assert x.data.shape == (8, 2) and grad_after_train.shape == (2, 3)
        full = sess.run(loss, {x: X32, y_: Y32})  # another plan: no gradients in it
        assert x.data.shape == (32, 2) and loss.data == full
        assert w1.grad is grad_after_train  # still the train run's gradient
        sess.run(train, {x: X32[8:16], y_: Y32[8:16]})
        assert np.array_equal(x.data, X32[8:16]) and w1.grad is not grad_after_train
    assert x.data.shape == (8, 2)  # a closed session's last values stay with the nodes


def test_setting_data_or_zeroing_grad_by_hand_sticks():
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: X32[:8], y_: Y32[:8]})
        w1.zero_grad()
        loss.data = np.float32(0.5)
        assert w1.grad is None and loss.data == 0.5
        assert w2.grad.shape == (3, 1)  # the other nodes keep the run's values


def test_a_constants_value_cannot_change_under_a_compiled_plan():
    """Plans bind a constant's array when they compile (the fast variant after the first
    run): a new value would reach some runs and not others, so it is refused, as in TF1."""
    x = tf.placeholder(tf.float32, shape=(None,), name="x")
    c = tf.constant([3.0, 4.0], name="c")
    y = x * c
    with tf.Session() as sess:
        sess.plan_source(y, [x])  # the general function, compiled before any run
        with pytest.raises(TypeError, match="constant 'c': a constant's value cannot change"):
            c.data = np.array([30.0, 40.0], np.float32)
        with pytest.raises(ValueError, match="read-only"):
            c.data[0] = 30.0
        runs = [sess.run(y, {x: np.ones(2, np.float32)}) for _ in range(3)]
    for r in runs:
        np.testing.assert_array_equal(r, [3.0, 4.0])


# ----- the variant for the shapes first fed -------------------------------------------------


def test_the_fast_variant_drops_only_checks_that_found_nothing_to_do():
    x = tf.placeholder(tf.float64, shape=(None, 2), name="x")
    w, b = tf.Variable(np.ones((2, 3)), name="w"), tf.Variable(np.zeros(3), name="b")
    loss = tf.reduce_sum(tf.square(tf.matmul(x, w) + b), name="loss")
    gw, gb = tf.gradients(loss, [w, b])
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        assert sess.plan_source([gw, gb], [x], fast=True) is None  # not run yet
        sess.run([gw, gb], {x: np.ones((4, 2))})
        fast = sess.plan_source([gw, gb], [x], fast=True)
        assert "if x.shape != (4, 2): return general(x)" in fast and "misfit" not in fast
        assert "fit(c, matmul" not in fast and "fit(d_w, w" not in fast  # shapes matched
        assert "fit(d_b, b, " in fast  # b was broadcast over the batch: still summed back
        assert "loss = None" in fast  # it only seeds the gradients: not computed
        sess.run([gw, loss], {x: np.ones((4, 2))})
        fetching = sess.plan_source([gw, loss], [x], fast=True)
        assert "loss = to_array(loss, " in fetching  # a full sum gives a numpy scalar
        assert "matmul = to_array(" not in fast
        for rows in (4, 3, 1, 4):  # other batch sizes run the general function
            xv = np.arange(rows * 2.0).reshape(rows, 2)
            got_w, got_b = sess.run([gw, gb], {x: xv})
            ew, eb = am.Variable(np.ones((2, 3))), am.Variable(np.zeros(3))
            with am.Tape() as tape:
                e = am.sum(am.square(am.matmul(am.Tensor(xv), ew) + eb))
            want_w, want_b = tape.gradient(e, [ew, eb])
            np.testing.assert_allclose(got_w, want_w.numpy())
            np.testing.assert_allclose(got_b, want_b.numpy())


def test_the_fast_variant_writes_the_ops_own_code_with_the_same_numbers():
    x, y_, w1, w2, loss, train = seed_net()
    got = []
    for fast_variant in (True, False):
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            plan = sess._plan(train, (x, y_))
            for _ in range(3):  # the second and third run the fast variant, unless...
                if fast_variant:
                    sess.run(train, {x: X32[:8], y_: Y32[:8]})
                else:  # ... the general function is called itself
                    plan._general(X32[:8], Y32[:8])
            got.append(sess.run([w1, w2]))
            if fast_variant:
                fast = sess.plan_source(train, [x, y_], fast=True)
    for line in ("matmul = x @ w1", "square = sub * sub", "d_w2 = matmul.T @ d_matmul_1",
                 "d_w1 = x.T @ d_matmul", "d_matmul = d_matmul_1 @ w2.T"):
        assert line in fast
    assert "_vjp" not in fast and "_forward" not in fast
    for a, b in zip(*got):
        np.testing.assert_array_equal(a, b)  # bit for bit


def test_the_fast_variant_still_converts_a_gradient_of_another_dtype():
    x = tf.placeholder(tf.float32, shape=(None, 2), name="x")
    w = tf.Variable(np.ones((2, 1), np.float32), name="w")
    y = tf.matmul(x, w) * tf.constant([2.0], dtype=tf.float64)  # a float64 gradient for w
    train = tf.train.GradientDescentOptimizer(0.1).minimize(tf.reduce_sum(y))
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        for _ in range(3):
            sess.run(train, {x: np.ones((4, 2))})
        assert sess.plan_source(train, [x], fast=True) is not None
        got = sess.run(w)
    assert got.dtype == np.float32
    np.testing.assert_allclose(got, np.float32(1 - 3 * 0.1 * 8))


def test_feed_checks_still_apply_once_the_fast_variant_runs():
    x, y_, w1, w2, loss, train = seed_net()
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        sess.run(train, {x: X32[:8], y_: Y32[:8]})
        assert sess.plan_source(train, [x, y_], fast=True) is not None
        with pytest.raises(ShapeError, match=r"'x' expects shape \(None, 2\).*shape \(8, 3\)"):
            sess.run(train, {x: np.ones((8, 3)), y_: Y32[:8]})
        with pytest.raises(am.errors.DTypeError, match=r"feed for 'y_' \(float32\)"):
            sess.run(train, {x: X32[:8], y_: "text"})


def test_a_plans_source_lines_for_tracebacks_go_with_the_plan():
    import gc
    import linecache

    x, y_, w1, w2, loss, train = seed_net()
    sess = tf.Session()
    sess.run(tf.global_variables_initializer())
    sess.run(train, {x: X32, y_: Y32})
    sess.run(train, {x: X32, y_: Y32})  # the fast variant is compiled too
    names = [f for f in linecache.cache if f.startswith("<compat.v1 plan")]
    plan = [p for k, p in sess._plans.items() if k[0] is train][0]
    mine = {plan._general.__code__.co_filename, plan._fn.__code__.co_filename}
    assert len(mine) == 2 and mine <= set(names)
    del plan
    sess.close()
    gc.collect()
    assert not mine & set(linecache.cache)


# ----- a fast variant relies on its variables' shapes and dtypes: nothing changes them -------


def momentum_net():
    """A train op with slots (Momentum) and a plain fetch, over two variables."""
    x = tf.placeholder(tf.float32, shape=(None, 2), name="x")
    w = tf.Variable(np.array(S.W1, np.float32)[:, :3], name="w")
    b = tf.Variable(np.array([0.5, -0.25, 0.125], np.float32), name="b")
    y = tf.add(tf.matmul(x, w), b, name="y")
    train = tf.train.MomentumOptimizer(0.01, 0.9).minimize(tf.reduce_mean(tf.square(y)))
    return x, w, b, y, train


def steps(sess, x, y, train, got, n=1):
    """``n`` runs each of the train op and of the plain fetch ``y``, on batches of 8."""
    for _ in range(n):
        i = len(got) // 2
        got.append(sess.run(train, {x: X32[i % 4 * 8:][:8]}))
        got.append(sess.run(y, {x: X32[i % 4 * 8:][:8]}))


def general_only(sess, x, y, train):
    """Make the session's plans for ``train`` and ``y`` call their general function every run."""
    for fetch in (train, y):
        sess._plan(fetch, (x,))._specialised = True  # so no fast variant is ever made


def test_a_variable_keeps_its_shape_so_the_fast_variants_numbers_stay_the_general_ones(tmp_path):
    """TF1's assign ops (with ``validate_shape=True``, the only kind offered here) and
    initializers keep a variable's shape, so a fast variant, made for its first run's
    shapes, may rely on its variables' shapes: each way to give a variable a value of
    another shape raises the general path's clear error and changes nothing, and the fast
    variants then run on with the numbers of a session that runs the general function."""
    with tf.Graph().as_default():  # a checkpoint holding 'w' of shape (3, 3)
        tf.Variable(np.ones((3, 3), np.float32), name="w")
        with tf.Session() as other:
            other.run(tf.global_variables_initializer())
            saved = tf.train.Saver().save(other, str(tmp_path / "w33"))
    x, w, b, y, train = momentum_net()
    p = tf.placeholder(tf.float32, shape=None, name="p")  # any shape: only a run can check
    attempts = [
        (tf.assign(w, p), {p: np.ones((3, 3))},
         r"^Assign: a value of shape \(3, 3\) does not fit variable 'w' of shape \(2, 3\)$"),
        (tf.assign_add(b, p), {p: np.ones((4, 3))},  # would broadcast to (4, 3)
         r"^AssignAdd: a value of shape \(4, 3\) does not fit variable 'b' of shape \(3,\)$"),
        (tf.assign_sub(b, p), {p: 1.0},  # as TF1: no broadcasting a scalar
         r"^AssignSub: a value of shape \(\) does not fit variable 'b' of shape \(3,\)$"),
        (w.initializer, {w.initial_value: np.ones((3, 3))},  # TF1's Variable.load
         r"'w/initial_value' expects shape \(2, 3\).*\(3, 3\)"),
    ]
    with pytest.raises(TypeError, match="validate_shape"):
        tf.assign(w, p, validate_shape=False)  # not offered: a variable's shape is fixed
    got, want = [], []
    with tf.Session() as sess:
        sess.run(tf.global_variables_initializer())
        steps(sess, x, y, train, got, 2)
        assert sess.plan_source(train, [x], fast=True) is not None
        assert sess.plan_source(y, [x], fast=True) is not None
        for op, feed, match in attempts:
            with pytest.raises(ShapeError, match=match):
                sess.run(op, feed)
            steps(sess, x, y, train, got)
        with pytest.raises(ShapeError, match=r"'w' in .* has shape \(3, 3\), variable 'w' "
                                             r"has \(2, 3\)"):
            tf.train.Saver([w]).restore(sess, saved)
        with pytest.raises(ShapeError, match=r"'w' of shape \(2, 3\) .* shape \(3, 3\)"):
            sess._set_variable(w, np.ones((3, 3)))  # what each of them ends in, checks too
        steps(sess, x, y, train, got, 2)
        got.append(sess.run([w, b]))
        assert sess._plan(train, (x,))._fn is not sess._plan(train, (x,))._general
    with tf.Session() as fresh:
        fresh.run(tf.global_variables_initializer())
        general_only(fresh, x, y, train)
        steps(fresh, x, y, train, want, 2 + len(attempts) + 2)
        want.append(fresh.run([w, b]))
        assert fresh.plan_source(train, [x], fast=True) is None
    assert got[-1][0].shape == (2, 3) and got[-1][1].shape == (3,)
    assert len(got) == len(want)
    for a, b_ in zip(got[:-1], want[:-1]):
        np.testing.assert_array_equal(a, b_)  # bit for bit (None for the train runs)
    for a, b_ in zip(got[-1], want[-1]):
        np.testing.assert_array_equal(a, b_)


def test_a_value_of_another_dtype_becomes_the_variables_so_the_fast_variants_numbers_hold(
        tmp_path):
    """Values of another dtype (a float64 assign, fed initial value or checkpoint for a
    float32 variable) are converted to the variable's dtype, as TF1 does (its Variable's
    dtype is fixed): the fast variants then run with the numbers of the general function."""
    v64 = np.array(S.W1, np.float64)[:, :3] / 3 + 1e-9  # not a float32 number
    with tf.Graph().as_default():  # a checkpoint holding 'w' as float64
        tf.Variable(v64 * 5, name="w", dtype=tf.float64)
        with tf.Session() as other:
            other.run(tf.global_variables_initializer())
            saved = tf.train.Saver().save(other, str(tmp_path / "w64"))
    x, w, b, y, train = momentum_net()
    p64 = tf.placeholder(tf.float64, shape=None, name="p64")
    q64 = tf.placeholder(tf.float64, shape=(3,), name="q64")
    sets = [(tf.assign(w, p64), {p64: v64}, np.float32(v64)),
            (tf.assign_sub(b, q64), {q64: v64[0]}, None),
            (w.initializer, {w.initial_value: v64 * 2}, np.float32(v64 * 2))]
    results = []
    for fast in (True, False):
        got = []
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            if not fast:
                general_only(sess, x, y, train)
            steps(sess, x, y, train, got, 2)
            for op, feed, value in sets:
                sess.run(op, feed)
                if value is not None:
                    now = sess.run(w)
                    assert now.dtype == np.float32
                    np.testing.assert_array_equal(now, value)
                steps(sess, x, y, train, got)
            tf.train.Saver([w]).restore(sess, saved)
            np.testing.assert_array_equal(sess.run(w), np.float32(v64 * 5))
            steps(sess, x, y, train, got, 2)
            got.append(sess.run([w, b]))
            assert (sess.plan_source(train, [x], fast=True) is None) is not fast
        assert all(a.dtype == np.float32 for a in got[1::2]) and got[-1][0].dtype == np.float32
        assert got[-1][1].dtype == np.float32
        results.append(got)
    for a, b_ in zip(*results):
        for u, v in zip(a, b_) if isinstance(a, list) else [(a, b_)]:
            np.testing.assert_array_equal(u, v)  # bit for bit
