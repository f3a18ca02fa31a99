"""The real window, driven as a musician would: session, import, analysis, play, record."""

from __future__ import annotations

import time

import numpy as np
import pytest
from PySide6.QtCore import QTimer

from musicpractice.analysis.take import TakeAnalysis
from tests.audio.pulse import play, write_tone
from tests.ci import unavailable

ANALYSIS_TIMEOUT_MS = 120_000
CHOPIN = "alignment/Chopin_Op010-03-Measures1-8_Igoshina.wav"  # E major (labels.tsv)
COUNTRY = "beats/country.00000.wav"  # 85.53 BPM (gtzan_country_00000.bpm)


class StallMeter:
    """How long the event loop was blocked, between ticks of a 10 ms timer.

    ``longest_s`` is the longest gap in CPU time the GUI thread itself spent between two
    ticks: work done on the event loop, which a busy machine does not inflate (another
    process taking the core only stretches the wall-clock gap). ``longest_wall_s`` is the
    longest wall-clock gap, which also shows the GUI thread waiting (for the GIL, a lock).
    """

    def __init__(self) -> None:
        self.longest_s = 0.0
        self.longest_wall_s = 0.0
        self._last = time.monotonic()
        self._last_cpu = time.thread_time()
        self.timer = QTimer()
        self.timer.setInterval(10)
        self.timer.timeout.connect(self._tick)

    def _tick(self) -> None:
        now, cpu = time.monotonic(), time.thread_time()
        self.longest_wall_s = max(self.longest_wall_s, now - self._last)
        self.longest_s = max(self.longest_s, cpu - self._last_cpu)
        self._last, self._last_cpu = now, cpu

    def start(self) -> None:
        self._last, self._last_cpu = time.monotonic(), time.thread_time()
        self.timer.start()

    def stop(self) -> None:
        self.timer.stop()


def _wait_for_view(qtbot, window, take_id: str) -> None:
    """Until the take is analysed and every panel shows it."""
    qtbot.waitUntil(lambda: window.view_data is not None and window.view_data.take_id == take_id
                    and window.cues.analysis is window.view_data.analysis,
                    timeout=ANALYSIS_TIMEOUT_MS)


def _import(qtbot, window, path) -> str:
    before = {t.id for t in window.session.takes}
    window.import_files([path])
    qtbot.waitUntil(lambda: len(window.session.takes) == len(before) + 1, timeout=30_000)
    return next(t.id for t in window.session.takes if t.id not in before)


def test_start_page_without_session(window):
    assert window.stack.currentWidget() is window.start_page
    assert not window.docks["takes"].isVisible()
    assert not window.import_action.isEnabled()


def test_import_real_recordings_analysis_summary_and_reopen(qtbot, window, shared_data, tmp_path):
    window.new_session(tmp_path / "Lesson.mpsession")
    chopin = _import(qtbot, window, shared_data / CHOPIN)
    window.takes.select_take(chopin)
    _wait_for_view(qtbot, window, chopin)
    qtbot.wait(300)  # the take is drawn
    stalls = StallMeter()
    stalls.start()
    country = _import(qtbot, window, shared_data / COUNTRY)
    qtbot.waitUntil(lambda: country in window.takes.summaries, timeout=ANALYSIS_TIMEOUT_MS)
    stalls.stop()
    # the window never froze while a take was copied in and analysed in the background
    assert stalls.longest_s < 0.1, f"event loop busy for {stalls.longest_s * 1000:.0f} ms"
    assert stalls.longest_wall_s < 0.5, f"event loop waited {stalls.longest_wall_s:.2f} s"

    assert "E major" in window.summary.key.text()
    assert window.view_data.analysis.key.tonic == "E"
    assert window.takes.item(window.takes.row_of(chopin), 5).text() == "E major"
    assert not window.view_data.from_cache
    # every plot shows the take
    assert len(window.take_view.wave_curve.getData()[0]) > 0
    assert window.take_view.spec_image.image is not None
    assert len(window.cues.table.selectedItems()) == 0 and window.cues.table.rowCount() > 5

    window.takes.select_take(country)
    _wait_for_view(qtbot, window, country)
    assert window.view_data.from_cache  # analysed in the background already
    tempi = [window.summary.tempo.itemText(i) for i in range(window.summary.tempo.count())]
    chosen_bpm = float(tempi[0].split()[0])
    assert chosen_bpm == pytest.approx(85.53, rel=0.04), tempi

    # the user counts half time: the beat marks follow
    beats_before = len(window.take_view.beat_marks.getData()[0])
    half = [i for i in range(window.summary.tempo.count())
            if window.summary.tempo.itemData(i) == "half"]
    if half:
        window.summary.tempo.setCurrentIndex(half[0])
        assert len(window.take_view.beat_marks.getData()[0]) < 0.7 * beats_before

    window.save()
    path = window.session.path
    window.close_session()
    assert window.stack.currentWidget() is window.start_page
    assert str(path) in window.recent_sessions()
    window.open_session(path)
    assert [t.id for t in window.session.takes] == [chopin, country]
    _wait_for_view(qtbot, window, chopin)
    assert window.view_data.from_cache
    assert "E major" in window.summary.key.text()


