"""A whole session in one ``.mpsz`` file (a zip) for sharing, and back.

Export packs the session folder (not its lock, not temporary files). Import unpacks into a
new folder and refuses anything unsafe before writing a byte: absolute paths, drive
letters, ``..``, links, too many members, and members larger than the limit -- the limit
is enforced on the bytes actually decompressed, not on what the zip header claims. The
folder appears (by rename) only once everything is unpacked.
"""

from __future__ import annotations

import os
import shutil
import stat
import tempfile
import zipfile
import zlib
from pathlib import Path, PurePosixPath

from musicpractice.audio.atomic_file import fsync_folder
from musicpractice.core.progress import CancelToken, ProgressFn, check_cancel, report
from musicpractice.core.file_kinds import file_kind, is_regular_file
from musicpractice.session.cleanup import remove_unpack_leftovers
from musicpractice.session.errors import ArchiveError, SessionError
from musicpractice.session.lock import LOCK_NAME
from musicpractice.session.paths import inside
from musicpractice.session.store import SESSION_FILE, SESSION_SUFFIX, Session

ARCHIVE_SUFFIX = ".mpsz"
MAX_MEMBER_BYTES = 4 << 30
"""Largest file an archive may unpack (4 GiB: about 6 h of stereo 48 kHz FLAC)."""
MAX_TOTAL_BYTES = 64 << 30
MAX_MEMBERS = 100_000
COPY_BLOCK = 1 << 20
STORED_SUFFIXES = {".flac", ".npz", ".mxl"}
"""Already compressed: stored as they are."""
KNOWN_COMPRESSION = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
"""What :func:`export_session` writes; anything else (bzip2, lzma, zstd...) is refused."""
FREE_SPACE_MARGIN = 64 << 20
"""Unpacking leaves at least this much free space on the disk."""


def session_files(path: Path) -> list[Path]:
    """Files of the session folder ``path`` worth sharing (no lock, no temporaries).

    Raises
    ------
    SessionLinkError
        A file or folder is a link that leads outside the session.
    ArchiveError
        A FIFO, device or socket sits where a file belongs.
    """
    files = []
    for root, dirs, names in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in dirs:
            inside(path, Path(root) / name)
        for name in sorted(names):
            if name == LOCK_NAME or (name.startswith(".") and name.endswith(".tmp")):
                continue
            file = inside(path, Path(root) / name)
            if not is_regular_file(file):
                raise ArchiveError(
                    f"{file.relative_to(path).as_posix()} in the session is "
                    f"{file_kind(file)}, not a file; remove it and export again.")
            files.append(file)
    return files


def export_session(session: Session, destination: str | os.PathLike, *,
                   progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None) -> Path:
    """Pack ``session`` into ``destination`` (``.mpsz`` added if missing); returns the file.

    Raises
    ------
    SessionError
        The archive cannot be written.
    """
    destination = Path(destination)
    if destination.suffix != ARCHIVE_SUFFIX:
        destination = destination.with_name(destination.name + ARCHIVE_SUFFIX)
    if destination.is_symlink() or (destination.exists() and not is_regular_file(destination)):
        raise SessionError(f"Cannot write {destination}: it is "
                           f"{'a link' if destination.is_symlink() else file_kind(destination)}"
                           "; only a regular file is written.")
    files = session_files(session.path)
    total = sum(p.stat().st_size for p in files) or 1
    done = 0
    tmp = destination.with_name(f".{destination.name}.tmp")
    try:
        with zipfile.ZipFile(tmp, "w", allowZip64=True) as archive:
            for path in files:
                check_cancel(cancel)
                compression = (zipfile.ZIP_STORED if path.suffix.lower() in STORED_SUFFIXES
                               else zipfile.ZIP_DEFLATED)
                archive.write(path, path.relative_to(session.path).as_posix(),
                              compress_type=compression)
                done += path.stat().st_size
                report(progress, done / total, f"Packing {path.name}")
        with open(tmp, "rb+") as handle:
            os.fsync(handle.fileno())
        os.replace(tmp, destination)
    except OSError as error:
        raise SessionError(f"The session could not be exported to {destination} "
                           f"({error.strerror}).") from error
    finally:
        Path(tmp).unlink(missing_ok=True)
    return destination


def _safe_name(info: zipfile.ZipInfo) -> PurePosixPath:
    name = info.filename
    path = PurePosixPath(name)
    mode = info.external_attr >> 16
    if (not name or name.startswith(("/", "\\")) or "\\" in name or ":" in path.parts[0]
            or any(part in ("..", "") for part in name.rstrip("/").split("/"))):
        raise ArchiveError(f"The archive contains an unsafe path ({name!r}); it was not opened.")
    if stat.S_ISLNK(mode):
        raise ArchiveError(f"The archive contains a link ({name!r}); it was not opened.")
    if info.flag_bits & 0x1:
        raise ArchiveError(f"The archive's member {name!r} is encrypted; it was not opened.")
    if info.compress_type not in KNOWN_COMPRESSION:
        raise ArchiveError(f"The archive's member {name!r} uses a compression musicpractice "
                           f"does not read (method {info.compress_type}); it was not opened.")
    return path


