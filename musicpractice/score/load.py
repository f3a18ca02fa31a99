"""Reading MusicXML, MIDI, MEI, ABC and Humdrum files through music21 into a :class:`Score`.

This is the only module of the program that imports music21.
"""

from __future__ import annotations

import os
from pathlib import Path

import music21

from musicpractice.core.file_kinds import file_kind, is_regular_file
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report
from musicpractice.core.time_box import TimeBoxError, run_time_boxed
from musicpractice.score.errors import ScoreFileError
from musicpractice.score.ties import joined_ties
from musicpractice.score.limits import (
    PARSE_MEMORY_BYTES, PARSE_TIME_LIMIT_S, check_score_file, check_score_size)
from musicpractice.score.model import (
    ASSUMED_TEMPO_TEXT,
    DEFAULT_TEMPO_BPM,
    KeySignature,
    Measure,
    Score,
    ScoreNote,
    TempoMark,
)

from musicpractice.core.file_types import MUSESCORE_EXTENSIONS, MUSESCORE_HINT, SCORE_EXTENSIONS


def load_score(path: str | os.PathLike, *, expand_repeats: bool = True,
               progress: ProgressFn | None = None,
               cancel: CancelToken | None = None) -> Score:
    """Read a score file into a :class:`Score`.

    Parameters
    ----------
    path : path-like
        A MusicXML (``.musicxml``, ``.xml``, ``.mxl``), MIDI (``.mid``), MEI, ABC or
        Humdrum ``**kern`` (``.krn``) file.
    expand_repeats : bool
        Play out repeats and voltas as a performer does (default); ``False`` keeps the
        bars in written order, each once.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Returns
    -------
    Score

    Raises
    ------
    ScoreFileError
        When the file is missing, of an unsupported type (MuseScore files get a hint on
        exporting MusicXML), cannot be parsed, or holds no notes.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext in MUSESCORE_EXTENSIONS:
        raise ScoreFileError(
            f"{p.name} is a MuseScore file; {MUSESCORE_HINT} instead.")
    if ext not in SCORE_EXTENSIONS:
        raise ScoreFileError(
            f"{p.name}: unsupported score type {ext or '(no extension)'}; use MusicXML, "
            "MIDI, MEI, ABC or Humdrum **kern.")
    if not p.exists():
        raise ScoreFileError(f"Score file not found: {p}.")
    if not is_regular_file(p):
        raise ScoreFileError(f"The score {p.name} is {file_kind(p)}, not a score file.")
    check_score_file(p)
    report(progress, 0.0, "reading score")
    try:
        score = run_time_boxed(_read_score, p, expand_repeats, what=f"Reading the score {p.name}",
                               time_limit_s=PARSE_TIME_LIMIT_S,
                               memory_limit_bytes=PARSE_MEMORY_BYTES, cancel=cancel)
    except TimeBoxError as error:
        raise ScoreFileError(str(error)) from error
    check_score_size(score)
    report(progress, 1.0, "score read")
    return score


def _read_score(p: Path, expand_repeats: bool) -> Score:
    """Parse and convert (in the time-boxed child process of :func:`load_score`)."""
    progress = cancel = None
    try:
        parsed = music21.converter.parse(str(p), forceSource=True)
    except Exception as error:  # music21 raises many unrelated types on broken input
        raise ScoreFileError(f"Could not read the score {p.name}: {_plain(error)}.") from error
    check_cancel(cancel)
    warnings: list[str] = []
    if isinstance(parsed, music21.stream.Opus):
        scores = list(parsed.scores)
        if not scores:
            raise ScoreFileError(f"The score {p.name} holds no music.")
        if len(scores) > 1:
            warnings.append(f"The file holds {len(scores)} pieces; only the first is used.")
        parsed = scores[0]
    if not isinstance(parsed, music21.stream.Score):
        wrapper = music21.stream.Score()
        wrapper.insert(0, parsed)
        parsed = wrapper
    try:
        return _convert(parsed, p, expand_repeats, warnings, progress, cancel)
    except ScoreFileError:
        raise
    except (music21.Music21Exception, ValueError, TypeError, AttributeError,
            ZeroDivisionError, IndexError, KeyError) as error:
        raise ScoreFileError(f"The score {p.name} is broken: {_plain(error)}.") from error


def _plain(error: Exception) -> str:
    text = str(error).strip().rstrip(".") or type(error).__name__
    return text.splitlines()[0][:200]


def _convert(parsed, p: Path, expand_repeats: bool, warnings: list[str],
             progress: ProgressFn | None, cancel: CancelToken | None) -> Score:
    parts = [part for part in parsed.parts if part.getElementsByClass("Measure")]
    if len(parts) < len(parsed.parts):
        warnings.append(f"{len(parsed.parts) - len(parts)} empty part(s) ignored.")
    if not parts:
        raise ScoreFileError(f"The score {p.name} has no parts with bars in it.")
    expanded = False
    if expand_repeats:
        try:
            parts = [part.expandRepeats() for part in parts]
            expanded = True
        except (music21.Music21Exception, ValueError, IndexError) as error:
            warnings.append(f"Repeats could not be played out ({_plain(error)}); "
                            "bars are kept in written order.")
    names = _part_names(parts)
    notes: list[ScoreNote] = []
    ornaments: list[ScoreNote] = []
    for k, (part, name) in enumerate(zip(parts, names)):
        check_cancel(cancel)
        report(progress, 0.2 + 0.7 * k / len(parts), f"reading part {name}")
        part_notes, part_ornaments = _part_notes(part, name)
        notes.extend(part_notes)
        ornaments.extend(part_ornaments)
    if not notes:
        raise ScoreFileError(f"The score {p.name} has no notes.")
    if ornaments:
        graces = len(ornaments)
        warnings.append(f"The score's {graces} grace note{'s are' if graces > 1 else ' is'} "
                        "not checked (an ornament has no written length to place it by).")
    notes.sort(key=lambda n: (n.onset_quarter, n.midi, n.part))
    measures = _measures(parts[0])
    tempos = _tempos(parts, warnings)
    title = (parsed.metadata.title if parsed.metadata is not None else None) or p.stem
    report(progress, 1.0, "score read")
    return Score(path=str(p), title=str(title), parts=tuple(names), notes=tuple(notes),
                 measures=tuple(measures), keys=tuple(_keys(parts[0])),
                 tempos=tuple(tempos), repeats_expanded=expanded, warnings=tuple(warnings),
                 ornaments=tuple(sorted(ornaments, key=lambda n: (n.onset_quarter, n.midi))))


def _part_names(parts) -> list[str]:
    raw = [(part.partName or part.id or "").strip() if isinstance(part.partName or part.id, str)
           else "" for part in parts]
    raw = [name or f"Part {k + 1}" for k, name in enumerate(raw)]
    names = []
    for k, name in enumerate(raw):
        same = [j for j, other in enumerate(raw) if other == name]
        if len(same) == 1:
            names.append(name)
        elif len(same) == 2:
            names.append(f"{name} {'RH' if same.index(k) == 0 else 'LH'}")
        else:
            names.append(f"{name} {same.index(k) + 1}")
    return names


def _part_notes(part, name: str) -> tuple[list[ScoreNote], list[ScoreNote]]:
    """The part's notes, tied notes joined (:func:`~musicpractice.score.ties.joined_ties`),
    and its grace notes (no written length: ``duration_quarter`` 0)."""
    notes, ornaments = [], []
    for m, ts in _with_time_signatures(part):
        beat_q = float(ts.beatDuration.quarterLength)
        padding = float(m.paddingLeft or 0.0)
        for el in m.recurse().notes:
            grace = el.duration.isGrace
            if not grace and float(el.duration.quarterLength) <= 0:
                continue
            in_bar = float(el.getOffsetInHierarchy(m))
            site = el.activeSite
            voice = 1
            if isinstance(site, music21.stream.Voice):
                voice = (int(site.id) if str(site.id).isdigit() and int(site.id) < 100
                         else 1 + list(m.voices).index(site))
            for one in (el.notes if el.isChord else (el,)):
                tie = one.tie  # a chord's notes carry their own ties
                note = ScoreNote(
                    part=name, voice=voice, midi=int(round(one.pitch.ps)),
                    onset_quarter=float(m.offset) + in_bar,
                    duration_quarter=0.0 if grace else float(el.duration.quarterLength),
                    measure=int(m.number), beat=1.0 + (in_bar + padding) / beat_q)
                if grace:
                    ornaments.append(note)
                else:
                    notes.append((note, tie.type if tie is not None else None))
    return joined_ties(notes), ornaments


def _measures(part) -> list[Measure]:
    measures = []
    for m, ts in _with_time_signatures(part):
        measures.append(Measure(
            number=int(m.number), start_quarter=float(m.offset),
            duration_quarter=float(m.duration.quarterLength),
            time_signature=ts.ratioString,
            beat_quarter=float(ts.beatDuration.quarterLength)))
    return measures


def _with_time_signatures(part):
    """Pairs (measure, time signature in force), 4/4 until the first one."""
    ts = music21.meter.TimeSignature("4/4")
    for m in part.getElementsByClass("Measure"):
        ts = m.timeSignature or ts
        yield m, ts


def _keys(part) -> list[KeySignature]:
    keys = []
    for m in part.getElementsByClass("Measure"):
        for ks in m.getElementsByClass("KeySignature"):
            if isinstance(ks, music21.key.Key):
                label = f"{ks.tonic.name} {ks.mode}"
            else:
                label = f"{ks.asKey('major').tonic.name} major / {ks.asKey('minor').tonic.name} minor"
            if not keys or keys[-1].sharps != ks.sharps:
                keys.append(KeySignature(onset_quarter=float(m.offset + ks.offset),
                                         sharps=int(ks.sharps), label=label))
    return keys


def _tempos(parts, warnings: list[str]) -> list[TempoMark]:
    marks = {}
    for part in parts:
        for mm in part.recurse().getElementsByClass("MetronomeMark"):
            bpm = mm.getQuarterBPM()
            if bpm and bpm > 0:
                marks.setdefault(float(mm.getOffsetInHierarchy(part)),
                                 TempoMark(onset_quarter=float(mm.getOffsetInHierarchy(part)),
                                           bpm_quarter=float(bpm), text=str(mm.text or "")))
    if not marks:
        warnings.append(f"The score has no tempo mark; it is played at {DEFAULT_TEMPO_BPM:g} "
                        "quarter notes per minute (comparisons use the takes' own tempo).")
        return [TempoMark(onset_quarter=0.0, bpm_quarter=DEFAULT_TEMPO_BPM,
                          text=ASSUMED_TEMPO_TEXT)]
    tempos = []
    for onset in sorted(marks):
        if not tempos or tempos[-1].bpm_quarter != marks[onset].bpm_quarter:
            tempos.append(marks[onset])
    if tempos[0].onset_quarter > 0:
        tempos.insert(0, TempoMark(onset_quarter=0.0, bpm_quarter=tempos[0].bpm_quarter, text=""))
    return tempos
