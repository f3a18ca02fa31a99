"""Key of a recording, with ranked alternatives and local key segments.

The chroma averaged over the sounding frames is correlated with 24 key profiles
(Albrecht & Shanahan 2013 pitch-class distributions of major and minor pieces). The
profiles are "spectralised" -- each note's first six partials added with a 0.5 decay --
because audio chroma hears the fifth and third above every note, not only the note. The
last part of the piece, which usually closes on the tonic, counts extra (it resolves most
relative major/minor confusions).

Local keys come from the same correlation over ~15 s windows every second, smoothed by a
Viterbi path that pays a fixed cost for every key change, so only sustained modulations
become segments.
"""

from __future__ import annotations

import dataclasses
import itertools
from dataclasses import dataclass

import numpy as np

from musicpractice.analysis.chroma import Chroma
from musicpractice.analysis.chroma import chroma as compute_chroma
from musicpractice.analysis.signal import check_signal
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.pitch import PITCH_CLASSES
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, check_cancel, report

MAJOR_PROFILE = (0.238, 0.006, 0.111, 0.006, 0.137, 0.094, 0.016, 0.214, 0.009, 0.080, 0.008, 0.081)
MINOR_PROFILE = (0.220, 0.006, 0.104, 0.123, 0.019, 0.103, 0.012, 0.214, 0.062, 0.022, 0.061, 0.052)
"""Pitch-class distributions (tonic first) of major and minor pieces, Albrecht & Shanahan
(2013), 'The use of large corpora to train a new type of key-finding algorithm'."""
PARTIAL_PITCH_CLASSES = (0, 0, 7, 0, 4, 7)
"""Pitch class of partials 1-6 relative to their note (octave, fifth, third...)."""
PARTIAL_DECAY = 0.5
"""Amplitude ratio of successive partials assumed when spectralising the profiles."""
FINAL_SHARE = 0.15
FINAL_MAX_S = 10.0
FINAL_WEIGHT = 0.5
"""The last 15 % of the sounding frames (at most 10 s) count with this extra weight."""
SOFTMAX_TEMPERATURE = 0.03
"""Correlation difference that makes one key e (2.7) times likelier than another."""
TONAL_FLATNESS = 0.5
NOISE_FLATNESS = 0.7
"""Median frame flatness (mean of a frame's chroma scaled to max 1) of clearly tonal sound
(music measures 0.15-0.40) and of noise (0.73-0.75); confidence fades between them."""
MIN_SOUNDING_S = 3.0
BLOCK_S = 1.0
"""Resolution of the local-key path."""
SWITCH_COST = 8.0
"""Log-likelihood cost of one key change on the local-key path."""
MODES = ("major", "minor")


@dataclass(frozen=True)
class KeyCandidate:
    """One of the 24 keys with its score.

    Attributes
    ----------
    tonic : str
        Pitch-class name from :data:`musicpractice.core.pitch.PITCH_CLASSES` ("Eb", "F#").
    mode : str
        "major" or "minor".
    score : float
        Correlation of the recording's chroma with the key's profile, -1 to 1.
    """

    tonic: str
    mode: str
    score: float


@dataclass(frozen=True)
class KeySegment:
    """A stretch of the recording in one local key.

    Attributes
    ----------
    start_s, end_s : float
        Start and end in seconds from the start of the signal.
    tonic, mode : str
        As in :class:`KeyCandidate`.
    confidence : float
        0 to 1, mean probability of this key over the segment.
    """

    start_s: float
    end_s: float
    tonic: str
    mode: str
    confidence: float


