"""Property tests: what is saved is what is loaded; garbage never crashes the loader and
is never overwritten."""

from __future__ import annotations

import json
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from musicpractice.session.model import EMOTIONS, ROLES
from musicpractice.session.store import Session
from tests.session.helpers import session_with_takes

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=40)
seconds = st.floats(0, 36_000, allow_nan=False)
unit = st.floats(-1, 1, allow_nan=False)
comment = st.fixed_dictionaries({"at_s": seconds, "text": text, "author": text})
annotation = st.one_of(
    st.fixed_dictionaries({"listener": text, "valence": unit, "arousal": unit}),
    st.fixed_dictionaries({"listener": text, "emotion": st.sampled_from(EMOTIONS),
                           "at_s": st.none() | seconds}))
meta = st.fixed_dictionaries({"title": text, "performer": text, "role": st.sampled_from(ROLES),
                              "date": text, "piece": text, "notes": text})
SETTINGS = settings(max_examples=25, deadline=None,
                    suppress_health_check=[HealthCheck.function_scoped_fixture])


def _fresh(tmp_path_factory) -> Path:
    return session_with_takes(tmp_path_factory.mktemp("s"), 1)


@SETTINGS
@given(title=text, fields=meta, comments=st.lists(comment, max_size=4),
       annotations=st.lists(annotation, max_size=4))
def test_save_then_load_gives_back_the_same_session(tmp_path_factory, title, fields,
                                                    comments, annotations):
    path = _fresh(tmp_path_factory)
    with Session.open(path) as session:
        session.title = title
        session.save()
        take_id = session.takes[0].id
        session.update_take(take_id, **fields)
        for c in comments:
            session.add_comment(take_id, **c)
        for a in annotations:
            session.add_annotation(take_id, **a)
        expected = session.take(take_id)
    with Session.open(path, read_only=True) as loaded:
        assert loaded.title == title and loaded.problems == []
        assert loaded.take(take_id) == expected


def _assert_loader_survives(path: Path, target: Path, content: bytes) -> None:
    target.write_bytes(content)
    with Session.open(path) as session:
        assert session.takes or target.name == "take.json"
        if session.problems:
            assert all(isinstance(p, str) and p for p in session.problems)
    assert target.read_bytes() == content


@SETTINGS
@given(content=st.binary(max_size=300))
def test_garbage_session_json_opens_read_only_and_stays(tmp_path_factory, content):
    path = _fresh(tmp_path_factory)
    _assert_loader_survives(path, path / "session.json", content)


@SETTINGS
@given(cut=st.floats(0, 0.999))
def test_truncated_files_open_and_stay(tmp_path_factory, cut):
    path = _fresh(tmp_path_factory)
    for target in (path / "session.json", next(path.glob("takes/*/take.json"))):
        whole = target.read_bytes()
        _assert_loader_survives(path, target, whole[:int(cut * len(whole))])
        target.write_bytes(whole)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(text, inner, max_size=3),
    max_leaves=10)


@SETTINGS
@given(field=st.sampled_from(["title", "performer", "role", "status", "sample_rate_hz",
                              "frames", "comments", "annotations", "dropouts", "extra_field"]),
       value=json_values)
def test_any_value_in_any_take_field_is_handled(tmp_path_factory, field, value):
    path = _fresh(tmp_path_factory)
    target = next(path.glob("takes/*/take.json"))
    doc = json.loads(target.read_text())
    doc[field] = value
    content = json.dumps(doc).encode()
    _assert_loader_survives(path, target, content)
