"""The documents of a session folder: names, limits, and reading one JSON document safely
(size-limited, regular files only, UTF-8, no NaN or infinity, migrated to this version)."""

from __future__ import annotations

import json
import math
import os
import time
import uuid
from pathlib import Path

from musicpractice.core.file_kinds import file_kind, is_regular_file
from musicpractice.core.file_types import SCORE_EXTENSIONS  # noqa: F401 (store.py takes it from here)
from musicpractice.session.migrations import migrate

SESSION_FILE = "session.json"
TAKE_FILE = "take.json"
AUDIO_FILE = "audio.flac"
SESSION_SUFFIX = ".mpsession"
MAX_INT_DIGITS = 18
"""Longer whole numbers are never meant (six hours at 192 kHz is ten digits)."""
MAX_DOCUMENT_BYTES = 16 << 20
"""A session.json or take.json larger than this is refused as damaged."""


def utc_now() -> str:
    """The current time as ISO 8601 UTC, to the second."""
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())


def new_id() -> str:
    """A fresh id that sorts by creation time."""
    return time.strftime("%Y%m%d-%H%M%S", time.gmtime()) + "-" + uuid.uuid4().hex[:6]


def session_folder(path: str | os.PathLike) -> Path:
    """The folder ``path`` names: itself, its ``.mpsession`` sibling when only that
    exists, or the folder of a ``session.json``."""
    path = Path(path)
    if path.name == SESSION_FILE:
        return path.parent
    with_suffix = path.with_name(path.name + SESSION_SUFFIX)
    if not path.suffix and not path.exists() and with_suffix.exists():
        return with_suffix
    return path


class NonFiniteNumber(ValueError):
    """A JSON document holds ``NaN``, ``Infinity`` or ``-Infinity``."""


def _refuse_constant(name: str):
    raise NonFiniteNumber(name)


def _finite_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NonFiniteNumber(f"{text[:20]} (too large)")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise NonFiniteNumber(f"{text[:20]}... (too large)")
    return int(text)


def read_document(path: Path, fmt: str) -> tuple[dict, int]:
    """Parse and migrate one JSON document; ``ValueError``/``NewerSchema`` explain why not."""
    if path.exists() and not is_regular_file(path):
        raise ValueError(f"it is {file_kind(path)}, not a file")
    if path.stat().st_size > MAX_DOCUMENT_BYTES:
        raise ValueError(f"it is larger than {MAX_DOCUMENT_BYTES >> 20} MB")
    try:
        doc = json.loads(path.read_bytes().decode("utf-8"), parse_constant=_refuse_constant,
                         parse_float=_finite_float, parse_int=_bounded_int)
    except UnicodeDecodeError as error:
        raise ValueError("it is not UTF-8 text") from error
    except json.JSONDecodeError as error:
        raise ValueError(f"it is not valid JSON (line {error.lineno}, column {error.colno}: "
                         f"{error.msg})") from error
    except NonFiniteNumber as error:
        raise ValueError(f"it holds {error}, which is not a number JSON allows") from error
    except RecursionError as error:
        raise ValueError("it is nested too deeply") from error
    if not isinstance(doc, dict):
        raise ValueError("it does not hold a JSON object")
    return migrate(doc, fmt)
