"""How fast a comparison and its exports are, as multiples of real time.

Imports the Chopin Op. 10/3 pair (Varsi, Igoshina) and its MIDI score from
../shared/data/alignment into a temporary session and times:

- ``compare_takes`` cold (both takes analysed and aligned) and warm (from the cache);
- the report as PDF and as HTML, the CSV tables, the MIDI and MusicXML melody.

Prints one row per step: seconds and how many times faster than the audio plays
(``x real time`` = seconds of audio / seconds of work). Run:
``.venv/bin/python benchmarks/compare_speed.py``
"""

from __future__ import annotations

import sys
import tempfile
import time
from pathlib import Path

from musicpractice.compare.model import compare_takes
from musicpractice.reports.comparison_exports import write_report
from musicpractice.compare.differences import describe_differences
from musicpractice.reports.tables import write_csv_tables
from musicpractice.reports.take_exports import export_take
from musicpractice.session.store import Session

DATA = Path(__file__).resolve().parents[2] / "shared" / "data" / "alignment"


def main() -> None:
    if not DATA.is_dir():
        sys.exit(f"benchmark data not found at {DATA}")
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        session = Session.create(tmp / "bench", title="Chopin Op. 10/3")
        takes = [session.import_audio(DATA / f"Chopin_Op010-03-Measures1-8_{name}.wav",
                                      title=name) for name in ("Varsi", "Igoshina")]
        score = session.import_score(DATA / "Chopin_Op010-03-Measures1-8_MIDI.mid")
        audio_s = sum(t.duration_s for t in takes)
        ids = [t.id for t in takes]
        rows = []

        def step(name, fn):
            start = time.perf_counter()
            result = fn()
            rows.append((name, time.perf_counter() - start))
            return result

        comparison = step("compare, cold (analyse + align)",
                          lambda: compare_takes(session, score.id, ids))
        step("compare, warm (cached)", lambda: compare_takes(session, score.id, ids))
        differences = describe_differences(comparison)
        step("report PDF", lambda: write_report(comparison, differences, tmp / "r.pdf"))
        step("report HTML", lambda: write_report(comparison, differences, tmp / "r.html"))
        step("CSV tables", lambda: write_csv_tables(comparison, tmp / "csv"))
        step("melody MIDI", lambda: export_take(session, ids[1], "midi", tmp / "m.mid"))
        step("melody MusicXML", lambda: export_take(session, ids[1], "musicxml", tmp / "m.xml"))
        session.close()
    print(f"{len(ids)} takes, {audio_s:.1f} s of audio")
    print(f"{'step':<34} {'seconds':>8} {'x real time':>12}")
    for name, seconds in rows:
        print(f"{name:<34} {seconds:8.2f} {audio_s / seconds:12.1f}")


if __name__ == "__main__":
    main()
