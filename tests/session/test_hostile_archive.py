"""Hostile shared sessions: .mpsz members that are encrypted, use unknown compression,
repeat a name or do not fit on the disk; forged cached arrays; audio replaced behind the
cache's back; temporaries left by kill -9 (issue 17, parts 2 and 3)."""

from __future__ import annotations

import os
import shutil
import struct
import warnings
import zipfile
from pathlib import Path

import numpy as np
import pytest

from musicpractice.session.archive import MAX_MEMBER_BYTES, export_session, import_session
from musicpractice.session.errors import ArchiveError
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes, write_wav
from tests.limits import bounded  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("bounded")

SESSION = b'{"format": "musicpractice.session", "schema_version": 2}'


def _patch_central(path: Path, name: bytes, offset: int, fmt: str, value: int) -> None:
    """Overwrite a field of ``name``'s central directory record (what zip readers trust)."""
    data = bytearray(path.read_bytes())
    at = 0
    while (at := data.find(b"PK\x01\x02", at)) >= 0:
        length = struct.unpack_from("<H", data, at + 28)[0]
        if data[at + 46:at + 46 + length] == name:
            struct.pack_into(fmt, data, at + offset, value)
        at += 4
    path.write_bytes(bytes(data))


def _archive(tmp_path: Path, members: dict[str, bytes]) -> Path:
    path = tmp_path / "shared.mpsz"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


def test_an_encrypted_member_is_refused_by_name(tmp_path):
    path = _archive(tmp_path, {"session.json": SESSION, "scores/a.xml": b"<x/>"})
    _patch_central(path, b"scores/a.xml", 8, "<H", 0x1)
    with pytest.raises(ArchiveError, match="'scores/a.xml' is encrypted"):
        import_session(path, tmp_path / "out")
    assert not (tmp_path / "out.mpsession").exists()


def test_an_unknown_compression_is_refused_by_name(tmp_path):
    path = _archive(tmp_path, {"session.json": SESSION, "scores/a.xml": b"<x/>"})
    _patch_central(path, b"scores/a.xml", 10, "<H", 93)  # zstd
    with pytest.raises(ArchiveError, match="'scores/a.xml' uses a compression .* 93"):
        import_session(path, tmp_path / "out")


def test_a_repeated_member_name_is_refused(tmp_path):
    path = tmp_path / "dup.mpsz"
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with zipfile.ZipFile(path, "w") as z:
            z.writestr("session.json", SESSION)
            z.writestr("scores/a.xml", b"<good/>")
            z.writestr("scores/a.xml", b"<hostile/>")
    with pytest.raises(ArchiveError, match="'scores/a.xml' twice"):
        import_session(path, tmp_path / "out")


def test_an_archive_larger_than_the_free_space_is_refused_before_unpacking(tmp_path):
    count = 250  # each declares just under 4 GiB: about 1 TB in all
    members = {"session.json": SESSION} | {f"takes/{i}.bin": b"x" for i in range(count)}
    path = _archive(tmp_path, members)
    for i in range(count):
        _patch_central(path, f"takes/{i}.bin".encode(), 24, "<I", MAX_MEMBER_BYTES - 1)
    free = shutil.disk_usage(tmp_path).free
    if free > count * MAX_MEMBER_BYTES:
        pytest.skip(f"the disk has {free >> 30} GiB free, more than the archive declares")
    with pytest.raises(ArchiveError, match="MB but the disk has only"):
        import_session(path, tmp_path / "out", max_total_bytes=1 << 50)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["shared.mpsz"]


def _npy(shape: tuple, data: bytes, dtype: str = "<f8") -> bytes:
    header = {"descr": dtype, "fortran_order": False, "shape": shape}
    from io import BytesIO
    out = BytesIO()
    np.lib.format.write_array_header_1_0(out, header)
    return out.getvalue() + data


@pytest.mark.parametrize("shape,dtype", [((4_000_000_000,), "<f8"), ((12,), "|O"),
                                         ((2,), "<f8"), ((3, 4), "<f8"), ((9,), "<U1")])
