"""What a student's report says, independent of HTML or PDF.

The report opens with the teacher's comments, then the differences named in words, the
tempo and loudness plots, one bar table per take (only the columns that were measured),
the expressive cues side by side, the notes worth listening to again and, last, how it
was measured. Wording describes the recordings; it never grades the player.
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from matplotlib.figure import Figure

from musicpractice.analysis.take import NOTE_SHAPING_CUES
from musicpractice.compare.bar_grid import beat_name
from musicpractice.compare.differences import differences_by_take
from musicpractice.compare.take_remarks import (
    another_piece_sentence,
    seems_another_piece,
    tuning_sentence,
)
from musicpractice.compare.model import Comparison, TakeResult
from musicpractice.compare.cue_format import cue_value_text, number_text
from musicpractice.reports.plots import (
    loudness_figure,
    progress_figure,
    take_colours,
    tempo_figure,
)
from musicpractice.compare.progress import Progress
from musicpractice.reports.listener_agreement import agreement_rows, describe_alpha
from musicpractice.session.agreement import Agreement
from musicpractice.reports.verdicts import (notes_unsure_sentence, remarks, said_once,
                                            sureness, verdict_phrase)

CAREFUL = 0.5
"""Below this overall alignment confidence the report asks to read a take's bars with care."""
INTRO = ("These notes describe the recordings to guide listening and practice; they are "
         "observations, not marks.")


@dataclass(frozen=True)
class Table:
    """A table: header cells, rows of text cells, and which columns are numbers."""

    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    numeric: tuple[bool, ...]
    title: str = ""
    note: str = ""
    colour: str = ""
    """Colour of the take the table belongs to ("" for none)."""


@dataclass(frozen=True)
class Section:
    """A heading with paragraphs, bullet points, figures and tables, in that order."""

    heading: str
    paragraphs: tuple[str, ...] = ()
    bullets: tuple[str, ...] = ()
    figures: tuple[Callable[[], Figure], ...] = ()
    tables: tuple[Table, ...] = ()


@dataclass(frozen=True)
class Report:
    """A whole report."""

    title: str
    subtitle: str
    intro: str
    sections: tuple[Section, ...] = field(default_factory=tuple)


def _f(value: float, spec: str) -> str:
    return number_text(value, spec)


def _clock(seconds: float) -> str:
    return f"{int(seconds // 60)}:{seconds % 60:04.1f}"


def build_report(comparison: Comparison, differences: list[str],
                 progress: Progress | None = None, *, agreement: Agreement | None = None) -> Report:
    """The report of a comparison, with ``differences`` from
    :func:`musicpractice.compare.differences.describe_differences` and, optionally, the
    performer's progress over time (:mod:`musicpractice.compare.progress`) and how far
    the session's listeners agree about the character they heard (``agreement``)."""
    ref = comparison.reference
    names = ", ".join(t.name for t in comparison.compared)
    subtitle = (f"{names} compared with the {'score' if ref.kind == 'score' else 'take'} "
                f"“{ref.title}”" + (f" ({comparison.part})" if comparison.part else "")
                + f" · {time.strftime('%Y-%m-%d')}")
    comments = _comments(comparison)
    sections = [Section("Teacher's comments", bullets=tuple(comments))] if comments else []
    remarks = ([another_piece_sentence(t, ref.title) for t in comparison.takes
                if seems_another_piece(t)]
               + [s for s in map(tuning_sentence, comparison.takes) if s])
    first, more = _first_points(comparison, differences)
    sections += [Section("What stands out", bullets=tuple(remarks + _note_points(comparison)
                                                          + first) or
                         ("No differences large enough to name.",)),
                 Section("Tempo and loudness, bar by bar",
                         paragraphs=(_plot_caption(comparison),),
                         figures=(lambda: tempo_figure(comparison),
                                  lambda: loudness_figure(comparison)))]
    if more:
        sections.append(Section("More differences", bullets=tuple(more)))
    if progress is not None:
        sections.append(_progress_section(progress))
    colours = take_colours(comparison)
    kind = comparison.grid.kind
    timing = (f"Timing: how much earlier (–) or later (+) the {kind} starts than a steady "
              "tempo through the whole take would place it.")
    sections.append(Section(f"{kind.capitalize()} by {kind}", paragraphs=(timing,),
                            tables=tuple(bar_table(comparison, t, colours[t.take.id])
                                         for t in comparison.takes
                                         if not seems_another_piece(t))))
    sections.append(Section("Expressive cues side by side", tables=(_cue_table(comparison),)))
    if agreement is not None:
        sections.append(_agreement_section(agreement))
    notes = _notes_to_hear(comparison)
    if notes:
        sections.append(Section("Notes to listen to again", bullets=tuple(notes)))
    sections.append(Section("How this was measured", bullets=tuple(_method(comparison))))
    return Report(title=f"Practice report: {comparison.session_title}", subtitle=subtitle,
                  intro=INTRO, sections=tuple(sections))


