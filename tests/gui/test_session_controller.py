"""The window's session lifecycle without the window: open, read-only when taken, recent
sessions, closing, the names of new and unpacked sessions."""

from __future__ import annotations

import pytest

from musicpractice.core.errors import MusicPracticeError
from musicpractice.gui.session_controller import MAX_RECENT, SessionController
from musicpractice.session.store import Session


def test_open_save_close_and_recent(qtbot, settings, tmp_path):
    controller = SessionController(settings)
    opened, closed = [], []
    controller.opened.connect(opened.append)
    controller.closed.connect(lambda: closed.append(True))
    first = controller.create(tmp_path / "First.mpsession")
    assert opened == [first] and controller.session is first and controller.save()
    controller.close()
    assert closed == [True] and controller.session is None and not controller.save()
    second = controller.open(tmp_path / "First.mpsession")
    assert not second.read_only and second.path == first.path
    controller.close()
    for k in range(MAX_RECENT + 2):
        controller.create(tmp_path / f"S{k}.mpsession")
        controller.close()
    recent = controller.recent_sessions()
    assert len(recent) == MAX_RECENT and recent[0].endswith(f"S{MAX_RECENT + 1}.mpsession")
    assert settings.value("last_session") == recent[0]


def test_a_session_another_program_has_opens_read_only(qtbot, settings, tmp_path):
    holder = Session.create(tmp_path / "Held.mpsession")
    try:
        controller = SessionController(settings)
        session = controller.open(holder.path)
        assert session.read_only and "read-only" in session.problems[0]
        assert not controller.save()  # nothing is written to a read-only session
        controller.close()
    finally:
        holder.close()
    with pytest.raises(MusicPracticeError):
        SessionController(settings).open(tmp_path / "Missing.mpsession")


def test_names_of_new_and_unpacked_sessions(tmp_path):
    assert SessionController.next_practice_path(tmp_path).name == "Practice 1.mpsession"
    (tmp_path / "Practice 1.mpsession").mkdir()
    assert SessionController.next_practice_path(tmp_path).name == "Practice 2.mpsession"
    archive = tmp_path / "Shared.mpsz"
    assert SessionController.unpack_path(archive, tmp_path).name == "Shared.mpsession"
    (tmp_path / "Shared.mpsession").mkdir()
    assert SessionController.unpack_path(archive, tmp_path).name == "Shared 2.mpsession"
