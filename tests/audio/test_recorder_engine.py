"""The recorder's threads and counters, driven by a fake PortAudio (deterministic)."""

from __future__ import annotations

import errno
import sys
import time
import tracemalloc
import types

import numpy as np
import pytest
import soundfile as sf

from musicpractice.audio import capture as capture_module
from musicpractice.audio import recorder as recorder_module
from musicpractice.audio.capture import finalise_capture
from musicpractice.audio.click import ClickSettings
from musicpractice.audio.recorder import Recorder
from musicpractice.audio.recording_errors import AudioDeviceError
from musicpractice.core.errors import InvalidParameterError

SR = 8000
BLOCK = 256


class FakeStream:
    def __init__(self, *, callback, finished_callback=None, **kwargs):
        self.callback, self.finished_callback, self.kwargs = callback, finished_callback, kwargs
        self.started = self.closed = False
        FakeStream.opened.append(self)

    def start(self):
        if FakeStream.refuse:
            raise FakeStream.module.PortAudioError("Device unavailable")
        self.started = True

    def stop(self):
        self.started = False

    def close(self):
        self.closed = True


@pytest.fixture
def fake_sd(monkeypatch):
    fake = types.ModuleType("sounddevice")

    class PortAudioError(Exception):
        pass

    class CallbackStop(Exception):
        pass

    fake.PortAudioError, fake.CallbackStop = PortAudioError, CallbackStop
    fake.query_devices = lambda: [
        {"index": 0, "name": "Mic", "hostapi": 0, "max_input_channels": 2,
         "max_output_channels": 0, "default_samplerate": float(SR)},
        {"index": 1, "name": "Phones", "hostapi": 0, "max_input_channels": 0,
         "max_output_channels": 2, "default_samplerate": float(SR)}]
    fake.query_hostapis = lambda: [{"name": "Fake"}]
    fake.default = types.SimpleNamespace(device=(0, 1))
    FakeStream.opened, FakeStream.refuse, FakeStream.module = [], False, fake
    fake.InputStream = fake.OutputStream = FakeStream
    monkeypatch.setitem(sys.modules, "sounddevice", fake)
    return fake


def _status(overflow=False):
    return types.SimpleNamespace(input_overflow=overflow)


def _feed(stream, blocks, overflow_every=0):
    for i, block in enumerate(blocks):
        stream.callback(block, len(block), None, _status(bool(overflow_every) and i % overflow_every == 0))


def _blocks(n, channels=1, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.uniform(-0.5, 0.5, (BLOCK, channels)).astype(np.float32) for _ in range(n)]


def test_every_block_reaches_the_file_in_order(fake_sd, tmp_path):
    rec = Recorder(device="Mic", channels=2, block_frames=BLOCK)
    assert rec.sample_rate_hz == SR
    rec.start_recording(tmp_path)
    blocks = _blocks(40, channels=2)
    _feed(FakeStream.opened[-1], blocks)
    final = rec.stop()
    assert final.state == "stopped" and final.frames == 40 * BLOCK and final.dropouts == 0
    assert final.seconds == pytest.approx(40 * BLOCK / SR)
    finalise_capture(tmp_path, tmp_path / "audio.flac")
    y, _ = sf.read(tmp_path / "audio.flac", dtype="float32", always_2d=True)
    np.testing.assert_allclose(y, np.concatenate(blocks), atol=2.0 ** -23)
    assert FakeStream.opened[-1].closed


def test_meter_works_while_monitoring_and_nothing_is_written(fake_sd, tmp_path):
    rec = Recorder(block_frames=BLOCK)
    rec.start_monitoring()
    assert rec.status().state == "monitoring"
    loud = np.full((BLOCK, 1), 0.5, np.float32)
    _feed(FakeStream.opened[-1], [loud, loud * 0.1])
    level = rec.level()
    assert level.peak_dbfs == pytest.approx(20 * np.log10(0.5))
    assert level.rms_dbfs == pytest.approx(20 * np.log10(0.05), abs=1e-3)
    assert not level.clipping and level.blocks == 2
    assert rec.level().peak_dbfs == -120.0       # the peak hold resets on reading
    assert rec.stop().frames == 0
    assert list(tmp_path.iterdir()) == []


def test_clipping_and_overflows_are_counted(fake_sd, tmp_path):
    rec = Recorder(block_frames=BLOCK)
    rec.start_recording(tmp_path)
    blocks = _blocks(10)
    blocks[3][5] = 1.0
    _feed(FakeStream.opened[-1], blocks, overflow_every=4)
    level = rec.level()
    final = rec.stop()
    assert level.clipping and level.clipped_blocks == 1
    assert final.overflows == 3 and final.dropouts == 3


def test_a_full_queue_counts_dropped_blocks_instead_of_blocking(fake_sd, tmp_path, monkeypatch):
    rec = Recorder(block_frames=BLOCK, queue_s=4 * BLOCK / SR)
    gate = []
    original = capture_module.CaptureWriter.write

    def slow_write(self, block):
        while not gate:
            time.sleep(0.001)
        original(self, block)

    monkeypatch.setattr(capture_module.CaptureWriter, "write", slow_write)
    rec.start_recording(tmp_path)
    _feed(FakeStream.opened[-1], _blocks(20))
    gate.append(True)
    final = rec.stop()
    assert final.dropped_blocks >= 20 - 4 - 1
    assert final.frames == (20 - final.dropped_blocks) * BLOCK


