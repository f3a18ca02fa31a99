"""Schema versions of ``session.json`` / ``take.json`` and the migrations between them.

Each document carries ``"format"`` and an integer ``"schema_version"``. Older documents
are migrated in memory, one registered step at a time; a document newer than
:data:`SCHEMA_VERSION` cannot be understood safely, so its session opens read-only.

Version history
---------------
1. The first layout (DESIGN.md): ``session.json`` with ``name`` and ``created``;
   ``take.json`` with ``sr`` and comments as plain strings.
2. Units in names and richer metadata: ``title``/``created_at``, ``take_order``;
   ``sample_rate_hz``; comments as ``{at_s, text, author, created_at}``; listener
   annotations.
"""

from __future__ import annotations

from typing import Callable

SESSION_FORMAT = "musicpractice.session"
TAKE_FORMAT = "musicpractice.take"
SCHEMA_VERSION = 2


class NewerSchema(Exception):
    """The document was written by a newer musicpractice."""


def _session_1_to_2(doc: dict) -> dict:
    doc = dict(doc)
    doc.setdefault("title", doc.pop("name", ""))
    doc.setdefault("created_at", doc.pop("created", ""))
    doc.setdefault("take_order", [])
    return doc


def _take_1_to_2(doc: dict) -> dict:
    doc = dict(doc)
    if "sr" in doc:
        doc.setdefault("sample_rate_hz", doc.pop("sr"))
    doc["comments"] = [
        {"at_s": 0.0, "text": c} if isinstance(c, str) else c for c in doc.get("comments") or []
    ]
    doc.setdefault("annotations", [])
    return doc


MIGRATIONS: dict[str, dict[int, Callable[[dict], dict]]] = {
    SESSION_FORMAT: {1: _session_1_to_2},
    TAKE_FORMAT: {1: _take_1_to_2},
}
"""``MIGRATIONS[format][n]`` turns a version-n document into version n + 1."""


def migrate(doc: dict, fmt: str) -> tuple[dict, int]:
    """Bring ``doc`` (a document of format ``fmt``) to :data:`SCHEMA_VERSION`.

    Returns
    -------
    (dict, int)
        The migrated document and the version it had.

    Raises
    ------
    NewerSchema
        Its version is above :data:`SCHEMA_VERSION`.
    ValueError
        ``format`` or ``schema_version`` is missing or wrong.
    """
    if doc.get("format") != fmt:
        raise ValueError(f"it is not a {fmt} document (its 'format' is {doc.get('format')!r})")
    version = doc.get("schema_version")
    if isinstance(version, bool) or not isinstance(version, int) or version < 1:
        raise ValueError(f"its 'schema_version' is {version!r}, not a version number")
    if version > SCHEMA_VERSION:
        raise NewerSchema(version)
    original = version
    while version < SCHEMA_VERSION:
        doc = MIGRATIONS[fmt][version](doc)
        version += 1
    doc["schema_version"] = version
    return doc, original
