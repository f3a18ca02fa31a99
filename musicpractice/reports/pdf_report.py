"""A report as a PDF (A4, reportlab; plots as 200 dpi images, text as real text).

DejaVu Sans (shipped with matplotlib) is embedded, so comments in any script print, and
the PDF's text can be searched and copied.
"""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

import matplotlib
from reportlab.lib import colors
from reportlab.lib.enums import TA_RIGHT
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.platypus import (
    CondPageBreak,
    Image,
    ListFlowable,
    ListItem,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    TableStyle,
)
from reportlab.platypus import Table as PdfTable

from musicpractice import __version__
from musicpractice.reports.plots import png_bytes
from musicpractice.reports.report_content import Report, Table

FONT, BOLD = "DejaVuSans", "DejaVuSans-Bold"
MARGIN = 18 * mm
TEXT = colors.HexColor("#222222")
GREY = colors.HexColor("#666666")


def _fonts() -> None:
    if FONT in pdfmetrics.getRegisteredFontNames():
        return
    folder = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
    pdfmetrics.registerFont(TTFont(FONT, str(folder / "DejaVuSans.ttf")))
    pdfmetrics.registerFont(TTFont(BOLD, str(folder / "DejaVuSans-Bold.ttf")))
    pdfmetrics.registerFontFamily(FONT, normal=FONT, bold=BOLD, italic=FONT, boldItalic=BOLD)


def _styles() -> dict[str, ParagraphStyle]:
    base = ParagraphStyle("body", fontName=FONT, fontSize=9.5, leading=13, textColor=TEXT)
    return {
        "title": ParagraphStyle("title", parent=base, fontName=BOLD, fontSize=17, leading=21),
        "subtitle": ParagraphStyle("subtitle", parent=base, textColor=GREY, spaceAfter=4),
        "intro": ParagraphStyle("intro", parent=base, textColor=GREY, fontSize=9, spaceAfter=6),
        "h2": ParagraphStyle("h2", parent=base, fontName=BOLD, fontSize=12.5, leading=16,
                             spaceBefore=12, spaceAfter=5, keepWithNext=1),
        "body": base,
        "lead": ParagraphStyle("lead", parent=base, keepWithNext=1, spaceAfter=3),
        "cell": ParagraphStyle("cell", parent=base, fontSize=8, leading=10),
        "num": ParagraphStyle("num", parent=base, fontSize=8, leading=10, alignment=TA_RIGHT),
        "head": ParagraphStyle("head", parent=base, fontName=BOLD, fontSize=7.5, leading=9.5),
        "caption": ParagraphStyle("caption", parent=base, fontName=BOLD, fontSize=9.5,
                                  spaceBefore=8, spaceAfter=3, keepWithNext=1),
        "note": ParagraphStyle("note", parent=base, fontSize=7.5, leading=9.5, textColor=GREY,
                               spaceBefore=2),
    }


CELL_PADDING = 14.0
"""Horizontal padding of a table cell, points (reportlab's default 6 on each side, plus a
little)."""


def _widths(table: Table, width: float) -> list[float]:
    """Column widths fitting the text: the longest cell, and a header wraps at its words;
    scaled down to ``width`` (points) when the table would be wider."""
    natural = []
    for k, head in enumerate(table.header):
        cells = [row[k] for row in table.rows]
        text = max((pdfmetrics.stringWidth(c, FONT, 8) for c in cells), default=0.0)
        word = max(pdfmetrics.stringWidth(w, BOLD, 7.5) for w in head.split() or [""])
        natural.append(max(text, word) + CELL_PADDING)
    total = sum(natural)
    return natural if total <= width else [w * width / total for w in natural]


def _table(table: Table, styles, width: float) -> list:
    head = [Paragraph(escape(h), styles["head"]) for h in table.header]
    body = [[Paragraph(escape(c), styles["num" if num else "cell"])
             for c, num in zip(row, table.numeric)] for row in table.rows]
    pdf_table = PdfTable([head] + body, colWidths=_widths(table, width), repeatRows=1,
                         hAlign="LEFT")
    pdf_table.setStyle(TableStyle([
        ("BACKGROUND", (0, 0), (-1, 0), colors.HexColor("#f0f0f0")),
        ("LINEBELOW", (0, 0), (-1, -1), 0.4, colors.HexColor("#dddddd")),
        ("VALIGN", (0, 0), (-1, -1), "TOP"),
        ("TOPPADDING", (0, 0), (-1, -1), 2), ("BOTTOMPADDING", (0, 0), (-1, -1), 2),
    ]))
    out = []
    if table.title:
        swatch = (f'<font color="{table.colour}">■</font> ' if table.colour else "")
        out.append(Paragraph(swatch + escape(table.title), styles["caption"]))
    out.append(pdf_table)
    if table.note:
        out.append(Paragraph(escape(table.note), styles["note"]))
    return out


def _footer(canvas, doc) -> None:
    canvas.saveState()
    canvas.setFont(FONT, 7.5)
    canvas.setFillColor(GREY)
    canvas.drawString(MARGIN, 10 * mm, f"musicpractice {__version__}")
    canvas.drawRightString(A4[0] - MARGIN, 10 * mm, f"page {doc.page}")
    canvas.restoreState()


def report_pdf(report: Report) -> bytes:
    """The report as PDF bytes."""
    _fonts()
    styles = _styles()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=MARGIN, rightMargin=MARGIN,
                            topMargin=MARGIN, bottomMargin=MARGIN, title=report.title,
                            author="musicpractice", subject=report.subtitle)
    width = A4[0] - 2 * MARGIN
    story = [Paragraph(escape(report.title), styles["title"]),
             Paragraph(escape(report.subtitle), styles["subtitle"]),
             Paragraph(escape(report.intro), styles["intro"])]
    for section in report.sections:
        story.append(CondPageBreak(40 * mm))
        block = [Paragraph(escape(section.heading), styles["h2"])]
        block += [Paragraph(escape(p), styles["lead"]) for p in section.paragraphs]
        if section.bullets:
            block.append(ListFlowable(
                [ListItem(Paragraph(escape(b), styles["body"]), leftIndent=10)
                 for b in section.bullets], bulletType="bullet", start="•", leftIndent=10,
                bulletFontName=FONT, bulletFontSize=8))
        for make in section.figures:
            figure = make()
            fig_w, fig_h = figure.get_size_inches()
            block.append(Image(io.BytesIO(png_bytes(figure)), width=width,
                               height=width * fig_h / fig_w))
            block.append(Spacer(1, 2 * mm))
        story += block
        for table in section.tables:
            story += _table(table, styles, width)
    doc.build(story, onFirstPage=_footer, onLaterPages=_footer)
    return buffer.getvalue()
