"""The alignment engine: multiscale DTW of two feature sequences, with confidence.

Used for take-to-take and take-to-score alignment alike (see :mod:`.features`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.ndimage import uniform_filter1d

from musicpractice.alignment.dtw import (
    CHROMA_DIMS,
    band_around,
    banded_dtw,
    full_band,
    subsequence_dtw,
)
from musicpractice.alignment.edges import shared_music
from musicpractice.alignment.features import AlignmentFeatures
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report

COARSE_CELLS = 3_000_000
"""Largest number of cells of the full DTW at the coarsest level."""
MIN_COARSE_FACTOR = 10
LEVEL_RATIO = 4
BAND_RADIUS = 12
"""Frames (at each level) the band reaches beyond the path projected from the level above."""
ONSET_WEIGHT = 0.5
ONSET_MAX_FACTOR = 2
"""Onset features are used at levels at most this many times coarser than the finest."""
CONFIDENCE_WINDOW_S = 4.0
CONFIDENCE_LOW, CONFIDENCE_HIGH = 0.6, 0.85
"""Closeness of the path to the best matches mapped to confidence 0 and 1."""
PARTIAL_MARGIN_S, PARTIAL_MARGIN_SHARE = 3.0, 0.05
"""A take is partial when a free match leaves out more than this much (seconds, or share
of the sounding reference, whichever is more) at the reference's start or end."""
TRANSPOSITION_CANDIDATES = 2
"""Transpositions (besides none) tried by DTW, chosen by overall pitch-class content."""
TRANSPOSITION_MARGIN = 1.05
"""A transposed match must be this much better (cost ratio) than the untransposed one."""
MIN_FRAMES = 10
EDGE_SILENCE_S = 0.25
"""When both sequences have at least this much silence (seconds) before (or after) the
music, the two silences are mapped onto each other (a final barline after the last
chord has died away)."""

STRAY_S = 1.0
"""Seconds the returned path may stray from the coarse path and keep its confidence (none
left at twice this: the finer levels lost the way)."""
EDGE_MARGIN_S = 0.5
"""Seconds kept before (and after) the shared music found at the coarse level, where it
leaves out what only one recording has before or after the music (the finer levels place
the first note within this margin)."""


@dataclass(frozen=True)
class FrameAlignment:
    """A warping path between two feature sequences.

    Attributes
    ----------
    take_frames, ref_frames : numpy.ndarray
        int64 path (non-decreasing in both).
    confidence : numpy.ndarray
        float32 per path point, in [0, 1]: how much better the matched reference frame
        fits than the reference as a whole (0 for silence in the take).
    overall_confidence : float
        In [0, 1]; low when the reference is probably not what was played.
    transposition_semitones : int
        Semitones the take sounds above the reference (-5..6), 0 when not searched.
    subsequence : bool
        Whether the take was matched to a stretch of the reference only.
    rate_hz : float
        Frames per second of both sequences.
    """

    take_frames: np.ndarray
    ref_frames: np.ndarray
    confidence: np.ndarray
    overall_confidence: float
    transposition_semitones: int
    subsequence: bool
    rate_hz: float


