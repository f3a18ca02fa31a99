"""The summary of a take: key, tempo (with a choice of beat level), tuning, loudness, range."""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QComboBox, QFormLayout, QLabel, QWidget

from musicpractice.alignment.pitch_standard import PitchStandard
from musicpractice.analysis.key import KeyEstimate
from musicpractice.analysis.take import TakeAnalysis
from musicpractice.core.pitch import note_name
from musicpractice.gui.intonation import DEFAULT_TOLERANCE_CENTS, FLAT, IN_TUNE, SHARP
from musicpractice.compare.cue_format import number_text

RELATION_NAMES = {
    "chosen": "as counted", "half": "half time", "double": "double time", "third": "one beat per bar of 3",
    "triple": "triplets", "two-thirds": "2 against 3", "three-halves": "3 against 2",
    "three-quarters": "3 against 4", "four-thirds": "4 against 3",
}


def confidence_words(confidence: float) -> str:
    """``0.83`` -> ``"fairly sure (0.83)"``: a word a musician reads, and the number."""
    if not math.isfinite(confidence):
        return "not measured"
    word = ("sure" if confidence >= 0.8 else "fairly sure" if confidence >= 0.55
            else "unsure" if confidence >= 0.3 else "guess")
    return f"{word} ({confidence:.2f})"