@dataclass(frozen=True)
class KeyEstimate:
    """Key of a recording.

    Attributes
    ----------
    tonic : str
        Pitch-class name of the tonic, from ``PITCH_CLASSES`` (C, C#, D, Eb, E, F, F#, G,
        Ab, A, Bb, B).
    mode : str
        "major" or "minor".
    confidence : float
        0 to 1: probability of the best key among the 24, scaled down when the pitch
        classes are nearly even (noise, percussion) or the recording is very short.
    alternatives : tuple of KeyCandidate
        All 24 keys, best first.
    segments : tuple of KeySegment
        Local keys in time order, covering the recording (one segment when it does not
        modulate; empty when nothing pitched sounds).
    warnings : tuple of str
        Plain-language reasons the estimate may be unreliable.
    """

    tonic: str
    mode: str
    confidence: float
    alternatives: tuple[KeyCandidate, ...]
    segments: tuple[KeySegment, ...]
    warnings: tuple[str, ...]


def _key_templates() -> np.ndarray:
    """24 x 12 zero-mean, unit-norm key templates: rows 0-11 major on C..B, 12-23 minor."""
    rows = []
    for profile in (MAJOR_PROFILE, MINOR_PROFILE):
        spectral = sum(PARTIAL_DECAY ** k * np.roll(profile, shift)
                       for k, shift in enumerate(PARTIAL_PITCH_CLASSES))
        rows.extend(np.roll(spectral, tonic) for tonic in range(12))
    templates = np.array(rows)
    templates -= templates.mean(axis=1, keepdims=True)
    return templates / np.linalg.norm(templates, axis=1, keepdims=True)


TEMPLATES = _key_templates()


def _correlations(profiles: np.ndarray) -> np.ndarray:
    """Pearson correlation of each 12-vector (rows) with the 24 templates; 0 for flat rows."""
    centred = profiles - profiles.mean(axis=-1, keepdims=True)
    norm = np.linalg.norm(centred, axis=-1, keepdims=True)
    centred = np.divide(centred, norm, out=np.zeros_like(centred), where=norm > 1e-9)
    return centred @ TEMPLATES.T


def _softmax(scores: np.ndarray) -> np.ndarray:
    z = (scores - scores.max(axis=-1, keepdims=True)) / SOFTMAX_TEMPERATURE
    e = np.exp(z)
    return e / e.sum(axis=-1, keepdims=True)


