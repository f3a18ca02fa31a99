"""Export a session as one .mpsz file and unpack it again; unsafe archives are refused."""

from __future__ import annotations

import stat
import zipfile
from pathlib import Path

import numpy as np
import pytest

from musicpractice.session.archive import export_session, import_session
from musicpractice.session.errors import ArchiveError, SessionError
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes


def _files(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file() and p.name != ".lock"}


def test_export_then_unpack_gives_the_same_session(tmp_path):
    path = session_with_takes(tmp_path, 2)
    with Session.open(path) as session:
        take = session.takes[0]
        session.add_comment(take.id, at_s=1.0, text="listen here")
        session.cache_put(take.id, "key", "1", {}, data={"key": "D minor"},
                          arrays={"chroma": np.eye(12)})
        archive = export_session(session, tmp_path / "shared")
    assert archive.name == "shared.mpsz"
    with zipfile.ZipFile(archive) as z:
        assert ".lock" not in z.namelist() and "session.json" in z.namelist()
    unpacked = import_session(archive, tmp_path / "copy")
    assert unpacked == tmp_path / "copy.mpsession"
    assert _files(unpacked) == _files(path)
    with Session.open(unpacked) as copy:
        assert copy.problems == [] and copy.take(take.id).comments[0].text == "listen here"
        assert copy.cache_get(take.id, "key", "1", {}).data == {"key": "D minor"}


def _zip(path: Path, members: dict[str, bytes], *, symlink: str | None = None) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
        if symlink:
            info = zipfile.ZipInfo(symlink)
            info.external_attr = (stat.S_IFLNK | 0o777) << 16
            z.writestr(info, "/etc/passwd")
    return path


SESSION = b'{"format": "musicpractice.session", "schema_version": 2}'


@pytest.mark.parametrize("evil", ["../escape.txt", "/etc/evil", "takes/../../escape",
                                  "C:/windows.txt", "takes\\..\\x", "a//b"])
def test_zip_slip_and_absolute_paths_are_refused(tmp_path, evil):
    archive = _zip(tmp_path / "evil.mpsz", {"session.json": SESSION, evil: b"x"})
    with pytest.raises(ArchiveError, match="unsafe path"):
        import_session(archive, tmp_path / "out")
    assert not (tmp_path / "out.mpsession").exists() and not (tmp_path / "escape.txt").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["evil.mpsz"]


def test_links_are_refused(tmp_path):
    archive = _zip(tmp_path / "l.mpsz", {"session.json": SESSION}, symlink="takes/link")
    with pytest.raises(ArchiveError, match="link"):
        import_session(archive, tmp_path / "out")


def test_oversized_members_are_refused(tmp_path):
    archive = _zip(tmp_path / "big.mpsz", {"session.json": SESSION, "takes/x/audio.flac": b"0" * 5000})
    with pytest.raises(ArchiveError, match="too large"):
        import_session(archive, tmp_path / "out", max_member_bytes=4096)
    with pytest.raises(ArchiveError, match="too much"):
        import_session(archive, tmp_path / "out", max_total_bytes=4096)
    assert not (tmp_path / "out.mpsession").exists()


def test_a_member_larger_than_its_header_says_is_refused(tmp_path, monkeypatch):
    archive = _zip(tmp_path / "lie.mpsz", {"session.json": SESSION, "takes/x/a.bin": b"0" * 5000})
    original = zipfile.ZipFile.infolist

    def lying_infolist(self):
        infos = original(self)
        for info in infos:
            info.file_size = min(info.file_size, 10)
        return infos

    monkeypatch.setattr(zipfile.ZipFile, "infolist", lying_infolist)
    with pytest.raises(ArchiveError, match="damaged|more than it declares"):
        import_session(archive, tmp_path / "out", max_member_bytes=100)
    assert not (tmp_path / "out.mpsession").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["lie.mpsz"]


@pytest.mark.parametrize("content", [b"", b"not a zip", None])
def test_not_an_archive(tmp_path, content):
    path = tmp_path / "x.mpsz"
    if content is None:
        _zip(path, {"readme.txt": b"hello"})
    else:
        path.write_bytes(content)
    with pytest.raises(ArchiveError, match="not a musicpractice session archive"):
        import_session(path, tmp_path / "out")


def test_missing_archive_and_existing_destination(tmp_path):
    with pytest.raises(ArchiveError, match="not found"):
        import_session(tmp_path / "nope.mpsz", tmp_path / "out")
    archive = _zip(tmp_path / "ok.mpsz", {"session.json": SESSION})
    (tmp_path / "taken.mpsession").mkdir()
    with pytest.raises(SessionError, match="already exists"):
        import_session(archive, tmp_path / "taken")
