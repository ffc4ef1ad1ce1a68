"""Sheets 附件1 and 附件2 of report.xlsx, laid out as seed 001 prints its attachments.

Row 1 "附件N", row 2 the title (centred across the table), then each table
(headers, rows) with a blank row between tables, and the note under them.
Every cell goes through ``BulkRowsSheet.write_rows`` (附件2's failing list is
as long as 新媒体不合格清单: at national scale tens of thousands of rows), so the
title is centred across the columns rather than merged.
"""

from __future__ import annotations

import heapq

import xlsxwriter
from xlsxwriter.format import Format

from .attachments import Attachment
from .labels import display_width
from .tables import Cell
from .xlsx_print import set_print
from .xlsx_rows import BulkRowsSheet

MIN_WIDTH = 8
MAX_WIDTH = 60


def attachment_formats(wb: xlsxwriter.Workbook) -> dict[str, Format]:
    """The formats of the attachment sheets (a table prints with borders, like the seed's)."""
    return {
        "label": wb.add_format({"bold": True, "font_size": 12}),
        "title": wb.add_format(
            {"bold": True, "font_size": 16, "align": "center_across", "valign": "vcenter"}
        ),
        "header": wb.add_format(
            {"bold": True, "border": 1, "align": "center", "valign": "vcenter", "text_wrap": True}
        ),
        "cell": wb.add_format({"border": 1, "valign": "vcenter", "text_wrap": True}),
        "note": wb.add_format({"italic": True}),
    }


MEASURED = 50
"""Longest texts of a column measured for its width (a width is cosmetic, and capped anyway)."""


def _widths(attachment: Attachment, columns: int) -> list[int]:
    """Fitted column widths, from the headers and each column's longest texts."""
    widths = [0] * columns
    for table in attachment.tables:
        for col, header in enumerate(table.headers):
            texts = {str(row[col]) for row in table.rows if row[col] is not None}
            longest = heapq.nlargest(MEASURED, texts, key=len)
            widths[col] = max(widths[col], display_width(header), *map(display_width, longest))
    return [min(max(w + 2, MIN_WIDTH), MAX_WIDTH) for w in widths]


def write_attachment(wb: xlsxwriter.Workbook, attachment: Attachment, fmts: dict[str, Format]) -> None:
    """One attachment sheet, its print set-up included (fmts: attachment_formats(wb))."""
    ws = wb.add_worksheet(attachment.name, worksheet_class=BulkRowsSheet)
    assert isinstance(ws, BulkRowsSheet)
    columns = max((len(t.headers) for t in attachment.tables), default=1)
    widths = _widths(attachment, columns)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width)
    ws.write_rows(0, [[attachment.name]], fmts["label"])
    title_row: list[Cell] = [attachment.title, *([None] * (columns - 1))]
    ws.write_rows(1, [title_row], fmts["title"])
    ws.set_row(1, 30)
    row = 2
    header_rows: list[int] = []
    for index, table in enumerate(attachment.tables):
        if index:
            row += 1  # a blank row between two tables
        header_rows.append(row)
        ws.write_rows(row, [table.headers], fmts["header"])
        ws.write_rows(row + 1, table.rows, fmts["cell"])
        row += 1 + len(table.rows)
    if attachment.note:
        ws.write_rows(row, [[attachment.note]], fmts["note"])
        row += 1
    # Printed from the first table on: the page header carries 附件N and the title on
    # every page; the last table's header (the long one) repeats from the page it is on.
    ws.print_area(header_rows[0] if header_rows else 0, 0, max(row - 1, 0), columns - 1)
    last = header_rows[-1] if header_rows else 0
    set_print(ws, width=sum(widths), title=attachment.title, label=attachment.name, repeat=(last, last))
