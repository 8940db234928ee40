"""``autograd_mini.compile``: a traced step replayed as straight-line code gives what the
eager step gives, bit for bit: the seeds' tables, trained weights, random expressions;
it retraces for new kinds of arguments, refuses what it cannot replay with the line,
and keeps anomaly checks."""

from __future__ import annotations

import threading

import numpy as np
import pytest
import seed000 as S0
from hypothesis import HealthCheck, given, settings
from seed003 import SEED_003_OUTPUT

import autograd_mini as am
from autograd_mini import Tape, Tensor, Value, Variable, nn, optim
from autograd_mini.graph import data_of
from autograd_mini.testing.pytest_plugin import FUZZ_EXAMPLES, PROFILE
from autograd_mini.testing.strategies import expressions
from benchmarks.w1_scalar_mlp import step as w1_step

X0 = S0.X.astype(np.float32)
Y0 = np.array(S0.Y_, dtype=np.float32)


# ----- the seeds' numbers through compile --------------------------------------------------------


def test_seed_003_prints_its_table_when_its_step_is_compiled():
    w = Variable(5.0)

    @am.compile
    def epoch(lr):
        with Tape() as tape:
            loss = (w + 1) ** 2
        grads = tape.gradient(loss, w)
        w.assign_sub(lr * grads)
        return loss

    lines = []
    for e in range(SEED_003_OUTPUT.count("\n")):
        loss = epoch(0.2)
        lines.append(f"After {e} epoch,w is {w.numpy():f},loss is {loss.numpy():f}")
    assert "\n".join(lines) + "\n" == SEED_003_OUTPUT
    assert epoch.traces == 1  # one trace, 25 replays


def test_seed_000_eager_net_compiled_reproduces_the_table_and_the_weights():
    w1, w2 = Variable(S0.W1, name="w1"), Variable(S0.W2, name="w2")
    opt = optim.SGD([w1, w2], lr=S0.LR)

    @am.compile
    def step(x, y_):
        loss = nn.mse((Tensor(x) @ w1) @ w2, y_)
        opt.zero_grad()
        loss.backward()
        opt.step()

    table = []
    for i in range(S0.STEPS):
        step(X0[S0.batch(i)], Y0[S0.batch(i)])
        if i % S0.REPORT_EVERY == 0:
            table.append(format(nn.mse((Tensor(X0) @ w1) @ w2, Y0).item(), "g"))
    assert table == S0.TABLE
    np.testing.assert_allclose(w1.data, S0.W1_FINAL, rtol=1e-6, atol=1e-6)
    np.testing.assert_allclose(w2.data, S0.W2_FINAL, rtol=1e-6, atol=1e-6)


# ----- compiled and eager steps agree bit for bit ------------------------------------------------


def _hand_sgd_step(params, lr):
    """W3's and W4's update by hand: ``p.data -= lr * p.grad``."""
    def step(x, y):
        a = am.sigmoid(Tensor(x) @ params[0] + params[1])
        loss = 0.5 * am.square(a @ params[2] - Tensor(y)).sum()
        for p in params:
            p.grad = None
        loss.backward()
        for p in params:
            p.data -= lr * p.grad
        return loss
    return step


def test_a_tensor_step_updating_data_by_hand_matches_eager_bit_for_bit():
    rng = np.random.default_rng(0)
    init = [rng.standard_normal(s).astype(np.float32) for s in ((4, 5), (1, 5), (5, 2))]
    ours, ref = ([Variable(a) for a in init] for _ in range(2))
    compiled, eager = am.compile(_hand_sgd_step(ours, 0.1)), _hand_sgd_step(ref, 0.1)
    for _ in range(6):
        x, y = rng.normal(size=(8, 4)), rng.normal(size=(8, 2)).astype(np.float32)
        a, b = compiled(x, y), eager(x, y)
        assert type(a) is Tensor and not a.requires_grad  # a result of the step, detached
        np.testing.assert_array_equal(a.data, b.data)
    for p, q in zip(ours, ref):
        np.testing.assert_array_equal(p.data, q.data)
        np.testing.assert_array_equal(p.grad, q.grad)
    assert compiled.traces == 1


def _micrograd_step(model, X, Y):
    """W1's scalar step (benchmarks/w1_scalar_mlp.py): forward over every sample, the
    max-margin loss, backward, SGD."""
    return w1_step(Value, model, X, Y)


def _value_mlp(seed):
    rng = np.random.default_rng(seed)
    return [[([Value(float(rng.uniform(-1, 1))) for _ in range(n_in)], Value(0.0))
             for _ in range(n_out)] for n_in, n_out in ((2, 6), (6, 4), (4, 1))]


def test_a_value_step_matches_eager_bit_for_bit_and_inlines_float_arithmetic():
    rng = np.random.default_rng(1)
    X = rng.uniform(-1, 1, (12, 2)).tolist()
    Y = [1.0 if a * b > 0 else -1.0 for a, b in X]
    ours, ref = _value_mlp(0), _value_mlp(0)
    compiled = am.compile(_micrograd_step)
    losses = [(compiled(ours, X, Y), _micrograd_step(ref, X, Y)) for _ in range(4)]
    assert all(type(a) is float and a == b for a, b in losses)
    flat = [(p, q) for la, lb in zip(ours, ref) for (wa, ba), (wb, bb) in zip(la, lb)
            for p, q in zip((*wa, ba), (*wb, bb))]
    assert all(p.data == q.data and p.grad == q.grad for p, q in flat)
    # the ops' own float expressions, not calls: `mul = model_0_0_0_0_2 * 0.68...`
    source = compiled.source
    assert "mul_scalar(" not in source and "add_vjp" not in source
    assert "relu_scalar(" not in source and " if " in source


