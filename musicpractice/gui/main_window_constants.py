"""Names the window's modules share: its icon, the audio files it opens, job keys."""

from __future__ import annotations

from musicpractice.core.resources import resource_path

ICON = resource_path("icons", "musicpractice.svg")
AUDIO_SUFFIXES = {".wav", ".flac", ".ogg", ".mp3", ".m4a", ".aac", ".aif", ".aiff", ".opus", ".wma"}
VIEW = "view"
"""Job key of the take shown in the take view."""