MAX_PROGRESS_COLUMNS = 8
POINTS_PER_TAKE = 3
"""Differences per take on the first page; the others follow under "More differences"."""


def _first_points(comparison: Comparison, differences: list[str]) -> tuple[list[str], list[str]]:
    """``differences`` split into the first :data:`POINTS_PER_TAKE` of each take (in the
    order :func:`~musicpractice.compare.differences.differences_by_take` ranks them) and
    the rest."""
    first: list[str] = []
    for _take, sentences in differences_by_take(comparison):
        first += [s for s in sentences if s in differences][:POINTS_PER_TAKE]
    return first, [s for s in differences if s not in first]


MISTAKES_NAMED = 3
"""Up to this many wrong, missing or extra notes of a take are named on the first page."""


def _note_points(comparison: Comparison) -> list[str]:
    """Per take checked note by note: its wrong, missing and extra notes in one sentence
    (named when few, counted with their bars when many), or that every note was right."""
    points = []
    for take in comparison.compared:
        checked = [n for n in take.notes if n.status in ("ok", "wrong", "missing", "extra")]
        if seems_another_piece(take) or not checked:
            continue
        mistakes = [n for n in checked if n.status != "ok"]
        if not mistakes:
            points.append(f"{take.name}: every note that could be judged is as written.")
        elif len(mistakes) <= MISTAKES_NAMED:
            points.append(f"{take.name}: " + "; ".join(
                (f"bar {n.bar}: " if n.bar is not None else "")
                + verdict_phrase(midi=n.midi, status=n.status, cents=n.cents,
                                 played_midi=n.played_midi,
                                 fixed_pitch=not take.analysis.pitch_shaped, key=take.spelling)
                + remarks(sureness(n.confidence)) for n in mistakes) + ".")
        else:
            bars = sorted({n.bar for n in mistakes if n.bar is not None})
            points.append(f"{take.name}: {len(mistakes)} notes wrong, missing or extra, in "
                          f"bars {', '.join(map(str, bars))} (listed under Notes to listen "
                          "to again).")
    return points


def _agreement_section(agreement: Agreement) -> Section:
    def alpha(x: float) -> str:
        return "–" if not math.isfinite(x) else f"{x:.2f}"

    rows = tuple((who, str(items), alpha(c), alpha(a), alpha(v))
                 for who, items, c, a, v in agreement_rows(agreement))
    table = Table(header=("Listeners", "Items", "α character", "α arousal", "α valence"),
                  rows=rows, numeric=(False, True, True, True, True),
                  note="Krippendorff's α: 1 = full agreement, 0 = what chance would give, "
                       "– = not enough shared ratings.")
    return Section("What listeners heard", paragraphs=(
        f"{agreement.annotations} annotation(s) by {agreement.listeners} listener(s) of the "
        "perceived character of the takes. Listeners agree on the character: "
        f"{describe_alpha(agreement.overall.character, items=agreement.overall.items)}. "
        "Listeners often hear music "
        "differently; the product's reading is one more listener here, not the truth.",),
        tables=(table,))


