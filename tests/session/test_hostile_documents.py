"""Damaged parts of a session never give a traceback, never lose audio and are never
rewritten (issue 17, part 3): NaN, infinity and huge numbers in every JSON field,
implausible capture descriptions, FIFOs where files belong, a disk that refuses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicpractice.audio.capture import CAPTURE_JSON, CAPTURE_RAW, CaptureWriter
from musicpractice.cli import main as cli_main
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes, write_wav
from tests.limits import bounded  # noqa: F401  (the fixture below)

pytestmark = pytest.mark.usefixtures("bounded")

SETTINGS = settings(max_examples=40, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])
BAD_NUMBERS = st.sampled_from(["NaN", "Infinity", "-Infinity", "1e400", "1" + "0" * 400,
                               "-1e308", "1e12"])
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def template(tmp_path_factory) -> Path:
    path = session_with_takes(tmp_path_factory.mktemp("template"), 1)
    with Session.open(path) as session:
        take = session.takes[0]
        session.add_comment(take.id, at_s=0.1, text="here")
        session.add_annotation(take.id, listener="Ann", valence=0.5, arousal=0.1)
        session.import_score(_score(path.parent), title="Scale")
    return path


def _score(folder: Path) -> Path:
    score = folder / "s.musicxml"
    score.write_text("<score-partwise/>")
    return score


def _paths(doc, prefix=()):
    """Every path to a value in a JSON document (dict keys and list indices)."""
    yield prefix
    if isinstance(doc, dict):
        for key, value in doc.items():
            yield from _paths(value, prefix + (key,))
    elif isinstance(doc, list):
        for index, value in enumerate(doc):
            yield from _paths(value, prefix + (index,))


def _set(doc, path, value):
    if not path:
        return value
    target = doc
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return doc


MARKER = "\u0000BAD\u0000"


def _poison(file: Path, choice: int, number: str, new_key: bool) -> None:
    doc = json.loads(file.read_text())
    if new_key:
        doc["unknown_field"] = MARKER
    else:
        paths = list(_paths(doc))[1:]
        doc = _set(doc, paths[choice % len(paths)], MARKER)
    file.write_text(json.dumps(doc).replace(json.dumps(MARKER), number))


@SETTINGS
@given(which=st.sampled_from(["session.json", "take.json"]), choice=st.integers(0, 1000),
       number=BAD_NUMBERS, new_key=st.booleans())
def test_bad_numbers_in_any_field_open_without_traceback_and_are_never_rewritten(
        template, tmp_path_factory, which, choice, number, new_key):
    base = tmp_path_factory.mktemp("case")
    path = base / "s.mpsession"
    shutil.copytree(template, path)
    take_folder = next((path / "takes").iterdir())
    file = path / which if which == "session.json" else take_folder / which
    _poison(file, choice, number, new_key)
    before = file.read_bytes()
    audio = (take_folder / "audio.flac").read_bytes()
    wav = base / "new.wav"
    write_wav(wav, seed=3)
    for argv in (["session", "info", str(path), "--json"],
                 ["session", "import", str(path), str(wav)],
                 ["session", "recover", str(path)],
                 ["session", "export", str(path), str(base / "out.mpsz")]):
        assert cli_main(argv) in (0, 2)
    assert file.read_bytes() == before or "NaN" not in number and "Inf" not in number \
        and json.loads(file.read_text()) is not None
    if "NaN" in number or "Infinity" in number:
        assert file.read_bytes() == before  # a damaged document is never written back
    assert (take_folder / "audio.flac").read_bytes() == audio


def _recording_take(folder: Path) -> tuple[Path, str]:
    with Session.create(folder / "rec") as session:
        take = session.begin_recording(sample_rate_hz=8000, channels=1)
        writer = CaptureWriter(session.take_folder(take.id), sample_rate_hz=8000, channels=1)
        writer.write(np.full((8000, 1), 0.25, np.float32))
        writer.close()
        return session.path, take.id


@SETTINGS
@given(field=st.sampled_from(["sample_rate_hz", "channels"]),
       value=st.sampled_from([10 ** 12, 64, 9, 0, -1, 10 ** 400, "NaN", "Infinity", 1e300]))
def test_an_implausible_capture_description_is_reported_and_the_capture_kept(
        tmp_path_factory, field, value):
    base = tmp_path_factory.mktemp("cap")
    path, take_id = _recording_take(base)
    folder = path / "takes" / take_id
    header = json.loads((folder / CAPTURE_JSON).read_text())
    header[field] = "@@"
    (folder / CAPTURE_JSON).write_text(json.dumps(header).replace('"@@"', str(value)))
    raw = (folder / CAPTURE_RAW).read_bytes()
    assert cli_main(["session", "recover", str(path)]) == 0
    assert (folder / CAPTURE_RAW).read_bytes() == raw
    with Session.open(path, read_only=True) as session:
        assert session.take(take_id).status == "recording"


def test_a_take_whose_flac_was_complete_before_the_crash_is_recovered_from_it(tmp_path):
    path, take_id = _recording_take(tmp_path)
    folder = path / "takes" / take_id
    sf.write(folder / "audio.flac", np.full(4000, 0.25, np.float32), 8000, subtype="PCM_24")
    (folder / CAPTURE_RAW).unlink()
    (folder / CAPTURE_JSON).unlink()
    with Session.open(path) as session:
        take = session.take(take_id)
        assert take.status == "recovered" and take.frames == 4000
        assert not any("before any audio" in p for p in session.problems)


@pytest.mark.parametrize("name", ["session.json", "take.json"])
def test_a_fifo_in_place_of_a_document_does_not_hang(template, tmp_path, name):
    path = tmp_path / "s.mpsession"
    shutil.copytree(template, path)
    file = path / name if name == "session.json" else \
        next((path / "takes").iterdir()) / name
    file.unlink()
    os.mkfifo(file)
    result = subprocess.run([sys.executable, "-m", "musicpractice", "session", "info",
                             str(path)], capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 0 and "FIFO" in result.stdout
    assert "Traceback" not in result.stderr


def test_a_fifo_in_place_of_audio_is_refused_by_export(template, tmp_path):
    path = tmp_path / "s.mpsession"
    shutil.copytree(template, path)
    audio = next((path / "takes").iterdir()) / "audio.flac"
    audio.unlink()
    os.mkfifo(audio)
    result = subprocess.run([sys.executable, "-m", "musicpractice", "session", "export",
                             str(path), str(tmp_path / "x.mpsz")],
                            capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert result.returncode == 2 and "audio.flac in the session is a FIFO" in result.stderr
    assert "Traceback" not in result.stderr


def _with_small_file_limit(code: str, limit_bytes: int) -> subprocess.CompletedProcess:
    """Run ``code`` where no file may grow past ``limit_bytes`` (the disk refuses, EFBIG)."""
    prelude = textwrap.dedent(f"""
        import resource, signal
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, ({limit_bytes}, {limit_bytes}))
        resource.setrlimit(resource.RLIMIT_AS, (3 << 30, 3 << 30))
    """)
    return subprocess.run([sys.executable, "-c", prelude + textwrap.dedent(code)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)


def test_session_new_on_a_refusing_disk_leaves_no_half_made_folder(tmp_path):
    result = _with_small_file_limit(f"""
        import sys
        from musicpractice.cli import main
        sys.exit(main(["session", "new", {str(tmp_path / "S")!r}, "--title", "x" * 5000]))
    """, 1000)
    assert result.returncode == 2 and "could not be" in result.stderr
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []


def test_a_result_that_cannot_be_cached_is_still_returned(tmp_path):
    path = session_with_takes(tmp_path, 1)
    result = _with_small_file_limit(f"""
        import numpy as np
        from musicpractice.session.store import Session
        with Session.open({str(path)!r}) as s:
            take = s.takes[0].id
            assert s.cache_put(take, "big", "1", {{}}, data={{}},
                               arrays={{"x": np.zeros(100_000)}}) is None
            assert any("could not be kept" in p for p in s.problems)
            print("ok")
    """, 200_000)
    assert result.stdout.strip() == "ok", result.stderr
    assert not list((path / "derived").rglob("*.tmp"))


def test_import_on_a_refusing_disk_adds_nothing_and_says_why(tmp_path):
    path = session_with_takes(tmp_path, 1)
    wav = tmp_path / "long.wav"
    write_wav(wav, seconds=20.0, sr=22_050)
    before = sorted(p.name for p in (path / "takes").iterdir())
    result = _with_small_file_limit(f"""
        import sys
        from musicpractice.cli import main
        sys.exit(main(["session", "import", {str(path)!r}, {str(wav)!r}]))
    """, 200_000)
    assert result.returncode == 2 and "Traceback" not in result.stderr, result.stderr
    assert "nothing was added" in result.stderr or "could not" in result.stderr
    assert sorted(p.name for p in (path / "takes").iterdir()) == before
    assert not list(path.rglob("*.tmp"))


def test_a_fifo_given_as_a_score_is_refused_by_what_it_is(tmp_path):
    path = session_with_takes(tmp_path, 1)
    fifo = tmp_path / "score.musicxml"
    os.mkfifo(fifo)
    assert cli_main(["session", "import", str(path), str(fifo)]) == 2
    with Session.open(path, read_only=True) as session:
        assert session.scores == ()


def test_recover_on_a_refusing_disk_keeps_the_capture_and_says_why(tmp_path):
    with Session.create(tmp_path / "rec") as session:
        take = session.begin_recording(sample_rate_hz=8000, channels=1)
        writer = CaptureWriter(session.take_folder(take.id), sample_rate_hz=8000, channels=1)
        rng = np.random.default_rng(0)
        writer.write(rng.uniform(-0.5, 0.5, (8000 * 20, 1)).astype(np.float32))
        writer.close()
        folder = session.take_folder(take.id)
    raw = (folder / CAPTURE_RAW).read_bytes()
    result = _with_small_file_limit(f"""
        import sys
        from musicpractice.cli import main
        sys.exit(main(["session", "recover", {str(session.path)!r}]))
    """, 100_000)
    assert "Traceback" not in result.stderr and "Exception ignored" not in result.stderr, \
        result.stderr
    assert "could not be recovered" in result.stderr and "disk" in result.stderr
    assert (folder / CAPTURE_RAW).read_bytes() == raw and not (folder / "audio.flac").exists()


def test_a_fifo_in_place_of_audio_does_not_hang_cached_results(template, tmp_path):
    path = tmp_path / "s.mpsession"
    shutil.copytree(template, path)
    audio = next((path / "takes").iterdir()) / "audio.flac"
    audio.unlink()
    os.mkfifo(audio)
    with Session.open(path) as session:
        take = session.takes[0].id
        assert any("audio" in p and "missing" in p for p in session.problems)
        assert session.cache_get(take, "key", "1", {}) is None