def test_forged_cached_arrays_are_a_miss_not_a_crash(tmp_path, shape, dtype):
    path = session_with_takes(tmp_path, 1)
    with Session.open(path) as session:
        take = session.takes[0].id
        file = session.cache_put(take, "key", "1", {}, data={"k": 1}, arrays={"c": np.eye(3)})
        with zipfile.ZipFile(file) as z:
            meta = z.read("__meta__.npy")
        with zipfile.ZipFile(file, "w") as z:  # same meta, a forged array
            z.writestr("__meta__.npy", meta)
            z.writestr("c.npy", _npy(shape, np.arange(9.0).tobytes(), dtype))
        assert session.cache_get(take, "key", "1", {}) is None
        assert not file.exists()  # the forged entry is deleted, to be recomputed


def test_a_cached_result_larger_than_its_take_allows_is_a_miss(tmp_path):
    path = session_with_takes(tmp_path, 1)  # 0.5 s at 8 kHz: a 16 MiB budget
    with Session.open(path) as session:
        take = session.takes[0].id
        session.cache_put(take, "big", "1", {}, data={}, arrays={"x": np.zeros(3 << 20)})
        assert session.cache_get(take, "big", "1", {}) is None
        session.cache_put(take, "ok", "1", {}, data={}, arrays={"x": np.zeros(1000)})
        assert session.cache_get(take, "ok", "1", {}).arrays["x"].shape == (1000,)


def test_replacing_a_takes_audio_makes_its_cached_results_stale(tmp_path):
    path = session_with_takes(tmp_path, 1)
    with Session.open(path) as session:
        take = session.takes[0].id
        session.cache_put(take, "key", "1", {}, data={"key": "D"})
        assert session.cache_get(take, "key", "1", {}) is not None
    other = tmp_path / "other.wav"
    write_wav(other, seed=42)
    with Session.create(tmp_path / "donor") as donor:
        donor_take = donor.import_audio(other)
        shutil.copyfile(donor.audio_path(donor_take.id), path / "takes" / take / "audio.flac")
    with Session.open(path) as session:
        assert session.cache_get(take, "key", "1", {}) is None


def test_temporaries_left_by_kill_9_are_removed_on_the_next_open(tmp_path):
    path = session_with_takes(tmp_path, 1)
    take_folder = next((path / "takes").iterdir())
    stale = [take_folder / ".audio.flac.k2j4h1x9.tmp", path / ".session.json.abcdef12.tmp",
             take_folder / ".audio.flac.ffmpeg.flac"]
    for file in stale:
        file.write_bytes(b"\0" * 1000)
    unpacking = tmp_path / f".{path.name}.q8w7e6r5"
    (unpacking / "takes").mkdir(parents=True)
    (unpacking / "takes" / "a").write_bytes(b"1")
    keep = take_folder / "notes.tmp"  # not a temporary of ours
    keep.write_text("mine")
    with Session.open(path, read_only=True):
        assert all(f.exists() for f in stale)  # read-only never deletes
    with Session.open(path) as session:
        assert sum("temporary file" in p for p in session.problems) == 4
    assert not any(f.exists() for f in stale) and not unpacking.exists() and keep.exists()


def test_export_then_import_still_round_trips_with_the_checks(tmp_path):
    path = session_with_takes(tmp_path, 1)
    with Session.open(path, read_only=True) as session:
        archive = export_session(session, tmp_path / "share")
    copy = import_session(archive, tmp_path / "copy")
    assert os.path.getsize(copy / "session.json") == os.path.getsize(path / "session.json")


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity"])
def test_a_cached_entry_with_non_numbers_is_a_miss(tmp_path, number):
    path = session_with_takes(tmp_path, 1)
    with Session.open(path) as session:
        take = session.takes[0].id
        file = session.cache_put(take, "key", "1", {"x": 1}, data={"k": 0.5})
        file.write_text(file.read_text().replace("0.5", number).replace('"x": 1', f'"x": {number}'))
        assert session.cache_get(take, "key", "1", {"x": 1}) is None
