"""A comparison written out: the student's report (HTML or PDF), and a plain-text summary."""

from __future__ import annotations

import os
from pathlib import Path

from musicpractice.compare.take_remarks import (
    another_piece_sentence,
    seems_another_piece,
    tuning_sentence,
)
from musicpractice.core.errors import InvalidParameterError
from musicpractice.compare.model import Comparison
from musicpractice.reports.files import check_writable, write_file
from musicpractice.reports.html_report import report_html
from musicpractice.reports.pdf_report import report_pdf
from musicpractice.compare.progress import Progress
from musicpractice.session.agreement import Agreement
from musicpractice.reports.verdicts import take_warnings
from musicpractice.reports.report_content import Table, bar_table, build_report

REPORT_SUFFIXES = (".html", ".htm", ".pdf")


def check_report_path(path: str | os.PathLike) -> Path:
    """``path`` as a Path if a report can be written there (checked before long work).

    Raises
    ------
    InvalidParameterError
        The suffix is neither ``.html``/``.htm`` nor ``.pdf``.
    ExportError
        Its folder does not exist.
    """
    path = Path(path)
    if path.suffix.lower() not in REPORT_SUFFIXES:
        raise InvalidParameterError(f"A report is written as .html or .pdf, not {path.name}.")
    return check_writable(path)


def write_report(comparison: Comparison, differences: list[str], path: str | os.PathLike,
                 progress: Progress | None = None, *, agreement: Agreement | None = None) -> Path:
    """Write the report as HTML or PDF, chosen by the file's suffix; returns the path.

    Raises
    ------
    InvalidParameterError
        The suffix is neither ``.html``/``.htm`` nor ``.pdf``.
    ExportError
        The file cannot be written.
    """
    path = check_report_path(path)
    report = build_report(comparison, differences, progress, agreement=agreement)
    pdf = path.suffix.lower() == ".pdf"
    return write_file(path, report_pdf(report) if pdf else report_html(report))


def text_table(table: Table) -> list[str]:
    """A table as aligned plain-text lines (numbers right-aligned), its note below."""
    cells = [table.header, *table.rows]
    widths = [max(len(row[k]) for row in cells) for k in range(len(table.header))]
    lines = ["  ".join(c.rjust(w) if num else c.ljust(w)
                       for c, w, num in zip(row, widths, table.numeric)).rstrip()
             for row in cells]
    return lines + ([table.note] if table.note else [])


def comparison_summary(comparison: Comparison, differences: list[str]) -> str:
    """The differences in words and a short bar table per take, as plain text."""
    lines = [(f"{comparison.session_title}: compared with {comparison.reference.kind} "
              f"{comparison.reference.title}"), ""]
    lines += [f"- {d}" for d in differences]
    lines += [f"- {s}" for s in map(tuning_sentence, comparison.takes) if s] + [""]
    for take in comparison.takes:
        if seems_another_piece(take):
            lines += [another_piece_sentence(take, comparison.reference.title), ""]
            continue
        table = bar_table(comparison, take)
        lines += [table.title, *text_table(table), ""]
    for take in comparison.takes:
        lines += [f"Note: {take.name}: {w}" for w in take_warnings(take)]
    lines += [f"Note: {w}" for w in comparison.warnings]
    return "\n".join(lines).rstrip() + "\n"
