"""Names the window's modules share: its icon and job keys."""

from __future__ import annotations

from musicpractice.core.resources import resource_path

ICON = resource_path("icons", "musicpractice.svg")
VIEW = "view"
"""Job key of the take shown in the take view."""
