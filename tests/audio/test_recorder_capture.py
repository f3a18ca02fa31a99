"""Crash-safe capture files and their conversion to FLAC (no device needed)."""

from __future__ import annotations

import errno
import json

import numpy as np
import pytest
import soundfile as sf
from hypothesis import given, settings
from hypothesis import strategies as st

from musicpractice.audio import capture as capture_module
from musicpractice.audio.capture import (CAPTURE_JSON, CAPTURE_RAW, CaptureWriter,
                                         finalise_capture, has_capture)
from musicpractice.audio.recording_errors import RecordingStorageError
from musicpractice.core.errors import AudioFileError

QUANTUM = 2.0 ** -23
"""One step of 24-bit PCM (full scale 1.0)."""


def _noise(frames, channels, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.uniform(-0.9, 0.9, (frames, channels))).astype(np.float32)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.integers(0, 3000), min_size=1, max_size=8), st.sampled_from([1, 2]))
def test_blocks_of_any_size_come_back_in_order(tmp_path_factory, sizes, channels):
    folder = tmp_path_factory.mktemp("take")
    audio = _noise(sum(sizes), channels, seed=len(sizes))
    writer = CaptureWriter(folder, sample_rate_hz=44_100, channels=channels)
    start = 0
    for n in sizes:
        writer.write(audio[start:start + n])
        start += n
    writer.close()
    assert has_capture(folder)
    summary = finalise_capture(folder, folder / "audio.flac")
    assert summary.frames == sum(sizes) and summary.channels == channels
    assert not has_capture(folder) and not (folder / CAPTURE_RAW).exists()
    if summary.frames:
        y, sr = sf.read(folder / "audio.flac", dtype="float32", always_2d=True)
        assert sr == 44_100 and y.shape == audio.shape
        np.testing.assert_allclose(y, audio, atol=QUANTUM)
    else:
        assert not (folder / "audio.flac").exists()


def test_an_incomplete_last_frame_is_dropped(tmp_path):
    audio = _noise(1000, 2)
    writer = CaptureWriter(tmp_path, sample_rate_hz=48_000, channels=2)
    writer.write(audio)
    writer.close()
    with open(tmp_path / CAPTURE_RAW, "ab") as raw:
        raw.write(b"\x00\x01\x02\x03\x04")   # a frame cut off by the crash
    summary = finalise_capture(tmp_path, tmp_path / "audio.flac")
    assert (summary.frames, summary.discarded_bytes) == (1000, 5)
    assert summary.duration_s == pytest.approx(1000 / 48_000)


def test_samples_beyond_full_scale_are_clipped_not_wrapped(tmp_path):
    writer = CaptureWriter(tmp_path, sample_rate_hz=8000, channels=1)
    writer.write(np.array([[1.5], [-2.0], [0.5], [np.nan]], np.float32))
    writer.close()
    finalise_capture(tmp_path, tmp_path / "audio.flac")
    y, _ = sf.read(tmp_path / "audio.flac", dtype="float32")
    np.testing.assert_allclose(y, [1.0, -1.0, 0.5, 0.0], atol=2 * QUANTUM)


@pytest.mark.parametrize("header", [None, "{not json", json.dumps({"format": "other"}),
                                    json.dumps({"format": "musicpractice.capture",
                                                "sample_rate_hz": 0, "channels": 1})])
def test_a_missing_or_damaged_header_is_a_clear_error(tmp_path, header):
    (tmp_path / CAPTURE_RAW).write_bytes(b"\x00" * 64)
    if header is not None:
        (tmp_path / CAPTURE_JSON).write_text(header)
    with pytest.raises(AudioFileError, match="cannot be recovered"):
        finalise_capture(tmp_path, tmp_path / "audio.flac")
    assert (tmp_path / CAPTURE_RAW).exists()


def test_disk_full_while_writing_keeps_what_was_written(tmp_path, monkeypatch):
    writer = CaptureWriter(tmp_path, sample_rate_hz=8000, channels=1)
    first = _noise(800, 1)
    writer.write(first)

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(capture_module.os, "write", full)
    with pytest.raises(RecordingStorageError, match="disk is full.*kept"):
        writer.write(_noise(800, 1, seed=1))
    monkeypatch.undo()
    writer.close()
    summary = finalise_capture(tmp_path, tmp_path / "audio.flac")
    assert summary.frames == 800
    y, _ = sf.read(tmp_path / "audio.flac", dtype="float32")
    np.testing.assert_allclose(y, first[:, 0], atol=QUANTUM)


def test_disk_full_while_converting_keeps_the_capture(tmp_path, monkeypatch):
    writer = CaptureWriter(tmp_path, sample_rate_hz=8000, channels=1)
    writer.write(_noise(8000, 1))
    writer.close()

    class FullDisk:
        def __init__(self, *args, **kwargs):
            raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(capture_module, "atomic_writer", FullDisk)
    with pytest.raises(RecordingStorageError, match="disk is full"):
        finalise_capture(tmp_path, tmp_path / "audio.flac")
    assert has_capture(tmp_path) and (tmp_path / CAPTURE_RAW).stat().st_size == 8000 * 4
    assert not (tmp_path / "audio.flac").exists()


def test_unwritable_folder(tmp_path):
    with pytest.raises(RecordingStorageError, match="disk reported an error|cannot be written"):
        CaptureWriter(tmp_path / "missing", sample_rate_hz=8000, channels=1)


def test_the_dropout_count_survives_a_crash(tmp_path):
    writer = CaptureWriter(tmp_path, sample_rate_hz=8000, channels=1, fsync_interval_s=0.0)
    writer.write(_noise(100, 1))
    writer.dropouts = 2
    writer.write(_noise(100, 1))        # synced with this write; then the process dies
    assert json.loads((tmp_path / CAPTURE_JSON).read_text())["dropouts"] == 2
    assert finalise_capture(tmp_path, tmp_path / "audio.flac").dropouts == 2
