"""Session folders: create, open, change, lock, and what happens to damaged parts."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from musicpractice.audio.capture import CaptureWriter
from musicpractice.core.errors import AudioFileError, InvalidParameterError
from musicpractice.session.errors import SessionError, SessionLockedError, SessionReadOnlyError
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes, write_wav


def test_create_and_reopen(tmp_path):
    with Session.create(tmp_path / "Monday", title="Monday lesson") as session:
        assert session.path == tmp_path / "Monday.mpsession"
        assert session.takes == () and session.problems == []
    with Session.open(tmp_path / "Monday.mpsession" / "session.json") as session:
        assert session.title == "Monday lesson" and session.created_at.endswith("Z")
        assert not session.read_only and session.problems == []


def test_create_refuses_an_existing_folder(tmp_path):
    (tmp_path / "x.mpsession").mkdir()
    (tmp_path / "x.mpsession" / "keep.txt").write_text("mine")
    with pytest.raises(SessionError, match="already exists"):
        Session.create(tmp_path / "x.mpsession")


@pytest.mark.parametrize("make", ["missing", "file", "empty"])
def test_not_a_session(tmp_path, make):
    path = tmp_path / "p"
    if make == "file":
        path.write_text("hello")
    elif make == "empty":
        path.mkdir()
    with pytest.raises(SessionError):
        Session.open(path)


def test_imported_audio_keeps_channels_rate_and_samples(tmp_path):
    wav = tmp_path / "duet.wav"
    original = write_wav(wav, seconds=1.0, sr=48_000, channels=2)
    with Session.create(tmp_path / "s") as session:
        take = session.import_audio(wav, performer="Ann", role="teacher", piece="Etude")
        audio = session.audio_path(take.id)
    y, sr = sf.read(audio, dtype="float32", always_2d=True)
    assert sf.info(audio).format == "FLAC" and sf.info(audio).subtype == "PCM_16"
    assert (sr, take.sample_rate_hz, take.channels, take.frames) == (48_000, 48_000, 2, 48_000)
    np.testing.assert_array_equal(y, original)
    assert take.duration_s == pytest.approx(1.0)
    assert (take.title, take.source, take.role, take.status) == ("duet", "duet.wav", "teacher",
                                                                 "complete")
    assert len(take.audio_sha256) == 64


def test_float_audio_becomes_24_bit(tmp_path):
    wav = tmp_path / "f.wav"
    original = write_wav(wav, subtype="FLOAT")
    with Session.create(tmp_path / "s") as session:
        audio = session.audio_path(session.import_audio(wav).id)
    assert sf.info(audio).subtype == "PCM_24"
    np.testing.assert_allclose(sf.read(audio, dtype="float32", always_2d=True)[0], original,
                               atol=2.0 ** -23)


@pytest.mark.parametrize("content", [b"", b"not audio at all" * 10])
def test_a_bad_audio_file_is_refused_and_leaves_nothing(tmp_path, content):
    bad = tmp_path / "bad.wav"
    bad.write_bytes(content)
    with Session.create(tmp_path / "s") as session:
        with pytest.raises(AudioFileError):
            session.import_audio(bad)
        assert session.takes == ()
        assert list((session.path / "takes").iterdir()) == []


def test_metadata_comments_and_annotations(tmp_path):
    path = session_with_takes(tmp_path, 2)
    with Session.open(path) as session:
        first, second = session.takes
        session.update_take(first.id, title="Scales", role="reference", notes="warm-up")
        session.add_comment(first.id, at_s=12.5, text="rushed here", author="Teacher")
        session.add_annotation(second.id, listener="Bob", valence=0.4, arousal=-0.3)
        session.add_annotation(second.id, listener="Eve", emotion="tenderness", at_s=3.0)
    with Session.open(path, read_only=True) as session:
        first, second = session.takes
        assert (first.title, first.role, first.notes) == ("Scales", "reference", "warm-up")
        assert first.comments[0].at_s == 12.5 and first.comments[0].author == "Teacher"
        assert [a.listener for a in second.annotations] == ["Bob", "Eve"]
        assert second.annotations[1].emotion == "tenderness"


@pytest.mark.parametrize("call", [
    lambda s, t: s.update_take(t, role="conductor"),
    lambda s, t: s.update_take(t, frames=3),
    lambda s, t: s.add_comment(t, at_s=-1.0, text="x"),
    lambda s, t: s.add_annotation(t, listener="x", valence=2.0, arousal=0.0),
    lambda s, t: s.add_annotation(t, listener="x", valence=0.5),
    lambda s, t: s.add_annotation(t, listener="x", emotion="boredom"),
    lambda s, t: s.add_annotation(t, listener="x"),
    lambda s, t: s.take("nope"),
])
def test_invalid_changes_are_refused(tmp_path, call):
    path = session_with_takes(tmp_path, 1)
    before = (path / "takes").joinpath(os.listdir(path / "takes")[0], "take.json").read_bytes()
    with Session.open(path) as session:
        with pytest.raises(InvalidParameterError):
            call(session, session.takes[0].id)
    assert (path / "takes").joinpath(os.listdir(path / "takes")[0], "take.json").read_bytes() == before


def test_one_writer_at_a_time_readers_always(tmp_path):
    path = session_with_takes(tmp_path, 1)
    with Session.open(path):
        with pytest.raises(SessionLockedError, match="close it there first"):
            Session.open(path)
        with Session.open(path, read_only=True) as reader:
            assert len(reader.takes) == 1
            with pytest.raises(SessionReadOnlyError):
                reader.update_take(reader.takes[0].id, title="x")
    Session.open(path).close()


def test_a_killed_writer_does_not_leave_the_session_locked(tmp_path):
    path = session_with_takes(tmp_path, 0)
    code = ("import sys, time; from musicpractice.session.store import Session; "
            "s = Session.open(sys.argv[1]); print('locked', flush=True); time.sleep(60)")
    holder = subprocess.Popen([sys.executable, "-c", code, str(path)], stdout=subprocess.PIPE,
                              cwd=Path(__file__).resolve().parents[2])
    try:
        assert holder.stdout.readline().strip() == b"locked"
        with pytest.raises(SessionLockedError, match=f"pid {holder.pid}"):
            Session.open(path)
    finally:
        holder.send_signal(signal.SIGKILL)
        holder.wait()
    Session.open(path).close()


def test_missing_audio_is_named_and_the_rest_opens(tmp_path):
    path = session_with_takes(tmp_path, 2)
    with Session.open(path, read_only=True) as session:
        gone = session.takes[0]
        session.audio_path(gone.id).unlink()
    with Session.open(path) as session:
        assert len(session.takes) == 2 and not session.read_only
        assert any("audio of take 'take 0' is missing" in p for p in session.problems)


def test_damaged_session_json_opens_read_only_and_is_not_overwritten(tmp_path):
    path = session_with_takes(tmp_path, 2)
    damaged = b'{"format": "musicpractice.session", "schema_version": 2, "title": '
    (path / "session.json").write_bytes(damaged)
    with Session.open(path) as session:
        assert session.read_only and len(session.takes) == 2
        assert any("session.json is damaged" in p and "line 1" in p for p in session.problems)
        with pytest.raises(SessionReadOnlyError):
            session.save()
    assert (path / "session.json").read_bytes() == damaged
    Session.open(path).close()      # the lock was not kept


def test_a_wrong_field_type_names_the_field(tmp_path):
    path = session_with_takes(tmp_path, 1)
    doc = json.loads((path / "session.json").read_text())
    doc["take_order"] = "all of them"
    (path / "session.json").write_text(json.dumps(doc))
    with Session.open(path) as session:
        assert session.read_only and any("'take_order'" in p for p in session.problems)


def test_a_damaged_take_is_read_only_and_others_still_change(tmp_path):
    path = session_with_takes(tmp_path, 2)
    with Session.open(path, read_only=True) as session:
        bad, good = session.takes
    bad_json = path / "takes" / bad.id / "take.json"
    doc = json.loads(bad_json.read_text())
    doc["frames"] = "many"
    bad_json.write_text(json.dumps(doc))
    before = bad_json.read_bytes()
    with Session.open(path) as session:
        assert any(f"takes/{bad.id}/take.json is damaged" in p and "'frames'" in p
                   for p in session.problems)
        with pytest.raises(SessionReadOnlyError):
            session.update_take(bad.id, title="x")
        session.update_take(good.id, title="still fine")
        session.save()
    assert bad_json.read_bytes() == before
    with Session.open(path, read_only=True) as session:
        assert [t.id for t in session.takes] == [bad.id, good.id]
        assert session.take(good.id).title == "still fine"


def test_unknown_fields_are_reported_and_kept(tmp_path):
    path = session_with_takes(tmp_path, 1)
    doc = json.loads((path / "session.json").read_text())
    doc["playlist"] = ["a", "b"]
    (path / "session.json").write_text(json.dumps(doc))
    with Session.open(path, read_only=True) as session:
        take_json = path / "takes" / session.takes[0].id / "take.json"
    doc = json.loads(take_json.read_text())
    doc["tempo_marking"] = "Allegro"
    take_json.write_text(json.dumps(doc))
    with Session.open(path) as session:
        assert any("'playlist'" in p for p in session.problems)
        assert any("'tempo_marking'" in p for p in session.problems)
        session.update_take(session.takes[0].id, title="renamed")
        session.save()
    assert json.loads((path / "session.json").read_text())["playlist"] == ["a", "b"]
    assert json.loads(take_json.read_text())["tempo_marking"] == "Allegro"


def test_a_newer_session_opens_read_only(tmp_path):
    path = session_with_takes(tmp_path, 1)
    doc = json.loads((path / "session.json").read_text())
    doc["schema_version"] = 99
    (path / "session.json").write_text(json.dumps(doc))
    with Session.open(path) as session:
        assert session.read_only and len(session.takes) == 1
        assert any("newer musicpractice" in p for p in session.problems)


def test_taken_folders_with_unsafe_names_or_no_take_json(tmp_path):
    path = session_with_takes(tmp_path, 1)
    (path / "takes" / "-weird").mkdir()
    (path / "takes" / "empty").mkdir()
    doc = json.loads((path / "session.json").read_text())
    doc["take_order"].append("vanished")
    (path / "session.json").write_text(json.dumps(doc))
    with Session.open(path, read_only=True) as session:
        assert len(session.takes) == 1
        text = " ".join(session.problems)
        assert "-weird" in text and "takes/empty has no take.json" in text and "vanished" in text


def test_a_recording_that_left_no_audio_is_removed(tmp_path):
    with Session.create(tmp_path / "s") as session:
        take = session.begin_recording(sample_rate_hz=8000, channels=1, device="Mic")
        CaptureWriter(session.take_folder(take.id), sample_rate_hz=8000, channels=1).close()
        with pytest.raises(SessionError, match="no audio"):
            session.finish_recording(take.id)
        assert session.takes == ()


def test_an_interrupted_take_is_recovered_on_open_not_when_read_only(tmp_path):
    with Session.create(tmp_path / "s") as session:
        take = session.begin_recording(sample_rate_hz=8000, channels=2, device="Mic",
                                       title="lesson")
        writer = CaptureWriter(session.take_folder(take.id), sample_rate_hz=8000, channels=2)
        writer.dropouts = 4
        writer.write(np.full((4000, 2), 0.25, np.float32))
        writer.close()               # ... and then the process died
        path = session.path
    with Session.open(path, read_only=True) as reader:
        assert reader.takes[0].status == "recording"
        assert any("open the session for changes" in p for p in reader.problems)
    with Session.open(path) as session:
        recovered = session.take(take.id)
        assert recovered.status == "recovered" and recovered.frames == 4000
        assert recovered.dropouts == 4 and len(recovered.warnings) == 2
        assert recovered.device == "Mic" and recovered.title == "lesson"
        assert session.recovered_ids == (take.id,)
        assert sf.read(session.audio_path(take.id))[0].shape == (4000, 2)


def test_scores_and_alignments(tmp_path):
    score = tmp_path / "etude.musicxml"
    score.write_text("<score-partwise/>")
    path = session_with_takes(tmp_path, 2)
    from musicpractice.session.model import AlignmentRef
    with Session.open(path) as session:
        ref = session.import_score(score)
        a, b = session.takes
        session.add_alignment(AlignmentRef("al1", a.id, "score", ref.id, "align", "1", {"hop": 512}))
        with pytest.raises(InvalidParameterError):
            session.import_score(tmp_path / "take0.wav")
    with Session.open(path) as session:
        assert session.scores[0].title == "etude" and (path / session.scores[0].file).is_file()
        assert session.alignments[0].params == {"hop": 512}
        session.remove_take(a.id)
        assert session.alignments == () and [t.id for t in session.takes] == [b.id]
    shutil.rmtree(path / "scores")
    with Session.open(path, read_only=True) as session:
        assert any("score 'etude' is missing" in p for p in session.problems)


def test_the_suffix_may_be_left_out_and_open_or_create(tmp_path):
    Session.create(tmp_path / "Monday", title="first").close()
    with Session.open(tmp_path / "Monday") as session:
        assert session.path == tmp_path / "Monday.mpsession"
    with Session.open_or_create(tmp_path / "Monday") as session:
        assert session.title == "first"
    with Session.open_or_create(tmp_path / "Tuesday", title="new") as session:
        assert session.path == tmp_path / "Tuesday.mpsession" and session.title == "new"


def test_a_take_being_recorded_elsewhere_is_not_called_interrupted(tmp_path):
    with Session.create(tmp_path / "s") as writer:
        take = writer.begin_recording(sample_rate_hz=8000, channels=1)
        CaptureWriter(writer.take_folder(take.id), sample_rate_hz=8000, channels=1).close()
        with Session.open(writer.path, read_only=True) as reader:
            assert any("is being recorded" in p for p in reader.problems)
            assert not any("interrupted" in p for p in reader.problems)


@pytest.mark.parametrize("file", ["../../etc/passwd", "scores/../../x", "/etc/passwd",
                                  "scores/a/b.xml", "scores\\..\\x"])
def test_score_paths_cannot_leave_the_session(tmp_path, file):
    path = session_with_takes(tmp_path, 0)
    doc = json.loads((path / "session.json").read_text())
    doc["scores"] = [{"id": "s1", "file": file}]
    (path / "session.json").write_text(json.dumps(doc))
    with Session.open(path) as session:
        assert session.read_only and session.scores == ()
        assert any("not inside scores/" in p for p in session.problems)


def test_a_recording_that_died_before_any_audio_is_reported_once(tmp_path):
    with Session.create(tmp_path / "s") as session:
        take = session.begin_recording(sample_rate_hz=8000, channels=1, title="nothing")
        path = session.path
    with Session.open(path) as session:
        about = [p for p in session.problems if "'nothing'" in p]
        assert about == ["The take 'nothing' was interrupted before any audio was saved."]
        assert session.take(take.id).status == "recording" and session.recovered_ids == ()
