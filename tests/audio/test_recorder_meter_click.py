"""Level meter and metronome click: exact values on synthetic blocks."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from musicpractice.audio.click import ACCENT_HZ, BEAT_HZ, ClickSettings, ClickTrack
from musicpractice.audio.levels import SILENCE_DBFS, LevelMeter, to_dbfs
from musicpractice.core.errors import InvalidParameterError

SR = 16_000


def test_levels_of_a_full_scale_sine():
    meter = LevelMeter()
    t = np.arange(SR) / SR
    meter.update(np.sin(2 * np.pi * 440 * t)[:, None].astype(np.float32))
    level = meter.snapshot()
    assert level.peak_dbfs == pytest.approx(0.0, abs=0.01)
    assert level.rms_dbfs == pytest.approx(20 * np.log10(np.sqrt(0.5)), abs=0.01)
    assert level.clipping and level.clipped_blocks == 1


def test_silence_and_the_floor():
    meter = LevelMeter()
    meter.update(np.zeros((256, 2), np.float32), overflow=True)
    level = meter.snapshot()
    assert (level.peak_dbfs, level.rms_dbfs, level.overflows) == (SILENCE_DBFS, SILENCE_DBFS, 1)
    assert to_dbfs(1e-9) == SILENCE_DBFS and to_dbfs(0.1) == pytest.approx(-20.0)


def _onsets(y, gap=200):
    """First sample of each burst of non-zero samples separated by ``gap`` zeros."""
    sounding = np.flatnonzero(y != 0)
    return sounding[np.concatenate([[True], np.diff(sounding) > gap])]


def test_count_in_clicks_on_every_beat_with_an_accent_on_one():
    settings_ = ClickSettings(90.0, beats_per_bar=3, count_in_bars=2)
    track = ClickTrack(settings_, SR)
    assert track.count_in_frames == round(6 * 60 / 90 * SR)
    y = track.render(track.count_in_frames + SR)
    onsets = _onsets(y)
    expected = np.round(np.arange(6) * 60 / 90 * SR).astype(int)
    np.testing.assert_allclose(onsets, expected, atol=1)   # a sine starts at 0
    assert track.finished
    for i, onset in enumerate(onsets):
        piece = y[onset:onset + 256]
        spectrum = np.abs(np.fft.rfft(piece, 4096))
        peak_hz = np.argmax(spectrum) * SR / 4096
        assert peak_hz == pytest.approx(ACCENT_HZ if i % 3 == 0 else BEAT_HZ, abs=10)
    assert 0.9 * 10 ** (-12 / 20) < np.max(np.abs(y)) <= 10 ** (-12 / 20)


@settings(max_examples=30, deadline=None)
@given(st.lists(st.integers(1, 5000), min_size=1, max_size=20))
def test_any_block_sizes_render_the_same_clicks(sizes):
    settings_ = ClickSettings(137.0, beats_per_bar=4, count_in_bars=1, during_take=True)
    whole = ClickTrack(settings_, SR).render(sum(sizes))
    track = ClickTrack(settings_, SR)
    pieces = np.concatenate([track.render(n) for n in sizes])
    np.testing.assert_array_equal(pieces, whole)
    assert not track.finished


@pytest.mark.parametrize("kwargs", [{"tempo_bpm": 10}, {"tempo_bpm": 120, "beats_per_bar": 0},
                                    {"tempo_bpm": 120, "count_in_bars": 9},
                                    {"tempo_bpm": 120, "level_dbfs": 3}])
def test_bad_click_settings(kwargs):
    with pytest.raises(InvalidParameterError):
        ClickSettings(**kwargs)