def align_features(take: AlignmentFeatures, ref: AlignmentFeatures, *,
                   subsequence: bool | None = None, transposition: bool = True,
                   progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None) -> FrameAlignment:
    """Align two feature sequences with multiscale DTW.

    Parameters
    ----------
    take, ref : AlignmentFeatures
        Same frame rate.
    subsequence : bool or None
        True: the take may cover any stretch of the reference (a rehearsal of some
        bars); False: both are aligned from start to end; None (default): partial when a
        free match at the coarsest level leaves out the reference's start or end.
    transposition : bool
        Search all 12 transpositions of the take (a choir that sank a semitone).

    Returns
    -------
    FrameAlignment
    """
    if abs(take.rate_hz - ref.rate_hz) > 1e-9:
        raise InvalidParameterError("Both feature sequences must have the same frame rate.")
    if take.n_frames < MIN_FRAMES or ref.n_frames < MIN_FRAMES:
        raise InvalidParameterError("The take or the reference is too short to align.")
    (t0, t1), (r0, r1) = _sounding_span(take), _sounding_span(ref)
    x, y = _stacked(take)[t0:t1], _stacked(ref)[r0:r1]
    if x.shape[0] < MIN_FRAMES or y.shape[0] < MIN_FRAMES:
        raise InvalidParameterError("The take or the reference has too little sound to align.")
    n, m = x.shape[0], y.shape[0]
    factors = _level_factors(n, m)
    report(progress, 0.0, "aligning (coarse)")
    coarse = factors[0]
    xc, yc = _downsample(x, coarse), _downsample(y, coarse)
    sounding = ((t0, t1), (r0, r1))
    take_trimmed = False
    if subsequence is None:  # a lead-in of the take must not make it look partial
        likely = _likely_shift(xc, yc) if transposition else 0
        (a0, a1), _ = _music_spans(take, ref, sounding, _transpose(xc, likely), yc, coarse)
        if (a0, a1) != (t0, t1):
            t0, t1, take_trimmed = a0, a1, True
            x = _stacked(take)[t0:t1]
            n = x.shape[0]
            factors = _level_factors(n, m)
            coarse = factors[0]
            xc, yc = _downsample(x, coarse), _downsample(y, coarse)
    shift, subsequence, (pi, pj) = _best_transposition(xc, yc, subsequence, transposition,
                                                       take.rate_hz / coarse)
    x = _transpose(x, shift)
    xc = _transpose(xc, shift)
    if not subsequence:  # leave out what only one of them plays before or after the music
        spans = _music_spans(take, ref, ((t0, t1), (r0, r1)), xc, yc, coarse)
        spans = ((t0, t1), spans[1]) if take_trimmed else spans  # the take's only once
        if spans != ((t0, t1), (r0, r1)):
            (t0, t1), (r0, r1) = spans
            x, y = _transpose(_stacked(take)[t0:t1], shift), _stacked(ref)[r0:r1]
            n, m = x.shape[0], y.shape[0]
            factors = _level_factors(n, m)
            coarse = factors[0]
            xc, yc = _downsample(x, coarse), _downsample(y, coarse)
            pi, pj, _ = _coarse_path(xc, yc, False)
    confidence_c = _coarse_confidence(xc, yc, pi, pj, take.rate_hz / coarse)
    coarse_path = _path_at_level(pi, pj, 1, yc.shape[0])
    previous = coarse
    for k, factor in enumerate(factors[1:], start=1):
        check_cancel(cancel)
        report(progress, k / len(factors), f"aligning (level {k + 1} of {len(factors)})")
        xf, yf = _downsample(x, factor), _downsample(y, factor)
        lo, hi = band_around(pi, pj, previous / factor, BAND_RADIUS, xf.shape[0], yf.shape[0])
        weight = ONSET_WEIGHT if factor <= ONSET_MAX_FACTOR else 0.0
        pi, pj, _ = banded_dtw(xf, yf, lo, hi, onset_weight=weight,
                               open_begin=subsequence, open_end=subsequence)
        previous = factor
    report(progress, 1.0, "aligned")
    # a finer level that strayed from the coarse path is not vouched for where it did
    confidence_c = confidence_c * _agreement(coarse_path, _path_at_level(pi, pj, coarse,
                                                                         yc.shape[0]),
                                             xc.shape[0], coarse / take.rate_hz)
    per_frame = np.interp(np.arange(n) / coarse, np.arange(confidence_c.size), confidence_c)
    per_frame = np.where(take.active[t0:t1], per_frame, 0.0)
    active = take.active[t0:t1][pi]
    overall = float(np.mean(per_frame[pi][active])) if active.any() else 0.0
    take_frames, ref_frames, confidence = pi + t0, pj + r0, per_frame[pi]
    if not subsequence:  # silence before and after both maps onto each other, evenly
        quiet = EDGE_SILENCE_S * take.rate_hz
        (a0, a1), (b0, b1) = sounding  # where something else was left out: at an even pace
        lead = min(t0, r0) if (a0, b0) != (t0, r0) else None
        head = [[t0 - lead, r0 - lead, 0.0] if lead is not None else [0, 0, 0.0]]
        head = head if min(t0, r0) >= quiet else []
        rest_t, rest_r = take.n_frames - t1, ref.n_frames - r1
        trail = min(rest_t, rest_r) if (a1, b1) != (t1, r1) else None
        tail = ([[t1 - 1 + trail, r1 - 1 + trail, 0.0] if trail is not None
                 else [take.n_frames - 1, ref.n_frames - 1, 0.0]]
                if min(rest_t, rest_r) >= quiet else [])
        ends = np.array(head + tail).reshape(-1, 3)
        take_frames, ref_frames, confidence = (
            np.concatenate([ends[:len(head), k], v, ends[len(head):, k]])
            for k, v in enumerate((take_frames, ref_frames, confidence)))
        take_frames, ref_frames = take_frames.astype(np.int64), ref_frames.astype(np.int64)
    return FrameAlignment(take_frames=take_frames, ref_frames=ref_frames,
                          confidence=confidence.astype(np.float32),
                          overall_confidence=overall, transposition_semitones=int(shift),
                          subsequence=subsequence,
                          rate_hz=take.rate_hz)


def _agreement(coarse_path, final_path, n: int, frame_s: float) -> np.ndarray:
    """Per coarse take frame: 1 where the returned path stays within ``STRAY_S`` of the
    coarse path, falling to 0 at twice that."""
    rows = np.arange(n)
    coarse_j = np.interp(rows, *coarse_path)
    final_j = np.interp(rows, *final_path)
    stray_s = np.abs(final_j - coarse_j) * frame_s
    return np.clip(2.0 - stray_s / STRAY_S, 0.0, 1.0)


