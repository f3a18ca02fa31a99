"""Listening services on a real session: the next take to ask about, personal readings
from ten annotations, the product's reading as one more rater."""

from __future__ import annotations

import numpy as np
import pytest
import soundfile as sf

from musicpractice.analysis.listener_model import MIN_PERSONAL_ANNOTATIONS, group_model
from musicpractice.core.errors import InvalidParameterError
from musicpractice.session.annotations import Annotation, add_annotation
from musicpractice.session.store import Session
from musicpractice.workspace.derived import ensure_analysis
from musicpractice.workspace.listening import (
    describe_personal, next_query, personal_reading, personal_take_reading, session_agreement)
from tests.signals import SR, click_track, harmonic_tone


@pytest.fixture(scope="module")
def takes(tmp_path_factory):
    """Eleven 1.5 s takes from calm held tones to fast clicks, analysed once."""
    folder = tmp_path_factory.mktemp("listening")
    session = Session.create(folder / "s")
    for i in range(MIN_PERSONAL_ANNOTATIONS + 1):
        clicks, _ = click_track(60.0 + 25 * i, 1.5)
        y = harmonic_tone(196.0 * 2 ** (i / 12), 1.5) * (1 - i / 12) + clicks * (i / 10)
        sf.write(folder / f"t{i}.wav", y, SR)
        take = session.import_audio(folder / f"t{i}.wav", title=f"take {i}")
        ensure_analysis(session, take.id)
    yield session
    session.close()


def test_next_then_personal_reading(takes):
    session = takes
    ids = [t.id for t in session.takes]
    first = next_query(session, "Eve")
    assert first.take_id in ids and first.candidates == len(ids)
    model = group_model()
    rng = np.random.default_rng(0)
    for n, take_id in enumerate(ids[:MIN_PERSONAL_ANNOTATIONS]):
        if n == MIN_PERSONAL_ANNOTATIONS - 1:
            assert personal_reading(session, "Eve", compute=False) is None  # 9 so far
        from musicpractice.workspace.derived import cached_analysis
        z = model.z_vector(cached_analysis(session, take_id).cues.values())
        # Eve hears the opposite of the group on arousal: her weights differ
        arousal = float(np.clip(-model.predict(z, "arousal") + rng.normal(0, 0.05), -1, 1))
        add_annotation(session, Annotation("", take_id, "Eve", "", arousal, 0.0))
    personal = personal_reading(session, "Eve", compute=False)
    assert personal is not None and personal.annotations == MIN_PERSONAL_ANNOTATIONS
    assert personal.differences and personal.differences[0][0] == "arousal"
    assert "Where it differs from the group" in describe_personal(personal)
    mine_a, _, group_a, _ = personal_take_reading(session, personal, ids[0])
    assert mine_a * group_a < 0 or abs(mine_a - group_a) > 0.05  # Eve hears it otherwise
    last = next_query(session, "Eve")
    assert last.take_id == ids[-1] and last.candidates == 1
    add_annotation(session, Annotation("", ids[-1], "Eve", "fear"))
    with pytest.raises(InvalidParameterError, match="Every take"):
        next_query(session, "Eve")
    agreement = session_agreement(session)
    assert [p.raters for p in agreement.product] == [("musicpractice", "Eve"),
                                                     ("musicpractice", "consensus")]
