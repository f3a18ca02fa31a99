"""The one signal front end: check_signal's rules and iter_frames' placement of frames."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musicpractice.analysis.frames import frame_count, frames_between, iter_frames
from musicpractice.analysis.signal import MAX_SR_HZ, check_sample_rate, check_signal
from musicpractice.core.errors import AudioTooShortError, InvalidParameterError


@settings(max_examples=150, deadline=None)
@given(n=st.integers(0, 3000), sr=st.sampled_from([8000, 22050, 44100, 48000]),
       window_ms=st.floats(0.5, 60.0), hop_ms=st.floats(0.1, 30.0), centre=st.booleans(),
       block=st.integers(1, 40))
def test_frame_i_is_centred_at_i_hop(n, sr, window_ms, hop_ms, centre, block):
    """Sample values are their own index + 1, so each frame shows exactly which samples it
    holds (0 = outside the signal)."""
    y = np.arange(1, n + 1, dtype=np.float32)
    window, hop = max(1, round(window_ms / 1000 * sr)), max(1, round(hop_ms / 1000 * sr))
    seen = 0
    for first, frames in iter_frames(y, sr, window_s=window_ms / 1000, hop_s=hop_ms / 1000,
                                     centre=centre, block_frames=block):
        assert first == seen and 1 <= len(frames) <= block and frames.shape[1] == window
        for k, frame in enumerate(frames):
            i = first + k
            start = i * hop - (window // 2 if centre else 0)
            index = np.arange(start, start + window)
            expected = np.where((index >= 0) & (index < n), index + 1, 0)
            assert np.array_equal(frame, expected)
            if centre:  # the sample at the frame's middle is sample i * hop: time i * hop_s
                assert frame[window // 2] == (i * hop + 1 if i * hop < n else 0)
        seen += len(frames)
    assert seen == frame_count(n, window=window, hop=hop, centre=centre)
    if centre:  # one frame per hop while its centre is inside the signal
        assert (seen - 1) * hop <= n and seen * hop > n
    else:  # every frame that fits, no more
        assert (seen - 1) * hop + window <= n if seen else n < window
        assert seen * hop + window > n


def test_bad_frames_are_refused():
    with pytest.raises(InvalidParameterError, match="positive"):
        next(iter_frames(np.zeros(10), 100, window_s=0.0, hop_s=0.01))


@pytest.mark.parametrize("sr", [0, -1, 22050.5, math.nan, True, "48000", None, MAX_SR_HZ + 1])
def test_bad_sample_rates_are_refused(sr):
    with pytest.raises(InvalidParameterError, match="sample rate"):
        check_signal(np.zeros(100), sr)


def test_sample_rate_rules():
    assert check_sample_rate(44100.0) == 44100 and isinstance(check_sample_rate(np.int64(8000)), int)
    with pytest.raises(InvalidParameterError, match="at least 8000 Hz"):
        check_sample_rate(4000, min_sr_hz=8000)


@pytest.mark.parametrize("y, error, match", [
    (np.zeros(0), AudioTooShortError, "empty"),
    (np.zeros(50), AudioTooShortError, "too short"),
    (np.zeros((2, 100)), InvalidParameterError, "mono"),
    (np.array(["a"] * 100), InvalidParameterError, "numbers"),
    (np.zeros(100, dtype=complex), InvalidParameterError, "numbers"),
    (np.r_[np.zeros(99), np.nan], InvalidParameterError, "NaN"),
    (np.r_[np.zeros(99), np.inf], InvalidParameterError, "NaN"),
])
def test_bad_signals_are_refused(y, error, match):
    with pytest.raises(error, match=match):
        check_signal(y, 1000, min_duration_s=0.06)


def test_signals_pass_as_float32():
    y = check_signal(np.arange(100, dtype=np.int16), 1000, min_duration_s=0.1)
    assert y.dtype == np.float32 and y[99] == 99.0
    stereo = check_signal(np.zeros((100, 2)), 1000, channels=True)
    assert stereo.shape == (100, 2) and stereo.dtype == np.float32
    with pytest.raises(InvalidParameterError, match="no channel"):
        check_signal(np.zeros((100, 0)), 1000, channels=True)
    # a too-short recording is an invalid parameter to the analysis as well
    assert issubclass(AudioTooShortError, InvalidParameterError)


def test_frames_keep_a_float_signals_precision():
    y = np.arange(10.0)  # float64
    assert frames_between(y, 0, 3, window=4, hop=2).dtype == np.float64
    assert frames_between(np.arange(10), 0, 3, window=4, hop=2).dtype == np.float32
    assert np.array_equal(frames_between(y, 1, 2, window=4, hop=2)[0], [0.0, 1.0, 2.0, 3.0])
