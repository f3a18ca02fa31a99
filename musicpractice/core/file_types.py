"""Which files are scores: one list for the score reader, the session and the audio
reader's messages (a music21-free module, so none of them loads music21 to know it)."""

from __future__ import annotations

from pathlib import Path

SCORE_EXTENSIONS = frozenset({".musicxml", ".xml", ".mxl", ".mid", ".midi", ".mei", ".abc", ".krn"})
"""Score files musicpractice reads (MusicXML, compressed MusicXML, MIDI, MEI, ABC, kern)."""
MUSESCORE_EXTENSIONS = frozenset({".mscz", ".mscx"})
"""MuseScore's own files: read only after exporting MusicXML from MuseScore."""
MUSESCORE_HINT = "in MuseScore choose File > Export > MusicXML and use the .musicxml file"


def score_not_audio(path: str | Path) -> str:
    """The message for a score (or MuseScore) file given where a recording is expected,
    or "" when ``path`` is not named like a score."""
    p = Path(path)
    ext = p.suffix.lower()
    if ext in MUSESCORE_EXTENSIONS:
        return (f"{p.name} is a MuseScore score, not a recording; to compare takes with it, "
                f"{MUSESCORE_HINT} (a score of a session: 'musicpractice session import "
                "SESSION FILE.musicxml'; for one take: 'musicpractice align TAKE --ref "
                "FILE.musicxml').")
    if ext in SCORE_EXTENSIONS:
        kind = "a MIDI file (a score or a performance as notes)" if ext in (".mid", ".midi") \
            else "a score"
        return (f"{p.name} is {kind}, not a recording; use it as the reference: "
                f"'musicpractice align TAKE --ref {p.name}', or 'musicpractice session import "
                f"SESSION {p.name}' adds it to a session as a score.")
    return ""
