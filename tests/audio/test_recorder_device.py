"""Real recordings through PortAudio: a known tone played into the PulseAudio null sink
comes back from its monitor in the take, with its pitch and duration."""

from __future__ import annotations

import time

import numpy as np
import pytest
import soundfile as sf

from musicpractice.audio.capture import finalise_capture
from musicpractice.audio.click import ClickSettings
from musicpractice.audio.recorder import Recorder
from tests.audio.pulse import INPUT_DEVICE, dominant_hz, play, tone_span, write_tone

TONE_HZ = 440.0
TONE_S = 1.5


def _wait_for(condition, timeout_s=10.0):
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "timed out waiting for the recorder"
        time.sleep(0.02)


def test_a_played_tone_comes_back_with_its_pitch_and_duration(null_sink_env, tmp_path):
    tone = write_tone(tmp_path / "tone.wav", freq_hz=TONE_HZ, duration_s=TONE_S)
    take = tmp_path / "take"
    take.mkdir()
    recorder = Recorder(device=INPUT_DEVICE, sample_rate_hz=48_000)
    recorder.start_recording(take)
    _wait_for(lambda: recorder.status().seconds > 0.2)
    player = play(tone, null_sink_env)
    player.wait(timeout=20)
    time.sleep(0.5)
    level = recorder.level()
    final = recorder.stop()
    assert final.error == "" and final.dropouts == 0
    summary = finalise_capture(take, take / "audio.flac")
    y, sr = sf.read(take / "audio.flac", dtype="float32")
    assert sr == 48_000 and summary.frames == len(y) == final.frames
    start_s, end_s = tone_span(y, sr)
    assert end_s - start_s == pytest.approx(TONE_S, abs=0.05)
    middle = y[int((start_s + 0.2) * sr):int((end_s - 0.2) * sr)]
    assert dominant_hz(middle, sr) == pytest.approx(TONE_HZ, abs=0.5)
    assert np.max(np.abs(middle)) == pytest.approx(0.3, rel=0.05)
    assert level.peak_dbfs > -60.0


def test_the_metronome_clicks_in_time_during_the_take(null_sink_env, tmp_path):
    recorder = Recorder(device=INPUT_DEVICE, output_device=INPUT_DEVICE, sample_rate_hz=44_100)
    click = ClickSettings(120.0, beats_per_bar=4, count_in_bars=1, during_take=True,
                          level_dbfs=-6.0)
    recorder.start_recording(tmp_path, click=click)
    assert recorder.status().state == "count-in"
    _wait_for(lambda: recorder.status().seconds >= 3.0, timeout_s=20)
    recorder.stop()
    finalise_capture(tmp_path, tmp_path / "audio.flac")
    y, sr = sf.read(tmp_path / "audio.flac", dtype="float32")
    loud = np.flatnonzero(np.abs(y) > 0.05)
    onsets = loud[np.concatenate([[True], np.diff(loud) > int(0.2 * sr)])] / sr
    assert len(onsets) >= 5
    np.testing.assert_allclose(np.diff(onsets), 0.5, atol=0.01)
