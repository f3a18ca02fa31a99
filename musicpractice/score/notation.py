"""A score file as MusicXML text for an engraver (verovio), whole or one part only.

MIDI and compressed MusicXML are converted through music21; a plain MusicXML or MEI file
of the whole score is passed on as it is. Bar numbers stay the written ones, so they
match :attr:`musicpractice.score.model.Measure.number`.
"""

from __future__ import annotations

import os
from pathlib import Path

import music21
from music21.musicxml.m21ToXml import GeneralObjectExporter

from musicpractice.score.errors import ScoreFileError
from musicpractice.score.load import MUSESCORE_EXTENSIONS, SCORE_EXTENSIONS, _part_names, _plain

AS_IS = {".musicxml", ".xml", ".mei"}


def notation_text(path: str | os.PathLike, *, part: str | None = None) -> str:
    """The score (or one part of it) as MusicXML or MEI text.

    Parameters
    ----------
    path : path-like
        A score file :func:`musicpractice.score.load_score` reads.
    part : str, optional
        A name from :attr:`Score.parts`; only that part is kept.

    Raises
    ------
    ScoreFileError
        Missing, unsupported or unreadable file, or no part of that name.
    """
    p = Path(path)
    ext = p.suffix.lower()
    if ext in MUSESCORE_EXTENSIONS or ext not in SCORE_EXTENSIONS:
        raise ScoreFileError(f"{p.name}: cannot engrave this type of file; use MusicXML, "
                             "MIDI, MEI, ABC or Humdrum **kern.")
    if not p.is_file():
        raise ScoreFileError(f"Score file not found: {p}.")
    if part is None and ext in AS_IS:
        try:
            return p.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as error:
            raise ScoreFileError(f"Could not read the score {p.name}: {_plain(error)}.") from error
    try:
        parsed = music21.converter.parse(str(p), forceSource=True)
        if isinstance(parsed, music21.stream.Opus):
            parsed = parsed.scores[0]
        if part is not None:
            parts = [x for x in parsed.parts if x.getElementsByClass("Measure")]
            names = _part_names(parts)
            if part not in names:
                raise ScoreFileError(f"The score {p.name} has no part called {part!r}; "
                                     f"its parts are: {', '.join(names)}.")
            for other, name in zip(parts, names):
                if name != part:
                    parsed.remove(other)
        return GeneralObjectExporter(parsed).parse().decode("utf-8")
    except ScoreFileError:
        raise
    except Exception as error:  # music21 raises many unrelated types on broken input
        raise ScoreFileError(f"Could not engrave the score {p.name}: {_plain(error)}.") from error