@pytest.fixture
def demo_take(qtbot, window, tmp_path):
    """A session with the bundled example melody, analysed and shown."""
    window.new_session(tmp_path / "Demo.mpsession")
    from musicpractice.core.resources import resource_path
    take_id = _import(qtbot, window, resource_path("examples", "twinkle_voice.flac"))
    window.takes.select_take(take_id)
    _wait_for_view(qtbot, window, take_id)
    return take_id


def test_cues_panel_shows_where_a_cue_comes_from(window, demo_take):
    analysis: TakeAnalysis = window.view_data.analysis
    cue = next(c for c in analysis.cues.cues if len(c.times_s))
    window.cues.select_cue(cue.key)
    assert window.take_view.cue_plot.isVisible()
    xs, _ = window.take_view.cue_curve.getData()
    assert np.allclose(xs, cue.times_s)
    assert "suggest" in window.cues.summary.text()
    assert window.cues.point.data["x"][0] == pytest.approx(analysis.character.valence.value)


def test_rename_notes_delete_and_undo(qtbot, window, demo_take):
    session = window.session
    window.takes.edit_take(demo_take, "title", "Twinkle, first try")
    assert session.take(demo_take).title == "Twinkle, first try"
    window.notes.setPlainText("Breathe before bar 5.")
    qtbot.waitUntil(lambda: session.take(demo_take).notes == "Breathe before bar 5.", timeout=3000)
    window.undo_stack.undo()
    assert session.take(demo_take).notes == ""
    window.undo_stack.undo()
    assert session.take(demo_take).title == "twinkle_voice"
    window.undo_stack.redo()
    assert session.take(demo_take).title == "Twinkle, first try"

    window.takes.select_take(demo_take)
    window.takes.delete_selected()
    assert window.takes.rowCount() == 0
    window.undo_stack.undo()
    assert window.takes.rowCount() == 1
    window.takes.select_take(demo_take)
    window.takes.delete_selected()
    path = session.path
    window.close_session()
    assert not (path / "takes" / demo_take).exists()  # removed for good on close


def test_note_under_the_mouse_and_cursor_following(window, demo_take):
    view = window.take_view
    note = window.view_data.analysis.notes[3]
    assert view.note_at((note.onset_s + note.offset_s) / 2, note.midi + 0.3) is note
    assert view.note_at((note.onset_s + note.offset_s) / 2, note.midi + 2) is None
    view.wave.setXRange(0.0, 5.0, padding=0)
    view.follow_cursor(7.0)  # playback ran past the visible part: the view pages along
    x0, x1 = view.wave.viewRange()[0]
    assert x0 <= 7.0 <= x1 and x1 - x0 == pytest.approx(5.0)
    assert view.cursor_s == 7.0


def test_typing_notes_does_not_trigger_shortcuts(qtbot, window, demo_take):
    from PySide6.QtCore import Qt
    window.activateWindow()
    window.takes.setFocus()
    qtbot.keyClick(window.takes, Qt.Key.Key_L)  # shortcuts work outside text fields...
    assert window.transport.loop_button.isChecked()
    window.notes.setFocus()
    qtbot.keyClicks(window.notes, "R and space ")
    qtbot.keyClick(window.notes, Qt.Key.Key_Space)
    assert window.notes.toPlainText() == "R and space  "
    assert not window.record_panel.is_recording and not window.transport.playing


def test_tolerance_recolours_notes(window, demo_take):
    window.set_tolerance(50)
    wide = [b.color().name() for b in window.take_view.notes.opts["brushes"]]
    window.set_tolerance(10)
    narrow = [b.color().name() for b in window.take_view.notes.opts["brushes"]]
    assert len(wide) == len(window.view_data.analysis.notes) > 10
    in_tune = "#2ea043"
    assert wide.count(in_tune) >= narrow.count(in_tune)


def test_play_seek_and_loop(qtbot, window, demo_take, null_sink_env):
    transport = window.transport
    if transport.player is None:
        unavailable("no output device")
    window.take_view.seek_requested.emit(10.0)
    assert transport.player.position_s == pytest.approx(10.0, abs=0.01)
    window.space_pressed()
    assert transport.playing
    qtbot.waitUntil(lambda: window.take_view.cursor_s > 10.0, timeout=5000)
    window.space_pressed()
    assert not transport.playing
    transport.loop_button.setChecked(True)
    start, end = window.take_view.loop_s()
    assert transport.player.loop_s == pytest.approx((start, end))
    transport.set_speed(0.5)
    qtbot.waitUntil(lambda: transport.player.speed == 0.5, timeout=60_000)
    assert len(transport.renditions[0.5]) == pytest.approx(2 * len(transport.samples), abs=2)


