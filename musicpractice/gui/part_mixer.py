"""The part mixer of the Practice tab: volume, pan, mute and solo per part; "my part" marked."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QGridLayout, QLabel, QSlider, QToolButton, QWidget

from musicpractice.score.playback import MAX_GAIN_DB, PartMix

MIN_SLIDER_DB = -40
"""The volume slider's bottom (use mute for silence)."""
MY_PART_STYLE = "background: palette(highlight); color: palette(highlighted-text); " \
                "border-radius: 3px; padding: 1px 4px; font-weight: bold"


class PartMixer(QWidget):
    """One row per part. Signals ``changed()`` whenever a setting moves."""

    changed = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.grid = QGridLayout(self)
        self.grid.setContentsMargins(0, 0, 0, 0)
        self.grid.setHorizontalSpacing(6)
        self.grid.setVerticalSpacing(2)
        self.rows: dict[str, dict] = {}
        self.my_part: str | None = None

    def set_parts(self, parts, *, my_part: str | None = None) -> None:
        """Show one row per part (settings back to 0 dB, centre, not muted or soloed)."""
        while self.grid.count():
            item = self.grid.takeAt(0)
            if item.widget() is not None:
                item.widget().deleteLater()
        self.rows = {}
        for col, title in enumerate(("Part", "Volume", "dB", "Pan", "", "")):
            header = QLabel(title)
            header.setStyleSheet("color: palette(placeholder-text)")
            self.grid.addWidget(header, 0, col)
        for row, part in enumerate(parts, start=1):
            name = QLabel(part)
            volume = QSlider(Qt.Orientation.Horizontal)
            volume.setRange(MIN_SLIDER_DB, int(MAX_GAIN_DB))
            volume.setValue(0)
            volume.setMinimumWidth(90)
            volume.setToolTip(f"Volume of {part} in dB")
            level = QLabel("0")
            level.setMinimumWidth(26)
            level.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            pan = QSlider(Qt.Orientation.Horizontal)
            pan.setRange(-100, 100)
            pan.setValue(0)
            pan.setMaximumWidth(70)
            pan.setToolTip(f"Position of {part}: left to right (double-click the row name to centre)")
            mute, solo = QToolButton(), QToolButton()
            for button, text, tip in ((mute, "M", f"Mute {part}"), (solo, "S", f"Solo {part}")):
                button.setText(text)
                button.setCheckable(True)
                button.setToolTip(tip)
                button.toggled.connect(self.changed)
            volume.valueChanged.connect(lambda v, label=level: label.setText(f"{v:+d}" if v else "0"))
            volume.valueChanged.connect(self.changed)
            pan.valueChanged.connect(self.changed)
            for col, widget in enumerate((name, volume, level, pan, mute, solo)):
                self.grid.addWidget(widget, row, col)
            self.rows[part] = {"name": name, "volume": volume, "pan": pan, "mute": mute,
                               "solo": solo}
        self.grid.setColumnStretch(1, 1)
        self.set_my_part(my_part)

    def set_my_part(self, part: str | None) -> None:
        """Mark the singer's own part."""
        self.my_part = part if part in self.rows else None
        for name, row in self.rows.items():
            mine = name == self.my_part
            row["name"].setText(f"{name} (my part)" if mine else name)
            row["name"].setStyleSheet(MY_PART_STYLE if mine else "")

    def set_volume(self, part: str, gain_db: float) -> None:
        self.rows[part]["volume"].setValue(round(gain_db))

    def set_pan(self, part: str, pan: float) -> None:
        self.rows[part]["pan"].setValue(round(pan * 100))

    def set_mute(self, part: str, on: bool) -> None:
        self.rows[part]["mute"].setChecked(on)

    def set_solo(self, part: str, on: bool) -> None:
        self.rows[part]["solo"].setChecked(on)

    def mix(self) -> dict[str, PartMix]:
        """The settings of every part."""
        return {part: PartMix(gain_db=float(row["volume"].value()),
                              pan=row["pan"].value() / 100.0, mute=row["mute"].isChecked(),
                              solo=row["solo"].isChecked())
                for part, row in self.rows.items()}
