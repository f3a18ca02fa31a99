"""A version-1 session (the first layout) opens, migrates, and is saved as version 2."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from musicpractice.session.migrations import (SCHEMA_VERSION, SESSION_FORMAT, NewerSchema,
                                              migrate)
from musicpractice.session.store import Session

FIXTURE = Path(__file__).parent / "fixtures" / "v1.mpsession"
TAKE_ID = "20240301-101500-a1b2c3"


@pytest.fixture
def v1_session(tmp_path) -> Path:
    return Path(shutil.copytree(FIXTURE, tmp_path / "v1.mpsession"))


def test_version_1_reads_with_every_value_in_its_new_place(v1_session):
    with Session.open(v1_session, read_only=True) as session:
        assert session.title == "Spring recital" and session.created_at == "2024-03-01T10:00:00Z"
        take = session.take(TAKE_ID)
        assert (take.sample_rate_hz, take.frames, take.duration_s) == (8000, 800, 0.1)
        assert (take.performer, take.notes, take.device) == ("Lena", "first run-through",
                                                              "USB Audio CODEC")
        assert [c.text for c in take.comments] == ["too fast in bar 4", "nice dynamics"]
        assert session.scores[0].title == "Minuet in G"
        assert any("format version 1" in p for p in session.problems)
    assert json.loads((v1_session / "session.json").read_text())["schema_version"] == 1


def test_opening_for_changes_saves_version_2_and_keeps_backups(v1_session):
    original_session = (v1_session / "session.json").read_bytes()
    take_json = v1_session / "takes" / TAKE_ID / "take.json"
    original_take = take_json.read_bytes()
    with Session.open(v1_session) as session:
        session.save()
    saved = json.loads((v1_session / "session.json").read_text())
    assert saved["schema_version"] == SCHEMA_VERSION and saved["title"] == "Spring recital"
    assert "name" not in saved and saved["take_order"] == [TAKE_ID]
    take = json.loads(take_json.read_text())
    assert take["schema_version"] == SCHEMA_VERSION and take["sample_rate_hz"] == 8000
    assert "sr" not in take and take["comments"][0]["text"] == "too fast in bar 4"
    assert (v1_session / "session.json.v1.bak").read_bytes() == original_session
    assert (take_json.parent / "take.json.v1.bak").read_bytes() == original_take
    with Session.open(v1_session) as again:
        assert again.problems == [] and again.take(TAKE_ID).performer == "Lena"


@pytest.mark.parametrize("doc, error", [
    ({"format": "something else", "schema_version": 1}, ValueError),
    ({"format": SESSION_FORMAT}, ValueError),
    ({"format": SESSION_FORMAT, "schema_version": "2"}, ValueError),
    ({"format": SESSION_FORMAT, "schema_version": True}, ValueError),
    ({"format": SESSION_FORMAT, "schema_version": 0}, ValueError),
    ({"format": SESSION_FORMAT, "schema_version": SCHEMA_VERSION + 1}, NewerSchema)])
def test_migrate_refuses_what_it_cannot_understand(doc, error):
    with pytest.raises(error):
        migrate(doc, SESSION_FORMAT)
