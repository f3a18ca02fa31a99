"""What the desktop application relies on: a first start on a machine without sound
devices (the record panel explains how to enable recording; without PortAudio: see
test_smoke_test.py), shared ``.mpsz`` sessions opened from the file manager, and the one
version in the About box and ``--version``."""

import pytest


@pytest.fixture
def window(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from musicpractice.gui.main_window import MainWindow
    w = MainWindow(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.show()
    yield w
    w.close()
    w.deleteLater()
    qtbot.wait(10)


def test_no_input_device_is_explained_and_recording_is_off(window, tmp_path, monkeypatch):
    from musicpractice.gui import record_panel

    monkeypatch.setattr(record_panel, "list_devices", lambda **kwargs: ())
    window.new_session(tmp_path / "S.mpsession")
    panel = window.record_panel
    assert panel.message.text().startswith("No microphone or audio input was found. Connect one and press Rescan")
    assert not panel.record_button.isEnabled() and not panel.device.isEnabled()
    window.toggle_recording()
    assert not panel.is_recording and window.session.takes == ()


def test_a_shared_mpsz_from_the_file_manager_opens_as_a_new_session(qtbot, window, tmp_path, monkeypatch):
    from musicpractice.core.resources import resource_path
    from musicpractice.session.archive import export_session
    from musicpractice.session.store import Session

    demo = Session.open(resource_path("demo", "Demo.mpsession"), read_only=True)
    archive = export_session(demo, tmp_path / "Shared.mpsz")
    demo.close()
    sessions = tmp_path / "sessions"
    (sessions / "Shared.mpsession").mkdir(parents=True)  # taken: the new one gets another name
    monkeypatch.setattr(window, "default_folder", lambda: sessions)
    window.open_dropped([archive])
    qtbot.waitUntil(lambda: window.session is not None, timeout=30_000)
    assert window.session.path == sessions / "Shared 2.mpsession"
    assert [t.title for t in window.session.takes] == [t.title for t in demo.takes]


def test_a_damaged_mpsz_is_reported(qtbot, window, tmp_path, monkeypatch):
    bad = tmp_path / "Broken.mpsz"
    bad.write_bytes(b"not a zip")
    monkeypatch.setattr(window, "default_folder", lambda: tmp_path / "sessions")
    window.open_dropped([bad])
    qtbot.waitUntil(lambda: "Broken.mpsz is not a musicpractice session archive" in window.last_error, timeout=30_000)
    assert window.session is None and not (tmp_path / "sessions" / "Broken.mpsession").exists()


def test_about_box_and_version_option_show_the_one_version(qtbot, capsys):
    from PySide6.QtWidgets import QWidget

    import musicpractice
    from musicpractice.cli import main
    from musicpractice.gui.dialogs import show_about

    parent = QWidget()
    qtbot.addWidget(parent)
    box = show_about(parent)
    assert f"musicpractice {musicpractice.__version__}<br>" in box.informativeText()
    box.close()
    with pytest.raises(SystemExit) as exit_:
        main(["--version"])
    assert exit_.value.code == 0 and capsys.readouterr().out == f"musicpractice {musicpractice.__version__}\n"