def _path_at_level(pi: np.ndarray, pj: np.ndarray, factor: int,
                   m: int) -> tuple[np.ndarray, np.ndarray]:
    """A finest-level path brought to a ``factor`` times coarser level: for each coarse
    take frame, the coarse reference frame holding the path's mean reference frame."""
    rows = pi // factor
    sums = np.bincount(rows, weights=pj)
    counts = np.bincount(rows)
    ci = np.flatnonzero(counts)
    cj = np.minimum((sums[ci] / counts[ci]) // factor, m - 1).astype(np.int64)
    return ci.astype(np.int64), cj


def _music_spans(take: AlignmentFeatures, ref: AlignmentFeatures, spans, xc: np.ndarray,
                 yc: np.ndarray, coarse: int):
    """The sounding spans ((t0, t1), (r0, r1)) narrowed to the music both play (see
    :func:`.edges.shared_music`): ``EDGE_MARGIN_S`` (at least one coarse frame) is kept
    as a margin, then the cut moves on to the nearest sound."""
    margin = max(coarse, int(round(EDGE_MARGIN_S * take.rate_hz)))
    out = []
    for features, (s0, s1), (first, last), n_coarse in zip(
            (take, ref), spans, shared_music(xc, yc), (xc.shape[0], yc.shape[0])):
        start, end = s0, s1
        if first > 0:
            start = max(s0, s0 + first * coarse - margin)
            sounding = np.flatnonzero(features.active[start:s1])
            start += int(sounding[0]) if sounding.size else 0
        if last < n_coarse - 1:
            end = min(s1, s0 + (last + 1) * coarse + margin)
            sounding = np.flatnonzero(features.active[start:end])
            end = start + int(sounding[-1]) + 1 if sounding.size else end
        if end - start < MIN_FRAMES:
            return spans
        out.append((start, end))
    return tuple(out)


def _sounding_span(features: AlignmentFeatures) -> tuple[int, int]:
    """Frames from the first to just after the last one with sound (silence trimmed)."""
    sounding = np.flatnonzero(features.active)
    if sounding.size == 0:
        return 0, features.n_frames
    return int(sounding[0]), int(sounding[-1]) + 1


def _stacked(features: AlignmentFeatures) -> np.ndarray:
    """Rows [chroma (zero in silence), silence flag, onsets]: silence only matches silence."""
    active = features.active[:, None]
    return np.ascontiguousarray(np.hstack([
        np.where(active, features.chroma, 0.0), (~active).astype(np.float32),
        features.onsets]), dtype=np.float32)


def _level_factors(n: int, m: int) -> list[int]:
    coarse = max(MIN_COARSE_FACTOR, int(np.ceil(np.sqrt(n * m / COARSE_CELLS))))
    coarse = min(coarse, max(1, min(n, m) // MIN_FRAMES))
    factors = [coarse]
    while factors[-1] > 1:
        factors.append(max(1, factors[-1] // LEVEL_RATIO))
    return factors


def _downsample(features: np.ndarray, factor: int) -> np.ndarray:
    if factor == 1:
        return features
    n = int(np.ceil(features.shape[0] / factor))
    padded = np.pad(features, ((0, n * factor - features.shape[0]), (0, 0)), mode="edge")
    blocks = padded.reshape(n, factor, features.shape[1])
    chroma = blocks[:, :, :CHROMA_DIMS].mean(axis=1)
    chroma /= np.maximum(np.linalg.norm(chroma, axis=1, keepdims=True), 1e-9)
    onsets = blocks[:, :, CHROMA_DIMS:].max(axis=1)
    return np.ascontiguousarray(np.hstack([chroma, onsets]), dtype=np.float32)


def _transpose(features: np.ndarray, shift: int) -> np.ndarray:
    if shift == 0:
        return features
    out = features.copy()
    out[:, :12] = np.roll(features[:, :12], -shift, axis=1)
    out[:, CHROMA_DIMS:] = np.roll(features[:, CHROMA_DIMS:], -shift, axis=1)
    return out


def _coarse_path(xc, yc, subsequence: bool):
    """Coarse path and its mean local cost per take frame.

    A stretch of the reference is searched at the take's own pace and, for a take played
    more than twice slower than the reference (a slow practice tempo; the subsequence
    steps allow half to twice the pace), once more with the take's frames pooled in
    pairs; the better match wins.
    """
    if subsequence:
        pi, pj, cost = subsequence_dtw(xc, yc)
        best = (cost / xc.shape[0], pi, pj)
        if xc.shape[0] >= 2 * MIN_FRAMES:
            slow = _downsample(xc, 2)
            si, sj, slow_cost = subsequence_dtw(slow, yc)
            if slow_cost / slow.shape[0] < best[0]:
                pi = np.arange(xc.shape[0])
                pj = np.round(np.interp(pi, 2 * si + 0.5, sj)).astype(np.int64)
                best = (slow_cost / slow.shape[0], pi, pj)
        return best[1], best[2], best[0]
    lo, hi = full_band(xc.shape[0], yc.shape[0])
    pi, pj, cost = banded_dtw(xc, yc, lo, hi, onset_weight=0.0, open_begin=False,
                              open_end=False)
    return pi, pj, cost / pi.size


def _candidate_shifts(xc: np.ndarray, yc: np.ndarray) -> list[int]:
    """No transposition plus the transpositions whose overall pitch content fits best."""
    fit = _profile_fit(xc, yc)
    ranked = sorted(fit, key=fit.get, reverse=True)
    return list(dict.fromkeys([0] + ranked[:TRANSPOSITION_CANDIDATES]))


def _profile_fit(xc: np.ndarray, yc: np.ndarray) -> dict[int, float]:
    """Per transposition (-5..6 semitones): how well the take's overall pitch-class
    content fits the reference's."""
    take_profile, ref_profile = xc[:, :12].sum(axis=0), yc[:, :12].sum(axis=0)
    return {shift: float(np.roll(take_profile, -shift) @ ref_profile) for shift in range(-5, 7)}


def _likely_shift(xc: np.ndarray, yc: np.ndarray) -> int:
    """The transposition whose overall pitch-class content fits best (0 on a near tie)."""
    fit = _profile_fit(xc, yc)
    best = max(fit, key=fit.get)
    return best if fit[best] > TRANSPOSITION_MARGIN * fit[0] else 0


def _best_transposition(xc, yc, subsequence: bool | None, search: bool, rate_hz: float):
    """(shift, subsequence used, coarse path) of the best-matching transposition."""
    best = None
    for shift in (_candidate_shifts(xc, yc) if search else (0,)):
        pi, pj, cost = _coarse_path(_transpose(xc, shift), yc, bool(subsequence))
        cost *= 1.0 if shift == 0 else TRANSPOSITION_MARGIN
        if best is None or cost < best[0]:
            best = (cost, shift, (pi, pj))
    cost, shift, path = best
    if subsequence is None:
        pi, pj, _ = _coarse_path(_transpose(xc, shift), yc, True)
        sounding = np.flatnonzero(yc[:, CHROMA_DIMS - 1] < 0.5)
        first, last = (sounding[0], sounding[-1]) if sounding.size else (0, yc.shape[0] - 1)
        margin = max(PARTIAL_MARGIN_SHARE * (last - first), PARTIAL_MARGIN_S * rate_hz)
        if pj[0] > first + margin or pj[-1] < last - margin:
            return shift, True, (pi, pj)
    return shift, bool(subsequence), path


def _coarse_confidence(xc: np.ndarray, yc: np.ndarray, pi: np.ndarray, pj: np.ndarray,
                       rate_hz: float) -> np.ndarray:
    """Per coarse take frame: where the path's match lies between a typical reference
    frame (0) and the best-fitting one anywhere (1), mapped onto [0, 1].

    A take aligned to the right reference follows the best matches closely (about 0.9);
    against another piece the monotonic path cannot (about 0.5).
    """
    chroma_x, chroma_y = xc[:, :CHROMA_DIMS], yc[:, :CHROMA_DIMS]
    matched = 1.0 - np.einsum("ij,ij->i", chroma_x[pi], chroma_y[pj])
    path_cost = np.zeros(xc.shape[0])
    counts = np.zeros(xc.shape[0])
    np.add.at(path_cost, pi, matched)
    np.add.at(counts, pi, 1)
    path_cost /= np.maximum(counts, 1)
    sounding = chroma_y[:, CHROMA_DIMS - 1] < 0.5
    candidates = chroma_y[sounding] if sounding.sum() >= MIN_FRAMES else chroma_y
    typical = np.empty(xc.shape[0])
    best = np.empty(xc.shape[0])
    for a in range(0, xc.shape[0], 1024):
        rows = 1.0 - chroma_x[a:a + 1024] @ candidates.T
        typical[a:a + 1024] = np.median(rows, axis=1)
        best[a:a + 1024] = rows.min(axis=1)
    window = max(1, int(round(CONFIDENCE_WINDOW_S * rate_hz)))
    path_cost, typical, best = (uniform_filter1d(v, window, mode="nearest")
                                for v in (path_cost, typical, best))
    closeness = (typical - path_cost) / np.maximum(typical - best, 1e-6)
    return np.clip((closeness - CONFIDENCE_LOW) / (CONFIDENCE_HIGH - CONFIDENCE_LOW), 0.0, 1.0)
