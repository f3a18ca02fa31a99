"""Symbolic links inside a session folder never let musicpractice read, write or delete
anything outside it (issue 17, part 1)."""

from __future__ import annotations

import hashlib
import shutil
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicpractice.core.errors import MusicPracticeError
from musicpractice.session.archive import export_session
from musicpractice.session.errors import SessionError, SessionReadOnlyError
from musicpractice.session.paths import SessionLinkError, inside, outside_links
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes, write_wav
from tests.limits import bounded  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("bounded")


def _snapshot(folder: Path) -> dict[str, str]:
    """Every file under ``folder`` with the SHA-256 of its bytes (links not followed)."""
    return {p.relative_to(folder).as_posix(): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file() and not p.is_symlink()}


@pytest.fixture
def victim(tmp_path) -> Path:
    """An outside folder of the user's with a file and a sub folder."""
    folder = tmp_path / "home"
    (folder / "docs").mkdir(parents=True)
    (folder / "victim.txt").write_text("my notes\n")
    (folder / "docs" / "letter.txt").write_text("dear ...\n")
    return folder


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    """A session with two takes and a cached result (copied for each test)."""
    folder = tmp_path_factory.mktemp("template")
    path = session_with_takes(folder, 2)
    with Session.open(path) as session:
        take = session.takes[0]
        session.cache_put(take.id, "key", "1", {}, data={"key": "D"}, arrays={"c": np.eye(3)})
        (path / "scores").mkdir(exist_ok=True)
        (path / "scores" / "readme.txt").write_text("score notes")
    return path


def _copy(template: Path, tmp_path: Path) -> Path:
    target = tmp_path / "s.mpsession"
    shutil.copytree(template, target, symlinks=True)
    return target


def test_a_lock_file_linked_to_a_users_file_is_never_opened(template, tmp_path, victim):
    path = _copy(template, tmp_path)
    (path / ".lock").unlink(missing_ok=True)
    (path / ".lock").symlink_to(victim / "victim.txt")
    with pytest.raises(SessionError, match=r"\.lock is a link to .*victim\.txt"):
        Session.open(path)
    assert (victim / "victim.txt").read_text() == "my notes\n"
    with Session.open(path, read_only=True) as session:  # reading is still possible
        assert len(session.takes) == 2
    assert (victim / "victim.txt").read_text() == "my notes\n"


def test_removing_a_take_whose_derived_folder_links_outside_deletes_nothing_there(
        template, tmp_path, victim):
    path = _copy(template, tmp_path)
    with Session.open(path, read_only=True) as session:
        take_id = session.takes[0].id
    shutil.rmtree(path / "derived" / take_id)
    (path / "derived" / take_id).symlink_to(victim / "docs", target_is_directory=True)
    before = _snapshot(victim)
    with Session.open(path) as session:
        assert session.read_only
        assert any(f"derived/{take_id}" in p and "outside" in p for p in session.problems)
        with pytest.raises(SessionReadOnlyError):
            session.remove_take(take_id)
        assert session.cache_get(take_id, "key", "1", {}) is None
    assert _snapshot(victim) == before


def test_a_take_folder_linked_outside_is_neither_read_nor_recovered(template, tmp_path, victim):
    path = _copy(template, tmp_path)
    with Session.open(path, read_only=True) as session:
        take_id = session.takes[1].id
    shutil.move(path / "takes" / take_id, victim / "moved")
    (path / "takes" / take_id).symlink_to(victim / "moved", target_is_directory=True)
    before = _snapshot(victim)
    with Session.open(path) as session:
        assert session.read_only and take_id not in [t.id for t in session.takes]
        with pytest.raises(MusicPracticeError):
            session.audio_path(take_id)
    assert _snapshot(victim) == before


def test_export_refuses_a_file_linked_outside_and_names_it(template, tmp_path, victim):
    path = _copy(template, tmp_path)
    (path / "scores" / "readme.txt").unlink()
    (path / "scores" / "readme.txt").symlink_to(victim / "victim.txt")
    with Session.open(path, read_only=True) as session:
        with pytest.raises(SessionLinkError, match=r"scores/readme\.txt .*victim\.txt"):
            export_session(session, tmp_path / "out.mpsz")
    assert not (tmp_path / "out.mpsz").exists()


def test_links_that_stay_inside_the_session_are_harmless(template, tmp_path):
    path = _copy(template, tmp_path)
    (path / "scores" / "alias.txt").symlink_to(path / "scores" / "readme.txt")
    assert outside_links(path) == []
    with Session.open(path) as session:
        assert not session.read_only
        inside(path, path / "scores" / "alias.txt")


def _entries(folder: Path) -> list[str]:
    return sorted(p.relative_to(folder).as_posix() for p in folder.rglob("*")
                  if p.name != ".lock")


@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(index=st.integers(min_value=0, max_value=10_000), to_folder=st.booleans())
def test_a_link_anywhere_in_the_tree_never_touches_the_outside(template, tmp_path_factory,
                                                              index, to_folder):
    base = tmp_path_factory.mktemp("case")
    outside = base / "home"
    (outside / "docs").mkdir(parents=True)
    (outside / "docs" / "x.txt").write_text("keep")
    (outside / "victim.txt").write_text("keep")
    path = _copy(template, base)
    entries = _entries(path)
    replaced = path / entries[index % len(entries)]
    if replaced.is_dir():
        shutil.rmtree(replaced)
    else:
        replaced.unlink()
    replaced.symlink_to(outside / ("docs" if to_folder else "victim.txt"))
    before = _snapshot(outside)
    wav = base / "new.wav"
    write_wav(wav, seed=9)
    try:
        session = Session.open(path)
    except MusicPracticeError:
        session = Session.open(path, read_only=True)
    with session:
        assert session.read_only, "a session with an outside link must not be changed"
        for action in (
                lambda: session.import_audio(wav),
                lambda: [session.remove_take(t.id) for t in session.takes],
                lambda: [session.cache_put(t.id, "k", "1", {}, data={}) for t in session.takes],
                lambda: [session.audio_path(t.id).read_bytes() for t in session.takes],
                lambda: export_session(session, base / "out.mpsz")):
            try:
                action()
            except (MusicPracticeError, FileNotFoundError):
                pass
    assert _snapshot(outside) == before
    assert all(not p.is_symlink() for p in (base / "out.mpsz",))