def test_disk_full_stops_the_take_keeps_the_audio_and_says_why(fake_sd, tmp_path, monkeypatch):
    rec = Recorder(block_frames=BLOCK)
    rec.start_recording(tmp_path)
    stream = FakeStream.opened[-1]
    _feed(stream, _blocks(5))
    while rec.status().frames < 5 * BLOCK:
        time.sleep(0.001)

    def full(fd, data):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(capture_module.os, "write", full)
    _feed(stream, _blocks(5, seed=1))
    while not rec.status().error:
        time.sleep(0.001)
    monkeypatch.undo()
    final = rec.stop()
    assert "disk is full" in final.error and final.frames == 5 * BLOCK
    assert finalise_capture(tmp_path, tmp_path / "audio.flac").frames == 5 * BLOCK


def test_a_device_that_stops_delivering_is_reported(fake_sd, tmp_path, monkeypatch):
    rec = Recorder(block_frames=BLOCK)
    rec.start_recording(tmp_path)
    stream = FakeStream.opened[-1]
    _feed(stream, _blocks(3))
    assert rec.status().error == ""
    stream.finished_callback()          # PortAudio ended the stream: unplugged
    assert "unplugged" in rec.status().error
    rec.stop()

    rec = Recorder(block_frames=BLOCK)
    (tmp_path / "second").mkdir()
    rec.start_recording(tmp_path / "second")
    monkeypatch.setattr(recorder_module.time, "monotonic",
                        lambda: time.perf_counter() + 10 * recorder_module.STALL_S + 1e6)
    assert "stopped delivering audio" in rec.status().error
    rec.stop()


def test_count_in_is_played_and_not_recorded(fake_sd, tmp_path):
    rec = Recorder(block_frames=BLOCK)
    click = ClickSettings(120.0, beats_per_bar=2, count_in_bars=1)   # 1 s = 8000 frames
    rec.start_recording(tmp_path, click=click)
    output = [s for s in FakeStream.opened if s.kwargs.get("device") == 1]
    assert output, "the click plays on the output device"
    assert rec.status().state == "count-in"
    blocks = [np.full((BLOCK, 1), i / 100, np.float32) for i in range(40)]
    _feed(FakeStream.opened[-1], blocks)
    final = rec.stop()
    assert final.frames == 40 * BLOCK - SR
    finalise_capture(tmp_path, tmp_path / "audio.flac")
    y, _ = sf.read(tmp_path / "audio.flac", dtype="float32")
    np.testing.assert_allclose(y[0], (SR // BLOCK) / 100, atol=1e-6)   # first frame after 1 s


def test_an_unopenable_device_is_a_device_error_and_nothing_is_left_running(fake_sd, tmp_path):
    FakeStream.refuse = True
    rec = Recorder(block_frames=BLOCK)
    with pytest.raises(AudioDeviceError, match="in use or unplugged"):
        rec.start_recording(tmp_path)
    assert rec.status().state == "stopped"


@pytest.mark.parametrize("kwargs, error", [
    ({"channels": 3}, InvalidParameterError), ({"sample_rate_hz": 1000}, InvalidParameterError),
    ({"block_frames": 4}, InvalidParameterError), ({"device": "Phones"}, AudioDeviceError)])
def test_bad_settings(fake_sd, kwargs, error):
    with pytest.raises(error):
        Recorder(**kwargs)


def test_too_many_channels_for_the_device(fake_sd, monkeypatch):
    fake_sd.query_devices = lambda: [
        {"index": 0, "name": "Mono mic", "hostapi": 0, "max_input_channels": 1,
         "max_output_channels": 0, "default_samplerate": 44100.0}]
    with pytest.raises(AudioDeviceError, match="at most 1 channel"):
        Recorder(channels=2)


def test_recording_twice_at_once_is_refused(fake_sd, tmp_path):
    rec = Recorder(block_frames=BLOCK)
    rec.start_recording(tmp_path)
    with pytest.raises(InvalidParameterError, match="already recording"):
        rec.start_recording(tmp_path)
    rec.stop()


def test_max_seconds_gives_exactly_that_much_audio(fake_sd, tmp_path):
    rec = Recorder(block_frames=BLOCK)
    rec.start_recording(tmp_path, max_seconds=1.0)
    _feed(FakeStream.opened[-1], _blocks(40))
    deadline = time.monotonic() + 5
    while rec.status().state != "full" and time.monotonic() < deadline:
        time.sleep(0.001)
    assert rec.status().state == "full"
    assert rec.stop().frames == SR


def test_overflows_while_only_monitoring_are_not_dropouts_of_the_take(fake_sd, tmp_path):
    rec = Recorder(block_frames=BLOCK)
    rec.start_monitoring()
    stream = FakeStream.opened[-1]
    _feed(stream, _blocks(4), overflow_every=1)
    rec.start_recording(tmp_path)
    _feed(stream, _blocks(4, seed=1), overflow_every=2)
    final = rec.stop()
    assert final.overflows == 2 and final.frames == 4 * BLOCK
    assert rec.level().overflows == 6


def test_memory_stays_bounded_however_long_the_take(fake_sd, tmp_path):
    rec = Recorder(block_frames=4096, queue_s=1.0)      # at most ~1 s of audio queued
    rec.start_recording(tmp_path)
    stream = FakeStream.opened[-1]
    block = np.full((4096, 1), 0.1, np.float32)
    total_blocks = 120 * SR // 4096                      # two minutes, 15 x the queue
    tracemalloc.start()
    for _ in range(total_blocks):
        stream.callback(block, len(block), None, _status())
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    final = rec.stop()
    assert final.frames + final.dropped_blocks * 4096 == total_blocks * 4096
    assert peak < total_blocks * block.nbytes / 10      # a fraction of the take's size
