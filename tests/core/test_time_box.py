"""A foreign parser runs in a child with a time and a memory limit (issue 17, part 2)."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest

from musicpractice.core.errors import Cancelled, InvalidParameterError
from musicpractice.core.time_box import TimeBoxError, run_time_boxed


def _sleep(seconds: float) -> str:
    time.sleep(seconds)
    return "woke"


def _allocate(megabytes: int) -> int:
    return int(np.ones(megabytes << 17).sum())  # float64: 8 bytes each


def _refuse() -> None:
    raise InvalidParameterError("no such part 'Tenor'")


def test_a_result_comes_back_from_the_child():
    assert run_time_boxed(_allocate, 8, what="Counting", time_limit_s=30,
                          memory_limit_bytes=512 << 20) == 8 << 17


def test_a_call_over_its_time_is_killed_at_the_limit():
    start = time.monotonic()
    with pytest.raises(TimeBoxError, match="Sleeping took longer than 0.5 s"):
        run_time_boxed(_sleep, 60, what="Sleeping", time_limit_s=0.5,
                       memory_limit_bytes=256 << 20)
    assert time.monotonic() - start < 10


def test_a_call_over_its_memory_is_stopped_with_a_sentence():
    with pytest.raises(TimeBoxError, match="needed more than 200 MB"):
        run_time_boxed(_allocate, 2048, what="Allocating", time_limit_s=60,
                       memory_limit_bytes=200 << 20)


def test_the_childs_own_errors_arrive_as_they_were_raised():
    with pytest.raises(InvalidParameterError, match="no such part 'Tenor'"):
        run_time_boxed(_refuse, what="Refusing", time_limit_s=30, memory_limit_bytes=256 << 20)


def test_cancelling_kills_the_child():
    cancel = threading.Event()
    threading.Timer(0.3, cancel.set).start()
    start = time.monotonic()
    with pytest.raises(Cancelled):
        run_time_boxed(_sleep, 60, what="Sleeping", time_limit_s=60,
                       memory_limit_bytes=256 << 20, cancel=cancel)
    assert time.monotonic() - start < 10


def _in_daemon(queue) -> None:
    try:
        queue.put(run_time_boxed(_allocate, 1, what="Counting", time_limit_s=30,
                                 memory_limit_bytes=256 << 20))
    except BaseException as error:  # reported to the test
        queue.put(repr(error))


def test_it_works_inside_a_daemonic_worker_process():
    import multiprocessing
    context = multiprocessing.get_context("fork")
    queue = context.Queue()
    worker = context.Process(target=_in_daemon, args=(queue,), daemon=True)
    worker.start()
    assert queue.get(timeout=30) == 1 << 17
    worker.join(10)
