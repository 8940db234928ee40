"""Tapes are per thread and per contextvars context: concurrent taping does not mix."""

import contextvars
import threading

import numpy as np

from autograd_mini import Tape, Tensor, Variable
from autograd_mini.transforms import grad


def run_in_threads(*workers):
    """Run each worker in its own thread; return their results, re-raising any error."""
    results, errors = [None] * len(workers), []

    def wrap(i, work):
        try:
            results[i] = work()
        except BaseException as e:  # noqa: BLE001  (handed to the main thread)
            errors.append(e)

    threads = [threading.Thread(target=wrap, args=(i, w)) for i, w in enumerate(workers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    if errors:
        raise errors[0]
    return results


def test_two_threads_taping_at_once_each_get_their_own_gradient():
    barrier = threading.Barrier(2, timeout=10)

    def worker(start, power):
        def work():
            w = Variable(start, dtype="float64")
            with Tape() as tape:
                barrier.wait()  # both tapes are open now
                y = w**power
                barrier.wait()  # and both have recorded
                y = y * 1.0
            return float(tape.gradient(y, w))
        return work

    assert run_in_threads(worker(2.0, 2), worker(3.0, 3)) == [4.0, 27.0]


def test_a_shared_variable_gets_each_threads_own_gradient():
    w = Variable(2.0, dtype="float64")
    barrier = threading.Barrier(2, timeout=10)

    def worker(scale):
        def work():
            with Tape() as tape:
                barrier.wait()
                y = w * w * scale
                barrier.wait()
            return float(tape.gradient(y, w))
        return work

    assert run_in_threads(worker(1.0), worker(10.0)) == [4.0, 40.0]


def test_a_watch_in_one_thread_is_not_seen_by_the_other_threads_tape():
    c = Tensor(3.0, dtype="float64")
    barrier = threading.Barrier(2, timeout=10)

    def watcher():
        with Tape() as tape:
            tape.watch(c)
            barrier.wait()
            y = c * c
            barrier.wait()
        return float(tape.gradient(y, c))

    def bystander():
        other = Variable(1.0, dtype="float64")
        with Tape() as tape:
            barrier.wait()
            y = other * c  # c requires grad right now, but only for the watcher's tape
            barrier.wait()
        return [float(g) if g is not None else None for g in tape.gradient(y, [other, c])]

    assert run_in_threads(watcher, bystander) == [6.0, [3.0, None]]


def test_an_open_tape_in_one_thread_does_not_record_anothers_gradient():
    opened, done = threading.Event(), threading.Event()

    def holder():
        with Tape():
            opened.set()
            done.wait(10)

    def worker():
        opened.wait(10)
        try:
            w = Variable(2.0)
            with Tape() as tape:
                y = w * w
            return tape.gradient(y, w).requires_grad  # True if it saw the other tape
        finally:
            done.set()

    assert run_in_threads(holder, worker) == [None, False]


def test_a_fresh_contextvars_context_does_not_see_the_callers_tape():
    x = Variable(2.0)
    with Tape():
        inside = grad(lambda z: z * z)(x)
        fresh = contextvars.Context().run(grad(lambda z: z * z), x)
    assert inside.requires_grad  # recorded for the open tape
    assert type(fresh) is Tensor and not fresh.requires_grad
    np.testing.assert_array_equal(fresh.numpy(), 4.0)