def _check_unique(names: list[PurePosixPath], label: str) -> None:
    """Two members with one name (or a file that is also a folder) are refused: which one
    would win is up to the unpacker, and a hostile copy could hide behind a good one."""
    seen: set[str] = set()
    for name in names:
        key = name.as_posix().rstrip("/").casefold()
        if key in seen:
            raise ArchiveError(f"{label} holds {name.as_posix()!r} twice; it was not opened.")
        seen.add(key)


def _check_free_space(folder: Path, needed: int, label: str) -> None:
    """Refuse to start unpacking ``needed`` bytes into ``folder`` when the disk lacks them."""
    try:
        free = shutil.disk_usage(folder).free
    except OSError:
        return
    if needed + FREE_SPACE_MARGIN > free:
        raise ArchiveError(f"{label} unpacks to {needed / 1e6:.0f} MB but the disk has only "
                           f"{free / 1e6:.0f} MB free; make room and try again.")


def import_session(archive_path: str | os.PathLike, destination: str | os.PathLike, *,
                   max_member_bytes: int = MAX_MEMBER_BYTES,
                   max_total_bytes: int = MAX_TOTAL_BYTES,
                   progress: ProgressFn | None = None,
                   cancel: CancelToken | None = None) -> Path:
    """Unpack a ``.mpsz`` archive into the new session folder ``destination``.

    Parameters
    ----------
    archive_path : path-like
        The ``.mpsz`` file.
    destination : path-like
        A folder that does not exist yet (``.mpsession`` is added to a bare name).
    max_member_bytes, max_total_bytes : int
        Refuse members (or a total) larger than this many bytes once decompressed.
    progress, cancel
        See :mod:`musicpractice.core.progress`.

    Returns
    -------
    pathlib.Path
        The new session folder; open it with :meth:`Session.open`.

    Raises
    ------
    ArchiveError
        Not a zip, not a session, or unsafe.
    SessionError
        The destination exists or cannot be written.
    """
    archive_path, destination = Path(archive_path), Path(destination)
    if not destination.suffix:
        destination = destination.with_name(destination.name + SESSION_SUFFIX)
    if destination.exists():
        raise SessionError(f"{destination} already exists; choose a new folder.")
    if archive_path.exists() and not is_regular_file(archive_path):
        raise ArchiveError(f"{archive_path} is {file_kind(archive_path)}, not a file.")
    try:
        archive = zipfile.ZipFile(archive_path)
    except FileNotFoundError as error:
        raise ArchiveError(f"File not found: {archive_path}") from error
    except (zipfile.BadZipFile, OSError, ValueError) as error:
        raise ArchiveError(f"{archive_path.name} is not a musicpractice session archive "
                           "(it is not a valid zip file).") from error
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise ArchiveError(f"{archive_path.name} has too many files ({len(members)}).")
        names = [_safe_name(m) for m in members]
        _check_unique(names, archive_path.name)
        if PurePosixPath(SESSION_FILE) not in names:
            raise ArchiveError(f"{archive_path.name} is not a musicpractice session archive "
                               f"(no {SESSION_FILE} inside).")
        declared = sum(m.file_size for m in members)
        for member in members:
            if member.file_size > max_member_bytes:
                raise ArchiveError(f"{member.filename} in {archive_path.name} is too large "
                                   f"({member.file_size} bytes); it was not opened.")
        if declared > max_total_bytes:
            raise ArchiveError(f"{archive_path.name} unpacks to too much data; it was not opened.")
        try:
            destination.parent.mkdir(parents=True, exist_ok=True)
        except OSError as error:
            raise SessionError(f"{destination} cannot be created ({error.strerror}).") from error
        remove_unpack_leftovers(destination, min_age_s=3600.0)
        _check_free_space(destination.parent, declared, archive_path.name)
        try:
            tmp = Path(tempfile.mkdtemp(prefix=f".{destination.name}.", dir=destination.parent))
        except OSError as error:
            raise SessionError(f"{destination} cannot be created ({error.strerror}).") from error
        try:
            _extract(archive, members, names, tmp, max_member_bytes, max_total_bytes,
                     progress, cancel, archive_path.name, max(declared, 1))
            os.replace(tmp, destination)
        except OSError as error:
            raise SessionError(f"The archive could not be unpacked into {destination} "
                               f"({error.strerror}).") from error
        finally:
            if tmp.exists():
                shutil.rmtree(tmp, ignore_errors=True)
    fsync_folder(destination.parent)
    return destination


def _extract(archive, members, names, root: Path, max_member, max_total, progress, cancel,
             label: str, declared: int) -> None:
    total = 0
    for member, name in zip(members, names, strict=True):
        check_cancel(cancel)
        target = root.joinpath(*name.parts)
        if member.is_dir():
            target.mkdir(parents=True, exist_ok=True)
            continue
        target.parent.mkdir(parents=True, exist_ok=True)
        written = 0
        try:
            with archive.open(member) as source, open(target, "wb") as out:
                while piece := source.read(COPY_BLOCK):
                    written += len(piece)
                    total += len(piece)
                    if written > max_member or total > max_total:
                        raise ArchiveError(f"{member.filename} in {label} unpacks to more than "
                                           "it declares; the archive was not opened.")
                    out.write(piece)
                out.flush()
                os.fsync(out.fileno())
        except (zipfile.BadZipFile, EOFError, zlib.error, RuntimeError,
                NotImplementedError) as error:
            raise ArchiveError(f"{label} is damaged ({member.filename}); it was not opened.") \
                from error
        report(progress, total / declared, f"Unpacking {name.name}")
