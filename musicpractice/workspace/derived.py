"""A session's takes, scores, analyses and alignments, computed once and cached.

Analyses are cached under the stage the take view uses (``take_analysis``, keyed by the
analysis algorithm version and the voice preset), so the window and the command line share
them. Alignments are cached per take under ``alignment`` with the reference's own
fingerprint (score file or reference audio checksum) in the parameters, and recorded in
``session.json`` (:class:`~musicpractice.session.model.AlignmentRef`). A session opened
read-only is never written: results are computed and used, not stored.
"""

from __future__ import annotations

import hashlib

from musicpractice.alignment import ALGORITHM_VERSION as ALIGNER_VERSION
from musicpractice.alignment.note_check import DEFAULT_TOLERANCE_CENTS
from musicpractice.alignment.note_check import VERSION as NOTE_CHECK_VERSION
from musicpractice.alignment import Alignment, ScoreComparison, compare_with_score
from musicpractice.alignment.pipeline import align_signal
from musicpractice.alignment.pitch_standard import PitchStandard, heard_pitch_standard
from musicpractice.analysis.take import ALGORITHM_VERSION, TakeAnalysis, analyze_file
from musicpractice.analysis.voices import DEFAULT_RANGE
from musicpractice.audio.io import Signal, load_signal
from musicpractice.core.codec import decode, encode
from musicpractice.core.errors import InvalidParameterError
from musicpractice.core.progress import CancelToken, ProgressFn, Steps, report
from musicpractice.session.model import AlignmentRef
from musicpractice.session.store import Session, utc_now
from musicpractice.score import Score
from musicpractice.workspace.file_cache import FileAnalysisCache
from musicpractice.workspace.references import Reference, score_ref, session_score

ANALYSIS_STAGE = "take_analysis"
ALIGNMENT_STAGE = "alignment"
ALIGNMENT_VERSION = str(ALIGNER_VERSION)
"""Cached alignments and score comparisons are recomputed when the aligner changes
(:data:`musicpractice.alignment.ALGORITHM_VERSION`)."""
COMPARISON_STAGE = "score_comparison"


def take_signal(session: Session, take_id: str, *, progress: ProgressFn | None = None,
                cancel: CancelToken | None = None) -> Signal:
    """The take's audio as the mono analysis signal."""
    return load_signal(session.audio_path(take_id), progress=progress, cancel=cancel)


class TakeAudio:
    """The takes of a session decoded once for one job: every alignment and score
    comparison of the job asks here, so a take (and a reference take shared by several
    alignments) is read and resampled once, not once per step.

    Parameters
    ----------
    session : Session
    """

    def __init__(self, session: Session) -> None:
        self._session = session
        self._signals: dict[str, Signal] = {}

    def signal(self, take_id: str, *, progress: ProgressFn | None = None,
               cancel: CancelToken | None = None) -> Signal:
        """The take's mono analysis signal (see :func:`take_signal`), decoded on first use."""
        if take_id not in self._signals:
            self._signals[take_id] = take_signal(self._session, take_id, progress=progress,
                                                 cancel=cancel)
        report(progress, 1.0, "audio read")
        return self._signals[take_id]

    def release(self, take_id: str) -> None:
        """Forget the take's signal (the job is done with it)."""
        self._signals.pop(take_id, None)


def _lookup(session: Session, take_id: str, stage: str, version: str, params: dict, kind: type):
    """A cached result of class ``kind``, or ``None`` (not cached yet, cached by another
    version, or unreadable)."""
    hit = session.cache_get(take_id, stage, version, params)
    if hit is None:
        return None
    try:
        return decode(kind, hit.data["tree"], hit.arrays)
    except (ValueError, KeyError):
        return None


def _store(session: Session, take_id: str, stage: str, version: str, params: dict, result) -> None:
    """Cache ``result`` (nothing is written to a session opened read-only)."""
    if not session.read_only:
        tree, arrays = encode(result)
        session.cache_put(take_id, stage, version, params, data={"tree": tree}, arrays=arrays)


def cached_analysis(session: Session, take_id: str, voice: str = DEFAULT_RANGE) -> TakeAnalysis | None:
    """The take's cached analysis with pitch range ``voice``, or ``None`` (not cached yet,
    cached by an older version of the analysis, or unreadable)."""
    return _lookup(session, take_id, ANALYSIS_STAGE, str(ALGORITHM_VERSION), {"voice": voice},
                   TakeAnalysis)


def ensure_analysis(session: Session, take_id: str, *, voice: str = DEFAULT_RANGE,
                    analyze=analyze_file, file_cache: FileAnalysisCache | None = None,
                    progress: ProgressFn | None = None,
                    cancel: CancelToken | None = None) -> TakeAnalysis:
    """The take's analysis with pitch range ``voice``: from the session's cache, from the
    file analyses of batch runs (``file_cache``, default
    :class:`~musicpractice.workspace.file_cache.FileAnalysisCache` at its default folder)
    when the take was imported from an analysed file, or computed (by ``analyze``, with
    :func:`~musicpractice.analysis.take.analyze_file`'s signature; the window passes its
    analysis process) and cached."""
    file_cache = file_cache if file_cache is not None else FileAnalysisCache()
    cached = cached_analysis(session, take_id, voice)
    if cached is not None:
        return cached
    batch_result = file_cache.get(session.take(take_id).source_sha256, voice=voice)
    if batch_result is not None:  # the imported file was analysed by a batch run
        _store(session, take_id, ANALYSIS_STAGE, str(ALGORITHM_VERSION), {"voice": voice},
               batch_result)
        return batch_result
    analysis = analyze(session.audio_path(take_id), voice=voice, progress=progress,
                       cancel=cancel)
    _store(session, take_id, ANALYSIS_STAGE, str(ALGORITHM_VERSION), {"voice": voice}, analysis)
    return analysis


