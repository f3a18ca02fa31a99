"""The export kinds and schema names, in a module that imports nothing heavy: the command
line builds its options from them before any analysis or alignment code loads."""

COMPARISON_SCHEMA = "musicpractice.comparison/1"
"""Schema name of the comparison JSON document (see the README)."""
LAYERS = ("notes", "beats", "bars")
"""Layers a label or Sonic Visualiser export can hold."""
TAKE_EXPORTS = ("midi", "musicxml", "labels", "sv", "timemap", "csv")
"""What ``musicpractice export`` can write for one take."""