class SummaryPanel(QWidget):
    """The take's main estimates, each with its confidence and alternatives.

    Signals
    -------
    beat_level_changed(str)
        The user picked another metrical level (a ``TempoAlternative.relation``).
    """

    beat_level_changed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tolerance_cents = DEFAULT_TOLERANCE_CENTS
        form = QFormLayout(self)
        form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.key = self._label()
        self.key_alternatives = self._label(small=True)
        self.tempo = QComboBox()
        self.tempo.setToolTip("The beat you count: tempo trackers often hear half or double "
                              "the beat a musician counts. Pick the level you feel.")
        self.tempo.currentIndexChanged.connect(self._tempo_picked)
        self.tempo_detail = self._label(small=True)
        self.tuning = self._label()
        self.loudness = self._label()
        self.range = self._label()
        self.legend = self._label(small=True)
        self.warnings = self._label(small=True)
        form.addRow("Key", self.key)
        form.addRow("", self.key_alternatives)
        form.addRow("Tempo", self.tempo)
        form.addRow("", self.tempo_detail)
        form.addRow("Tuning", self.tuning)
        form.addRow("Loudness", self.loudness)
        form.addRow("Range", self.range)
        form.addRow("", self.legend)
        form.addRow("Reliability", self.warnings)
        self.clear()

    @staticmethod
    def _label(small: bool = False) -> QLabel:
        label = QLabel()
        label.setWordWrap(True)
        label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        if small:
            font = label.font()
            font.setPointSizeF(font.pointSizeF() * 0.9)
            label.setFont(font)
        return label

    def clear(self, message: str = "No take selected.") -> None:
        """Show ``message`` instead of estimates."""
        for label in (self.key_alternatives, self.tempo_detail, self.tuning, self.loudness,
                      self.range, self.legend, self.warnings):
            label.setText("")
        self.key.setText(message)
        self.tempo.blockSignals(True)
        self.tempo.clear()
        self.tempo.blockSignals(False)
        self.tempo.setEnabled(False)

    def set_tolerance(self, cents: float) -> None:
        """Explain the note colours for an intonation tolerance of ``cents``."""
        self.tolerance_cents = cents
        if self.range.text():
            self._show_legend()

    def _show_legend(self) -> None:
        c = self.tolerance_cents
        self.legend.setText(
            f"Note colours: <span style='color:{IN_TUNE.name()}'>■</span> within ±{c:g} cents, "
            f"<span style='color:{FLAT.name()}'>■</span> flat, "
            f"<span style='color:{SHARP.name()}'>■</span> sharp (View &gt; Intonation tolerance)")

    def show_analysis(self, a: TakeAnalysis, *, key: KeyEstimate | None = None,
                      standard: PitchStandard | None = None) -> None:
        """Fill in every estimate of ``a``. At a historical pitch its score or reference
        shows (``standard``, A = 415 Hz) ``key`` is the key named as written ("Sounds B
        major; at A = 415 Hz this is C major." first among its warnings), and the tuning
        and the range are read at that standard."""
        k = key if key is not None else a.key
        self.key.setText(f"<b>{k.tonic} {k.mode}</b> &nbsp; {confidence_words(k.confidence)}")
        others = [f"{c.tonic} {c.mode} {c.score:.2f}" for c in k.alternatives[1:4]]
        text = ("Also possible: " + ", ".join(others)) if others else ""
        if len(k.segments) > 1:
            text += "<br>Changes: " + "; ".join(
                f"{s.start_s:.0f}-{s.end_s:.0f} s {s.tonic} {s.mode}" for s in k.segments)
        sounds = [w for w in k.warnings[:1] if w.startswith("Sounds ")]  # historical pitch
        self.key_alternatives.setText("<br>".join(sounds + ([text] if text else [])))
        t = a.tempo
        self.tempo.blockSignals(True)
        self.tempo.clear()
        levels = sorted(t.alternatives, key=lambda alt: alt.relation != "chosen")
        for alt in levels:
            self.tempo.addItem(f"{alt.bpm:.0f} BPM, {RELATION_NAMES.get(alt.relation, alt.relation)}"
                               f" (weight {alt.weight:.2f})", alt.relation)
        if not levels:
            self.tempo.addItem("no steady beat found", "chosen")
        self.tempo.blockSignals(False)
        self.tempo.setEnabled(len(levels) > 1)
        self.tempo_detail.setText(
            f"{confidence_words(t.confidence)}, {len(t.beats_s)} beats, "
            f"steadiness {t.stability:.2f}" if math.isfinite(t.bpm) else "")
        tu = a.tuning
        cents = round(tu.deviation_cents) or 0
        self.tuning.setText(f"A4 = {tu.a4_hz:.1f} Hz ({cents:+d} cents from 440), "
                            f"{confidence_words(tu.confidence)}" if standard is None else
                            f"A4 = {standard.a4_hz:.1f} Hz: A = {standard.standard_hz:g} Hz, "
                            f"a semitone {'below' if standard.semitones < 0 else 'above'} 440 "
                            "(from the score or reference)")
        lo = a.loudness
        integrated = f"{lo.integrated_lufs:.1f} LUFS" if math.isfinite(lo.integrated_lufs) else "silent"
        lra = f", range {lo.lra_lu:.1f} LU" if math.isfinite(lo.lra_lu) else ""
        self.loudness.setText(f"{integrated}{lra}, peak {lo.sample_peak_dbfs:.1f} dBFS")
        self.range.setText(_range_text(a, key=(k.tonic, k.mode),
                                       semitones=standard.semitones if standard else 0))
        self._show_legend()
        warnings = dict.fromkeys([*a.warnings, *tu.warnings, *k.warnings[len(sounds):],
                                  *t.warnings, *a.melody.warnings, *lo.warnings])
        self.warnings.setText("<br>".join(warnings) if warnings else "no problems noticed")

    def _tempo_picked(self, index: int) -> None:
        if index >= 0:
            self.beat_level_changed.emit(self.tempo.itemData(index))


def _range_text(a: TakeAnalysis, *, key: tuple[str, str], semitones: int = 0) -> str:
    """Lowest and highest note, spelled in ``key`` (F# in D major), named as written at a
    pitch standard ``semitones`` away from 440 Hz."""
    if not a.notes:
        return "no notes found"
    midis = [n.midi - semitones for n in a.notes]
    cents = np.array([n.cents for n in a.notes], dtype=float)
    kind = " (top line of several voices)" if a.melody.polyphonic else ""
    text = f"{note_name(min(midis), key=key)} to {note_name(max(midis), key=key)}, {len(midis)} notes{kind}"
    if not a.pitch_shaped:  # a piano: its intonation is its tuning, shown above
        return text
    return f"{text}; intonation {number_text(float(np.nanmedian(cents)), '+.0f')} cents on average"
