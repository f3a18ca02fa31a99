"""Naming takes and references as a person would: ids in part, or titles."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.store import Session
from musicpractice.workspace.references import find_reference, resolve_take_id


@pytest.fixture
def session(tmp_path):
    audio = tmp_path / "a.wav"
    sf.write(audio, 0.1 * np.sin(np.arange(22050) * 0.1), 22050)
    session = Session.create(tmp_path / "S.mpsession")
    takes = [session.import_audio(audio, title=title)
             for title in ("Monday run-through", "Tuesday slow", "Tuesday fast")]
    yield session, takes
    session.close()


def test_a_take_is_found_by_id_unique_prefix_or_title(session):
    session, (monday, tuesday_slow, tuesday_fast) = session
    assert resolve_take_id(session, monday.id) == monday.id
    assert resolve_take_id(session, "monday RUN-THROUGH") == monday.id
    assert resolve_take_id(session, "Tuesday slow") == tuesday_slow.id
    assert resolve_take_id(session, "Mon") == monday.id  # a unique start of a title
    prefix = next(monday.id[:n] for n in range(1, len(monday.id) + 1)
                  if sum(t.id.startswith(monday.id[:n]) for t in session.takes) == 1)
    assert resolve_take_id(session, prefix) == monday.id


def test_ambiguous_or_unknown_names_say_which_takes_exist(session):
    session, takes = session
    with pytest.raises(InvalidParameterError, match="more than one take") as error:
        resolve_take_id(session, "Tuesday")
    assert "Tuesday slow" in str(error.value) and "Tuesday fast" in str(error.value)
    with pytest.raises(InvalidParameterError, match="no take 'Wednesday'") as error:
        resolve_take_id(session, "Wednesday")
    assert all(t.id in str(error.value) for t in takes)
    with pytest.raises(InvalidParameterError):
        resolve_take_id(session, "   ")


def test_a_reference_is_found_by_title(session):
    session, (monday, *_rest) = session
    reference = find_reference(session, "Monday run-through")
    assert (reference.kind, reference.id) == ("take", monday.id)
