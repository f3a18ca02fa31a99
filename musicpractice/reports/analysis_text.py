"""The readable summary of a take's analysis that ``musicpractice analyze`` prints."""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np

from musicpractice.analysis.take import NOTE_SHAPING_CUES, TakeAnalysis
from musicpractice.core.pitch import note_name
from musicpractice.compare.cue_format import number_text


def _fmt(value: float, spec: str, missing: str = "n/a") -> str:
    return format(value, spec) if value is not None and math.isfinite(value) else missing


def analysis_summary(result: TakeAnalysis) -> str:
    """A few aligned lines a musician can read, with confidence beside every estimate."""
    info = result.info
    lines = [
        f"{Path(info.path).name} - {info.duration_s:.1f} s, {info.sample_rate_hz} Hz, "
        f"{info.channels} channel{'s' if info.channels != 1 else ''} ({info.format})",
    ]
    if not result.music_found:
        lines.append("No music found: no steady pitch, key or beat (every confidence is near "
                     "zero), so no key, tempo, melody, cues or character are given. Is this "
                     "the right file, or was the microphone muted?")
        loud = result.loudness
        lines.append(f"Loudness   {_fmt(loud.integrated_lufs, '.1f')} LUFS integrated, sample "
                     f"peak {_fmt(loud.sample_peak_dbfs, '.1f')} dBFS")
        for w in dict.fromkeys(result.warnings):
            lines.append(f"Note       {w}")
        return "\n".join(lines) + "\n"
    t = result.tuning
    lines.append(f"Tuning     A4 = {t.a4_hz:.1f} Hz ({t.deviation_cents:+.0f} cents from 440), "
                 f"confidence {t.confidence:.2f}")
    k = result.key
    others = ", ".join(f"{a.tonic} {a.mode} {a.score:.2f}" for a in k.alternatives[1:3])
    lines.append(f"Key        {k.tonic} {k.mode}, confidence {k.confidence:.2f} (next: {others})")
    if len(k.segments) > 1:
        lines.append("           changes: " + "; ".join(
            f"{s.start_s:.0f}-{s.end_s:.0f} s {s.tonic} {s.mode}" for s in k.segments))
    tempo = result.tempo
    # the octave ambiguity first (half and double the tempo), then the strongest other level
    octave = [a for a in tempo.alternatives[1:] if a.relation in ("half", "double")]
    others = [a for a in tempo.alternatives[1:] if a.relation not in ("half", "double")][:1]
    alts = ", ".join(f"{a.relation} {a.bpm:.0f} BPM ({a.weight:.2f})" for a in octave + others)
    lines.append(f"Tempo      {_fmt(tempo.bpm, '.1f')} BPM, confidence {tempo.confidence:.2f}, "
                 f"{len(tempo.beats_s)} beats, stability {tempo.stability:.2f}"
                 + (f" (also: {alts})" if alts else ""))
    lines.append("Melody     " + _melody_line(result))
    loud = result.loudness
    lines.append(f"Loudness   {_fmt(loud.integrated_lufs, '.1f')} LUFS integrated, range "
                 f"{_fmt(loud.lra_lu, '.1f')} LU, sample peak {_fmt(loud.sample_peak_dbfs, '.1f')} dBFS")
    lines.append("Cues")
    for cue in result.cues.cues:
        if cue.key in NOTE_SHAPING_CUES and not result.pitch_shaped:
            continue  # a piano has no vibrato
        value = _fmt(cue.value, ".3g", "not measured")
        unit = f" {cue.unit}" if cue.available and cue.unit else ""
        meaning = f"  {cue.meaning}" if cue.available else ""
        lines.append(f"  {cue.name:<30} {value + unit:<16}{meaning}")
    ch = result.character
    lines.append(f"Character  {ch.summary}")
    lines.append(f"           arousal {_fmt(ch.arousal.value, '+.2f')}, valence "
                 f"{_fmt(ch.valence.value, '+.2f')}, confidence {ch.confidence:.2f}")
    warnings = [*result.warnings, *t.warnings, *k.warnings, *tempo.warnings,
                *result.melody.warnings, *loud.warnings]
    for w in dict.fromkeys(warnings):
        lines.append(f"Note       {w}")
    return "\n".join(lines) + "\n"


def _melody_line(result: TakeAnalysis) -> str:
    notes = result.notes
    track = result.melody
    kind = "top line of a polyphonic take" if track.polyphonic else "melody"
    if not notes:
        return f"no notes found ({kind}), confidence {track.confidence:.2f}"
    midis = [n.midi for n in notes]
    cents = np.array([n.cents for n in notes], dtype=float)
    vib = [n for n in notes if math.isfinite(n.vibrato_rate_hz)]
    key = (result.key.tonic, result.key.mode)  # names spelled in the key: F# in D major
    text = (f"{len(notes)} notes, {note_name(min(midis), key=key)}-"
            f"{note_name(max(midis), key=key)} ({kind})")
    if not result.pitch_shaped:  # a piano's intonation is its tuning, given above
        return text + f"; confidence {track.confidence:.2f}"
    text += (f", intonation {number_text(float(np.median(cents)), '+.0f')} cents median, "
             f"{np.mean(np.abs(cents)):.0f} cents mean deviation")
    if vib:
        text += (f", vibrato on {len(vib)} notes ({np.median([n.vibrato_rate_hz for n in vib]):.1f} Hz, "
                 f"{np.median([n.vibrato_extent_cents for n in vib]):.0f} cents)")
    return text + f"; confidence {track.confidence:.2f}"
