"""The readable summary ``musicpractice align`` prints: an alignment document in words and
a table per bar (score) or per reference window (another take)."""

from __future__ import annotations

from musicpractice.compare.model import UNSURE_CONFIDENCE
from musicpractice.reports.verdicts import (note_counts, notes_unsure_sentence, remarks,
                                            said_once, sureness, verdict_phrase)


def _fmt(value, spec: str, missing: str = "-") -> str:
    return missing if value is None else format(value, spec)


def alignment_summary(document: dict) -> str:
    """A readable summary of an alignment document (from
    :func:`~musicpractice.reports.alignment_json.alignment_document`)."""
    lines = [f"Take:      {document['take']}",
             f"Reference: {document['reference']}"
             + (f" (part {document['part']})" if document.get("part") else "")]
    span = document["take_span_s"]
    lines.append(f"Confidence {document['confidence']:.2f}; the take follows the reference "
                 f"from {span[0]:.2f} s to {span[1]:.2f} s"
                 + (" (a partial take)" if document["partial"] else "") + ".")
    if document["transposition_semitones"]:
        lines.append(f"Transposed by {document['transposition_semitones']:+d} semitone(s).")
    if document.get("key"):
        key = document["key"]
        lines.append(f"Key:       {key['label']}" + (f" ({key['sounds']})" if key["sounds"] else ""))
    for region in document["unsure_regions"]:
        lines.append(f"Unsure from {region['take_start_s']:.1f} s to {region['take_end_s']:.1f} s.")
    if document["reference_kind"] == "score" and document.get("bars"):
        lines += _bar_lines(document)
    elif document["reference_kind"] == "audio":
        lines.append("")
        lines.append(" ref s   take s   tempo vs reference")
        for w in document["tempo"]:
            lines.append(f"{w['ref_s']:6.1f}  {_fmt(w['take_s'], '7.2f')}   "
                         f"{_fmt(w['tempo_ratio'], '.2f')}x")
    for warning in document["warnings"]:
        lines.append(f"Note: {warning}")
    return "\n".join(lines) + "\n"


def _beat_words(bars: list[dict]) -> str:
    """How the bar tempi are counted: "Tempo and marked tempo in dotted quarter notes per
    minute (the beat of the time signature)." (quarters when the document names no beat)."""
    names = list(dict.fromkeys(b.get("tempo_beat", "quarter") for b in bars))
    if len(names) == 1:
        return (f"Tempo and marked tempo in {names[0]} notes per minute (the beat of the time "
                "signature).")
    return ("Tempo and marked tempo in beats per minute, each bar in the beat of its time "
            "signature (" + ", ".join(f"{n} notes" for n in names) + ").")


def _bar_lines(document: dict) -> list[str]:
    bars = document["bars"]
    tempo = "beat_tempo_bpm" if "beat_tempo_bpm" in bars[0] else "tempo_bpm"
    marked = "score_beat_tempo_bpm" if tempo == "beat_tempo_bpm" else "score_tempo_bpm"
    lines = [f"Bars {bars[0]['measure']}-{bars[-1]['measure']} covered.", _beat_words(bars), "",
             " bar    take s   tempo  marked  off-beat s  loudness LUFS  confidence"]
    for b in bars:
        lines.append(f"{b['measure']:>4}  {_fmt(b['take_s'], '8.2f', '       -')}"
                     f"  {_fmt(b[tempo], '6.1f', '     -')}"
                     f"  {_fmt(b[marked], '6.1f', '     -')}"
                     f"  {_fmt(b['deviation_s'], '+10.2f', '         -')}"
                     f"  {_fmt(b['loudness_lufs'], '13.1f', '            -')}"
                     f"  {_fmt(b['confidence'], '10.2f', '         -')}"
                     + ("  unsure" if (b["confidence"] or 0.0) < UNSURE_CONFIDENCE else ""))
    lines += [f"Bar {b['measure']}: {b['reason']}." for b in bars if b.get("reason")]
    counts = note_counts(n["status"] for n in document["notes"])
    lines.append("")
    lines.append("Notes: " + ", ".join(f"{counts[k]} {k}" for k in counts)
                 + (f"; {len(document['extra_notes'])} extra" if document["monophonic"] else ""))
    unsure = notes_unsure_sentence(n["status"] for n in document["notes"])
    if unsure:
        lines.append(unsure)
    for r in document.get("restarts", []):
        lines.append(f"  restart at {_fmt(r['take_s'], '.2f')} s: from bar {r['from_measure']} "
                     f"back to bar {r['to_measure']}")
    spelling = document.get("spelling_key")
    key = (spelling["tonic"], spelling["mode"]) if spelling else None  # F#4 in D major
    said = [(f"  bar {n['measure']}: "
             + verdict_phrase(midi=n["midi"], status=n["status"], cents=n["cents"],
                              played_midi=n.get("played_midi"), key=key)
             + f" at {_fmt(n['take_onset_s'], '.2f')} s", n["confidence"])
            for n in document["notes"] if n["status"] in ("wrong", "missing")]
    lines += said_once(said)
    for e in document.get("extra_notes", []):
        where = f"bar {e['measure']}" if e.get("measure") is not None else "extra"
        phrase = verdict_phrase(midi=e["midi"], status="extra", cents=None, key=key)
        lines.append(f"  {where}: {phrase} at {_fmt(e['take_onset_s'], '.2f')} s"
                     + remarks(sureness(e.get("confidence"))))
    return lines
