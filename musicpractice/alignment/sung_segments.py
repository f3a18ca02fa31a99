"""The notes a singer sang, cut from the take's pitch track and its level.

A sung note starts where the pitch changes, after a silence, or -- for a repeated pitch
sung legato -- where the level dips (a consonant) and rises again. The pitch track is
searched only around the written part's range, so the other parts of a mix and the
singer's octave slips outside it are not followed.

Pitch steps are looked for on the pitch averaged over one vibrato cycle of this singer
(the period measured in the take, :func:`vibrato_period_s`), so a vibrato faster or
slower than usual is not read as steps. What a note's pitch is gets measured afterwards
(:mod:`.steady_pitch`).
"""

from __future__ import annotations

import numpy as np
from scipy.ndimage import maximum_filter1d, minimum_filter1d

from musicpractice.analysis.melody import PitchTrack, track_melody
from musicpractice.analysis.notes import Note, segment_notes
from musicpractice.core.pitch import midi_to_hz
from musicpractice.core.progress import CancelToken, ProgressFn

RANGE_MARGIN_SEMITONES = 4
"""The pitch range searched reaches this far beyond the part's lowest and highest notes."""
DIP_DB = 6.0
"""A level dip this deep between two louder moments cuts a note (a re-articulation)."""
DIP_WINDOW_S = 0.12
"""The louder moments are looked for this far on each side of the dip."""
MIN_NOTE_S = 0.07
"""Shortest sung note, in seconds."""
OTHER_PART_QUIETER_DB = 4.0
"""A sung note this much quieter than the take's typical note, at the pitch of another
part sounding then, is that part heard while the singer rests."""
OTHER_PART_SEMITONES = 1.5
"""... within this of the other part's pitch (its masked partials leave neighbours)."""
LOCAL_LEVEL_S = 4.0
"""The typical level of the notes sung within this many seconds (dynamics change)."""
SOLO_SPREADS = 3.0
"""In a take where no other part is heard under the singer, a note is another part
(a rehearsal track heard in the singer's rests) only when it is quieter than the
singer's own notes go: this many robust standard deviations of their levels below the
typical level (a singer's notes differ by several dB with the vowel and the pitch)."""
MERGE_SEMITONES = 0.4
STEP_SEMITONES = 0.4
STEP_WINDOW_S = 0.18
"""About one vibrato cycle: averaged over it, the pitch no longer swings (used when the
take shows no vibrato to measure)."""
VIBRATO_PERIODS_S = (0.11, 0.28)
"""Vibrato periods looked for (rates of about 3.5 to 9 Hz)."""
MIN_VIBRATO_CORRELATION = 0.3
"""Below this autocorrelation at the best period the take has no regular vibrato."""
"""Touching pieces whose pitch centres are closer than this are one note."""