def _fingerprint(session: Session, reference: Reference) -> str:
    if reference.kind == "take":
        return session.take(reference.id).audio_sha256
    path = session.path / score_ref(session, reference.id).file
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()
    except OSError as error:
        raise InvalidParameterError(f"The score {reference.title} cannot be read "
                                    f"({error.strerror}).") from error


def _alignment_params(session: Session, reference: Reference, part: str | None) -> dict:
    return {"reference_kind": reference.kind, "reference_id": reference.id,
            "reference_fingerprint": _fingerprint(session, reference), "part": part}


def ensure_score_comparison(session: Session, take_id: str, reference: Reference,
                            alignment: Alignment, score: Score, *, part: str | None = None,
                            tolerance_cents: float = DEFAULT_TOLERANCE_CENTS,
                            audio: TakeAudio | None = None,
                            progress: ProgressFn | None = None,
                            cancel: CancelToken | None = None) -> ScoreComparison:
    """The bar and note comparison of a take with its score (``alignment`` from
    :func:`ensure_alignment` with the same ``part``): from the cache, or computed (on the
    take's signal from ``audio``, the job's decoded takes) and cached; ``tolerance_cents``
    is the intonation tolerance of the note verdicts."""
    params = dict(_alignment_params(session, reference, part), note_check=NOTE_CHECK_VERSION,
                  tolerance_cents=float(tolerance_cents))
    cached = _lookup(session, take_id, COMPARISON_STAGE, ALIGNMENT_VERSION, params, ScoreComparison)
    if cached is not None:
        return cached
    signal = (audio or TakeAudio(session)).signal(take_id, cancel=cancel)
    comparison = compare_with_score(signal.samples, signal.sr, score, alignment, part=part,
                                    tolerance_cents=tolerance_cents, progress=progress,
                                    cancel=cancel)
    _store(session, take_id, COMPARISON_STAGE, ALIGNMENT_VERSION, params, comparison)
    return comparison


def ensure_alignment(session: Session, take_id: str, reference: Reference, *,
                     part: str | None = None, score: Score | None = None,
                     audio: TakeAudio | None = None, progress: ProgressFn | None = None,
                     cancel: CancelToken | None = None) -> Alignment:
    """The alignment of a take with a reference: from the cache, or computed and cached.

    Parameters
    ----------
    session : Session
    take_id : str
    reference : Reference
        From :func:`find_reference`.
    part : str, optional
        The score part the take plays (score references only).
    score : Score, optional
        The reference score, when already loaded.
    audio : TakeAudio, optional
        The job's decoded takes (the take and a reference take are read from it).
    progress, cancel
        See :mod:`musicpractice.core.progress`.
    """
    if reference.kind == "take" and part is not None:
        raise InvalidParameterError("A part can be chosen only when the reference is a score.")
    params = _alignment_params(session, reference, part)
    cached = _lookup(session, take_id, ALIGNMENT_STAGE, ALIGNMENT_VERSION, params, Alignment)
    if cached is not None:
        return cached
    steps = Steps(progress, [("reading audio", 1), ("aligning", 4)])
    audio = audio or TakeAudio(session)
    take = audio.signal(take_id, progress=steps.stage("reading audio"), cancel=cancel)
    if reference.kind == "score":
        ref = score if score is not None else session_score(session, reference.id)
    else:
        ref = audio.signal(reference.id, cancel=cancel)
    alignment = align_signal(take, ref, part=part, progress=steps.stage("aligning"),
                             cancel=cancel)
    _store(session, take_id, ALIGNMENT_STAGE, ALIGNMENT_VERSION, params, alignment)
    if not session.read_only:
        session.add_alignment(AlignmentRef(
            id=f"{take_id}~{reference.kind}-{reference.id}" + (f"~{part}" if part else ""),
            take_id=take_id, reference_kind=reference.kind, reference_id=reference.id,
            stage=ALIGNMENT_STAGE, algo_version=ALIGNMENT_VERSION, params=params,
            created_at=utc_now()))
    return alignment


def cached_pitch_standard(session: Session, take_id: str) -> PitchStandard | None:
    """The historical pitch (A = 415 Hz...) the take's cached alignments show, or None.

    Only alignments already computed (a comparison, the practice panel) are read: none is
    computed here. A take a semitone off its score or reference on a near-440 grid (see
    :func:`~musicpractice.alignment.pitch_standard.heard_pitch_standard`) was played at that
    standard; scores are asked first, then reference takes.
    """
    refs = sorted((a for a in session.alignments if a.take_id == take_id
                   and a.stage == ALIGNMENT_STAGE and a.algo_version == ALIGNMENT_VERSION),
                  key=lambda a: a.reference_kind != "score")
    for ref in refs:
        alignment = _lookup(session, take_id, ALIGNMENT_STAGE, ALIGNMENT_VERSION, ref.params,
                            Alignment)
        standard = heard_pitch_standard(alignment) if alignment is not None else None
        if standard is not None:
            return standard
    return None
