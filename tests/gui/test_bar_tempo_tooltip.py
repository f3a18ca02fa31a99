"""The window's bar table says the played tempo in the score's beat ("♩. = 48")."""

from __future__ import annotations

from PySide6.QtCore import Qt

from musicpractice.gui.bar_table import FIXED, BarTableModel
from tests.compare.test_counted_beat import six_eight_comparison


def test_the_tempo_cell_tells_the_played_tempo_in_dotted_quarters(qtbot, tmp_path):
    model = BarTableModel()
    model.set_comparison(six_eight_comparison(tmp_path))
    column = len(FIXED) + [m.key for m in model.measures].index("tempo")
    tips = [model.data(model.index(r, column), Qt.ItemDataRole.ToolTipRole)
            for r in range(model.rowCount())]
    played = [t for t in tips if "played ♩. = " in t]
    assert played and all("reference ♩. = 60" in t for t in played)
    assert abs(sorted(int(t.split("played ♩. = ")[1].split(",")[0]) for t in played)[
        len(played) // 2] - 48) <= 2
