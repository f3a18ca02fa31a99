"""The table a batch run writes: one row per audio file, appended as each file finishes.

A CSV table is appended to directly (flushed and synced after every row), so a crash loses
at most the files still in flight. A Parquet table cannot be appended to: its rows go to a
CSV journal beside it (``.NAME.parquet.journal.csv``) and the Parquet file is rewritten
from the old rows and the journal when the run ends. Either way a file analysed again
(changed content, a newer analysis) gets a new row, and :meth:`BatchTable.finish` keeps
only the newest row per file.

Rows are flat dicts of strings, numbers and ``None`` (an empty cell).
"""

from __future__ import annotations

import csv
import io
import math
import os
from pathlib import Path

from musicpractice.audio.atomic_file import atomic_writer
from musicpractice.core.errors import InvalidParameterError

SUFFIXES = (".csv", ".parquet")


def _cell(value) -> str:
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return ""
    return str(value)


def _read_csv(path: Path) -> tuple[list[str], list[dict]]:
    if not path.exists() or path.stat().st_size == 0:
        return [], []
    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        rows = [dict(row) for row in reader if row.get("file")]
        return list(reader.fieldnames or []), rows


class BatchTable:
    """A batch table at ``path`` (``.csv`` or ``.parquet``), read for resuming and appended to.

    ``last_columns`` are moved to the end of the final table (bookkeeping after results).

    Raises
    ------
    InvalidParameterError
        Another suffix, or an existing table that cannot be read.
    """

    def __init__(self, path: str | os.PathLike, *, last_columns: tuple[str, ...] = ()) -> None:
        self.path = Path(path)
        self._last_columns = last_columns
        if self.path.suffix.lower() not in SUFFIXES:
            raise InvalidParameterError(
                f"{self.path.name}: the table must be a .csv or .parquet file.")
        self.parquet = self.path.suffix.lower() == ".parquet"
        self._append_path = (self.path.with_name(f".{self.path.name}.journal.csv")
                             if self.parquet else self.path)
        old_rows = self._read_parquet() if self.parquet else []
        self._columns, journal_rows = _read_csv(self._append_path)
        self._rows = old_rows + journal_rows
        if self.parquet and old_rows and not self._columns:
            self._columns = list(old_rows[0])

    def _read_parquet(self) -> list[dict]:
        if not self.path.exists():
            return []
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(self.path)
        except Exception as error:  # pyarrow raises its own kinds for damaged files
            raise InvalidParameterError(
                f"{self.path.name} exists but is not a readable Parquet table ({error}); "
                "give another --out or move it away.") from error
        return [{k: _cell(v) for k, v in row.items()} for row in table.to_pylist()]

    def latest(self) -> dict[str, dict]:
        """The newest row per file (as strings), from the table and any unfinished journal."""
        return {row["file"]: row for row in self._rows}

    def append(self, row: dict) -> None:
        """Add one row and make it durable (written, flushed and synced)."""
        cells = {k: _cell(v) for k, v in row.items()}
        self._rows.append(cells)
        new_columns = [k for k in cells if k not in self._columns]
        if new_columns:  # a new column: the table is rewritten once with it
            self._columns += new_columns
            self._rewrite_csv(self._append_path, self._journal_rows())
            return
        with open(self._append_path, "a", newline="", encoding="utf-8") as handle:
            csv.DictWriter(handle, self._columns).writerow(cells)
            handle.flush()
            os.fsync(handle.fileno())

    def _journal_rows(self) -> list[dict]:
        if not self.parquet:
            return self._rows
        _, rows = _read_csv(self._append_path)
        return rows + [self._rows[-1]]

    def _rewrite_csv(self, path: Path, rows: list[dict]) -> None:
        text = io.StringIO()
        writer = csv.DictWriter(text, self._columns, restval="")
        writer.writeheader()
        writer.writerows(rows)
        with atomic_writer(path) as handle:
            handle.write(text.getvalue().encode("utf-8"))

    def finish(self) -> int:
        """Write the final table, the newest row per file in file order; returns its rows."""
        rows = sorted(self.latest().values(), key=lambda r: r["file"])
        self._columns = ([c for c in self._columns if c not in self._last_columns]
                         + [c for c in self._last_columns if c in self._columns])
        if not self.parquet:
            if rows:
                self._rewrite_csv(self.path, rows)
            return len(rows)
        import pyarrow as pa
        import pyarrow.parquet as pq

        columns = {c: [_typed(r.get(c, "")) for r in rows] for c in self._columns}
        buffer = io.BytesIO()
        pq.write_table(pa.table(columns), buffer)
        with atomic_writer(self.path) as handle:
            handle.write(buffer.getvalue())
        self._append_path.unlink(missing_ok=True)
        return len(rows)


def _typed(text: str):
    """A cell as a number where it is one (Parquet columns get a numeric type), else text."""
    if text == "":
        return None
    try:
        return float(text)
    except ValueError:
        return text
