"""Regenerate the bundled example recordings (synthetic, so free of any licence).

``twinkle_voice.flac``: "Twinkle, Twinkle, Little Star" in D major, sung by an additive
voice with vibrato at 84 BPM, gentle rubato and a final ritardando, 22.05 kHz mono.

Run: ``python resources/examples/make_examples.py``.
"""

from pathlib import Path

import numpy as np
import soundfile as sf

SR = 22_050
HERE = Path(__file__).parent
# (MIDI pitch, beats) -- D major, first two phrases
TUNE = [(62, 1), (62, 1), (69, 1), (69, 1), (71, 1), (71, 1), (69, 2),
        (67, 1), (67, 1), (66, 1), (66, 1), (64, 1), (64, 1), (62, 2),
        (69, 1), (69, 1), (67, 1), (67, 1), (66, 1), (66, 1), (64, 2),
        (69, 1), (69, 1), (67, 1), (67, 1), (66, 1), (66, 1), (64, 2),
        (62, 1), (62, 1), (69, 1), (69, 1), (71, 1), (71, 1), (69, 2),
        (67, 1), (67, 1), (66, 1), (66, 1), (64, 1), (64, 1), (62, 3)]


def sing(tune, *, bpm=84.0, vibrato_hz=5.5, vibrato_cents=35.0, seed=1):
    rng = np.random.default_rng(seed)
    total_beats = sum(b for _, b in tune)
    pieces, t0 = [], 0.0
    beat = 0.0
    for midi, beats in tune:
        # final ritardando over the last 4 beats, small random rubato elsewhere
        slowing = 1.0 + 0.35 * max(0.0, (beat - (total_beats - 4)) / 4)
        dur = beats * 60.0 / bpm * slowing * (1 + 0.03 * rng.standard_normal())
        n = int(dur * SR)
        t = np.arange(n) / SR
        f0 = 440.0 * 2 ** ((midi - 69) / 12)
        vib = vibrato_cents * np.minimum(1, t / 0.3) * np.sin(2 * np.pi * vibrato_hz * t)
        f = f0 * 2 ** (vib / 1200)
        phase = 2 * np.pi * np.cumsum(f) / SR
        voice = sum((0.6 ** k) * np.sin((k + 1) * phase) for k in range(8))
        env = np.minimum(1, t / 0.04) * np.minimum(1, (dur - t) / 0.08) * 0.85
        pieces.append(voice * np.clip(env, 0, 1))
        beat += beats
        t0 += dur
    y = np.concatenate([np.zeros(int(0.5 * SR)), *pieces, np.zeros(int(0.5 * SR))])
    y += 0.002 * rng.standard_normal(len(y))
    return (0.3 * y / np.abs(y).max()).astype(np.float32)


if __name__ == "__main__":
    sf.write(HERE / "twinkle_voice.flac", sing(TUNE), SR, subtype="PCM_16")
