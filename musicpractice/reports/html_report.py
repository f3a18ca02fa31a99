"""A report as one self-contained HTML page (plots as inline SVG, no scripts, no links)."""

from __future__ import annotations

import html

from musicpractice.reports.plots import svg_text
from musicpractice.reports.report_content import Report, Table

STYLE = """
body { font-family: "DejaVu Sans", Helvetica, Arial, sans-serif; color: #222;
       max-width: 52em; margin: 2em auto; padding: 0 1em; line-height: 1.45; }
h1 { font-size: 1.6em; margin-bottom: 0.1em; }
h2 { font-size: 1.2em; margin-top: 1.8em; border-bottom: 1px solid #ccc; }
.subtitle { color: #555; margin-top: 0; }
.intro { font-style: italic; color: #555; }
table { border-collapse: collapse; margin: 0.8em 0 0.2em; font-size: 0.85em; }
th, td { padding: 0.2em 0.6em; border-bottom: 1px solid #e4e4e4; }
th { text-align: left; background: #f3f3f3; font-weight: 600; }
td.num { text-align: right; font-variant-numeric: tabular-nums; }
caption { text-align: left; font-weight: 600; padding: 0.2em 0; }
.swatch { display: inline-block; width: 0.8em; height: 0.8em; margin-right: 0.4em; }
.note { font-size: 0.8em; color: #666; margin-bottom: 1.2em; }
figure { margin: 0.6em 0; } figure svg { width: 100%; height: auto; }
@media print { h2 { break-after: avoid; } table { break-inside: auto; } }
"""


def _table(table: Table) -> str:
    e = html.escape
    parts = ["<table>"]
    if table.title:
        swatch = (f'<span class="swatch" style="background:{e(table.colour)}"></span>'
                  if table.colour else "")
        parts.append(f"<caption>{swatch}{e(table.title)}</caption>")
    parts.append("<tr>" + "".join(f"<th>{e(h)}</th>" for h in table.header) + "</tr>")
    for row in table.rows:
        cells = "".join(f'<td class="num">{e(c)}</td>' if num else f"<td>{e(c)}</td>"
                        for c, num in zip(row, table.numeric))
        parts.append(f"<tr>{cells}</tr>")
    parts.append("</table>")
    if table.note:
        parts.append(f'<p class="note">{e(table.note)}</p>')
    return "\n".join(parts)


def report_html(report: Report) -> str:
    """The report as an HTML document (UTF-8 text)."""
    e = html.escape
    body = [f"<h1>{e(report.title)}</h1>", f'<p class="subtitle">{e(report.subtitle)}</p>',
            f'<p class="intro">{e(report.intro)}</p>']
    for section in report.sections:
        body.append(f"<h2>{e(section.heading)}</h2>")
        body += [f"<p>{e(p)}</p>" for p in section.paragraphs]
        if section.bullets:
            body.append("<ul>" + "".join(f"<li>{e(b)}</li>" for b in section.bullets) + "</ul>")
        body += [f"<figure>{svg_text(make())}</figure>" for make in section.figures]
        body += [_table(t) for t in section.tables]
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            f"<title>{e(report.title)}</title><style>{STYLE}</style></head>\n<body>\n"
            + "\n".join(body) + "\n</body></html>\n")
