"""A Tape records only its own thread's and asyncio task's ops, and watches only there.

Each thread has its own contextvars context and each asyncio task a copy of its creator's,
so a tape open in one of them neither records ops run in another (even on a shared
Variable) nor turns on tracking there with ``watch()``.
"""

from __future__ import annotations

import asyncio
import threading

from test_threads import run_in_threads

from autograd_mini import Tape, Tensor, Variable


def test_a_tape_does_not_record_an_op_another_thread_runs_on_a_shared_variable():
    w = Variable(3.0, dtype="float64", name="w")
    opened, made = threading.Event(), threading.Event()
    handed = []

    def taping():
        with Tape() as tape:
            opened.set()
            made.wait(10)
            y = handed[0] * 1.0  # another thread's result, used here
        return tape.gradient(y, w)  # TensorFlow: None, that op was not on this tape

    def other():
        opened.wait(10)
        with Tape() as own:
            y = w * w
        handed.append(y)
        made.set()
        return float(own.gradient(y, w))

    assert run_in_threads(taping, other) == [None, 6.0]


def test_a_watch_in_one_thread_turns_on_tracking_only_there():
    c = Tensor(2.0, dtype="float64")
    watched, done = threading.Event(), threading.Event()

    def watcher():
        with Tape() as tape:
            tape.watch(c)
            watched.set()
            done.wait(10)
            y = c * c
        return float(tape.gradient(y, c))

    def bystander():
        watched.wait(10)
        try:
            y = c * 5.0
            return bool(c.requires_grad), y.requires_grad, y.parents
        finally:
            done.set()

    assert run_in_threads(watcher, bystander) == [4.0, (False, False, ())]
    assert not c.requires_grad  # off again once the tape is done


def test_two_asyncio_tasks_taping_at_once_each_see_only_their_own_ops():
    w = Variable(2.0, dtype="float64", name="w")
    results = {}

    async def taping(name, power, other_name, step):
        with Tape(persistent=True) as tape:
            await step.wait()
            results[name] = w**power
            await asyncio.sleep(0)  # let the other task run its op while this tape is open
            await asyncio.sleep(0)
            mine = results[name] * 1.0
            theirs = results[other_name] * 1.0
        return float(tape.gradient(mine, w)), tape.gradient(theirs, w)

    async def both():
        step = asyncio.Event()
        tasks = [asyncio.create_task(taping("a", 2, "b", step)),
                 asyncio.create_task(taping("b", 3, "a", step))]
        await asyncio.sleep(0)  # both tapes are open now
        step.set()
        return await asyncio.gather(*tasks)

    assert asyncio.run(both()) == [(4.0, None), (12.0, None)]


def test_a_watch_in_one_asyncio_task_turns_on_tracking_only_there():
    c = Tensor(3.0, dtype="float64")

    async def watcher(watched, done):
        with Tape() as tape:
            tape.watch(c)
            watched.set()
            await done.wait()
            y = c * c
        return float(tape.gradient(y, c))

    async def bystander(watched, done):
        await watched.wait()
        y = c * 5.0
        done.set()
        return y.requires_grad

    async def both():
        watched, done = asyncio.Event(), asyncio.Event()
        return await asyncio.gather(watcher(watched, done), bystander(watched, done))

    assert asyncio.run(both()) == [6.0, False]


def test_a_task_started_inside_a_tapes_block_records_for_that_tape():
    # a task copies its creator's context: work it does for the block is the block's
    w = Variable(2.0, dtype="float64")

    async def square():
        return w * w

    async def main():
        with Tape() as tape:
            y = await asyncio.create_task(square())
        return float(tape.gradient(y, w))

    assert asyncio.run(main()) == 4.0
