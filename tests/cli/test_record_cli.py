"""``musicpractice record``: a real take through the PulseAudio null sink, and bad input."""

from __future__ import annotations

import json

import pytest
import soundfile as sf

import musicpractice.cli as cli
from tests.audio.pulse import INPUT_DEVICE, dominant_hz, play, start_null_sink, write_tone


@pytest.fixture(scope="module")
def null_sink_env():
    return start_null_sink()


def test_record_a_take_into_a_new_session(null_sink_env, tmp_path, capsys):
    tone = write_tone(tmp_path / "a.wav", freq_hz=660.0, duration_s=4.0)
    player = play(tone, null_sink_env)
    try:
        status = cli.main(["record", "--session", str(tmp_path / "rec"), "--device", INPUT_DEVICE,
                           "--seconds", "1.5", "--rate", "32000", "--channels", "2",
                           "--title", "A", "--performer", "Ann"])
    finally:
        player.kill()
        player.wait()
    assert status == 0
    out = capsys.readouterr().out
    assert out.startswith("take ") and "1.5 s" in out
    assert cli.main(["session", "info", str(tmp_path / "rec.mpsession"), "--json"]) == 0
    take = json.loads(capsys.readouterr().out)["takes"][0]
    assert (take["title"], take["performer"], take["status"], take["device"]) == \
        ("A", "Ann", "complete", INPUT_DEVICE)
    assert (take["sample_rate_hz"], take["channels"], take["dropouts"]) == (32_000, 2, 0)
    assert take["duration_s"] == pytest.approx(1.5, abs=0.05)
    y, sr = sf.read(tmp_path / "rec.mpsession" / "takes" / take["id"] / "audio.flac")
    assert dominant_hz(y[:, 0], sr) == pytest.approx(660.0, abs=1.0)


def test_list_devices(null_sink_env, capsys):
    assert cli.main(["record", "--list-devices"]) == 0
    assert INPUT_DEVICE in capsys.readouterr().out


@pytest.mark.parametrize("argv, words", [
    (["record"], "--session PATH"),
    (["record", "--session", "S", "--seconds", "0"], "--seconds"),
    (["record", "--session", "S", "--count-in", "2"], "needs a tempo"),
    (["record", "--session", "S", "--tempo", "1000"], "20-400"),
    (["record", "--session", "S", "--device", "no such device"], "not a device"),
])
def test_bad_input_is_one_clear_line(null_sink_env, tmp_path, monkeypatch, capsys, argv, words):
    monkeypatch.chdir(tmp_path)
    assert cli.main(argv) == 2
    err = capsys.readouterr().err
    assert err.startswith("musicpractice: error:") and words in err
    assert not (tmp_path / "S").exists() and not (tmp_path / "S.mpsession").exists()


def test_recording_is_announced_only_once_audio_reaches_the_disk(null_sink_env, tmp_path):
    import subprocess
    import sys
    from pathlib import Path
    root = Path(__file__).resolve().parents[2]
    tone = write_tone(tmp_path / "a.wav", freq_hz=440.0, duration_s=6.0)
    player = play(tone, null_sink_env)
    session = tmp_path / "rec.mpsession"
    process = subprocess.Popen(
        [sys.executable, "-m", "musicpractice", "record", "--session", str(session),
         "--device", INPUT_DEVICE, "--seconds", "2", "--rate", "16000"],
        stderr=subprocess.PIPE, stdout=subprocess.PIPE, text=True, env=null_sink_env, cwd=root)
    try:
        line = process.stderr.readline()
        assert line.startswith("Recording take"), line
        raw = list(session.glob("takes/*/capture.raw"))
        written = raw[0].stat().st_size if raw else 0  # what is on disk when the words appear
        process.communicate(timeout=60)
    finally:
        process.kill()
        player.kill()
        player.wait()
    assert written > 0
    assert process.returncode == 0
