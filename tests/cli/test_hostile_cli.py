"""The command line against hostile outputs and folders (issue 17): --out never replaces a
device or a FIFO, a closed pipe ends quietly, files follow the umask, and the advice for a
read-only session names nothing the command line lacks."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

import musicpractice.cli as cli
from musicpractice.reports.files import ExportError, write_file
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes, write_wav
from tests.limits import bounded  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("bounded")

ROOT = Path(__file__).resolve().parents[2]


def _run(*argv: str, **kwargs) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "musicpractice", *argv], capture_output=True,
                          text=True, timeout=120, cwd=ROOT, **kwargs)


@pytest.fixture
def wav(tmp_path) -> Path:
    path = tmp_path / "tone.wav"
    write_wav(path, seconds=1.0, sr=22_050)
    return path


def test_out_refuses_a_fifo_and_a_link_to_one(tmp_path, wav):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    link = tmp_path / "link.json"
    link.symlink_to(fifo)
    for target in (fifo, link):
        result = _run("analyze", str(wav), "--json", "--out", str(target))
        assert result.returncode == 2 and "FIFO" in result.stderr, result.stderr
        assert "Traceback" not in result.stderr
    assert stat.S_ISFIFO(os.stat(fifo).st_mode) and link.is_symlink()


def test_out_never_replaces_a_device(tmp_path):
    with pytest.raises(ExportError, match="is a device"):
        write_file("/dev/null", "x")
    assert stat.S_ISCHR(os.stat("/dev/null").st_mode)


def test_written_files_follow_the_umask(tmp_path, wav):
    old = os.umask(0o027)
    try:
        out = write_file(tmp_path / "report.txt", "x")
        with Session.create(tmp_path / "S") as session:
            take = session.import_audio(wav)
            files = [out, session.path / "session.json",
                     session.take_folder(take.id) / "take.json", session.audio_path(take.id)]
    finally:
        os.umask(old)
    assert {oct(stat.S_IMODE(f.stat().st_mode)) for f in files} == {oct(0o640)}


def test_a_replaced_file_keeps_its_mode(tmp_path):
    path = tmp_path / "notes.txt"
    path.write_text("old")
    path.chmod(0o604)
    write_file(path, "new")
    assert stat.S_IMODE(path.stat().st_mode) == 0o604 and path.read_text() == "new"


def test_a_closed_pipe_ends_quietly(tmp_path):
    path = session_with_takes(tmp_path, 2)
    command = (f"{sys.executable} -m musicpractice session info {path} --json | head -c 1; "
               "echo; echo ${PIPESTATUS[0]}")
    result = subprocess.run(["bash", "-c", command], capture_output=True, text=True,
                            timeout=120, cwd=ROOT)
    assert "Traceback" not in result.stderr and "BrokenPipe" not in result.stderr, result.stderr
    assert result.stdout.split()[-1] in ("0", "141")


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes to read-only folders anyway")
def test_a_read_only_session_is_compared_without_advice_the_cli_lacks(tmp_path):
    path = session_with_takes(tmp_path, 2)
    with Session.open(path, read_only=True) as session:
        ids = [t.id for t in session.takes]
    for folder in [path, *path.rglob("*")]:
        if folder.is_dir():
            folder.chmod(0o555)
    try:
        result = _run("compare", "--session", str(path), "--ref", ids[0], ids[1])
    finally:
        for folder in [path, *path.rglob("*")]:
            if folder.is_dir():
                folder.chmod(0o755)
    assert "read-only instead" not in result.stderr
    assert result.returncode == 0 and "not saved" in result.stderr, result.stderr


def test_no_message_suggests_an_option_the_cli_lacks():
    parser = cli.build_parser()
    help_text = parser.format_help() + "".join(
        a.format_help() for a in parser._subparsers._group_actions[0].choices.values())
    assert "--read-only" not in help_text
    sources = "".join(p.read_text() for p in (ROOT / "musicpractice").rglob("*.py"))
    assert "read-only instead" not in sources and "open this one read-only" not in sources
