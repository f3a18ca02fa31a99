"""An interpretable reading of the character the expressive cues suggest.

The reading follows the cue tendencies summarised by Juslin & Laukka (2003, Table 11)
for music performance and vocal expression: for each of five emotions, every cue pushes
for (+) or against (-) it according to whether its value lies on the side research links
with that emotion. The evidence is the weighted mean of those pushes, so a user can see
exactly which cue pushed which way. The analysis of a take reads arousal and valence with
the model fitted to real listeners (:mod:`musicpractice.analysis.listener_model`, passed in
as ``arousal``/``valence``); without it they are computed like the emotions, with the
hand-set weights in :data:`AROUSAL_WEIGHTS` and :data:`VALENCE_WEIGHTS`.

What it is not: a measurement of what the performer felt, or a grade. Listeners agree
on these cue-emotion links only partly, and a reading is only as good as the cues it
rests on; the confidence says how many cues were available and how clearly one emotion
stood out.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from musicpractice.analysis.cue_scales import SCALES

EMOTIONS = ("happiness", "sadness", "tenderness", "anger", "fear")

# cue key -> weight per emotion, in EMOTIONS order (happiness, sadness, tenderness, anger, fear).
# +1: the 'high' end of the cue's scale goes with the emotion; -1: the 'low' end;
# 0.5: a weaker or less consistent tendency in the literature; 0: no clear tendency.
EMOTION_WEIGHTS: dict[str, tuple[float, float, float, float, float]] = {
    "tempo_bpm":              (+1.0, -1.0, -1.0, +1.0, +0.5),
    "tempo_cv_pct":           (-0.5, 0.0, 0.0, -0.5, +1.0),
    "hf_energy_pct":          (+0.5, -1.0, -1.0, +1.0, -1.0),
    "level_variability_lu":   (0.0, -1.0, -1.0, +0.5, +1.0),
    "articulation_ratio":     (+1.0, -1.0, -1.0, +0.5, +1.0),
    "brightness_hz":          (+0.5, -1.0, -1.0, +1.0, -1.0),
    "attack_ms":              (+1.0, -1.0, -1.0, +1.0, 0.0),
    "timing_variability_pct": (-1.0, +0.5, -1.0, +0.5, +1.0),
    "vibrato_rate_hz":        (+0.5, -0.5, -0.5, 0.0, +1.0),
    "vibrato_extent_cents":   (0.0, -0.5, 0.0, +1.0, -1.0),
    "final_ritardando_pct":   (-0.5, +1.0, +1.0, 0.0, 0.0),
    "mode":                   (+1.0, -1.0, +0.5, -0.5, -0.5),
}

AROUSAL_WEIGHTS: dict[str, float] = {
    "tempo_bpm": 1.0, "hf_energy_pct": 1.0, "articulation_ratio": 0.5, "brightness_hz": 0.75,
    "attack_ms": 0.75, "level_variability_lu": 0.25, "vibrato_rate_hz": 0.25,
}
VALENCE_WEIGHTS: dict[str, float] = {
    "mode": 1.0, "timing_variability_pct": -0.5, "tempo_cv_pct": -0.25,
    "tempo_bpm": 0.25, "final_ritardando_pct": -0.25,
}

# The sound level of one take (level_lufs) is left out on purpose: it depends on the
# microphone's gain and distance. Its gain-free signs are used instead -- the share of
# high-frequency energy (loud playing excites the upper partials), the brightness and the
# dynamics relative to the take itself (level_variability_lu).

MIN_COVERAGE = 0.4
"""Below this share of the weights measurable, the reading says it has too little to go on."""


@dataclass(frozen=True)
class Contribution:
    """How much one cue pushed one reading (positive: towards it)."""

    cue: str
    score: float
    weight: float
    contribution: float


@dataclass(frozen=True)
class Reading:
    """One dimension of the reading (an emotion, arousal or valence).

    Attributes
    ----------
    name : str
    value : float
        Weighted mean of the cue scores, in [-1, 1] (NaN if no cue was measured).
    coverage : float
        Share (0-1) of this reading's total weight whose cues could be measured.
    contributions : tuple of Contribution
        Per-cue pushes; they sum to ``value``.
    """

    name: str
    value: float
    coverage: float
    contributions: tuple[Contribution, ...]


@dataclass(frozen=True)
class CharacterReading:
    """What the cues suggest, with the evidence behind it.

    Attributes
    ----------
    emotions : tuple of Reading
        Evidence for each of :data:`EMOTIONS`, strongest first.
    arousal, valence : Reading
        Position on the arousal (calm-energetic) and valence (negative-positive) plane.
    confidence : float
        0-1: how many cues were measurable and how clearly the strongest emotion stood
        out from the next.
    summary : str
        One or two plain sentences, worded as what the cues suggest.
    """

    emotions: tuple[Reading, ...]
    arousal: Reading
    valence: Reading
    confidence: float
    summary: str


def _reading(name: str, weights: dict[str, float], scores: dict[str, float]) -> Reading:
    total = sum(abs(w) for w in weights.values())
    measured = {k: w for k, w in weights.items() if w and math.isfinite(scores.get(k, float("nan")))}
    norm = sum(abs(w) for w in measured.values())
    if norm == 0:
        return Reading(name, float("nan"), 0.0, ())
    contributions = tuple(
        Contribution(k, scores[k], w, w * scores[k] / norm) for k, w in measured.items()
    )
    return Reading(name, sum(c.contribution for c in contributions), norm / total, contributions)


def read_character(cue_values: dict[str, float], *, arousal: Reading | None = None,
                   valence: Reading | None = None) -> CharacterReading:
    """Combine cue values (``{cue key: value}``, NaN = unmeasured) into a reading.

    ``arousal`` and ``valence`` replace the hand-set readings of those two dimensions
    (the analysis passes the listener-fitted ones of
    :func:`musicpractice.analysis.listener_model.model_readings`)."""
    scores = {k: SCALES[k].score(v) for k, v in cue_values.items() if k in SCALES}
    emotions = sorted(
        (_reading(e, {k: w[i] for k, w in EMOTION_WEIGHTS.items()}, scores)
         for i, e in enumerate(EMOTIONS)),
        key=lambda r: -r.value if math.isfinite(r.value) else math.inf,
    )
    arousal = _reading("arousal", AROUSAL_WEIGHTS, scores) if arousal is None else arousal
    valence = _reading("valence", VALENCE_WEIGHTS, scores) if valence is None else valence
    top, second = emotions[0], emotions[1]
    coverage = top.coverage
    if not math.isfinite(top.value) or coverage < MIN_COVERAGE:
        confidence = 0.0
        summary = "Too few cues could be measured on this take to suggest a character."
    else:
        margin = top.value - (second.value if math.isfinite(second.value) else -1.0)
        confidence = max(0.0, min(1.0, coverage * min(1.0, 2.0 * margin) * min(1.0, 2.0 * max(top.value, 0.0))))
        summary = _summary(top, second, arousal, confidence)
    return CharacterReading(tuple(emotions), arousal, valence, confidence, summary)


def _describe_axis(reading: Reading, low: str, high: str) -> str:
    if not math.isfinite(reading.value):
        return ""
    if reading.value > 0.25:
        return high
    if reading.value < -0.25:
        return low
    return "moderate energy"


def _summary(top: Reading, second: Reading, arousal: Reading, confidence: float) -> str:
    energy = _describe_axis(arousal, "calm", "energetic")
    pushes = sorted(top.contributions, key=lambda c: -c.contribution)[:3]
    reasons = ", ".join(_cue_phrase(c) for c in pushes if c.contribution > 0)
    if top.value < 0.15 or confidence < 0.15:
        text = "The cues do not point clearly to one character"
        text += f" ({energy})." if energy else "."
    else:
        text = f"The cues suggest {top.name}"
        if math.isfinite(second.value) and second.value > 0.15:
            text += f", with some {second.name}"
        text += f" ({energy})." if energy else "."
        if reasons:
            text += f" Mainly: {reasons}."
    return text + " This describes the sound of the take, not the performer."


def _cue_phrase(c: Contribution) -> str:
    scale = SCALES[c.cue]
    return scale.high_word if c.score > 0 else scale.low_word
