"""Listener annotations: validation, versions, who sees what, and .mpsz round trips."""

from __future__ import annotations

import json

import pytest

from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.annotations import (
    Annotation, add_annotation, current, load_annotations, parse_bars, session_annotations,
    visible_to)
from musicpractice.session.archive import export_session, import_session
from musicpractice.session.errors import SessionError, SessionReadOnlyError
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes


def _first_take(session: Session) -> str:
    return session.takes[0].id


def test_annotations_round_trip_through_the_take_folder_and_mpsz(tmp_path):
    path = session_with_takes(tmp_path, n=2)
    with Session.open(path) as session:
        take = _first_take(session)
        add_annotation(session, Annotation("", take, "Bob", "sadness", -0.4, -0.6))
        add_annotation(session, Annotation("", take, "Eve", "tenderness", from_s=0.1, to_s=0.3,
                                           felt=True, note="the soft end"))
        add_annotation(session, Annotation("", take, "Ann", "anger", bars=(3, 8)))
        archive = export_session(session, tmp_path / "shared")
    restored = import_session(archive, tmp_path / "copy")
    with Session.open(restored) as copy:
        got = {a.listener: a for a in load_annotations(copy, _first_take(copy))}
    assert got["Bob"].character == "sadness" and (got["Bob"].arousal, got["Bob"].valence) == (-0.4, -0.6)
    assert got["Eve"].felt and (got["Eve"].from_s, got["Eve"].to_s) == (0.1, 0.3)
    assert got["Eve"].note == "the soft end" and got["Eve"].passage_label() == "0.1-0.3 s"
    assert got["Ann"].bars == (3, 8) and got["Ann"].passage_label() == "bars 3-8"
    assert all(a.created_at.endswith("Z") and a.version == 1 for a in got.values())


def test_a_second_annotation_is_a_new_version_and_the_old_one_is_kept(tmp_path):
    path = session_with_takes(tmp_path, n=1)
    with Session.open(path) as session:
        take = _first_take(session)
        add_annotation(session, Annotation("", take, "Bob", "sadness"))
        second = add_annotation(session, Annotation("", take, "Bob", "tenderness"))
        add_annotation(session, Annotation("", take, "Bob", "anger", felt=True))
        everything = load_annotations(session, take)
        now = current(everything)
    assert second.version == 2 and len(everything) == 3
    assert sorted((a.character, a.felt) for a in now) == [("anger", True), ("tenderness", False)]


def test_others_are_visible_only_after_giving_ones_own(tmp_path):
    path = session_with_takes(tmp_path, n=2)
    with Session.open(path) as session:
        first, second = (t.id for t in session.takes)
        add_annotation(session, Annotation("", first, "Bob", "sadness"))
        add_annotation(session, Annotation("", second, "Eve", "fear"))
        everything = session_annotations(session)
        assert visible_to(everything, "Eve", first) == []
        add_annotation(session, Annotation("", first, "Eve", "happiness"))
        everything = session_annotations(session)
    assert {a.listener for a in visible_to(everything, "Eve", first)} == {"Bob", "Eve"}
    assert [a.listener for a in visible_to(everything, "Bob", second)] == []


@pytest.mark.parametrize("bad, message", [
    (dict(character="boredom"), "Unknown character"),
    (dict(character="", arousal=0.2, valence=None), "both arousal and valence"),
    (dict(character="", arousal=None, valence=None), "needs a character"),
    (dict(arousal=1.5, valence=0.0), "from -1 to 1"),
    (dict(from_s=0.3, to_s=0.1), "not a range"),
    (dict(from_s=5.0, to_s=6.0), "after the take's end"),
    (dict(listener=" "), "listener"),
])
def test_bad_annotations_get_a_clear_message_and_change_nothing(tmp_path, bad, message):
    path = session_with_takes(tmp_path, n=1)
    with Session.open(path) as session:
        take = _first_take(session)
        fields = dict(listener="Bob", character="sadness") | bad
        with pytest.raises(InvalidParameterError, match=message):
            add_annotation(session, Annotation("", take, **fields))
        assert load_annotations(session, take) == ()


def test_read_only_and_damaged_files_are_left_as_they_are(tmp_path):
    path = session_with_takes(tmp_path, n=1)
    with Session.open(path, read_only=True) as session:
        with pytest.raises(SessionReadOnlyError):
            add_annotation(session, Annotation("", _first_take(session), "Bob", "fear"))
    with Session.open(path) as session:
        take = _first_take(session)
        target = session.take_folder(take) / "annotations.json"
        target.write_text("{not json")
        with pytest.raises(SessionError, match="cannot be read"):
            add_annotation(session, Annotation("", take, "Bob", "fear"))
        assert target.read_text() == "{not json"
        target.write_text(json.dumps({"format": "musicpractice.annotations",
                                      "schema_version": 99, "annotations": []}))
        with pytest.raises(SessionError, match="newer"):
            load_annotations(session, take)


def test_bar_ranges():
    assert parse_bars("3-8") == (3, 8) and parse_bars("5") == (5, 5)
    for bad in ("8-3", "x", "1-2-3", "-2"):
        with pytest.raises(InvalidParameterError, match="bar range"):
            parse_bars(bad)
