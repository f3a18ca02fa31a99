"""Loading audio: formats, rates, channels, and every bad input."""

import shutil

import numpy as np
import pytest
import soundfile as sf

from musicpractice.audio.io import load_signal, probe
from musicpractice.core.errors import AudioFileError, AudioTooShortError


def _tone(sr, seconds, channels=1, freq=440.0, amp=0.5):
    t = np.arange(int(sr * seconds)) / sr
    x = amp * np.sin(2 * np.pi * freq * t)
    return np.stack([x] * channels, axis=1) if channels > 1 else x


@pytest.mark.parametrize("fmt,ext", [("WAV", "wav"), ("FLAC", "flac"), ("OGG", "ogg"), ("MP3", "mp3")])
def test_formats_load_to_mono_at_analysis_rate(tmp_path, fmt, ext):
    path = tmp_path / f"tone.{ext}"
    sf.write(path, _tone(44_100, 2.0), 44_100, format=fmt)
    s = load_signal(path, sr=22_050)
    assert s.sr == 22_050
    assert s.duration_s == pytest.approx(2.0, abs=0.06)  # MP3 pads a little
    spectrum = np.abs(np.fft.rfft(s.samples[2000:20000]))
    assert np.fft.rfftfreq(18000, 1 / 22_050)[np.argmax(spectrum)] == pytest.approx(440, abs=2)


@pytest.mark.parametrize("sr", [8_000, 16_000, 48_000, 96_000, 192_000])
def test_any_rate_from_8_to_192_khz(tmp_path, sr):
    path = tmp_path / "x.wav"
    sf.write(path, _tone(sr, 1.0), sr)
    s = load_signal(path)
    assert s.info.sample_rate_hz == sr
    assert s.duration_s == pytest.approx(1.0, abs=1e-3)


def test_multichannel_is_mixed_down_and_channels_reported(tmp_path):
    path = tmp_path / "stereo.flac"
    left = _tone(48_000, 1.0, freq=440)
    right = _tone(48_000, 1.0, freq=660)
    sf.write(path, np.stack([left, right], axis=1), 48_000)
    blocks = []
    s = load_signal(path, on_block=lambda b, sr: blocks.append((b.shape[1], sr)))
    assert s.info.channels == 2
    assert blocks and all(b == (2, 48_000) for b in blocks)
    spectrum = np.abs(np.fft.rfft(s.samples[:22_050]))
    freqs = np.fft.rfftfreq(22_050, 1 / 22_050)
    assert spectrum[np.argmin(abs(freqs - 440))] > 0.3 * spectrum.max()
    assert spectrum[np.argmin(abs(freqs - 660))] > 0.3 * spectrum.max()


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_m4a_is_decoded_with_ffmpeg(tmp_path):
    import subprocess
    wav = tmp_path / "x.wav"
    sf.write(wav, _tone(44_100, 1.5), 44_100)
    m4a = tmp_path / "x.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-i", str(wav), "-c:a", "aac", str(m4a)], check=True)
    s = load_signal(m4a)
    assert s.duration_s == pytest.approx(1.5, abs=0.1)


def test_m4a_without_ffmpeg_says_how_to_install_it(tmp_path, monkeypatch):
    m4a = tmp_path / "x.m4a"
    m4a.write_bytes(b"\x00\x00\x00\x20ftypM4A " + bytes(100))
    monkeypatch.setattr(shutil, "which", lambda name: None)
    with pytest.raises(AudioFileError, match="needs ffmpeg"):
        load_signal(m4a)


def test_missing_file(tmp_path):
    with pytest.raises(AudioFileError, match="not found"):
        load_signal(tmp_path / "nope.wav")


def test_empty_file(tmp_path):
    (tmp_path / "empty.wav").write_bytes(b"")
    with pytest.raises(AudioFileError, match="empty"):
        load_signal(tmp_path / "empty.wav")


def test_folder_is_refused(tmp_path):
    with pytest.raises(AudioFileError, match="folder"):
        probe(tmp_path)


def test_text_file_is_not_audio(tmp_path):
    path = tmp_path / "notes.wav"
    path.write_text("this is not audio\n" * 100)
    with pytest.raises(AudioFileError, match="not an audio file"):
        load_signal(path)


def test_header_only_wav_has_no_audio(tmp_path):
    path = tmp_path / "zero.wav"
    sf.write(path, np.zeros(0), 44_100)
    with pytest.raises(AudioFileError, match="no audio"):
        load_signal(path)


def test_too_short(tmp_path):
    path = tmp_path / "short.wav"
    sf.write(path, _tone(44_100, 0.3), 44_100)
    with pytest.raises(AudioTooShortError, match="0.30 s"):
        load_signal(path)


def test_rate_out_of_range(tmp_path):
    path = tmp_path / "low.wav"
    sf.write(path, _tone(4_000, 1.0), 4_000)
    with pytest.raises(AudioFileError, match="4000 Hz"):
        probe(path)


def test_truncated_file_keeps_the_readable_part(tmp_path):
    path = tmp_path / "cut.flac"
    sf.write(path, _tone(44_100, 6.0, amp=0.4) + 0.01 * np.random.default_rng(0).standard_normal(264_600), 44_100)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    s = load_signal(path)
    assert 1.0 < s.duration_s < 6.0


def test_silence_and_clipping_are_warned_about(tmp_path):
    silent = tmp_path / "silent.wav"
    sf.write(silent, np.zeros(44_100), 44_100)
    assert any("silent" in w for w in load_signal(silent).warnings)
    clipped = tmp_path / "clipped.wav"
    sf.write(clipped, np.clip(3 * _tone(44_100, 1.0), -1, 1), 44_100)
    s = load_signal(clipped)
    assert s.clipped_fraction > 0.3
    assert any("clipped" in w for w in s.warnings)


def test_real_recording_header(shared_data):
    info = probe(shared_data / "tuning" / "Guitar-A4-432-1.ogg")
    assert info.sample_rate_hz == 48_000 and info.channels == 1
    assert info.duration_s == pytest.approx(16.75, abs=0.01)
