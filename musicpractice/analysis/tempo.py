"""Tempo, its octave ambiguity, the local tempo curve and the beats.

1. The onset envelope (:mod:`musicpractice.analysis.onsets`) gives a tempogram
   (:mod:`musicpractice.analysis.tempogram`): tempo salience every quarter second.
2. The beat level is the tempo of highest average salience weighted by a log-normal
   prior centred on :data:`PRIOR_BPM` (about one beat every 0.7 s, spread
   :data:`PRIOR_OCTAVES`). Classical and choral pieces at 50-100 BPM are common, so the
   prior sits lower than the 120 BPM usual for pop music and slow pieces are not doubled.
3. The tempo path through the tempogram near that level gives the local beat period, and
   the beats follow it (:mod:`musicpractice.analysis.beats`): accelerando and rubato are
   tracked.
4. The related levels (:data:`RELATIONS`: half, double, a third, triple, two thirds,
   three halves, three quarters, four thirds) inside the tempo range are tracked too and
   reported with weights (their average salience times the prior), so a user can pick
   another level.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import scipy.ndimage

from musicpractice.analysis.beats import track_beats
from musicpractice.analysis.onsets import Onsets, detect_onsets
from musicpractice.analysis.tempogram import (
    BINS_PER_OCTAVE,
    WINDOW_S,
    tempo_path,
    tempogram,
)
from musicpractice.analysis.signal import check_signal
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import (
    CancelToken,
    ProgressFn,
    Steps,
    check_cancel,
    report,
)

PRIOR_BPM = 85.0
"""Centre of the tempo prior in BPM."""
PRIOR_OCTAVES = 0.55
"""Standard deviation of the tempo prior in octaves (log2 of the tempo ratio)."""
PATH_OCTAVES = 0.5
"""How far (standard deviation, octaves) the local tempo may stray from the global one."""
RELATIONS = {
    "chosen": 1.0,
    "half": 1 / 2,
    "double": 2.0,
    "third": 1 / 3,
    "triple": 3.0,
    "two-thirds": 2 / 3,
    "three-halves": 3 / 2,
    "three-quarters": 3 / 4,
    "four-thirds": 4 / 3,
}
"""Tempo ratio of every reported metrical level to the chosen one."""
MIN_COUNTED_BPM = 48.0
"""Slowest tempo players count in when the beats alternate strong and weak (below it the
faster level is kept: a slow beat is felt, not counted in halves)."""
MAX_COUNTED_BPM = 208.0
"""Fastest tempo players count in, the top of a metronome's scale: a bar of three beats
faster than this is counted in one (a fast Shostakovich waltz), slower in three."""
PLAYED_BARS = 2 / 3
"""Share of bars in which the second and third beats must both be played (an onset within
:data:`PLAYED_TOLERANCE_S` of each) for a bar of three to be counted in three."""
PLAYED_TOLERANCE_S = 0.05
HALF_BASS_CONTRAST = 0.3
HALF_ONSET_CONTRAST = 0.05
"""Contrasts ``(even - odd) / (even + odd)`` of the bass and of the whole onset strength
at alternate beats above which the beats are heard as strong-weak pairs."""
CURVE_BEATS = 5
"""Inter-beat intervals in the running median that smooths the tempo curve."""
UNSTEADY_CV = 0.15
"""Inter-beat-interval variation above which a warning says the tempo is unsteady."""
STABILITY_CV = 0.1
"""``stability = exp(-ibi_cv / STABILITY_CV)``."""
CLEAR_SALIENCE = 0.05
"""Mean tempogram salience along the tempo path that counts as a perfectly clear pulse."""


@dataclass(frozen=True)
class TempoAlternative:
    """One metrical level and how plausible it is as the beat.

    Attributes
    ----------
    bpm : float
        Tempo of this level in beats per minute.
    weight : float
        Plausibility in [0, 1]; the weights of all levels sum to 1.
    relation : str
        Ratio to the chosen tempo: ``"chosen"``, ``"half"``, ``"double"``, ``"third"``,
        ``"triple"``, ``"two-thirds"``, ``"three-halves"``, ``"three-quarters"`` or
        ``"four-thirds"`` (see :data:`RELATIONS`).
    beats_s : numpy.ndarray
        Beat times in seconds when counting at this level.
    """

    bpm: float
    weight: float
    relation: str
    beats_s: np.ndarray


@dataclass(frozen=True)
class TempoEstimate:
    """Tempo and beats of a recording.

    Attributes
    ----------
    bpm : float
        Global tempo in beats per minute (from the median inter-beat interval); NaN when
        no beat is found.
    confidence : float
        In [0, 1]: how clear the pulse is (mean tempogram salience along the tempo path
        over :data:`CLEAR_SALIENCE`, at most 1) times the weight of the chosen level;
        0 for silence or fewer than 3 beats.
    alternatives : tuple of TempoAlternative
        The chosen level first, then the related levels inside the tempo range,
        by decreasing weight.
    beats_s : numpy.ndarray
        Beat times in seconds at the chosen level.
    curve_times_s : numpy.ndarray
        Times in seconds (midpoints between beats) of the local tempo curve.
    curve_bpm : numpy.ndarray
        Local tempo in BPM at ``curve_times_s``: inter-beat intervals, running median of
        :data:`CURVE_BEATS`.
    ibi_cv : float
        Coefficient of variation (standard deviation / mean) of the inter-beat intervals;
        0 for a metronome, about 0.1 for marked rubato. NaN with fewer than 3 beats.
    stability : float
        ``exp(-ibi_cv / 0.1)`` in [0, 1]: 1 for a metronome, 0.37 at 10 % variation;
        0 with fewer than 3 beats.
    warnings : tuple of str
        Plain-language notes on unreliable results.
    """

    bpm: float
    confidence: float
    alternatives: tuple[TempoAlternative, ...]
    beats_s: np.ndarray
    curve_times_s: np.ndarray
    curve_bpm: np.ndarray
    ibi_cv: float
    stability: float
    warnings: tuple[str, ...]


def estimate_tempo(
    y: np.ndarray,
    sr: int,
    *,
    min_bpm: float = 30.0,
    max_bpm: float = 300.0,
    onsets: Onsets | None = None,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> TempoEstimate:
    """Estimate the tempo, its alternatives, the local tempo curve and the beats.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal, float, full scale = 1.
    sr : int
        Sample rate in Hz.
    min_bpm, max_bpm : float
        Range of the tempo at the chosen level, in BPM: at least 10, the fastest more
        than twice the slowest and at most 1000. Other levels are offered inside it.
    onsets : Onsets, optional
        The result of :func:`~musicpractice.analysis.onsets.detect_onsets` on the same
        signal, to reuse its envelope; computed when omitted.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Returns
    -------
    TempoEstimate

    Raises
    ------
    InvalidParameterError
        Bad signal or tempo range.
    """
    y = check_signal(y, sr)
    if not (np.isfinite(min_bpm) and np.isfinite(max_bpm) and 10.0 <= min_bpm
            and 2.0 * min_bpm < max_bpm <= 1000.0):
        raise InvalidParameterError(
            f"The tempo range {min_bpm:g}-{max_bpm:g} BPM is not usable: the slowest tempo "
            "must be at least 10 BPM and the fastest more than twice the slowest, at most 1000."
        )
    stages = [("Measuring tempo", 2), ("Tracking beats", 1)]
    steps = Steps(progress, stages if onsets is not None else [("Finding onsets", 3), *stages])
    if onsets is None:
        onsets = detect_onsets(y, sr, progress=steps.stage("Finding onsets"), cancel=cancel)
    elif abs(len(onsets.envelope) * onsets.envelope_hop_s - len(y) / sr) > 1.0:
        raise InvalidParameterError("The onsets given were found on a different recording.")
    envelope, hop_s = onsets.envelope, onsets.envelope_hop_s
    duration_s = len(y) / sr
    if not np.any(envelope > 0):
        return _silent()
    gram = tempogram(envelope, hop_s, min_bpm=min_bpm / 3, max_bpm=max_bpm * 3,
                     progress=steps.stage("Measuring tempo"), cancel=cancel)
    check_cancel(cancel)
    tracking = steps.stage("Tracking beats")
    log_bpm = np.log2(gram.bpm)
    prior = np.exp(-0.5 * ((log_bpm - np.log2(PRIOR_BPM)) / PRIOR_OCTAVES) ** 2)
    pulse = scipy.ndimage.gaussian_filter1d(gram.salience.mean(axis=0), 1.0)
    plausibility = pulse * prior
    in_range = (gram.bpm >= min_bpm) & (gram.bpm <= max_bpm)
    chosen_bpm = float(gram.bpm[np.argmax(np.where(in_range, plausibility, -1.0))])

    near = np.exp(-0.5 * ((log_bpm - np.log2(chosen_bpm)) / PATH_OCTAVES) ** 2)
    path = tempo_path(gram, prior * near)
    path_bpm = np.interp(np.arange(len(envelope)) * hop_s, gram.times_s, gram.bpm[path])

    def track_levels(chosen_bpm: float, path_bpm: np.ndarray) -> dict:
        tracked = {}
        for done, (relation, ratio) in enumerate(RELATIONS.items()):
            report(tracking, done / len(RELATIONS), "Tracking beats")
            if min_bpm <= chosen_bpm * ratio <= max_bpm:
                check_cancel(cancel)
                nearby = np.abs(log_bpm - np.log2(chosen_bpm * ratio)) <= 1.5 / BINS_PER_OCTAVE
                tracked[relation] = (float(np.max(plausibility[nearby])),
                                     track_beats(envelope, onsets.bass_envelope, hop_s,
                                                 60.0 / (path_bpm * ratio)))
        return tracked

    def pulse_at(bpm: float) -> float:
        return float(np.max(pulse[np.abs(log_bpm - np.log2(bpm)) <= 1.5 / BINS_PER_OCTAVE]))

    tracked = track_levels(chosen_bpm, path_bpm)
    if "half" in tracked and _counted_in_halves(tracked["chosen"][1], onsets, chosen_bpm / 2):
        tracked = track_levels(chosen_bpm / 2, path_bpm / 2)
        chosen_bpm /= 2
    elif ("triple" in tracked and chosen_bpm * 3 <= MAX_COUNTED_BPM
          and pulse_at(chosen_bpm * 3) > pulse_at(chosen_bpm)
          and _counted_in_threes(tracked["chosen"][1], onsets)):
        tracked = track_levels(chosen_bpm * 3, path_bpm * 3)
        chosen_bpm *= 3
    levels = _levels(tracked, chosen_bpm)
    clarity = float(np.mean(gram.salience[np.arange(len(path)), path]))
    confidence = float(np.clip(clarity / CLEAR_SALIENCE, 0.0, 1.0) * levels[0].weight)
    report(tracking, 1.0, "Tracking beats")
    return _estimate(levels, confidence, duration_s)


def _counted_in_halves(beats_s: np.ndarray, onsets: Onsets, half_bpm: float) -> bool:
    """Whether players would count every other beat: the beat a musician counts.

    Running eighths in a slow piece make the eighth the most regular pulse, but the
    bass and the harmony move on every other one of them, and that is where players
    count (a slow piece counted in quarters around 60, not "118 BPM, fast"). So when the
    beats alternate strong and weak, with both more bass onset (:data:`HALF_BASS_CONTRAST`)
    and more overall onset strength (:data:`HALF_ONSET_CONTRAST`) on the same phase, and
    the slower level stays above :data:`MIN_COUNTED_BPM`, the slower level is counted. A
    pop backbeat (kick on 1 and 3, a louder snare on 2 and 4) does not qualify: its bass
    and overall accents fall on opposite phases. Both contrasts are ratios of onset
    strengths, so the choice does not depend on the microphone gain.
    """
    if half_bpm < MIN_COUNTED_BPM or len(beats_s) < 8:
        return False
    frames = np.rint(np.asarray(beats_s) / onsets.envelope_hop_s).astype(int)
    reach = max(1, round(0.03 / onsets.envelope_hop_s))
    contrasts = []
    for values in (onsets.bass_envelope, onsets.envelope):
        padded = np.pad(np.asarray(values, dtype=float), reach)
        at = np.array([padded[f: f + 2 * reach + 1].max() for f in frames])
        even, odd = float(np.mean(at[0::2])), float(np.mean(at[1::2]))
        contrasts.append((even - odd) / (even + odd) if even + odd > 0 else 0.0)
    bass, overall = contrasts
    return (abs(bass) >= HALF_BASS_CONTRAST and abs(overall) >= HALF_ONSET_CONTRAST
            and bass * overall > 0)


def _counted_in_threes(beats_s: np.ndarray, onsets: Onsets) -> bool:
    """Whether each chosen beat is a bar of three beats that players count: a fast waltz.

    The tempo prior (about one beat every 0.7 s) takes the bar of a waltz at 66 bars a
    minute over its quarters at 198. When the quarters pulse more strongly than the bars
    (checked by the caller on the tempogram), are no faster than :data:`MAX_COUNTED_BPM`,
    and the second and third beats are both played in most bars (:data:`PLAYED_BARS`: the
    "oom-pah-pah" of a waltz), players count the three. A compound beat (6/8 at 68 dotted
    quarters) whose eighths are figures (a quarter and an eighth, a rest) stays counted in
    its dotted quarters. Onset times do not depend on the microphone gain.
    """
    beats_s = np.asarray(beats_s, dtype=float)
    if len(beats_s) < 8 or len(onsets.times_s) == 0:
        return False
    period = np.diff(beats_s)
    played = [np.min(np.abs(onsets.times_s[:, None] - (beats_s[:-1] + k * period / 3)),
                     axis=0) <= PLAYED_TOLERANCE_S for k in (1, 2)]
    return float(np.mean(played[0] & played[1])) >= PLAYED_BARS


def _levels(tracked: dict[str, tuple[float, np.ndarray]],
            grid_bpm: float) -> tuple[TempoAlternative, ...]:
    """Metrical levels with normalised weights: the chosen one first, then by weight.

    ``tracked`` maps each relation to its plausibility and beats; ``grid_bpm`` is the
    chosen tempo on the tempogram grid, refined here by the median inter-beat interval.
    """
    intervals = np.diff(tracked["chosen"][1])
    bpm = 60.0 / float(np.median(intervals)) if len(intervals) else grid_bpm
    total = sum(weight for weight, _ in tracked.values())
    levels = [TempoAlternative(bpm * RELATIONS[relation], weight / total, relation, beats)
              for relation, (weight, beats) in tracked.items()]
    return (levels[0], *sorted(levels[1:], key=lambda level: -level.weight))


def beats_at_level(estimate: TempoEstimate, relation: str) -> np.ndarray:
    """Beat times in seconds when counting at another metrical level.

    Parameters
    ----------
    estimate : TempoEstimate
        A result of :func:`estimate_tempo`.
    relation : str
        One of the ``relation`` names of ``estimate.alternatives`` (e.g. ``"half"``).

    Raises
    ------
    InvalidParameterError
        That level was not tracked (its tempo lies outside the tempo range).
    """
    for level in estimate.alternatives:
        if level.relation == relation:
            return level.beats_s
    offered = ", ".join(level.relation for level in estimate.alternatives) or "none"
    raise InvalidParameterError(
        f"No beats at the {relation!r} level: its tempo is outside the tempo range "
        f"(levels available: {offered})."
    )


def _estimate(levels: tuple[TempoAlternative, ...], confidence: float,
              duration_s: float) -> TempoEstimate:
    chosen = levels[0]
    beats = chosen.beats_s
    ibi = np.diff(beats)
    warnings = []
    if duration_s < 2 * WINDOW_S:
        warnings.append(f"The recording is only {duration_s:.1f} s long; tempo estimates "
                        f"need about {2 * WINDOW_S:.0f} s of music to be reliable.")
    if len(ibi) < 2:
        warnings.append("Too few beats were found to measure the tempo.")
        return TempoEstimate(chosen.bpm, 0.0, levels, beats, np.zeros(0), np.zeros(0),
                             float("nan"), 0.0, tuple(warnings))
    curve_bpm = 60.0 / scipy.ndimage.median_filter(ibi, size=CURVE_BEATS, mode="nearest")
    ibi_cv = float(np.std(ibi) / np.mean(ibi))
    runner_up = max(levels[1:], key=lambda level: level.weight, default=None)
    if runner_up is not None and runner_up.weight > 0.6 * chosen.weight:
        warnings.append(
            f"The beat level is ambiguous: {chosen.bpm:.0f} BPM was chosen, but counting at "
            f"{runner_up.bpm:.0f} BPM ({runner_up.relation}) fits almost as well."
        )
    if ibi_cv > UNSTEADY_CV:
        warnings.append(f"The beat is unsteady (intervals vary by {100 * ibi_cv:.0f} %); "
                        "beats may be misplaced where the tempo changes abruptly.")
    return TempoEstimate(chosen.bpm, confidence, levels, beats, (beats[:-1] + beats[1:]) / 2,
                         curve_bpm, ibi_cv, float(np.exp(-ibi_cv / STABILITY_CV)),
                         tuple(warnings))


def _silent() -> TempoEstimate:
    empty = np.zeros(0)
    return TempoEstimate(
        float("nan"), 0.0, (), empty, empty, empty, float("nan"), 0.0,
        ("No beat was found: the recording is silent or has no note attacks.",),
    )
