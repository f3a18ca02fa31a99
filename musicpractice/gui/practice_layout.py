"""The practice panel's widgets: the score, the part mixer, tempo, transpose, loop, count-in
and the attempts (mixed into :class:`PracticePanel`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QGridLayout,
    QGroupBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QSplitter,
    QVBoxLayout,
    QWidget,
)
from musicpractice.audio.fluidsynth_render import fluidsynth_available
from musicpractice.gui.part_mixer import PartMixer
from musicpractice.gui.practice_attempts import AttemptsPanel


class PracticeLayoutMixin:
    """The practice panel's widgets: the score, the part mixer, tempo, transpose, loop, count-
    in and the attempts (mixed into :class:`PracticePanel`)."""

    # -- construction ------------------------------------------------------------------
    def _build(self) -> None:
        self.title = QLabel("No score: import one (File menu or Compare & score) to practise a part.")
        self.title.setWordWrap(True)
        self.my_part = QComboBox()
        self.my_part.setToolTip("The part you sing: it is marked in the mixer and checked "
                                "when you sing along")
        self.my_part.currentIndexChanged.connect(self._my_part_changed)
        self.voices = QComboBox()
        self.voices.addItem("Built-in voices", "builtin")
        self.voices.addItem("General MIDI (FluidSynth)", "gm")
        why = fluidsynth_available()
        if why:
            self.voices.model().item(1).setEnabled(False)
            self.voices.setItemData(1, why, Qt.ItemDataRole.ToolTipRole)
        self.tempo = QSpinBox(suffix=" %", minimum=40, maximum=200, value=100, singleStep=5)
        self.tempo.setToolTip("Practice tempo, percent of the marked tempo")
        self.transpose = QSpinBox(minimum=-12, maximum=12, value=0)
        self.transpose.setToolTip("Transpose every part by semitones (to suit your range)")
        self.first_bar, self.last_bar = QSpinBox(), QSpinBox()
        self.loop = QCheckBox("Loop")
        self.count_in = QSpinBox(minimum=0, maximum=4, value=1, suffix=" bar")
        self.count_in.setToolTip("Bars of clicks before the music starts")
        self.metronome = QCheckBox("Metronome")
        self.guide = QCheckBox("My part as a guide")
        self.guide.setToolTip("While singing along, play your own part too (at its mixer level)")
        for widget in (self.tempo, self.transpose, self.first_bar, self.last_bar, self.count_in):
            widget.valueChanged.connect(self._settings_changed)
        for widget in (self.metronome,):
            widget.toggled.connect(self._settings_changed)
        self.voices.currentIndexChanged.connect(self._settings_changed)
        self.mixer = PartMixer()
        self.mixer.changed.connect(self._remix)

        self.play_button = QPushButton("▶ Play")
        self.play_button.clicked.connect(lambda: self.start(record=False))
        self.sing_button = QPushButton("● Sing along")
        self.sing_button.setToolTip("Record while the parts play; each pass is a take, checked "
                                    "against your part. Best with headphones: what the "
                                    "microphone hears of the other parts is taken out, but "
                                    "a guide of your own part would count as your singing")
        self.sing_button.clicked.connect(lambda: self.start(record=True))
        self.stop_button = QPushButton("■ Stop")
        self.stop_button.clicked.connect(self.stop)
        self.latency_label = QLabel()
        self.input_label = QLabel("Microphone: the system's default input")
        self.input_label.setToolTip("Sing-along takes are recorded from the input chosen in "
                                    "the Record panel")
        self.input_label.setWordWrap(True)
        self.measure_button = QPushButton("Measure latency…")
        self.measure_button.setToolTip("Play clicks and record them back (microphone near the "
                                       "speaker): measured once per device")
        self.measure_button.clicked.connect(self.measure_latency)
        self.status = QLabel("")
        self.status.setWordWrap(True)
        self.attempts = AttemptsPanel(score_view=self.score_view)
        self.attempts.error.connect(self._fail)

        form = QGridLayout()
        rows = (("My part", self.my_part), ("Voices", self.voices), ("Tempo", self.tempo),
                ("Transpose", self.transpose))
        for r, (label, widget) in enumerate(rows):
            form.addWidget(QLabel(label), r, 0)
            form.addWidget(widget, r, 1, 1, 3)
        bars = QHBoxLayout()
        bars.addWidget(self.first_bar)
        bars.addWidget(QLabel("to"))
        bars.addWidget(self.last_bar)
        bars.addWidget(self.loop)
        form.addWidget(QLabel("Bars"), len(rows), 0)
        form.addLayout(bars, len(rows), 1, 1, 3)
        form.addWidget(QLabel("Count-in"), len(rows) + 1, 0)
        form.addWidget(self.count_in, len(rows) + 1, 1)
        form.addWidget(self.metronome, len(rows) + 1, 2, 1, 2)
        settings = QGroupBox("Playback")
        settings.setLayout(form)
        mixer_box = QGroupBox("Parts")
        QVBoxLayout(mixer_box).addWidget(self.mixer)
        transport = QHBoxLayout()
        for button in (self.play_button, self.sing_button, self.stop_button):
            transport.addWidget(button)
        singing = QGroupBox("Sing along")
        sing_layout = QVBoxLayout(singing)
        sing_layout.addLayout(transport)
        sing_layout.addWidget(self.guide)
        sing_layout.addWidget(self.input_label)
        latency = QHBoxLayout()
        latency.addWidget(self.latency_label, 1)
        latency.addWidget(self.measure_button)
        sing_layout.addLayout(latency)
        sing_layout.addWidget(self.attempts, 1)
        side = QWidget()
        side_layout = QVBoxLayout(side)
        side_layout.setContentsMargins(4, 4, 4, 4)
        side_layout.addWidget(self.title)
        side_layout.addWidget(settings)
        side_layout.addWidget(mixer_box)
        side_layout.addWidget(singing, 1)
        side_layout.addWidget(self.status)
        scroller = QScrollArea()  # small screens (and small windows) scroll the settings
        scroller.setWidget(side)
        scroller.setWidgetResizable(True)
        scroller.setFrameShape(QScrollArea.Shape.NoFrame)
        scroller.setMinimumWidth(min(side.sizeHint().width(), 200))
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(scroller)
        if self.score_view is not None:
            splitter.addWidget(self.score_view)
            splitter.setStretchFactor(1, 1)
            splitter.setSizes([430, 900])
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(splitter)
        self._enable(False)
        self._show_latency()
