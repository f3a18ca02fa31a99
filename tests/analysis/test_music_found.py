"""Noise is not music: no key, tempo or character is read from it; real music always is."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from musicpractice.analysis.take import analyze_file
from musicpractice.cli import main

SR = 22_050


@pytest.mark.parametrize("colour", ["white", "pink", "brown"])
def test_noise_holds_no_music(tmp_path, colour, capsys):
    rng = np.random.default_rng(7)
    white = rng.standard_normal(SR * 20)
    spectrum = np.fft.rfft(white)
    f = np.maximum(np.fft.rfftfreq(len(white)), 1e-4)
    exponent = {"white": 0.0, "pink": 0.5, "brown": 1.0}[colour]
    y = np.fft.irfft(spectrum / f ** exponent, len(white))
    path = tmp_path / f"{colour}.wav"
    sf.write(path, (0.2 * y / np.max(np.abs(y))).astype(np.float32), SR)
    assert not analyze_file(path).music_found
    assert main(["analyze", str(path)]) == 0
    out = capsys.readouterr().out
    assert "No music found" in out and "Key " not in out and "Character" not in out


@pytest.mark.parametrize("relative", ["beats/madmom_sample.wav", "tuning/Guitar-A4-432-1.ogg",
                                      "melody/AClassicEducation_NightOwl_STEM_08.RESYN.wav"])
def test_real_music_is_music(shared_data, relative):
    assert analyze_file(shared_data / relative).music_found