def test_record_through_the_null_sink(qtbot, window, tmp_path, null_sink_env):
    window.new_session(tmp_path / "Rec.mpsession")
    panel = window.record_panel
    names = [panel.device.itemData(i) for i in range(panel.device.count())]
    if "pulse" in names:
        panel.device.setCurrentIndex(names.index("pulse"))
    qtbot.waitUntil(lambda: panel.recorder is not None or bool(panel.message.text()), timeout=10_000)
    if panel.recorder is None:
        unavailable(f"no input device: {panel.message.text()}")
    tone = write_tone(tmp_path / "a4.wav", freq_hz=440.0, duration_s=4.0)
    player = play(tone, null_sink_env)
    try:
        window.toggle_recording()  # R
        assert panel.is_recording
        stalls = StallMeter()  # while recording (starting and stopping write session files)
        stalls.start()
        qtbot.waitUntil(lambda: panel.pitch.text().startswith("A4"), timeout=10_000)
        qtbot.wait(1500)
        stalls.stop()
        window.space_pressed()  # Space stops
        assert not panel.is_recording
    finally:
        player.wait(10)
    assert stalls.longest_s < 0.1, f"event loop busy for {stalls.longest_s * 1000:.0f} ms"
    assert stalls.longest_wall_s < 0.5, f"event loop waited {stalls.longest_wall_s:.2f} s"
    qtbot.waitUntil(lambda: window.session.takes and window.session.takes[0].status == "complete",
                    timeout=30_000)
    take = window.session.takes[0]
    assert take.duration_s > 1.0
    _wait_for_view(qtbot, window, take.id)
    notes = window.view_data.analysis.notes
    assert notes and max(notes, key=lambda n: n.offset_s - n.onset_s).midi == 69


def test_errors_are_shown_not_raised(window, tmp_path):
    (tmp_path / "empty").mkdir()
    assert window.open_session(tmp_path / "empty") is None
    assert "session" in window.last_error
    window.new_session(tmp_path / "S.mpsession")
    assert window.new_session(tmp_path / "S.mpsession") is None
    assert "already exists" in window.last_error
    bad = tmp_path / "notes.txt"
    bad.write_text("not audio")
    window.open_dropped([bad])
    assert "Drop audio files" in window.last_error


def test_import_of_a_damaged_file_reports_it(qtbot, window, tmp_path):
    window.new_session(tmp_path / "S.mpsession")
    bad = tmp_path / "broken.wav"
    bad.write_bytes(b"RIFF\x00\x00\x00\x00WAVEjunk")
    window.import_files([bad])
    qtbot.waitUntil(lambda: "broken.wav" in window.last_error, timeout=30_000)
    assert window.session.takes == ()


def test_window_layout_is_remembered(qtbot, settings):
    from musicpractice.gui.main_window import MainWindow
    first = MainWindow(settings)
    qtbot.addWidget(first)
    first.show()
    first.resize(640, 480)
    first.set_tolerance(10)
    qtbot.wait(50)
    first.close()
    second = MainWindow(settings)
    qtbot.addWidget(second)
    second.show()
    assert (second.width(), second.height()) == (640, 480)
    assert second.take_view.tolerance_cents == 10
    second.close()


def test_cancel_analysis_of_a_long_take(qtbot, window, shared_data, tmp_path):
    window.new_session(tmp_path / "Long.mpsession")
    take_id = _import(qtbot, window, shared_data / "alignment" / "Schubert_D911-01_HU33.flac")
    window.takes.select_take(take_id)
    qtbot.waitUntil(lambda: take_id in window.takes.progress_bars, timeout=30_000)
    window.cancel_analysis()
    qtbot.waitUntil(lambda: "cancelled" in window.summary.key.text(), timeout=30_000)
    assert take_id not in window.takes.progress_bars and window.view_data is None
    assert not window.jobs.running(take_id)


def test_dropping_audio_without_a_session_makes_one(qtbot, window, tmp_path, monkeypatch):
    from musicpractice.core.resources import resource_path
    monkeypatch.setattr(window, "default_folder", lambda: tmp_path)
    window.open_dropped([resource_path("examples", "twinkle_voice.flac")])
    assert window.session.path == tmp_path / "Practice 1.mpsession"
    qtbot.waitUntil(lambda: len(window.session.takes) == 1, timeout=30_000)


def test_record_panel_explains_missing_portaudio(qtbot, window, tmp_path, monkeypatch):
    from musicpractice.audio.recording_errors import AudioDeviceError
    from musicpractice.gui import record_panel

    def missing(**kwargs):
        raise AudioDeviceError("Recording and playback need the PortAudio library, which is missing.")

    monkeypatch.setattr(record_panel, "list_devices", missing)
    window.new_session(tmp_path / "S.mpsession")
    panel = window.record_panel
    assert "PortAudio" in panel.message.text() and "still open sessions" in panel.message.text()
    assert not panel.record_button.isEnabled()
    window.toggle_recording()
    assert not panel.is_recording
