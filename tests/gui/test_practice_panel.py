"""The Practice tab: mixer settings change what is played, loop and count-in, sing along.

What the tab plays is compared with ``musicpractice play`` run with the same settings;
playback and singing along go through the PulseAudio null sink (see tests/audio/pulse.py).
"""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from musicpractice.cli import main as cli_main
from musicpractice.session.store import Session
from tests.audio.pulse import INPUT_DEVICE

pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")


@pytest.fixture
def chorale(shared_data):
    return shared_data / "synth" / "item_chorale_00.musicxml"


@pytest.fixture
def panel(qtbot, tmp_path, chorale):
    from musicpractice.gui.practice_panel import PracticePanel
    p = PracticePanel(latency_path=tmp_path / "latency.json", input_device=INPUT_DEVICE,
                      output_device=INPUT_DEVICE)
    qtbot.addWidget(p)
    p.set_score(chorale)
    qtbot.waitUntil(lambda: p.score is not None, timeout=20_000)
    p.first_bar.setValue(1)
    p.last_bar.setValue(2)
    qtbot.waitUntil(lambda: p.tracks is not None and p.audio is not None, timeout=20_000)
    yield p
    p.shutdown()


def _cli(chorale, tmp_path, *args) -> np.ndarray:
    out = tmp_path / "cli.wav"
    assert cli_main(["play", str(chorale), "--out", str(out), "--bars", "1-2", *args]) == 0
    return sf.read(out, dtype="float32")[0]


def test_the_tab_plays_what_musicpractice_play_renders(panel, qtbot, chorale, tmp_path):
    assert panel.mixer.my_part == "Soprano"
    panel.mixer.set_solo("Alto", True)
    panel.mixer.set_volume("Alto", -6)
    panel.mixer.set_pan("Alto", 0.5)
    alto = panel.audio.copy()
    np.testing.assert_allclose(
        alto, _cli(chorale, tmp_path, "--count-in", "1", "--solo", "Alto", "--volume", "Alto=-6",
                   "--pan", "Alto=0.5"), atol=1.5 / 32768)
    panel.mixer.set_solo("Alto", False)
    panel.mixer.set_mute("Bass", True)
    assert not np.allclose(panel.audio, alto)  # the mixer changed what is played at once
    alto_settings = ("--volume", "Alto=-6", "--pan", "Alto=0.5")
    np.testing.assert_allclose(panel.audio, _cli(chorale, tmp_path, "--count-in", "1",
                                                 "--mute", "Bass", *alto_settings), atol=1.5 / 32768)
    # tempo and transposition: rendered again, then the same as the command line
    panel.tempo.setValue(60)
    panel.transpose.setValue(-2)
    qtbot.waitUntil(lambda: panel.tracks is not None and panel.full_schedule.tempo_scale == 0.6,
                    timeout=20_000)
    np.testing.assert_allclose(panel.audio, _cli(
        chorale, tmp_path, "--count-in", "1", "--mute", "Bass", *alto_settings, "--tempo", "60",
        "--transpose", "-2"), atol=1.5 / 32768)


def test_count_in_then_bars_highlighted_and_the_loop_comes_round(panel, qtbot, null_sink_env):
    panel.last_bar.setValue(1)
    panel.loop.setChecked(True)
    qtbot.waitUntil(lambda: panel.tracks is not None and len(panel.full_schedule.bar_numbers) == 1,
                    timeout=20_000)
    panel.start(record=False)
    seen = []
    qtbot.waitUntil(lambda: seen.append(panel.current_bar) or panel.engine.passes >= 2,
                    timeout=30_000)
    panel.stop()
    # bar 1 (after the pickup) is highlighted, and the count-in (None) before it on each pass
    assert 1 in seen and None in seen
    first = seen.index(1)
    assert None in seen[first:]  # the count-in came again in the next pass


def test_sing_along_keeps_each_pass_as_a_checked_take(panel, qtbot, null_sink_env, tmp_path,
                                                      chorale):
    session = Session.create(tmp_path / "s.mpsession")
    ref = session.import_score(chorale)
    panel.session, panel.score_id = session, ref.id
    panel.last_bar.setValue(1)
    panel.loop.setChecked(True)
    panel.guide.setChecked(True)  # the "singer" is the guide: the soprano alone
    for part in ("Alto", "Tenor", "Bass"):
        panel.mixer.set_mute(part, True)
    qtbot.waitUntil(lambda: panel.tracks is not None and len(panel.full_schedule.bar_numbers) == 1,
                    timeout=20_000)
    saved = []
    panel.attempts.take_saved.connect(saved.append)
    panel.start(record=True)
    qtbot.waitUntil(lambda: panel.engine.passes >= 2, timeout=30_000)
    qtbot.wait(int(700))  # the latency's worth after the second pass
    panel.stop()
    attempts = panel.attempts
    qtbot.waitUntil(lambda: len(attempts.attempts) >= 2 and all(
        a["comparison"] is not None for a in attempts.attempts), timeout=60_000)
    assert attempts.attempt_list.count() == len(attempts.attempts)
    assert attempts.attempt_list.item(0).text().startswith("Attempt 1:")
    assert attempts.progress.text().startswith("Right notes by attempt:")
    assert attempts.progress.text().count("%") == len(attempts.attempts)
    first = attempts.attempts[0]["comparison"]
    assert sum(n.status == "ok" for n in first.notes) >= len(first.notes) - 1
    stored = [t for t in session.takes if "practice" in t.extra]
    assert [t.extra["practice"]["attempt"] for t in stored] == list(range(1, len(stored) + 1))
    assert stored[0].extra["practice"]["part"] == "Soprano"
    assert saved == [t.id for t in stored]  # the window's takes list is told
    # another sitting: the earlier attempts are listed and checked again, progress and all
    from musicpractice.gui.practice_panel import PracticePanel
    later = PracticePanel()
    qtbot.addWidget(later)
    later.set_session(session)
    qtbot.waitUntil(lambda: len(later.attempts.attempts) == len(stored) and all(
        a["comparison"] is not None for a in later.attempts.attempts), timeout=60_000)
    assert [len(a["comparison"].notes) for a in later.attempts.attempts] == \
        [len(a["comparison"].notes) for a in attempts.attempts[:len(stored)]]
    assert later.attempts.progress.text().count("%") == len(stored)
    later.shutdown()
    session.close()


def test_the_window_practises_the_session_score(window, qtbot, tmp_path, chorale):
    session = Session.create(tmp_path / "w.mpsession")
    session.import_score(chorale, title="Chorale")
    session.close()
    window.open_session(tmp_path / "w.mpsession")
    window.views.setCurrentWidget(window.practice)
    qtbot.waitUntil(lambda: window.practice.score is not None, timeout=30_000)
    assert window.practice.mixer.rows.keys() == {"Soprano", "Alto", "Tenor", "Bass"}
    assert window.practice.title.text().startswith("<b>Chorale</b>")
    window.views.setCurrentIndex(0)  # another tab stops the practice playback
    assert not window.practice.engine.playing


def test_the_practice_tab_sings_into_the_microphone_chosen_in_the_record_panel(
        null_sink_env, window, qtbot):
    panel = window.record_panel
    panel.refresh_devices(rescan=True)
    names = [panel.device.itemData(k) for k in range(panel.device.count())]
    assert len(names) >= 2, names  # the null sink's server offers more than one input
    for name in reversed(names):
        panel.device.setCurrentIndex(names.index(name))
        assert window.practice.engine.input_device == name
        assert window.practice.input_label.text() == f"Microphone: {name}"
    panel.wait_idle()