def _progress_section(progress: Progress) -> Section:
    who = progress.performer or "the performer"
    shown = slice(-MAX_PROGRESS_COLUMNS, None)
    rows = tuple((m.name, *(cue_value_text(v, m.unit) if m.unit != "ratio" else _f(v, ".2f")
                            for v in m.values[shown])) for m in progress.measures)
    note = ("Earlier takes are in the CSV and JSON tables."
            if len(progress.take_ids) > MAX_PROGRESS_COLUMNS else "")
    table = Table(header=("Measure", *progress.dates[shown]), rows=rows,
                  numeric=(False,) + (True,) * len(progress.dates[shown]), note=note)
    figures = (lambda: progress_figure(progress),) if len(progress.take_ids) > 1 else ()
    return Section(f"Progress over time: {who}" + (f", {progress.piece}" if progress.piece else ""),
                   bullets=tuple(progress.sentences()), figures=figures, tables=(table,))


def _plot_caption(comparison: Comparison) -> str:
    kind = comparison.grid.kind
    if comparison.reference.kind == "score":
        tempo = (f"Tempo in {comparison.grid.tempo_words()}; dashed: the tempo marked in "
                 "the score.")
    elif np.isfinite(comparison.grid.ref_tempo_bpm).any():
        tempo = (f"Tempo in {comparison.grid.tempo_words()}; grey: the reference take "
                 f"“{comparison.reference.title}”.")
    else:
        tempo = f"Tempo as a percentage of the reference take “{comparison.reference.title}”."
    return (f"{tempo} Hollow points: the alignment is unsure in that {kind}. Loudness in "
            f"LUFS, smoothed over about a second. Each {kind} lines up across takes, however "
            "fast it was played.")


def _comments(comparison: Comparison) -> list[str]:
    lines = []
    for take in comparison.takes:
        for c in sorted(take.take.comments, key=lambda c: c.at_s):
            k = take.bar_at(c.at_s)
            where = comparison.grid.label(k) if k is not None else "outside the compared bars"
            author = f" — {c.author}" if c.author else ""
            lines.append(f"{take.name}, {where} ({_clock(c.at_s)}): {c.text}{author}")
    return lines


BAR_COLUMNS = (
    ("Starts (m:s)", lambda r: _clock(r.take_start_s) if math.isfinite(r.take_start_s) else "–",
     "take_start_s"),
    ("Length (s)", lambda r: _f(r.duration_s, ".2f"), "duration_s"),
    ("Tempo", lambda r: _f(r.tempo_bpm, ".0f"), "tempo_bpm"),  # cells: "♩. = 60"
    ("Tempo vs reference", lambda r: _f(r.tempo_pct, ".0f") + " %" if math.isfinite(r.tempo_pct)
     else "–", "tempo_pct"),
    ("Timing (ms)", lambda r: _f(r.deviation_ms, "+.0f"), "deviation_ms"),
    ("Loudness (LUFS)", lambda r: _f(r.loudness_lufs, ".1f"), "loudness_lufs"),
    ("Intonation (cents)", lambda r: _f(r.intonation_cents, "+.0f"), "intonation_cents"),
    ("Notes off / missing / extra",
     lambda r: f"{r.wrong} / {r.missing} / {r.extra}" if r.wrong is not None else "–", "wrong"),
)


def _measured(comparison: Comparison, attribute: str) -> bool:
    for take in comparison.takes:
        for row in take.bars:
            value = getattr(row, attribute)
            measured = value is not None and (not isinstance(value, float) or math.isfinite(value))
            if measured and not (take.is_reference and attribute in ("tempo_pct", "deviation_ms")):
                return True
    return False


def bar_table(comparison: Comparison, take: TakeResult, colour: str = "") -> Table:
    """The bars a take plays, with the columns measured in any take of the comparison."""
    columns = [c for c in BAR_COLUMNS if _measured(comparison, c[2])]
    kind = comparison.grid.kind.capitalize()
    rows, unsure = [], False
    for row in take.bars:
        if not row.covered:
            continue
        label = str(row.bar)
        if row.unsure:
            label += " ?"
            unsure = True
        rows.append((label, *(_beat_cell(comparison, row, c[1](row)) if c[2] == "tempo_bpm"
                              else c[1](row) for c in columns)))
    title = take.name + (" (reference)" if take.is_reference else "")
    note = f"? = the alignment is unsure in this {comparison.grid.kind}." if unsure else ""
    return Table(header=(kind, *(c[0] for c in columns)), rows=tuple(rows),
                 numeric=(False,) + (True,) * len(columns), title=title, note=note,
                 colour=colour)


