"""What ``musicpractice session info`` prints: the ``musicpractice.session-info/1`` JSON
document of a session and its readable listing."""

from __future__ import annotations

from musicpractice.reports.formats import SESSION_INFO_SCHEMA
from musicpractice.session.annotations import annotation_count
from musicpractice.session.store import Session


def info_document(session: Session) -> dict:
    """The ``musicpractice.session-info/1`` JSON of an open session (durations in s,
    sample rates in Hz)."""
    return {
        "schema": SESSION_INFO_SCHEMA, "path": str(session.path), "title": session.title,
        "created_at": session.created_at,
        "problems": list(session.problems),
        "takes": [{"id": t.id, "title": t.title, "performer": t.performer, "role": t.role,
                   "date": t.date, "piece": t.piece, "status": t.status,
                   "duration_s": round(t.duration_s, 3), "sample_rate_hz": t.sample_rate_hz,
                   "channels": t.channels, "dropouts": t.dropouts, "device": t.device,
                   "source": t.source, "comments": len(t.comments),
                   "annotations": annotation_count(session, t.id),
                   "warnings": list(t.warnings)}
                  for t in session.takes],
        "scores": [s.to_json() for s in session.scores],
        "alignments": [a.to_json() for a in session.alignments],
    }


def info_text(document: dict) -> str:
    """The readable listing of a session-info document: one line per take and score,
    then the problems found."""
    lines = [f"{document['title']}  ({document['path']})"]
    for take in document["takes"]:
        flags = [take["status"]] if take["status"] != "complete" else []
        if take["dropouts"]:
            flags.append(f"{take['dropouts']} dropouts")
        lines.append(f"  {take['id']}  {take['duration_s']:8.1f} s  {take['role']:<9}  "
                     f"{take['title']}" + (f" — {take['performer']}" if take["performer"] else "")
                     + (f"  [{', '.join(flags)}]" if flags else ""))
    for score in document["scores"]:
        lines.append(f"  score {score['id']}  {score['title']}")
    for problem in document["problems"]:
        lines.append(f"  ! {problem}")
    return "\n".join(lines) + "\n"
