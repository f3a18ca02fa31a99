"""One policy for tests that need something of the machine (a sound device through the
PulseAudio null sink, Qt WebEngine): without it they skip with the reason on a
developer's machine, and fail in CI, where ``.ci/run`` sets ``CI=true`` and provides it."""

from __future__ import annotations

import os

import pytest


def in_ci() -> bool:
    """Whether the tests run in CI (``CI`` is true, 1 or yes)."""
    return os.environ.get("CI", "").lower() in ("true", "1", "yes")


def unavailable(reason: str):
    """Skip the test (``reason`` shown), or fail it in CI, which must run it."""
    if in_ci():
        pytest.fail(f"CI must run this test, but: {reason}")
    pytest.skip(reason)
