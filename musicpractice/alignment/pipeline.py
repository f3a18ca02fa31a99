"""Load, align and compare in one place: :func:`align_file` (the twin of
:func:`musicpractice.analysis.take.analyze_file`) for files, :func:`align_signal` for a take
already decoded. The command line, the session's derived-results cache and the alignment
benchmark all go through here."""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from musicpractice.alignment.align import align_takes, align_to_score
from musicpractice.alignment.compare import ScoreComparison, compare_with_score
from musicpractice.alignment.pitch_standard import PitchStandard, heard_pitch_standard
from musicpractice.alignment.timemap import Alignment
from musicpractice.analysis.key import KeyEstimate, estimate_key, written_at_standard
from musicpractice.audio.io import Signal, load_signal
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, Steps
from musicpractice.score import Score, load_score
from musicpractice.score.load import MUSESCORE_EXTENSIONS, SCORE_EXTENSIONS


@dataclass(frozen=True)
class FileAlignment:
    """A take followed through its reference.

    Attributes
    ----------
    alignment : Alignment
        Take time (s) to reference position (quarter notes of a score, seconds of a take).
    comparison : ScoreComparison or None
        Bars, beats and notes against the score; None for a take reference or when not asked.
    part : str or None
        The score part's full name when one part was chosen or found (a singer's line of a
        choir score, see :mod:`.score_parts`).
    pitch_standard : PitchStandard or None
        The historical pitch the take was played at when it sounds a semitone off the
        reference on a near-440 Hz grid (see :func:`.pitch_standard.heard_pitch_standard`).
    key : KeyEstimate or None
        With a ``pitch_standard``: the take's key named as written, its first warning
        saying how it sounds ("Sounds B major; at A = 415 Hz this is C major."); else None.
    score : Score or None
        The reference score as loaded (None for a recording): its key signature spells the
        note names and its time signatures give the beat bar tempi are counted in.
    """

    alignment: Alignment
    comparison: ScoreComparison | None
    part: str | None
    pitch_standard: PitchStandard | None = None
    key: KeyEstimate | None = None
    score: Score | None = None


def is_score_file(path: str | os.PathLike) -> bool:
    """True when ``path`` names a score (by its extension), False for audio."""
    return Path(path).suffix.lower() in SCORE_EXTENSIONS | MUSESCORE_EXTENSIONS


def align_signal(take: Signal, reference: Score | Signal, *, part: str | None = None,
                 bars: tuple[int, int] | None = None, progress: ProgressFn | None = None,
                 cancel: CancelToken | None = None) -> Alignment:
    """Align a decoded take to a score or to another decoded take.

    Parameters
    ----------
    take : Signal
        The mono take (see :func:`~musicpractice.audio.io.load_signal`).
    reference : Score or Signal
        A score, or another take at the same sample rate as ``take``.
    part : str, optional
        The score part that was played (score references only).
    bars : (int, int), optional
        First and last written bar the take covers (score references only).
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Raises
    ------
    InvalidParameterError
        ``part`` or ``bars`` with a take reference, or takes at different sample rates.
    """
    if isinstance(reference, Score):
        return align_to_score(take.samples, take.sr, reference, part=part, bars=bars,
                              progress=progress, cancel=cancel)
    if part is not None or bars is not None:
        raise InvalidParameterError("A part or bars can be chosen only when the reference "
                                    "is a score.")
    if reference.sr != take.sr:
        raise InvalidParameterError(f"The take ({take.sr} Hz) and the reference "
                                    f"({reference.sr} Hz) must share one sample rate.")
    return align_takes(take.samples, reference.samples, take.sr, progress=progress,
                       cancel=cancel)


def align_file(take: str | os.PathLike, reference: str | os.PathLike, *,
               part: str | None = None, bars: tuple[int, int] | None = None,
               expand_repeats: bool = True, compare: bool = True,
               tolerance_cents: float = 50.0, progress: ProgressFn | None = None,
               cancel: CancelToken | None = None) -> FileAlignment:
    """Align an audio file to a score file or to another recording, and compare it with
    the score.

    Parameters
    ----------
    take : path-like
        The recording to follow (anything :func:`~musicpractice.audio.io.load_signal` reads).
    reference : path-like
        A score (MusicXML, MIDI, MEI, ABC, kern; see
        :func:`~musicpractice.score.load_score`) or another recording.
    part : str, optional
        The score part that was played or sung; when omitted, the single-line part the take
        clearly performs (see :mod:`.score_parts`), else all parts.
    bars : (int, int), optional
        First and last written bar the take covers; found automatically when omitted.
    expand_repeats : bool
        Play the score's repeats out (default) or each bar once.
    compare : bool
        Also compare bars and notes with the score (score references only).
    tolerance_cents : float
        Intonation tolerance of the note verdicts, in cents.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Raises
    ------
    AudioFileError, ScoreFileError
        A file cannot be read.
    InvalidParameterError
        ``part`` or ``bars`` with a recording as the reference, or an unknown part.
    """
    score_reference = is_score_file(reference)
    if not score_reference and (part or bars):
        raise InvalidParameterError("--part and --bars need a score as the reference.")
    compare = compare and score_reference
    steps = Steps(progress, [("loading", 1), ("aligning", 4)] + ([("comparing", 2)] if compare else []))
    signal = load_signal(take, progress=steps.stage("loading"), cancel=cancel)
    if score_reference:
        ref: Score | Signal = load_score(reference, expand_repeats=expand_repeats, cancel=cancel)
    else:
        ref = load_signal(reference, sr=signal.sr, cancel=cancel)
    alignment = align_signal(signal, ref, part=part, bars=bars,
                             progress=steps.stage("aligning"), cancel=cancel)
    part_name = ref.find_part(part) if score_reference and part else alignment.part
    comparison = None
    if compare:
        comparison = compare_with_score(signal.samples, signal.sr, ref, alignment,
                                        part=part_name, tolerance_cents=tolerance_cents,
                                        progress=steps.stage("comparing"),
                                        cancel=cancel)
    if comparison is not None and comparison.alignment is not None:
        alignment = comparison.alignment  # pinned to the sung notes
    standard = heard_pitch_standard(alignment)
    key = None
    if standard is not None:
        heard = estimate_key(signal.samples, signal.sr, cancel=cancel,
                             tuning_hz=440.0 * 2.0 ** (alignment.take_tuning_cents / 1200.0))
        key = written_at_standard(heard, semitones=standard.semitones,
                                  standard_hz=standard.standard_hz)
    return FileAlignment(alignment=alignment, comparison=comparison, part=part_name,
                         pitch_standard=standard, key=key,
                         score=ref if isinstance(ref, Score) else None)
