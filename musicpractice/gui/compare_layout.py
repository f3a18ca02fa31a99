"""The compare view's widgets: reference and takes, progress, the score, the tabs of tables and
plots, playback controls (mixed into :class:`CompareView`)."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QGroupBox,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QSplitter,
    QTableView,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from musicpractice.gui.bar_table import BarTableModel, SortProxy
from musicpractice.gui.compare_plots import CueTable, CurvesPlot, ProgressPlot
from musicpractice.gui.heatmap import HeatMap
from musicpractice.gui.score_view import ScoreView
from musicpractice.gui.take_stack import TakeStack


class CompareLayoutMixin:
    """The compare view's widgets: reference and takes, progress, the score, the tabs of tables
    and plots, playback controls (mixed into :class:`CompareView`)."""

    # -- construction --------------------------------------------------------------
    def _build(self) -> None:
        self.reference = QComboBox()
        self.reference.setToolTip("Compare the takes with a score or with one take "
                                  "(e.g. the teacher's)")
        self.reference.currentIndexChanged.connect(self._reference_chosen)
        self.takes = QListWidget()
        self.takes.setToolTip("Tick the takes to compare")
        self.takes.setMaximumHeight(180)
        self.use_score = QCheckBox("Number bars from the score")
        self.use_score.setToolTip("With a take as reference: align it to the session's score "
                                  "so rows and axes are bars, not sections")
        self.compare_button = QPushButton("Compare")
        self.compare_button.clicked.connect(self.compare_checked)
        self.cancel_button = QPushButton("Cancel")
        self.cancel_button.clicked.connect(self.cancel)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.status = QLabel()
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        buttons.addWidget(self.compare_button)
        buttons.addWidget(self.cancel_button)
        setup = QGroupBox("What to compare")
        form = QVBoxLayout(setup)
        form.addWidget(QLabel("Reference:"))
        form.addWidget(self.reference)
        form.addWidget(QLabel("Takes:"))
        form.addWidget(self.takes)
        form.addWidget(self.use_score)
        form.addLayout(buttons)
        form.addWidget(self.progress)
        form.addWidget(self.status)

        self.play_button = QPushButton("▶ Play")
        self.play_button.setToolTip("Play or pause (Space)")
        self.play_button.clicked.connect(self.toggle_play)
        self.switch_button = QPushButton("A/B: next take (B)")
        self.switch_button.setToolTip("Continue in the next take at the same bar and beat")
        self.switch_button.clicked.connect(self.switch_take)
        self.playing_label = QLabel("")
        self.playing_label.setWordWrap(True)
        self.loop_from, self.loop_to = QSpinBox(), QSpinBox()
        for box in (self.loop_from, self.loop_to):
            box.setRange(0, 9999)
            box.valueChanged.connect(self._loop_edited)
        self.loop_check = QCheckBox("Loop")
        self.loop_check.setToolTip("Loop these bars in every take (L)")
        self.loop_check.toggled.connect(self._loop_edited)
        loop = QHBoxLayout()
        loop.addWidget(self.loop_check)
        loop.addWidget(QLabel("bars"))
        loop.addWidget(self.loop_from)
        loop.addWidget(QLabel("to"))
        loop.addWidget(self.loop_to)
        loop.addStretch(1)
        play = QGroupBox("A/B playback")
        play_layout = QFormLayout(play)
        play_buttons = QHBoxLayout()
        play_buttons.addWidget(self.play_button)
        play_buttons.addWidget(self.switch_button)
        play_layout.addRow(play_buttons)
        play_layout.addRow(loop)
        play_layout.addRow(self.playing_label)

        left = QWidget()
        left_layout = QVBoxLayout(left)
        left_layout.setContentsMargins(4, 4, 4, 4)
        left_layout.addWidget(setup)
        left_layout.addWidget(play)
        left_layout.addStretch(1)
        left.setMaximumWidth(340)

        self.score_view = ScoreView(self.worker)
        self.score_view.import_requested.connect(self.ask_import_score)
        self.score_view.bar_clicked.connect(self._score_bar_clicked)
        self.stack = TakeStack()
        self.stack.play_requested.connect(self.ab.play_from)
        self.differences = QLabel()
        self.differences.setWordWrap(True)
        self.differences.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        takes_tab = QSplitter(Qt.Orientation.Vertical)
        takes_tab.addWidget(self.stack)
        takes_tab.addWidget(self.differences)
        takes_tab.setSizes([300, 90])

        self.model = BarTableModel(self)
        self.proxy = SortProxy(self)
        self.proxy.setSourceModel(self.model)
        self.table = QTableView()
        self.table.setModel(self.proxy)
        self.table.setSortingEnabled(True)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Interactive)
        self.table.horizontalHeader().setDefaultSectionSize(96)
        self.table.clicked.connect(self._cell_clicked)
        self.heat_measure = QComboBox()
        self.heat_measure.currentIndexChanged.connect(self._draw_heatmap)
        self.heatmap = HeatMap()
        self.heatmap.cell_clicked.connect(self._heat_clicked)
        heat = QWidget()
        heat_layout = QVBoxLayout(heat)
        heat_layout.setContentsMargins(0, 0, 0, 0)
        heat_top = QHBoxLayout()
        heat_top.addWidget(QLabel("Heat map of"))
        heat_top.addWidget(self.heat_measure)
        heat_top.addWidget(QLabel("— blue: slower or early, red: faster or late; "
                                  "click a cell or a row to hear it"), 1)
        heat_layout.addLayout(heat_top)
        heat_layout.addWidget(self.heatmap, 1)
        bars_tab = QSplitter(Qt.Orientation.Vertical)
        bars_tab.addWidget(heat)
        bars_tab.addWidget(self.table)
        bars_tab.setSizes([160, 300])

        self.curves = CurvesPlot()
        self.cue_table = CueTable()
        self.progress_plot = ProgressPlot()
        self.tabs = QTabWidget()
        self.tabs.addTab(takes_tab, "Takes")
        self.tabs.addTab(bars_tab, "Bars")
        self.tabs.addTab(self.curves, "Tempo && loudness")
        self.tabs.addTab(self.cue_table, "Cues")
        self.tabs.addTab(self.progress_plot, "Progress")
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.score_view)
        right.addWidget(self.tabs)
        right.setSizes([380, 520])

        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        splitter = QSplitter(Qt.Orientation.Horizontal)
        splitter.addWidget(left)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        layout.addWidget(splitter)
