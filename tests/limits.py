"""A time and memory limit for tests of hostile input (issue 17): a test that would hang or
exhaust the machine fails instead. Use with ``pytestmark = pytest.mark.usefixtures(
"bounded")`` after ``from tests.limits import bounded``."""

from __future__ import annotations

import resource
import signal

import pytest

TEST_TIME_LIMIT_S = 120
TEST_MEMORY_BYTES = 3 << 30
"""Address space a test may add to what the test process already uses."""


class TestTookTooLong(Exception):
    """Raised in the test when its time limit passes."""


def _virtual_size() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith("VmSize:"):
                return int(line.split()[1]) * 1024
    return 0


def _alarm(signum, frame):
    raise TestTookTooLong(f"the test ran longer than {TEST_TIME_LIMIT_S} s")


@pytest.fixture
def bounded():
    """Limit the test to :data:`TEST_TIME_LIMIT_S` seconds and :data:`TEST_MEMORY_BYTES`
    more address space (soft limits, restored afterwards)."""
    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _virtual_size() + TEST_MEMORY_BYTES
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(TEST_TIME_LIMIT_S)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))
