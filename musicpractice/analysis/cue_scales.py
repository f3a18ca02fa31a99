"""How each expressive cue is read: its scale from 'low' to 'high' and the words for each end.

One table serves two jobs: the plain-language meaning of a cue's value shown to the
user, and the normalised score in [-1, 1] the character reading combines. The anchor
values are engineering choices (typical ranges of acoustic recordings of voices, piano
and small ensembles), not norms: a value outside them is clipped, never judged.
"""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass(frozen=True)
class CueScale:
    """A cue's scale.

    ``low_value`` maps to -1 and ``high_value`` to +1 (``low_value`` may be the larger
    number, e.g. attack time where *short* is the 'high', sharp end). ``log`` compares
    values on a logarithmic axis (tempo, frequency, time).
    """

    low_value: float
    high_value: float
    low_word: str
    high_word: str
    log: bool = False

    def score(self, value: float) -> float:
        """Position of ``value`` on the scale, clipped to [-1, 1]; NaN stays NaN."""
        if value is None or math.isnan(value):
            return float("nan")
        f = math.log if self.log else (lambda v: v)
        if self.log and value <= 0:
            return -1.0 if self.low_value < self.high_value else 1.0
        z = 2.0 * (f(value) - f(self.low_value)) / (f(self.high_value) - f(self.low_value)) - 1.0
        return max(-1.0, min(1.0, z))

    def word(self, value: float) -> str:
        """'low' word, 'moderate', or 'high' word for ``value``."""
        z = self.score(value)
        if math.isnan(z):
            return "not measured"
        if z < -1 / 3:
            return self.low_word
        if z > 1 / 3:
            return self.high_word
        return "moderate"


SCALES: dict[str, CueScale] = {
    "tempo_bpm": CueScale(60.0, 150.0, "slow", "fast", log=True),
    "tempo_cv_pct": CueScale(2.0, 15.0, "steady tempo", "flexible tempo"),
    "tempo_sd_bpm": CueScale(1.0, 12.0, "steady tempo", "flexible tempo"),
    "level_lufs": CueScale(-35.0, -12.0, "soft", "loud"),
    "level_variability_lu": CueScale(1.5, 8.0, "even dynamics", "strongly varying dynamics"),
    "articulation_ratio": CueScale(1.0, 0.5, "legato", "staccato"),
    "brightness_hz": CueScale(500.0, 3000.0, "dark, mellow", "bright", log=True),
    "hf_energy_pct": CueScale(5.0, 50.0, "little high-frequency energy", "much high-frequency energy"),
    "attack_ms": CueScale(80.0, 8.0, "soft attacks", "sharp attacks", log=True),
    "timing_variability_pct": CueScale(1.0, 8.0, "regular timing", "free timing"),
    "vibrato_rate_hz": CueScale(4.5, 7.0, "slow vibrato", "fast vibrato"),
    "vibrato_extent_cents": CueScale(15.0, 80.0, "narrow vibrato", "wide vibrato"),
    "final_ritardando_pct": CueScale(0.0, 40.0, "no final slowing", "strong final ritardando"),
    "mode": CueScale(-1.0, 1.0, "minor", "major"),
    # gain-free arousal cues (analysis/arousal_cues.py); anchors: 5th and 95th percentiles
    # of the 300 rock/electronic/pop excerpts the listener model was fitted on
    "event_density_per_s": CueScale(2.0, 5.0, "few note events", "many note events", log=True),
    "spectral_flux_db": CueScale(0.7, 1.8, "steady sound", "rapidly changing sound"),
    "high_flux_db": CueScale(0.5, 1.75, "steady treble", "busy treble"),
    "low_flux_db": CueScale(0.6, 1.8, "steady bass", "busy bass"),
    "contrast_db": CueScale(34.0, 24.0, "clear, open sound", "dense sound"),
    "low_energy_share": CueScale(0.74, 0.5, "pulsing sound", "continuous sound"),
    "roughness": CueScale(0.05, 0.105, "smooth", "rough"),
    "dynamic_range_lu": CueScale(2.0, 12.0, "narrow dynamic range", "wide dynamic range"),
    "percussive_share": CueScale(0.07, 0.33, "sustained", "percussive"),
    "flatness": CueScale(0.0006, 0.028, "tonal", "noisy", log=True),
    "pulse_clarity": CueScale(0.1, 0.7, "vague pulse", "clear pulse"),
}
