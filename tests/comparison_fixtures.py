"""Sessions for the comparison and report tests: the real Chopin Op. 10/3 pair with its MIDI score, and a
synthetic sung melody with known mistakes."""

from __future__ import annotations

from types import SimpleNamespace

import pytest

from musicpractice.compare.model import compare_takes
from musicpractice.session.store import Session
from tests.compare.melody_files import write_melody

COMMENT = "Lovely singing line; let the bass breathe here."


@pytest.fixture(scope="session")
def chopin(shared_data, tmp_path_factory):
    """An open session with Varsi's and Igoshina's takes and the MIDI score (bars 1-8 of
    the étude as 18 bars of 4/4), a teacher's comment at 6 s of Igoshina's take."""
    folder = shared_data / "alignment"
    session = Session.create(tmp_path_factory.mktemp("chopin") / "chopin", title="Chopin Op. 10/3")
    varsi = session.import_audio(folder / "Chopin_Op010-03-Measures1-8_Varsi.wav",
                                 title="Varsi", performer="Varsi", date="2026-11-01")
    igoshina = session.import_audio(folder / "Chopin_Op010-03-Measures1-8_Igoshina.wav",
                                    title="Igoshina", performer="Igoshina", date="2026-11-08")
    score = session.import_score(folder / "Chopin_Op010-03-Measures1-8_MIDI.mid",
                                 title="Etude Op. 10/3")
    session.add_comment(igoshina.id, at_s=6.0, text=COMMENT, author="Teacher")
    yield SimpleNamespace(session=session, varsi=varsi.id, igoshina=igoshina.id,
                          score=score.id)
    session.close()


@pytest.fixture(scope="session")
def against_score(chopin):
    """Both takes compared with the score."""
    return compare_takes(chopin.session, chopin.score, [chopin.varsi, chopin.igoshina])


@pytest.fixture(scope="session")
def against_take(chopin):
    """Igoshina's take compared with Varsi's, bars numbered from the score."""
    return compare_takes(chopin.session, chopin.varsi, [chopin.igoshina], score_id=chopin.score)


@pytest.fixture(scope="session")
def melody(tmp_path_factory):
    """An open session with the synthetic melody's score and two takes by Ana: Monday's
    at the marked tempo with two mistakes, the next Monday's at 80 % of it without."""
    folder = tmp_path_factory.mktemp("melody")
    score_path, take_path = write_melody(folder)
    _, later_path = write_melody(folder, speed=0.8, mistakes=False, name="later.wav")
    session = Session.create(folder / "melody", title="Scale study")
    later = session.import_audio(later_path, title="Next Monday", performer="Ana",
                                 date="2026-11-09")
    take = session.import_audio(take_path, title="Monday", performer="Ana", date="2026-11-02")
    score = session.import_score(score_path, title="Melody")
    yield SimpleNamespace(session=session, take=take.id, later=later.id, score=score.id)
    session.close()
