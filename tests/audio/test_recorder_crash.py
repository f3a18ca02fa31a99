"""kill -9 in the middle of a take: reopening the session recovers the audio up to at
most 1 s before the kill and marks the take ``recovered``. A real recording process, a
real device (the PulseAudio null sink), a known tone played into it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest
import soundfile as sf

from musicpractice.session.store import Session
from tests.audio.pulse import INPUT_DEVICE, dominant_hz, play, tone_span, write_tone

PROJECT_ROOT = Path(__file__).resolve().parents[2]
RECORD = """
import argparse, sys
from musicpractice.cli import record
parser = argparse.ArgumentParser()
record.add_parser(parser.add_subparsers())
args = parser.parse_args(sys.argv[1:])
sys.exit(args.run(args))
"""
TONE_HZ = 440.0
PLAY_BEFORE_KILL_S = 2.5
MAX_LOSS_S = 1.0


def _wait_for_capture(session_path: Path, process: subprocess.Popen, min_bytes: int) -> Path:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        assert process.poll() is None, process.stderr.read().decode()
        raws = list(session_path.glob("takes/*/capture.raw"))
        if raws and raws[0].stat().st_size >= min_bytes:
            return raws[0]
        time.sleep(0.05)
    raise AssertionError("the recording process never started writing")


def test_kill_9_mid_take_loses_at_most_one_second(null_sink_env, tmp_path):
    Session.create(tmp_path / "crash.mpsession").close()
    session_path = tmp_path / "crash.mpsession"
    tone = write_tone(tmp_path / "tone.wav", freq_hz=TONE_HZ, duration_s=PLAY_BEFORE_KILL_S + 3)
    process = subprocess.Popen(
        [sys.executable, "-c", RECORD, "record", "--session", str(session_path),
         "--device", INPUT_DEVICE, "--rate", "44100", "--seconds", "120", "--title", "crash"],
        env={**null_sink_env, "PYTHONPATH": str(PROJECT_ROOT)}, cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    player = None
    try:
        _wait_for_capture(session_path, process, min_bytes=44_100 * 4 // 2)
        player = play(tone, null_sink_env)
        played_at = time.monotonic()
        time.sleep(PLAY_BEFORE_KILL_S)
        os.kill(process.pid, signal.SIGKILL)
        killed_at = time.monotonic()
        process.wait(timeout=10)
    finally:
        if process.poll() is None:
            process.kill()
        if player is not None:
            player.kill()
            player.wait()
    assert process.returncode == -signal.SIGKILL

    with Session.open(session_path) as session:
        take = session.takes[0]
        assert take.status == "recovered" and take.title == "crash"
        assert session.recovered_ids == (take.id,)
        assert any("interrupted" in p and "recovered" in p for p in session.problems)
        y, sr = sf.read(session.audio_path(take.id), dtype="float32")
    assert (sr, len(y)) == (44_100, take.frames)
    start_s, end_s = tone_span(y, sr)
    # The tone started at played_at at the earliest (plus output latency), so the file
    # must hold it for at least (kill - play - MAX_LOSS) seconds, up to its very end.
    assert len(y) / sr - end_s < 0.05, "the tone was still sounding at the kill"
    lost_s = (killed_at - played_at) - (end_s - start_s)
    assert lost_s <= MAX_LOSS_S, f"{lost_s:.2f} s before the kill were lost"
    assert dominant_hz(y[int((start_s + 0.1) * sr):int(end_s * sr)], sr) == \
        pytest.approx(TONE_HZ, abs=1.0)
    with Session.open(session_path) as again:          # recovered once, then complete
        assert again.recovered_ids == () and again.takes[0].status == "recovered"