def _beat_cell(comparison: Comparison, row, text: str) -> str:
    """A tempo with the beat it counts: ``"♩. = 60"`` (the bar's beat from the score)."""
    if text == "–":
        return text
    return f"{beat_name(float(comparison.grid.beats()[row.index]))[0]} = {text}"


CUES_ELSEWHERE = ("tempo_bpm", "mode")
"""Not in the cue table: tempo is measured bar by bar against the reference (the beat
tracker's single tempo may sit at another metrical level), mode describes the piece."""


def _cue_cell(cue) -> str:
    value = cue_value_text(cue.value, cue.unit)
    return f"{value} ({cue.meaning})" if cue.available and cue.meaning else value


def _cue_table(comparison: Comparison) -> Table:
    takes = comparison.takes
    rows = []
    for cue in takes[0].analysis.cues.cues:
        if cue.key in CUES_ELSEWHERE:
            continue
        cues = []
        for take in takes:
            try:  # no vibrato for a piano (NOTE_SHAPING_CUES)
                cues.append(None if cue.key in NOTE_SHAPING_CUES and not take.analysis.pitch_shaped
                            else take.analysis.cues[cue.key])
            except KeyError:
                cues.append(None)
        if not any(c is not None and c.available for c in cues):
            continue
        rows.append((cue.name, *(_cue_cell(c) if c is not None else "–" for c in cues)))
    return Table(header=("Cue", *(t.name for t in takes)), rows=tuple(rows),
                 numeric=(False,) * (1 + len(takes)),
                 note="Each cue describes the whole take; the words place it between the "
                      "ends of its usual range, not against a norm. Tempo is in the bar "
                      "tables, measured against the reference.")


def _notes_to_hear(comparison: Comparison) -> list[str]:
    lines = []
    for take in comparison.compared:
        if seems_another_piece(take):
            continue
        for restart in take.restarts:
            went = "went back to" if restart.to_measure <= restart.from_measure else \
                "skipped ahead to"
            lines.append(f"{take.name} ({_clock(restart.take_s)}): stopped in bar "
                         f"{restart.from_measure} and {went} bar {restart.to_measure}.")
        said = []
        for note in take.notes:
            if note.status not in ("wrong", "missing", "extra"):
                continue
            bar = f"bar {note.bar}" if note.bar is not None else "outside the bars"
            if note.attempt > 0:
                bar += f", attempt {note.attempt + 1}"
            what = verdict_phrase(midi=note.midi, status=note.status, cents=note.cents,
                                  played_midi=note.played_midi,
                                  fixed_pitch=not take.analysis.pitch_shaped,
                                  key=take.spelling)
            said.append((f"{take.name}, {bar} ({_clock(note.take_onset_s)}): {what}",
                         note.confidence))
        lines += [f"{line}." for line in said_once(said)]
        unsure = notes_unsure_sentence(n.status for n in take.notes)
        if unsure:
            lines.append(f"{take.name}: {unsure}")
    return lines


def _method(comparison: Comparison) -> list[str]:
    lines = []
    for take in comparison.compared:
        if take.alignment is not None:
            confidence = take.alignment.overall_confidence
            lines.append(f"{take.name}: aligned with the reference with confidence "
                         f"{confidence:.2f} (0-1)"
                         + ("; read its bar values with care." if confidence < CAREFUL else "."))
    if comparison.reference.kind == "take" and comparison.grid.kind == "section":
        lines.append(f"Without a score the reference take is cut into sections of "
                     f"{comparison.grid.edges[1] - comparison.grid.edges[0]:.1f} s.")
    if comparison.monophonic and comparison.tolerance_cents is not None:
        lines.append(f"A note counts as wrong when it is sung or played more than "
                     f"{comparison.tolerance_cents:g} cents from the written pitch, measured at "
                     "the take's own tuning; what the recording cannot decide is marked unsure.")
    lines.append("Loudness compares recordings: a different microphone distance or "
                 "recording level shifts every bar of a take alike.")
    for take in comparison.takes:
        for warning in take.warnings:
            lines.append(f"{take.name}: {warning}")
    lines += list(comparison.warnings)
    return lines
