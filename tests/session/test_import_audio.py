"""Copying audio files into a session as FLAC: formats, limits, cancel."""

from __future__ import annotations

import shutil
import subprocess
import threading

import numpy as np
import pytest
import soundfile as sf

from musicpractice.audio.capture import CaptureWriter
from musicpractice.audio.flac_copy import copy_as_flac
from musicpractice.core.errors import AudioFileError, Cancelled
from musicpractice.session.store import Session
from tests.session.helpers import write_wav


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg is not installed")
def test_formats_libsndfile_cannot_read_go_through_ffmpeg(tmp_path):
    m4a = tmp_path / "phone.m4a"
    subprocess.run(["ffmpeg", "-v", "error", "-f", "lavfi", "-i",
                    "sine=frequency=440:duration=1:sample_rate=44100", "-ac", "2", "-c:a", "aac",
                    str(m4a)], check=True)
    with Session.create(tmp_path / "s") as session:
        take = session.import_audio(m4a)
        y, sr = sf.read(session.audio_path(take.id), always_2d=True)
    assert (sr, y.shape[1], take.channels, take.sample_rate_hz) == (44_100, 2, 2, 44_100)
    assert take.frames == len(y) and take.duration_s == pytest.approx(1.0, abs=0.05)
    spectrum = np.abs(np.fft.rfft(y[4410:-4410, 0]))
    assert np.argmax(spectrum) * sr / (len(y) - 8820) == pytest.approx(440, abs=2)


def test_eight_bit_stays_sixteen_bit_and_more_than_eight_channels_is_refused(tmp_path):
    eight = tmp_path / "old.wav"
    original = write_wav(eight, subtype="PCM_U8")
    info = copy_as_flac(eight, tmp_path / "old.flac")
    assert sf.info(tmp_path / "old.flac").subtype == "PCM_16" and info.frames == len(original)
    np.testing.assert_array_equal(sf.read(tmp_path / "old.flac", dtype="float32",
                                          always_2d=True)[0], original)
    wide = tmp_path / "wide.wav"
    write_wav(wide, channels=10)
    with pytest.raises(AudioFileError, match="at most 8"):
        copy_as_flac(wide, tmp_path / "wide.flac")
    assert not (tmp_path / "wide.flac").exists()


def test_cancel_leaves_no_take_and_progress_reaches_one(tmp_path):
    wav = tmp_path / "long.wav"
    write_wav(wav, seconds=30, sr=8000)
    fractions = []
    with Session.create(tmp_path / "s") as session:
        session.import_audio(wav, progress=lambda f, m: fractions.append(f))
        assert fractions[-1] == 1.0 and fractions == sorted(fractions)
        cancel = threading.Event()

        def cancel_half_way(fraction, message):
            if fraction > 0.3:
                cancel.set()

        with pytest.raises(Cancelled):
            session.import_audio(wav, progress=cancel_half_way, cancel=cancel)
        assert len(session.takes) == 1
        assert len(list((session.path / "takes").iterdir())) == 1


def test_dropouts_are_stored_with_the_take(tmp_path):
    with Session.create(tmp_path / "s") as session:
        take = session.begin_recording(sample_rate_hz=8000, channels=1, device="Mic")
        writer = CaptureWriter(session.take_folder(take.id), sample_rate_hz=8000, channels=1)
        writer.write(np.zeros((800, 1), np.float32))
        writer.close()
        done = session.finish_recording(take.id, dropouts=3)
        path = session.path
    assert (done.status, done.dropouts, done.frames) == ("complete", 3, 800)
    assert "3 dropout(s)" in done.warnings[0]
    with Session.open(path, read_only=True) as session:
        assert session.take(take.id).dropouts == 3