def test_a_module_with_adam_compiled_matches_eager():
    rng = np.random.default_rng(2)
    x = rng.normal(size=(32, 3)).astype(np.float32)
    y = (x.sum(axis=1, keepdims=True) > 0).astype(np.float32)
    runs = []
    for compiled in (True, False):
        model = nn.MLP([3, 8, 1], activation="tanh", output_activation="sigmoid", seed=0)
        opt = optim.Adam(model.parameters(), lr=0.05)

        def step(x, y, model=model, opt=opt):
            loss = nn.binary_cross_entropy(model(x), Tensor(y))
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        run = am.compile(step) if compiled else step
        runs.append(([run(Tensor(x), y).item() for _ in range(15)],
                     [p.data.copy() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def _replayed_gradients(fn, inputs):
    """Each input's gradient from the eager step and from two compiled replays of it on
    other numbers of the same shapes (the trace ran on the drawn ones): the first replay
    runs the checked variant, the second the fast one written after it."""
    def step(*xs):
        for x in xs:
            x.grad = x._empty_grad
        out = fn(*xs)
        if isinstance(out, Tensor):
            out = out.sum()
        out.backward()
        return out

    compiled = am.compile(step)
    if any(isinstance(v, np.ndarray) for _, _, settings in fn.steps for v in settings.values()):
        # an array setting (where's condition) made outside the step's tensors: a replay
        # cannot tell a constant from a mask computed with numpy, so compile refuses it
        with pytest.raises(am.TraceError, match="compile cannot trace to the step's inputs"):
            compiled(*inputs)
        return
    compiled(*inputs)
    for scale, shift in ((0.75, 0.1), (-0.5, 0.3)):
        shifted = [type(x)(np.asarray(data_of(x)) * scale + shift, requires_grad=True)
                   if isinstance(x, Tensor) else Value(x.data * scale + shift) for x in inputs]
        twins = [type(x)(np.array(data_of(x)), requires_grad=True) if isinstance(x, Tensor)
                 else Value(x.data) for x in shifted]
        with np.errstate(all="ignore"):  # (both sides meet the same edges)
            out = compiled(*shifted)
            ref = step(*twins)
        np.testing.assert_array_equal(data_of(out), data_of(ref))
        assert compiled.traces == 1
        for x, t in zip(shifted, twins):
            np.testing.assert_array_equal(np.asarray(x.grad), np.asarray(t.grad))
            assert type(x.grad) is type(t.grad)
            assert np.shape(x.grad) == np.shape(t.grad) and \
                getattr(x.grad, "dtype", None) == getattr(t.grad, "dtype", None)


FUZZ = settings(max_examples=FUZZ_EXAMPLES[PROFILE] // 4,
                suppress_health_check=[HealthCheck.too_slow], deadline=None)


@FUZZ
@given(case=expressions())
def test_random_tensor_expressions_replay_the_eager_gradients(case):
    _replayed_gradients(*case)


@FUZZ
@given(case=expressions("value"))
def test_random_value_expressions_replay_the_eager_gradients(case):
    _replayed_gradients(*case)


# ----- kinds of arguments ------------------------------------------------------------------------


def test_new_shapes_and_numbers_retrace_and_the_cache_keeps_the_newest():
    w = Variable(np.ones((3, 1), np.float32))

    @am.compile(cache_size=2)
    def f(x, scale):
        return (Tensor(x) @ w * scale).sum()

    assert f(np.ones((2, 3)), 2.0).item() == 12.0
    assert f(np.full((2, 3), 2.0), 2.0).item() == 24.0  # a replay reads the new numbers
    assert f.traces == 1
    assert f(np.ones((4, 3)), 2.0).item() == 24.0  # another shape: traced again
    assert f(np.ones((4, 3)), 3.0).item() == 36.0  # another number: traced again
    assert f.traces == 3
    assert f(np.ones((2, 3)), 2.0).item() == 12.0  # the first kind was dropped (size 2)
    assert f.traces == 4


@pytest.mark.parametrize("kind", [Tensor, Value])
def test_an_input_that_starts_or_stops_taking_a_gradient_is_another_kind(kind):
    """Whether an input tensor requires its gradient decides the trace's backward: a call
    that differs in it traces again (a replay of the other would leave its .grad alone)."""
    w = kind(np.ones(3) if kind is Tensor else 2.0, requires_grad=True)

    @am.compile
    def step(x):
        loss = x * w
        loss = loss.sum() if kind is Tensor else loss
        loss.backward()

    def run(requires_grad):
        x = kind(np.arange(3.0) if kind is Tensor else 1.5, requires_grad=requires_grad)
        w.zero_grad()
        step(x)
        return x.grad

    for flags in ((False, False, True, True), (True, False, True)):
        for rg in flags:  # traced, replayed, the fast check met with the other kind...
            expected = (np.ones(3) if kind is Tensor else 2.0) if rg else \
                (None if kind is Tensor else 0.0)
            got = run(rg)
            assert (got is None) if expected is None else np.array_equal(got, expected), rg
    assert step.traces == 2


def _sgd_step(model, opt, x, y):
    """The mean squared error of ``model`` on ``(x, y)``, backward and ``opt.step()``."""
    loss = am.mean(am.square(model(Tensor(x)) - Tensor(y)))
    opt.zero_grad()
    loss.backward()
    opt.step()
    return loss


def test_a_layer_frozen_after_the_trace_stops_training_as_in_eager_code():
    """A parameter that stops requiring its gradient (fine-tuning freezes a layer) is not
    trained by a replay made when it did: the step is traced again, and the first replay
    runs again once it is unfrozen; the weights follow eager code's to the bit."""
    rng = np.random.default_rng(5)
    x, y = rng.normal(size=(6, 3)), rng.normal(size=(6, 1))
    start = [rng.normal(size=shape) for shape in ((3, 4), (4,), (4, 1), (1,))]
    trained = []
    for compiled in (True, False):
        model = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
        for p, value in zip(model.parameters(), start):
            p.data = value.copy()
        opt = optim.SGD(list(model.parameters()), lr=0.1)

        def step(model=model, opt=opt):
            return _sgd_step(model, opt, x, y)

        run = am.compile(step) if compiled else step
        first = list(model.parameters())[:2]
        for frozen in (False, True, False):
            for p in first:
                p.requires_grad = not frozen
            for _ in range(3):
                run()
            assert all((p.grad is None) == frozen for p in first)
        trained.append([p.data.copy() for p in model.parameters()])
        if compiled:
            assert run.traces == 2
    for a, b in zip(*trained):
        np.testing.assert_array_equal(a, b)
    assert not np.array_equal(trained[0][0], start[0])


def _linear_steps(replace):
    """Train a two-layer model eagerly and compiled side by side; ``replace(model, opt,
    place)`` runs between steps 3 and 4 on each. Returns both runs' losses and weights and
    the compiled step's trace count."""
    rng = np.random.default_rng(7)
    x, y = rng.normal(size=(5, 3)), rng.normal(size=(5, 1))
    start = [rng.normal(size=shape) for shape in ((3, 4), (4,), (4, 1), (1,))]
    runs = []
    for compiled in (True, False):
        place = {"model": nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))}
        for p, value in zip(place["model"].parameters(), start):
            p.data = value.copy()
        place["opt"] = optim.SGD(list(place["model"].parameters()), lr=0.1)

        def step(place=place):
            return _sgd_step(place["model"], place["opt"], x, y)

        run = am.compile(step) if compiled else step
        losses = [run().item() for _ in range(3)]
        replace(place)
        losses += [run().item() for _ in range(3)]
        runs.append((losses, [p.data.copy() for p in place["model"].parameters()],
                     getattr(run, "traces", None)))
    return runs


@pytest.mark.parametrize("how", ["parameter", "layer", "optimizer", "model"])
def test_a_parameter_layer_or_optimizer_replaced_after_the_trace_is_traced_again(how):
    """A replay computes with the parameter objects it was traced with. One put in another's
    place (a new Variable, layer, optimizer or model where the step finds them) makes
    the step be traced again, so it trains what eager code trains, to the bit."""

    def replace(place):
        rng, model = np.random.default_rng(8), place["model"]
        if how == "parameter":
            model.layers[1].weight = Variable(rng.normal(size=(4, 1)))
        elif how == "layer":
            model.layers[0] = nn.Linear(3, 4)
        if how in ("layer", "optimizer", "model"):
            if how == "model":
                place["model"] = nn.Sequential(nn.Linear(3, 4), nn.Linear(4, 1))
            for p in place["model"].parameters():
                p.data = rng.normal(size=p.data.shape)
            place["opt"] = optim.SGD(list(place["model"].parameters()), lr=0.05)

    compiled, eager = _linear_steps(replace)
    assert compiled[0] == eager[0] and compiled[0][3] != compiled[0][2]
    for a, b in zip(compiled[1], eager[1]):
        np.testing.assert_array_equal(a, b)
    assert compiled[2] == 2


_W: Variable | None = None  # the next test's global parameter


def test_a_global_parameter_bound_again_is_traced_again_and_the_first_replay_comes_back():
    """``W = Variable(...)`` run again (a notebook cell) gives the step's global a new
    object: the step is traced for it, and the first replay runs again for the old one."""
    global _W
    first = _W = Variable(np.ones((2, 1)))

    @am.compile
    def f(x):
        loss = am.sum(Tensor(x) @ _W)
        loss.backward()
        return loss

    x = np.ones((3, 2))
    assert [f(x).item() for _ in range(3)] == [6.0] * 3
    assert f._enter is not None and f.traces == 1
    _W = Variable(np.full((2, 1), 2.0))
    assert f(x).item() == 12.0 and f.traces == 2
    np.testing.assert_array_equal(_W.grad, [[3.0], [3.0]])
    _W = first
    assert f(x).item() == 6.0 and f.traces == 2
    _W = None


_LR = 0.1  # the next tests' global learning rate
_CALLS = 0


def _decayed_sgd(compiled: bool, closure_lr: bool):
    """Five epochs of two steps, the learning rate decayed (x0.5) between epochs in the
    step's global or its closure; the weights after each epoch."""
    global _LR
    _LR = 0.1
    lr = 0.1
    w = Variable(np.array([[1.0], [-2.0]]))
    x, y = np.array([[1.0, 2.0], [3.0, -1.0]]), np.array([[0.5], [1.0]])

    def step():
        loss = am.mean(am.square(Tensor(x) @ w - Tensor(y)))
        w.grad = None
        loss.backward()
        w.data -= (lr if closure_lr else _LR) * w.grad

    run = am.compile(step) if compiled else step
    out = []
    for _ in range(5):
        for _ in range(2):
            run()
        out.append(w.data.copy())
        _LR *= 0.5
        lr *= 0.5
    return out, getattr(run, "traces", None)


@pytest.mark.parametrize("closure_lr", [False, True])
def test_a_learning_rate_decayed_in_a_global_or_a_closure_is_used_by_every_replay(closure_lr):
    """A number the step reads from its globals or closure is part of what a replay is
    made for: a new value (the course's learning-rate decay) traces again, so each epoch
    trains with its own rate, as eagerly."""
    (compiled, traces), (eager, _) = (_decayed_sgd(c, closure_lr) for c in (True, False))
    for a, b in zip(compiled, eager):
        np.testing.assert_array_equal(a, b)
    assert traces == 5


def test_a_step_that_sets_a_global_number_it_reads_is_refused():
    """``global n; n += 1`` in a step: a replay would not count, so compile says so."""
    w = Variable(np.ones(2))

    @am.compile
    def step():
        global _CALLS
        _CALLS += 1
        am.sum(w * 2.0).backward()

    with pytest.raises(am.TraceError, match=r"changed the global '_CALLS' \(0 -> 1\).*Variable"):
        step()


_BATCH = np.zeros((2, 2))  # the next test's global arrays
_DATA = np.arange(12.0).reshape(6, 2)
_START = 0


def test_a_global_array_changed_in_place_or_sliced_by_a_global_index_is_read_by_the_replay():
    """A replay reads a global array the step uses (and a view of one) as it is at each
    call, not as it was traced: a batch refilled in place, or a slice of a data set at
    a global index, gives eager code's numbers; only a new index traces again."""
    global _START
    w = Variable(np.array([[1.0], [-1.0]]))

    def refilled():
        return am.sum(Tensor(_BATCH) @ w).item()

    def sliced():
        return am.sum(Tensor(_DATA[_START:_START + 2]) @ w * 2.0).item()

    for step in (refilled, sliced):
        run = am.compile(step)
        for k in range(6):
            _BATCH[:] = [[k, 1.0], [2.0, -k]]
            _START = 2 * (k % 3)
            _DATA[_START] *= 1.5
            assert run() == step(), (step.__name__, k)
        assert run.traces == (1 if step is refilled else 3)
    _START = 0


def test_a_step_that_sets_a_global_array_it_reads_is_refused():
    """``global batch; batch = next_one`` in a step: a replay would not do it."""
    w = Variable(np.ones(2))

    @am.compile
    def step():
        global _BATCH
        out = am.sum(Tensor(_BATCH) @ w)
        _BATCH = _BATCH + 1.0
        return out

    with pytest.raises(am.TraceError, match=r"changed the global '_BATCH' \(another array\)"):
        step()


def test_a_state_that_changes_every_call_warns_once_and_still_gives_eagers_numbers():
    """A global read by the step that changes at every call traces every call (slower,
    never wrong), and after ``cache_size`` such traces compile says why."""
    global _LR
    w = Variable(np.ones(3))

    @am.compile(cache_size=4)
    def f():
        return am.sum(w * _LR).item()

    got = []
    with pytest.warns(RuntimeWarning, match="traced again 4 times.*global or closure number"):
        for i in range(6):
            _LR = float(i)
            got.append(f())
    assert got == [3.0 * i for i in range(6)] and f.traces == 6
    _LR = 0.1


def test_the_latest_kinds_fast_check_lets_no_other_kind_through():
    """After a replay, a call of the latest kind is checked by one generated test; every
    way an argument can differ from it (shape, dtype, a parameter's array, a list's
    length, a number, True for 1, an object, a keyword) must still retrace."""
    w = Variable(np.ones((3, 1), np.float32))
    other = Variable(np.full((3, 1), 2, np.float32))

    @am.compile(cache_size=32)
    def f(x, ws, scale, flag=None):
        out = Tensor(x) @ ws[0] * scale
        return (out if flag is None else out + 1.0).sum()

    x = np.ones((2, 3), np.float32)
    first = (x, [w], 2)
    assert f(*first).item() == 12.0
    assert f(*first).item() == 12.0 and f._enter is not None  # the fast check is on
    assert f(np.full((2, 3), 2, np.float32), [w], 2).item() == 24.0 and f.traces == 1
    assert f(x, [other], 2).item() == 24.0 and f.traces == 1  # a node of the kind: an input
    kinds = [(np.ones((4, 3), np.float32), [w], 2), (np.ones((2, 3)), [w], 2),
             (x, [w, w], 2), (x, (w,), 2), (x, [w], 3), (x, [w], 2.0),
             (x, [w], True)]
    for n, args in enumerate(kinds, start=2):
        f(*first)  # the first kind is the latest again: its fast check runs
        f(*args)
        assert f.traces == n, args
    f(*first)
    assert f(x, [w], 2, flag=1).item() == 14.0 and f.traces == len(kinds) + 2
    w.data = np.ones((3, 2), np.float32)  # a parameter's array of another shape
    f(*first)
    assert f.traces == len(kinds) + 3 and f(*first).shape == ()


def test_numbers_the_same_every_call_are_worked_out_once_and_no_grad_shares_them():
    """The loss's seed spread by ``mean`` is a constant of the replay: folded once into a
    read-only array (the source keeps its line as a comment). Gradients handed to the user
    stay fresh, writable arrays, as eagerly."""
    w1, w2 = (Variable(np.ones(s, np.float32)) for s in ((2, 3), (3, 1)))

    @am.compile
    def step(x, y_):
        loss = am.mean(am.square(Tensor(x) @ w1 @ w2 - Tensor(y_)))
        w1.grad = w2.grad = None
        loss.backward()
        return loss

    x, y_ = np.ones((8, 2), np.float32), np.zeros((8, 1), np.float32)
    for _ in range(3):
        step(x, y_)
    assert "# d_square = spread(d_loss * (1 / 8), (8, 1))" in step.source
    # a part of a line (square's VJP, g * 2 * x) that is the same every call
    assert "# d_square_2 = d_square * 2  (the same every call: worked out once)" in step.source
    assert "d_sub = d_square_2 * sub" in step.source
    w1.data[...], w2.data[...] = 0.5, -0.25
    x = np.arange(16, dtype=np.float32).reshape(8, 2) / 7
    step(x, y_)
    eager = [w1.grad.copy(), w2.grad.copy()]
    step.fn(x, y_)
    assert all(np.array_equal(a, p.grad) for a, p in zip(eager, (w1, w2)))

    b = Variable(np.ones((4,), np.float32))

    @am.compile
    def total(x):
        loss = am.sum(Tensor(x) + b)  # b's gradient is the spread seed itself
        b.grad = None
        loss.backward()

    grads = []
    for _ in range(3):
        total(np.ones((4,), np.float32))
        grads.append(b.grad)
        b.grad += 1  # the user's own array: writable
    assert len({id(g) for g in grads}) == 3 and all(g.flags.writeable for g in grads)
    assert all(np.array_equal(g, np.full(4, 2.0)) for g in grads)

    @am.compile
    def returned(x):
        h = Tensor(x) + b
        am.sum(h).backward()
        return h.grad  # the spread seed, handed back as it is

    got = [returned(np.ones((4,), np.float32)) for _ in range(3)]
    assert len({id(g) for g in got}) == 3 and all(g.flags.writeable for g in got)


def test_a_part_is_folded_only_where_an_operator_makes_a_new_array_of_it():
    """``c * 2`` is worked out once inside arithmetic; handed to a function that may keep
    it (here one that returns it) it is computed every call, so nothing shared escapes."""
    from autograd_mini.codegen import Code

    code = Code()
    x = code.param("x")
    c = np.full(3, 0.5)
    c.flags.writeable = False
    code.line(f"a = {code.bind(c, 'w')} * 2 * {x}")
    code.line(f"b = {code.bind(lambda v: v, 'keep')}(w * 2)")
    assert code.fold("a, b") == 1
    source, run = code.finish("a, b")
    assert "# w_2 = w * 2  (the same every call: worked out once)" in source
    assert "a = w_2 * x" in source and "b = keep(w * 2)" in source
    a, b = run(np.ones(3))
    assert np.array_equal(a, [1.0, 1.0, 1.0]) and b.flags.writeable


def test_the_source_names_the_steps_own_variables_and_seed_001s_deltas():
    """Seed 001 wrote the MNIST net's backward by hand (output_delta, hidden_delta); the
    compiled step's source is that backward, and its numbers are the seed's."""
    rng = np.random.default_rng(3)
    W1, b1 = Variable(rng.normal(size=(6, 4)) * 0.5, "float32"), Variable(np.zeros((1, 4)))
    W2, b2 = Variable(rng.normal(size=(4, 3)) * 0.5, "float32"), Variable(np.zeros((1, 3)))

    @am.compile
    def step(x, y):
        a1 = am.sigmoid(Tensor(x) @ W1 + b1)
        a2 = am.sigmoid(a1 @ W2 + b2)
        loss = 0.5 * am.square(a2 - Tensor(y)).sum()
        for p in (W1, b1, W2, b2):
            p.grad = None
        loss.backward()
        return loss

    x = rng.random((5, 6), dtype=np.float32)
    y = np.eye(3, dtype=np.float32)[[0, 1, 2, 0, 1]]
    step(x, y)
    step(x, y)
    source = step.source
    for line in ("a1 = sigmoid_forward(", "a2 = sigmoid_forward(", "d_a2 = d_sub\n",
                 "= d_a2 * a2 * (1 - a2)\n",  # seed 001's output_delta, from sigmoid's VJP
                 "= d_a1 * a1 * (1 - a1)\n", "W2_node.grad = "):
        assert line in source, line
    assert "if type(a1)" not in source  # the replayed variant: no check that found nothing
    # the biases' gradients as the seed sums its deltas (np.sum(delta, axis=0, keepdims=True))
    assert source.count(".sum(axis=0, keepdims=True)\n") == 2 and "fit(" not in source
    h = 1 / (1 + np.exp(-(x @ W1.data + b1.data)))
    out = 1 / (1 + np.exp(-(h @ W2.data + b2.data)))
    output_delta = (out - y) * (out * (1 - out))
    hidden_delta = output_delta.dot(W2.data.T) * (h * (1 - h))
    np.testing.assert_allclose(W2.grad, h.T.dot(output_delta), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(W1.grad, x.T.dot(hidden_delta), rtol=1e-5, atol=1e-6)
    np.testing.assert_allclose(b1.grad, hidden_delta.sum(0, keepdims=True), rtol=1e-5,
                               atol=1e-6)


def test_an_unread_loss_is_not_computed_and_a_large_update_reuses_one_buffer():
    """Dead-result pruning and buffers: a loss the step neither returns nor reads only
    seeds its gradient, so the replay does not compute it; the update's large temporary
    goes into one buffer every replay (``out=buffer``), and the weights and .grad are
    eager's, bit for bit, with .grad never that buffer."""
    rng = np.random.default_rng(2)
    start = rng.normal(size=(60, 40))
    x, y = rng.normal(size=(8, 60)), rng.normal(size=(8, 40))
    results = []
    for compiled in (True, False):
        W = Variable(start, dtype="float32", name="W")

        def step(x, y, W=W):
            loss = 0.5 * am.square(Tensor(x) @ W - Tensor(y)).sum()
            W.grad = None
            loss.backward()
            W.data -= 0.1 * W.grad

        run = am.compile(step) if compiled else step
        grads = []
        for i in range(4):
            run(x * (i + 1), y)
            grads.append(W.grad)
        results.append((W.data.copy(), grads))
        if compiled:
            lines = [line.strip() for line in run.source.splitlines()]
            assert "value = multiply(0.1, grad_W, out=buffer)" in lines
            assert not [line for line in lines if line.startswith(("square", "sum", "mul"))]
            buffer = run._latest.run.__globals__["buffer"]
            assert not any(np.shares_memory(g, buffer) for g in grads)
    np.testing.assert_array_equal(results[0][0], results[1][0])
    for a, b in zip(results[0][1], results[1][1]):
        np.testing.assert_array_equal(a, b)
    assert len({id(g) for g in results[0][1]}) == 4  # a fresh gradient every replay


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("shapes", [((3, 4), (1, 4)), ((3, 4), (4,)), ((2, 3, 4), (3, 1)),
                                    ((2, 3, 4), (1, 3, 1)), ((5,), ()), ((2, 3), (2, 1))])
def test_a_broadcast_inputs_gradient_is_the_sum_each_run_did_written_out(shapes, dtype):
    """Where numpy broadcast an input, the fast variant sums its gradient back with the
    very reduction the checked runs did, written out (``d_b = d_add.sum(axis=0)``), and
    gives eager's gradients: the same type, shape, dtype and bits."""
    xs, bs = shapes
    rng = np.random.default_rng(7)

    def draw():
        return (Tensor(rng.standard_normal(xs).astype(dtype), requires_grad=True),
                Tensor(rng.standard_normal(bs).astype(dtype), requires_grad=True))

    def step(x, b):
        loss = (am.sigmoid(x * b) + b).sum()
        loss.backward()

    compiled = am.compile(step)
    for _ in range(4):  # a trace, the checked variant, then the fast one twice
        x, b = draw()
        x_eager, b_eager = (Tensor(t.data.copy(), requires_grad=True) for t in (x, b))
        compiled(x, b)
        step(x_eager, b_eager)
        for got, want in ((x.grad, x_eager.grad), (b.grad, b_eager.grad)):
            assert type(got) is type(want) is np.ndarray
            assert got.shape == want.shape and got.dtype == want.dtype
            np.testing.assert_array_equal(got, want)
    assert "fit(" not in compiled.source and compiled.source.count(".sum(axis=") == 2


# ----- what a replay could not repeat: refused while tracing, with the line ----------------------


def test_branching_on_a_computed_value_is_refused_with_the_line():
    w = Variable(np.ones(3, np.float32))

    @am.compile
    def step(x):
        loss = (Tensor(x) * w).sum()
        if loss.item() > 1:  # the line the message names
            loss = loss * 2
        return loss

    with pytest.raises(am.TraceError, match=r"test_compile\.py:\d+: the step turns a traced "
                                            r"value into a Python bool"):
        step(np.ones(3))


def test_a_value_steps_data_cannot_decide_a_branch_either():
    v = Value(0.5)

    @am.compile
    def step():
        y = v * v
        return 1.0 if y.data > 0 else 0.0

    with pytest.raises(am.TraceError, match="branch"):
        step()


def test_writes_compile_cannot_follow_are_refused():
    w = Variable(np.ones(3, np.float32), name="w")

    @am.compile
    def by_index(x):
        loss = (Tensor(x) * w).sum()
        loss.backward()
        w.data[0] = 5.0  # a write through an index: refused at once
        return loss

    with pytest.raises(am.TraceError, match="by index"):
        by_index(np.ones(3))

    @am.compile
    def behind_the_back(x):
        (Tensor(x) * w).sum().backward()
        np.asarray(w)[...] = 0.0  # into the array numpy hands out: found afterwards
        return None

    with pytest.raises(am.TraceError, match="changed w's data in a way compile does not"):
        behind_the_back(np.ones(3))


MOMENTUM: list = []  # a global the next test's step keeps its state in


def test_state_a_step_keeps_in_python_variables_is_refused():
    """The course's optimizers by hand keep m, V in Python variables; a replay would not
    repeat the assignments, so the step would go on from the first call's state."""
    w = Variable(np.ones(3, np.float32), name="w")
    m = None

    @am.compile
    def momentum(x):
        nonlocal m
        with am.Tape() as tape:
            loss = am.sum(w * x)
        g = tape.gradient(loss, w)
        m = g if m is None else 0.9 * m + g
        w.assign_sub(0.1 * m)

    with pytest.raises(am.TraceError, match="closure's variable 'm'"):
        momentum(np.ones(3, np.float32))

    @am.compile
    def logged(x):
        loss = am.sum(w * Tensor(x))
        MOMENTUM.append(loss.item())  # a traced number, left in a module's list
        return loss

    with pytest.raises(am.TraceError, match="global 'MOMENTUM'"):
        logged(np.ones(3, np.float32))
    MOMENTUM.clear()

    @am.compile
    def returned(x, m):  # the same state passed in and returned: replays follow it
        with am.Tape() as tape:
            loss = am.sum(w * x)
        m = 0.9 * m + tape.gradient(loss, w)
        w.assign_sub(0.1 * m)
        return m

    w.assign(np.ones(3, np.float32))
    state = Tensor(np.zeros(3, np.float32))
    for _ in range(3):
        state = returned(np.ones(3, np.float32), state)
    assert np.allclose(state.data, 2.71) and returned.traces == 1
    assert np.allclose(w.data, 1 - 0.1 * (1 + 1.9 + 2.71))


def test_untraced_numpy_views_and_second_order_gradients_are_refused():
    w = Variable(np.ones((2, 2), np.float32))

    @am.compile
    def transposed():
        (w * w).sum().backward()
        w.data -= 0.1 * w.grad.T  # .T is a view numpy makes without telling
        return None

    with pytest.raises(am.TraceError, match="np.transpose"):
        transposed()

    @am.compile
    def second_order():
        y = (w * w * w).sum()
        y.backward(create_graph=True)
        return w.grad

    with pytest.raises(am.TraceError, match="create_graph"):
        second_order()


def test_detect_anomaly_reaches_inside_a_replay():
    @am.compile
    def f(x):
        return am.log(x).sum()

    f(Tensor([1.0, 2.0]))  # traced on good numbers
    with np.errstate(invalid="ignore"):
        assert np.isnan(f(Tensor([-1.0, 2.0])).item())  # nan, silently
    with am.detect_anomaly(), np.errstate(invalid="ignore"), \
            pytest.raises(am.AnomalyError, match="forward of .log."):
        f(Tensor([-1.0, 2.0]))


def test_a_trace_in_one_thread_leaves_eager_code_in_another_alone():
    w = Variable(np.ones(2, np.float32))
    inside, done = threading.Event(), threading.Event()
    other: dict = {}

    @am.compile
    def step(x):
        y = (Tensor(x) * w).sum()
        inside.set()
        done.wait(5)  # the other thread computes while this call is traced
        y.backward()
        return y

    def eager():
        inside.wait(5)
        v = Variable(np.array([2.0, 3.0], np.float32))
        loss = (v * v).sum()
        loss.backward()
        other["grad"], other["data"] = v.grad, v.data.copy()
        v.data -= 0.5 * v.grad  # plain numpy in the other thread: not the trace's
        other["after"] = v.data.copy()
        done.set()

    t = threading.Thread(target=eager)
    t.start()
    step(np.ones(2))
    t.join()
    np.testing.assert_array_equal(other["grad"], [4.0, 6.0])
    np.testing.assert_array_equal(other["after"], [0.0, 0.0])
    assert type(other["grad"]) is np.ndarray
    assert "v_node" not in step.source and step(np.full(2, 2.0)).item() == 4.0


def test_a_mask_from_a_comparison_is_traced_and_recomputed_by_each_replay():
    w = Variable(np.array([1.0, -1.0, 2.0], np.float32))

    def step(x):
        t = Tensor(x) * w
        loss = am.where(t > 0, t, 0.1 * t).sum()  # a leaky relu: the mask follows the data
        w.grad = None
        loss.backward()
        return loss

    compiled = am.compile(step)
    compiled(np.ones(3, np.float32))
    x = np.array([-1.0, 1.0, 1.0], np.float32)  # flips the first two signs of t
    loss = compiled(x)
    got = w.grad.copy()
    assert loss.item() == step(x).item()
    np.testing.assert_array_equal(got, w.grad)
    np.testing.assert_allclose(got, [-0.1, 0.1, 1.0], rtol=1e-6)


def test_integer_labels_made_one_hot_inside_the_loss_follow_each_replay():
    runs = []
    for compiled in (False, True):
        linear = nn.Linear(4, 3, seed=0)

        def step(x, labels, linear=linear):
            loss = nn.softmax_cross_entropy(linear(Tensor(x)), labels)
            linear.zero_grad()
            loss.backward()
            return loss

        run = am.compile(step) if compiled else step
        x = np.linspace(-1, 1, 8, dtype=np.float32).reshape(2, 4)
        runs.append([(run(x, np.array(labels)).item(), linear.weight.grad.copy())
                     for labels in ([0, 2], [1, 1], [2, 0])])
    for (a, ga), (b, gb) in zip(*runs):
        assert a == b
        np.testing.assert_array_equal(ga, gb)


def test_dropout_draws_a_new_mask_in_every_replay_as_eager_does():
    losses = []
    for compiled in (False, True):
        model = nn.Sequential(nn.Linear(4, 6, seed=0), nn.Dropout(0.5, seed=3),
                              nn.Linear(6, 1, seed=1))
        opt = optim.SGD(model.parameters(), lr=0.1)

        def step(x, model=model, opt=opt):
            loss = model(Tensor(x)).sum()
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        run = am.compile(step) if compiled else step
        losses.append([run(np.full((2, 4), i + 1.0, np.float32)).item() for i in range(5)])
    assert losses[0] == losses[1]
    assert len(set(losses[1])) == 5


def test_a_model_switched_to_eval_stops_dropping_and_back_to_train_drops_again():
    """Dropout takes its path by the module's mode: a replay traced while training is
    not run after ``model.eval()`` (the call traces again, and drops nothing), nor the
    eval replay after ``model.train()``; outputs equal eager code's."""
    outputs = []
    for compiled in (False, True):
        model = nn.Sequential(nn.Linear(4, 6, seed=0), nn.Dropout(0.5, seed=3),
                              nn.Linear(6, 1, seed=1))

        def predict(x, model=model):
            return model(Tensor(x))

        run = am.compile(predict) if compiled else predict
        x = np.full((3, 4), 0.5, np.float32)
        seen = []
        for mode in ("train", "eval", "train", "eval"):
            getattr(model, mode)()
            seen += [run(x).data.copy() for _ in range(3)]
        outputs.append(seen)
        if compiled:
            assert run.traces == 2
    for a, b in zip(*outputs):
        np.testing.assert_array_equal(a, b)
    with am.no_grad():
        np.testing.assert_array_equal(outputs[1][-1], model(Tensor(x)).data)


def test_arrays_the_trace_cannot_follow_are_refused():
    mask = np.array([True, False, True])
    w = Variable(np.ones(3, np.float32))

    @am.compile
    def numpy_mask(x):  # a mask made with numpy from the data: a replay would reuse it
        t = Tensor(x) * w
        return am.where(np.asarray(t) > 0, t, 0.0).sum() + am.where(mask, t, 1.0).sum()

    with pytest.raises(am.TraceError, match="a mask or index made with numpy"):
        numpy_mask(np.ones(3, np.float32))

    @am.compile
    def unused(x, y):  # y reaches nothing the trace follows: refused, not ignored silently
        return (Tensor(x) * w).sum()

    with pytest.raises(am.TraceError, match="the argument y reaches no op"):
        unused(np.ones(3, np.float32), np.ones(3, np.float32))

    v = Value(1.5)

    @am.compile
    def compares_a_value():
        y = v * 2
        return y if y > 1 else -y

    with pytest.raises(am.TraceError, match="compares a Value it computed"):
        compares_a_value()


def test_an_in_place_change_made_out_of_sight_and_written_back_is_refused():
    w = Variable(np.ones(3, np.float32), name="w")

    @am.compile
    def step():
        (w * w).sum().backward()
        data = np.asarray(w)  # the array itself, by numpy's protocol: not a traced read
        data -= 0.5
        w.data = data
        return None

    with pytest.raises(am.TraceError, match="changed in place by code compile does not"):
        step()


def test_a_tf2_gradient_tape_step_with_assign_sub_replays_the_eager_numbers():
    import autograd_mini.compat.v2 as tf

    rng = np.random.default_rng(4)
    x = tf.constant(rng.normal(size=(16, 4)).astype(np.float32))
    y = tf.one_hot(rng.integers(0, 3, 16), depth=3)
    start = rng.normal(size=(4, 3)).astype(np.float32) * 0.1
    runs = []
    for compiled in (False, True):
        w, b = tf.Variable(start), tf.Variable(np.zeros(3, np.float32))

        def step(xb, yb, w=w, b=b):
            with tf.GradientTape() as tape:
                out = tf.nn.softmax(tf.matmul(xb, w) + b)
                loss = tf.reduce_mean(tf.square(yb - out))
            grads = tape.gradient(loss, [w, b])
            w.assign_sub(0.5 * grads[0])
            b.assign_sub(0.5 * grads[1])
            return loss

        run = am.compile(step) if compiled else step
        runs.append(([float(run(x, y)) for _ in range(6)], w.numpy(), b.numpy()))
    assert runs[0][0] == runs[1][0]
    np.testing.assert_array_equal(runs[0][1], runs[1][1])
    np.testing.assert_array_equal(runs[0][2], runs[1][2])


def test_a_conv_net_step_with_adam_compiled_matches_eager():
    rng = np.random.default_rng(5)
    x = rng.normal(size=(5, 8, 8, 1)).astype(np.float32)
    y = np.eye(3, dtype=np.float32)[[0, 1, 2, 0, 1]]
    runs = []
    for compiled in (False, True):
        model = nn.Sequential(nn.Conv2d(1, 4, 3, padding="SAME", activation="relu", seed=0),
                              nn.MaxPool2d(2), nn.Flatten(), nn.Linear(64, 3, seed=1))
        opt = optim.Adam(model.parameters(), lr=0.01)

        def step(x, y, model=model, opt=opt):
            loss = nn.softmax_cross_entropy(model(Tensor(x)), Tensor(y))
            opt.zero_grad()
            loss.backward()
            opt.step()
            return loss

        run = am.compile(step) if compiled else step
        runs.append(([run(x + 0.1 * i, y).item() for i in range(4)],
                     [p.data.copy() for p in model.parameters()]))
    assert runs[0][0] == runs[1][0]
    for a, b in zip(runs[0][1], runs[1][1]):
        np.testing.assert_array_equal(a, b)


def _keras_sparse_loss(tf, labels, x, w):
    return tf.keras.losses.SparseCategoricalCrossentropy(from_logits=True)(labels,
                                                                           tf.matmul(x, w))


def _iris_loss(tf, labels, x, w):  # the course's: mse against tf.one_hot rows
    return tf.reduce_mean(tf.square(tf.one_hot(labels, depth=3) - tf.nn.softmax(tf.matmul(x, w))))


@pytest.mark.parametrize("loss_fn", [_keras_sparse_loss, _iris_loss])
def test_integer_label_tensors_in_a_tape_step_follow_each_replay(loss_fn):
    import autograd_mini.compat.v2 as tf

    x = tf.constant(np.linspace(-1, 1, 12, dtype=np.float32).reshape(3, 4))
    runs = []
    for compiled in (False, True):
        w = tf.Variable(np.full((4, 3), 0.1, np.float32))

        def step(labels, w=w):
            with tf.GradientTape() as tape:
                loss = loss_fn(tf, labels, x, w)
            w.assign_sub(0.5 * tape.gradient(loss, w))
            return loss

        run = am.compile(step) if compiled else step
        runs.append([float(run(tf.constant(np.array(labels)))) for labels in
                     ([0, 1, 2], [2, 2, 0], [1, 0, 1])])
        runs.append(w.numpy())
    assert runs[0] == runs[2]
    np.testing.assert_array_equal(runs[1], runs[3])


def test_a_compat_v1_session_run_in_a_compiled_step_is_refused_not_replayed_unchanged():
    import autograd_mini.compat.v1 as tf

    with tf.Graph().as_default():
        x = tf.placeholder(tf.float32, shape=(None, 2))
        w = tf.Variable(np.ones((2, 1), np.float32))
        loss = tf.reduce_mean(tf.square(tf.matmul(x, w)))
        train = tf.train.GradientDescentOptimizer(0.1).minimize(loss)
        with tf.Session() as sess:
            sess.run(tf.global_variables_initializer())
            step = am.compile(lambda xb: sess.run(train, feed_dict={x: xb}))
            with pytest.raises(am.TraceError, match="Session.run cannot be compiled"):
                step(np.zeros((3, 2), np.float32))  # replays would not update w
            sess.run(train, feed_dict={x: np.ones((3, 2), np.float32)})  # outside: as ever
            np.testing.assert_allclose(sess.run(w), [[0.6], [0.6]], rtol=1e-6)


def test_a_compiled_gradient_replays_after_updates_made_outside_the_step():
    runs = []
    for compiled in (False, True):
        w = am.Variable(np.ones(3, np.float32), name="w")

        def gradient(x, w=w):
            with am.Tape() as tape:
                loss = am.sum(am.square(w * x))
            return tape.gradient(loss, w)

        run = am.compile(gradient) if compiled else gradient
        for i in range(4):  # the second call writes a variant, after w has moved on
            w.assign_sub(0.1 * run(np.full(3, 0.5 + i, np.float32)))
        runs.append(w.numpy())
    np.testing.assert_array_equal(*runs)