def _name(index: int) -> tuple[str, str]:
    return PITCH_CLASSES[index % 12], MODES[index // 12]


def _relation(best: int, other: int) -> str:
    """'relative' or 'parallel' if ``other`` is the relative/parallel key of ``best``."""
    if best // 12 != other // 12:
        if best % 12 == other % 12:
            return "parallel"
        if (best % 12 - other % 12) % 12 == (3 if best < 12 else 9):
            return "relative"
    return ""


def _local_path(values: np.ndarray, hop_s: float, window_s: float) -> tuple[np.ndarray, np.ndarray, float]:
    """Viterbi local-key path over blocks of BLOCK_S.

    Returns (key index per block, probability of that key per block, block length s).
    """
    per_block = max(1, round(BLOCK_S / hop_s))
    n_blocks = int(np.ceil(values.shape[1] / per_block))
    padded = np.pad(values, ((0, 0), (0, n_blocks * per_block - values.shape[1])))
    blocks = padded.reshape(12, n_blocks, per_block).sum(axis=2).T
    half = max(1, round(window_s / (2 * per_block * hop_s)))
    cumulative = np.vstack([np.zeros(12), np.cumsum(blocks, axis=0)])
    index = np.arange(n_blocks)
    windows = cumulative[np.minimum(index + half + 1, n_blocks)] - cumulative[np.maximum(index - half, 0)]
    scores = _correlations(windows)
    log_emission = (scores - scores.max(axis=1, keepdims=True)) / SOFTMAX_TEMPERATURE
    total = log_emission[0].copy()
    back = np.zeros((n_blocks, 24), dtype=int)
    for i in range(1, n_blocks):
        stay_or_switch = total[None, :] - SWITCH_COST * (1 - np.eye(24))
        back[i] = np.argmax(stay_or_switch, axis=1)
        total = stay_or_switch[np.arange(24), back[i]] + log_emission[i]
    path = np.zeros(n_blocks, dtype=int)
    path[-1] = int(np.argmax(total))
    for i in range(n_blocks - 1, 0, -1):
        path[i - 1] = back[i, path[i]]
    probability = _softmax(scores)[index, path]
    return path, probability, per_block * hop_s


def estimate_key(
    y: np.ndarray,
    sr: int,
    *,
    tuning_hz: float = 440.0,
    chroma: Chroma | None = None,
    window_s: float = 15.0,
    progress: ProgressFn | None = None,
    cancel: CancelToken | None = None,
) -> KeyEstimate:
    """Estimate the key (tonic and mode) of a recording and where it modulates.

    Parameters
    ----------
    y : numpy.ndarray
        Mono signal (float, full scale = 1.0).
    sr : int
        Sample rate in Hz.
    tuning_hz : float
        A4 in Hz the recording is tuned to (see
        :func:`musicpractice.analysis.tuning.estimate_tuning`); ignored when ``chroma``
        is given.
    chroma : Chroma, optional
        A chromagram of ``y`` already computed (at the right tuning); saves its cost.
    window_s : float
        Length in seconds of the windows the local keys are read from (5 to 60 s).
    progress : callable, optional
        ``progress(fraction, message)``.
    cancel : object with ``is_set()``, optional
        Checked between stages.

    Returns
    -------
    KeyEstimate

    Raises
    ------
    InvalidParameterError
        Not a finite mono signal, a non-positive sample rate, a malformed ``chroma``,
        ``window_s`` or ``tuning_hz`` out of range.
    """
    y = check_signal(y, sr)
    if not 5.0 <= window_s <= 60.0:
        raise InvalidParameterError(f"The key window must be between 5 and 60 s, not {window_s:g} s.")
    steps = Steps(progress, [("chroma", 9), ("key", 1)])
    if chroma is None:
        chroma = compute_chroma(y, sr, tuning_hz=tuning_hz, progress=steps.stage("chroma"),
                                cancel=cancel)
    values = np.asarray(chroma.values, dtype=float)
    if values.ndim != 2 or values.shape[0] != 12 or not np.all(np.isfinite(values)):
        raise InvalidParameterError("The chroma must be a finite array of 12 rows (C to B) by frames.")
    check_cancel(cancel)
    steps.stage("key")

    sounding = np.nonzero(values.sum(axis=0) > 0)[0]
    if len(sounding) == 0:
        alternatives = tuple(KeyCandidate(*_name(i), 0.0) for i in range(24))
        return KeyEstimate("C", "major", 0.0, alternatives, (), (
            "No pitched sound was found (silence?); there is no key to report.",))

    n_final = min(max(1, int(FINAL_SHARE * len(sounding))), max(1, int(FINAL_MAX_S / chroma.hop_s)))
    overall = _correlations(values[:, sounding].mean(axis=1))
    final = _correlations(values[:, sounding[-n_final:]].mean(axis=1))
    scores = (overall + FINAL_WEIGHT * final) / (1.0 + FINAL_WEIGHT)
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    probability = _softmax(scores)

    flatness = float(np.median(values[:, sounding].mean(axis=0) / values[:, sounding].max(axis=0)))
    clarity = float(np.clip((NOISE_FLATNESS - flatness) / (NOISE_FLATNESS - TONAL_FLATNESS), 0.0, 1.0))
    sounding_s = len(sounding) * chroma.hop_s
    confidence = float(probability[best]) * clarity * min(1.0, sounding_s / MIN_SOUNDING_S)

    warnings = []
    if clarity < 0.5:
        warnings.append("The pitch classes are nearly even (noise, drums or atonal music?); "
                        "the key is unreliable.")
    if sounding_s < MIN_SOUNDING_S:
        warnings.append(f"Only {sounding_s:.1f} s of pitched sound; the key is a guess.")
    runner_up = int(order[1])
    if probability[runner_up] > 0.25 * probability[best]:
        relation = _relation(best, runner_up)
        tonic, mode = _name(runner_up)
        warnings.append(f"It could also be {tonic} {mode}"
                        + (f" (the {relation} key)." if relation else "."))

    report(progress, 0.95, "key segments")
    segments = _segments(values, chroma.hop_s, window_s, best, confidence)
    report(progress, 1.0, "key")
    alternatives = tuple(KeyCandidate(*_name(int(i)), float(scores[i])) for i in order)
    tonic, mode = _name(best)
    return KeyEstimate(tonic, mode, confidence, alternatives, segments, tuple(warnings))


def sounding_and_written(key: KeyEstimate, *, a4_hz: float, standard_hz: float) -> KeyEstimate:
    """The key as written, saying first what it sounds like at A = 440 Hz.

    Parameters
    ----------
    key : KeyEstimate
        Estimated at the tuning ``a4_hz`` (so its names are the written ones).
    a4_hz : float
        A4 in Hz the key was estimated at (e.g. 415.6 for a take at baroque pitch).
    standard_hz : float
        The pitch standard the user gave (e.g. 415), as it is printed.

    Returns
    -------
    KeyEstimate
        ``key`` itself when ``a4_hz`` is within half a semitone of 440 Hz; otherwise
        the same estimate with a first warning such as "Sounds B major; at A = 415 Hz this
        is C major." (the written key stays the first answer).
    """
    semitones = round(12.0 * np.log2(a4_hz / 440.0))
    if semitones == 0:
        return key
    sounding = PITCH_CLASSES[(PITCH_CLASSES.index(key.tonic) + semitones) % 12]
    note = (f"Sounds {sounding} {key.mode}; at A = {standard_hz:g} Hz this is "
            f"{key.tonic} {key.mode}.")
    return dataclasses.replace(key, warnings=(note, *key.warnings))


def written_at_standard(key: KeyEstimate, *, semitones: int, standard_hz: float) -> KeyEstimate:
    """The key heard at A = 440 Hz named as written at a pitch standard a few semitones off.

    Parameters
    ----------
    key : KeyEstimate
        Estimated at the take's tuning near 440 Hz (the names it sounds in).
    semitones : int
        How far the take sounds from what is written: -1 for a take at A = 415 Hz
        (baroque pitch), +1 at A = 466 Hz.
    standard_hz : float
        The pitch standard, as it is printed (e.g. 415).

    Returns
    -------
    KeyEstimate
        ``key`` itself when ``semitones`` is 0; otherwise every name (tonic, alternatives,
        segments) moved by ``-semitones``, with a first warning such as "Sounds B major;
        at A = 415 Hz this is C major." (see :func:`sounding_and_written`).
    """
    if semitones == 0:
        return key

    def moved(tonic: str) -> str:
        return PITCH_CLASSES[(PITCH_CLASSES.index(tonic) - semitones) % 12]

    written = dataclasses.replace(
        key, tonic=moved(key.tonic),
        alternatives=tuple(dataclasses.replace(c, tonic=moved(c.tonic)) for c in key.alternatives),
        segments=tuple(dataclasses.replace(s, tonic=moved(s.tonic)) for s in key.segments))
    return sounding_and_written(written, a4_hz=440.0 * 2.0 ** (semitones / 12.0),
                                standard_hz=standard_hz)


def _segments(values: np.ndarray, hop_s: float, window_s: float, best: int,
              confidence: float) -> tuple[KeySegment, ...]:
    """Local key segments; a single segment in the global key when nothing modulates."""
    duration_s = values.shape[1] * hop_s
    path, probability, block_s = _local_path(values, hop_s, window_s)
    changes = np.flatnonzero(np.diff(path)) + 1
    if len(changes) == 0:
        return (KeySegment(0.0, duration_s, *_name(best), confidence),)
    bounds = np.concatenate([[0], changes, [len(path)]])
    return tuple(
        KeySegment(float(start * block_s), float(min(end * block_s, duration_s)),
                   *_name(int(path[start])), float(probability[start:end].mean()))
        for start, end in itertools.pairwise(bounds)
    )
