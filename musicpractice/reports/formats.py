"""The export kinds and schema names, in a module that imports nothing heavy: the command
line builds its options from them before any analysis or alignment code loads."""

ANALYSIS_SCHEMA = "musicpractice.analysis/1"
"""Schema name of a take's analysis JSON document (``musicpractice analyze --json``)."""
ALIGNMENT_SCHEMA = "musicpractice.alignment/1"
"""Schema name of the alignment JSON document (``musicpractice align --json``)."""
COMPARISON_SCHEMA = "musicpractice.comparison/1"
"""Schema name of the comparison JSON document (see the README)."""
SESSION_INFO_SCHEMA = "musicpractice.session-info/1"
"""Schema name of ``musicpractice session info --json``."""
LAYERS = ("notes", "beats", "bars")
"""Layers a label or Sonic Visualiser export can hold."""
TAKE_EXPORTS = ("midi", "musicxml", "labels", "sv", "timemap", "csv")
"""What ``musicpractice export`` can write for one take."""
