"""Fixtures of the recording tests."""

from __future__ import annotations

import pytest

from tests.audio.pulse import start_null_sink


@pytest.fixture(scope="session")
def null_sink_env() -> dict[str, str]:
    """Environment reaching a running PulseAudio null sink (skips without one, not in CI)."""
    return start_null_sink()
