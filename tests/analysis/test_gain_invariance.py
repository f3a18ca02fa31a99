"""The same take recorded quieter or louder gives the same reading (issue 11, item 1).

The analysis of ``g * y`` must equal that of ``y`` for gains from 0.1 to 4 (-20 dB to
+12 dB, and normalised), within float error, for every field except the absolute level
(loudness, peak, clipping, the level_lufs cue and the input warnings about level).
Files are written as 32-bit float WAV so that no gain clips or loses resolution.
"""

from __future__ import annotations

import dataclasses
import math

import numpy as np
import pytest
import soundfile as sf

from musicpractice.analysis.take import analyze_file
from musicpractice.audio.io import load_signal
from tests.signals import SR, sung_phrase

ABSOLUTE_LEVEL = {"loudness", "peak_dbfs", "clipped_fraction", "warnings", "info"}
"""TakeAnalysis fields that measure the absolute level (or the file itself)."""
GAINS = (0.1, 0.35, 2.0, 4.0, "normalised")


def assert_same(a, b, where: str = "analysis") -> None:
    """Recursive equality of two analysis results within float error."""
    if dataclasses.is_dataclass(a):
        assert type(a) is type(b), where
        for f in dataclasses.fields(a):
            if where == "analysis" and f.name in ABSOLUTE_LEVEL:
                continue
            x, y = getattr(a, f.name), getattr(b, f.name)
            if f.name == "cues":
                assert [c.key for c in x.cues] == [c.key for c in y.cues]
                for cx, cy in zip(x.cues, y.cues):
                    if cx.key != "level_lufs":
                        assert_same(cx, cy, f"{where}.cues[{cx.key}]")
                continue
            assert_same(x, y, f"{where}.{f.name}")
    elif isinstance(a, (tuple, list)):
        assert len(a) == len(b), f"{where}: {len(a)} != {len(b)}"
        for i, (x, y) in enumerate(zip(a, b)):
            assert_same(x, y, f"{where}[{i}]")
    elif isinstance(a, np.ndarray):
        assert a.shape == b.shape, f"{where}: shape {a.shape} != {b.shape}"
        if a.dtype.kind in "fc":
            np.testing.assert_allclose(b, a, rtol=1e-3, atol=1e-4, equal_nan=True, err_msg=where)
        else:
            np.testing.assert_array_equal(b, a, err_msg=where)
    elif isinstance(a, float):
        assert (math.isnan(a) and math.isnan(b)) or b == pytest.approx(a, rel=1e-3, abs=1e-4), \
            f"{where}: {a} != {b}"
    else:
        assert a == b, f"{where}: {a!r} != {b!r}"


def analyse(tmp_path, y: np.ndarray, sr: int, name: str):
    path = tmp_path / f"{name}.wav"
    sf.write(path, y, sr, subtype="FLOAT")
    return analyze_file(path)


def gained(y: np.ndarray, gain) -> np.ndarray:
    g = 1.0 / float(np.max(np.abs(y))) if gain == "normalised" else float(gain)
    return (g * y).astype(np.float32)


@pytest.fixture(scope="module")
def sung_take():
    """A sung phrase in G major with vibrato and a breathy noise floor, 7 s."""
    y = sung_phrase((67, 71, 74, 72, 71, 69, 67, 66, 67), bpm=80.0, vibrato_cents=35.0)
    noise = np.random.default_rng(7).standard_normal(len(y)).astype(np.float32)
    return (0.3 * y + 0.002 * noise).astype(np.float32), SR


@pytest.mark.parametrize("gain", GAINS)
def test_a_sung_take_reads_the_same_at_any_gain(tmp_path, sung_take, gain):
    y, sr = sung_take
    reference = analyse(tmp_path, y, sr, "as_recorded")
    other = analyse(tmp_path, gained(y, gain), sr, "gained")
    assert_same(reference, other)
    assert (reference.key.tonic, reference.key.mode) == ("G", "major")


@pytest.mark.parametrize("clip, seconds", [
    ("melody/vocadito_1.wav", 12.0),  # sung: read B-flat major as recorded, G minor normalised
    ("alignment/Chopin_Op010-03-Measures1-8_Varsi.wav", 12.0),  # piano
])
@pytest.mark.parametrize("gain", (0.1, "normalised"))
def test_real_takes_read_the_same_quieter_and_normalised(tmp_path, shared_data, clip, seconds,
                                                         gain):
    signal = load_signal(shared_data / clip)
    y = signal.samples[: int(seconds * signal.sr)]
    reference = analyse(tmp_path, y, signal.sr, "as_recorded")
    other = analyse(tmp_path, gained(y, gain), signal.sr, "gained")
    assert_same(reference, other)
    assert other.cues["level_lufs"].value != pytest.approx(reference.cues["level_lufs"].value)