def part_pitch_track(take: np.ndarray, sr: int, *, lowest_midi: int, highest_midi: int,
                     progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> PitchTrack:
    """Pitch track of a take searched only around a part's written range.

    Parameters
    ----------
    take : numpy.ndarray
        Mono samples, shape ``(n,)``.
    sr : int
        Sample rate in Hz.
    lowest_midi, highest_midi : int
        The part's written range (MIDI numbers).

    Returns
    -------
    PitchTrack
    """
    fmin = max(30.0, float(midi_to_hz(lowest_midi - RANGE_MARGIN_SEMITONES)))
    fmax = min(4000.0, sr / 4.0, float(midi_to_hz(highest_midi + RANGE_MARGIN_SEMITONES)))
    return track_melody(take, sr, fmin_hz=fmin, fmax_hz=fmax, progress=progress,
                        cancel=cancel)


def sung_notes(take: np.ndarray, sr: int, track: PitchTrack) -> tuple[Note, ...]:
    """The notes sung in a take (pitch changes, silences and level dips cut them).

    Parameters
    ----------
    take : numpy.ndarray
        Mono samples, shape ``(n,)``, that ``track`` was computed on.
    sr : int
        Sample rate in Hz.
    track : PitchTrack

    Returns
    -------
    tuple of Note
        In time order; pitch in MIDI + cents at A4 = 440 Hz.
    """
    dips = level_dips(take, sr, hop_s=track.hop_s)
    period = vibrato_period_s(track)
    cuts = np.union1d(dips, pitch_steps(track, window_s=period))
    notes = segment_notes(track, tuning_hz=440.0, min_note_s=MIN_NOTE_S, onsets_s=cuts)
    return _merge_split_pitches(notes, dips, track)


def vibrato_period_s(track: PitchTrack) -> float:
    """The singer's vibrato period in seconds, from the autocorrelation of the pitch
    (its slow movement taken out) pooled over the take's voiced stretches;
    ``STEP_WINDOW_S`` when the take shows no regular vibrato."""
    hop = track.hop_s
    lags = np.arange(int(VIBRATO_PERIODS_S[0] / hop), int(VIBRATO_PERIODS_S[1] / hop) + 1)
    f0 = np.asarray(track.f0_hz, dtype=float)
    voiced = f0 > 0
    slow = max(3, int(round(VIBRATO_PERIODS_S[1] / hop)) | 1)  # longer than a cycle
    products, norms = np.zeros(lags.size), np.zeros(lags.size)
    edges = np.flatnonzero(np.diff(np.concatenate([[0], voiced.astype(np.int8), [0]])))
    for a, b in zip(edges[::2], edges[1::2]):
        if b - a < slow + lags[0]:
            continue
        cents = 1200.0 * np.log2(f0[a:b])
        kernel = np.ones(slow)
        local_mean = np.convolve(cents, kernel, mode="same") / np.convolve(
            np.ones(cents.size), kernel, mode="same")
        wiggle = np.clip(cents - local_mean, -150.0, 150.0)  # a note change is no swing
        for k, lag in enumerate(lags):
            if lag < wiggle.size:
                x, y = wiggle[:-lag], wiggle[lag:]
                products[k] += float(x @ y)
                norms[k] += float(np.sqrt((x @ x) * (y @ y)))
    if not np.any(norms > 0):
        return STEP_WINDOW_S
    correlation = np.where(norms > 0, products / np.maximum(norms, 1e-12), -1.0)
    top = float(np.max(correlation))
    if top < MIN_VIBRATO_CORRELATION:
        return STEP_WINDOW_S
    padded = np.concatenate([[-np.inf], correlation, [-np.inf]])
    peaks = np.flatnonzero((correlation >= padded[:-2]) & (correlation >= padded[2:])
                           & (correlation >= 0.8 * top))
    return float(lags[peaks[0]] * hop)  # the first: two cycles correlate as well as one


def pitch_steps(track: PitchTrack, *, window_s: float = STEP_WINDOW_S) -> np.ndarray:
    """Times (s) where the vibrato-averaged pitch steps by at least ``STEP_SEMITONES``
    between the ``window_s`` (one vibrato cycle) before and after (a legato note a
    fraction of a semitone from its neighbour, which the semitone grid alone does not
    separate)."""
    f0 = np.asarray(track.f0_hz, dtype=float)
    voiced = f0 > 0
    if voiced.sum() < 10:
        return np.zeros(0)
    midi = np.where(voiced, 12.0 * np.log2(np.where(voiced, f0, 1.0) / 440.0) + 69.0, 0.0)
    w = max(2, int(round(window_s / track.hop_s)))
    kernel = np.ones(w)
    total = np.convolve(midi, kernel, mode="full")[:midi.size]  # sum over the w frames up to k
    count = np.convolve(voiced.astype(float), kernel, mode="full")[:midi.size]
    before = np.full(midi.size, np.nan)
    after = np.full(midi.size, np.nan)
    full = count >= w - 0.5
    before[full] = total[full] / w
    after[:midi.size - w] = before[w:]
    step = np.abs(after - before)
    candidates = np.flatnonzero(np.nan_to_num(step) >= STEP_SEMITONES)
    out, last = [], -np.inf
    for k in candidates:  # the strongest step of each run
        if k - last > w:
            run = candidates[(candidates >= k) & (candidates < k + w)]
            best = int(run[np.argmax(step[run])])
            out.append(best)
            last = best
    return np.asarray(out, dtype=float) * track.hop_s


def _merge_split_pitches(notes, dips, track: PitchTrack) -> tuple[Note, ...]:
    """Join neighbours cut inside one pitch: a note sung about a quarter tone off the
    semitone grid is cut wherever its vibrato crosses the boundary, though its centre
    stays within half a semitone of its neighbour's and no level dip separates them."""
    out: list[Note] = []
    for note in notes:
        if out:
            prev = out[-1]
            gap = note.onset_s - prev.offset_s
            dip = np.any(np.abs(dips - note.onset_s) < 0.03) if dips.size else False
            close = abs(_centre(note) - _centre(prev)) < MERGE_SEMITONES
            if gap < 0.03 and close and not dip:
                out[-1] = _joined(prev, note, track)
                continue
        out.append(note)
    return tuple(out)


def _centre(note: Note) -> float:
    return note.midi + note.cents / 100.0


def _joined(a: Note, b: Note, track: PitchTrack) -> Note:
    """One note over both: its pitch the duration-weighted centre of the two."""
    wa, wb = a.duration_s, b.duration_s
    centre = (wa * _centre(a) + wb * _centre(b)) / (wa + wb)
    midi = int(round(centre))
    return Note(onset_s=a.onset_s, offset_s=b.offset_s, midi=midi,
                median_hz=float(440.0 * 2 ** ((centre - 69) / 12)), cents=100.0 * (centre - midi),
                vibrato_rate_hz=a.vibrato_rate_hz, vibrato_extent_cents=a.vibrato_extent_cents,
                confidence=(wa * a.confidence + wb * b.confidence) / (wa + wb))


def level_dips(take: np.ndarray, sr: int, *, hop_s: float) -> np.ndarray:
    """Times (s) where the level dips at least ``DIP_DB`` below the louder moments on
    both sides (within ``DIP_WINDOW_S``): the re-attack of a legato repeated note."""
    hop = max(1, int(round(hop_s * sr)))
    n = take.size // hop
    if n < 5:
        return np.zeros(0)
    power = np.square(take[:n * hop].astype(np.float64)).reshape(n, hop).mean(axis=1)
    level = 10.0 * np.log10(power + 1e-12)
    w = max(2, int(round(DIP_WINDOW_S / hop_s)))
    left = maximum_filter1d(level, w, origin=(w - 1) // 2)
    right = maximum_filter1d(level, w, origin=-(w // 2))
    is_min = level <= minimum_filter1d(level, 5)
    sides = np.minimum(left, right)
    dips = is_min & (sides - level >= DIP_DB) & (sides > level.max() - 40.0)
    return np.flatnonzero(dips) * hop_s


def without_other_parts(sung: tuple[Note, ...], take: np.ndarray, sr: int, *,
                        others_midi: np.ndarray, others_on_s: np.ndarray,
                        others_off_s: np.ndarray, mixed: bool = False) -> tuple[Note, ...]:
    """The sung notes less those that are the other parts of a mix (score-informed).

    Parameters
    ----------
    sung : tuple of Note
    take : numpy.ndarray
        The take, shape ``(n,)``.
    sr : int
    others_midi, others_on_s, others_off_s : numpy.ndarray
        Pitches and aligned times (s) of the other parts' written notes, shape ``(m,)``.
    mixed : bool
        The other parts are heard in the take: then a note quieter than the notes around
        it while another part sounds is that part, whatever its pitch (the singer adds
        several dB to the mix).

    Returns
    -------
    tuple of Note
        Without the notes that are quieter than the take's typical note by
        ``OTHER_PART_QUIETER_DB`` (without a mix: by ``SOLO_SPREADS`` times the spread of
        the take's note levels, if more) and sit at the pitch (or an octave) of another
        part's note sounding then.
    """
    if not sung or others_midi.size == 0:
        return sung
    level = np.array([_level_db(take, sr, s.onset_s, s.offset_s) for s in sung])
    onsets = np.array([s.onset_s for s in sung])
    typical = np.array([float(np.median(level[np.abs(onsets - t) <= LOCAL_LEVEL_S]))
                        for t in onsets])
    quieter = OTHER_PART_QUIETER_DB
    if not mixed:  # nothing else heard under the singer: only what the singer's own
        # notes cannot be, by the spread of their levels in this take (vowels, pitch)
        spread = 1.4826 * float(np.median(np.abs(level - typical)))
        quieter = max(quieter, SOLO_SPREADS * spread)
    kept = []
    for s, db, typical_db in zip(sung, level, typical):
        middle = 0.5 * (s.onset_s + s.offset_s)
        sounding = (others_on_s <= middle) & (others_off_s >= middle)
        pitch = s.midi + s.cents / 100.0
        d = pitch - others_midi[sounding]
        matches = np.any(np.abs(d - 12.0 * np.round(d / 12.0)) < OTHER_PART_SEMITONES)
        if (matches or (mixed and sounding.any())) and db < typical_db - quieter:
            continue
        kept.append(s)
    return tuple(kept)


def _level_db(take, sr, start_s, end_s) -> float:
    a, b = int(start_s * sr), max(int(end_s * sr), int(start_s * sr) + 1)
    return 10.0 * float(np.log10(np.mean(np.square(take[a:b], dtype=np.float64)) + 1e-12))
