"""report.xlsx for people, written with xlsxwriter.

Sheets 附件1 and 附件2 (the notice's attachments, xlsx_attachments.py) come first,
then 汇总 and the tables. Every sheet is set up to print (xlsx_print.py).

strings_to_formulas and strings_to_urls are off, so a platform text such as
"=HYPERLINK(...)" stays text; every string goes through write_string anyway.
Cells longer than Excel's 32,767-character limit are cut with a marker.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import xlsxwriter
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from ..models import AuditResult
from .attachments import Attachment, Titles, attachments, report_titles
from .labels import display_width
from .summary import Summary, summarize
from .tables import (
    SUMMARY_GROUPS,
    SUMMARY_RATE_COLUMNS,
    Cell,
    Sheet,
    detail_sheets,
    summary_rows,
)
from .xlsx_attachments import attachment_formats, write_attachment
from .xlsx_print import set_print
from .xlsx_rows import EXCEL_CELL_LIMIT, BulkRowsSheet, fit_cell
from .xlsx_strings import ListStringsWorkbook
from .xlsx_zip import fast_deflate

__all__ = ["EXCEL_CELL_LIMIT", "fit_cell", "sheet_name", "sheet_widths", "write_workbook", "write_xlsx"]

SHEET_NAME_LIMIT = 31
MIN_WIDTH = 6
MAX_WIDTH = 60
RATE_FORMAT = '0.0"%"'
WORKBOOK_OPTIONS = {
    "strings_to_formulas": False,
    "strings_to_urls": False,
    "strings_to_numbers": False,
}


def sheet_name(name: str) -> str:
    """A valid sheet name: no []:*?/\\ and at most 31 characters."""
    cleaned = "".join("_" if ch in "[]:*?/\\" else ch for ch in name)
    return cleaned[:SHEET_NAME_LIMIT] or "Sheet"


def _cell_width(value: Cell) -> int:
    if value is None:
        return 0
    text = value if isinstance(value, str) else str(value)
    return max((display_width(line) for line in text.splitlines() or [""]), default=0)


class _Widths:
    """Tracks the widest cell of each column (CJK counts 2)."""

    def __init__(self) -> None:
        self.widths: dict[int, int] = {}

    def see(self, col: int, value: Cell, extra: int = 0) -> None:
        self.widths[col] = max(self.widths.get(col, 0), _cell_width(value) + extra)

    def see_column(self, col: int, values: list[Cell]) -> None:
        """``see`` for every value of a column, measuring only cells that could be wider.

        A cell is at most ``len + (UTF-8 bytes - len) / 2`` wide (exact for ASCII and
        CJK text, an upper bound otherwise), and past MAX_WIDTH the column looks the
        same however wide it is: at 100,000 rows this skips almost all of the measuring.
        """
        widest = self.widths.get(col, 0)
        distinct = [value for value in dict.fromkeys(values) if isinstance(value, str)]
        # Equal numbers can print differently (1, 1.0, True): each one is measured.
        distinct += [value for value in values if value is not None and not isinstance(value, str)]
        for value in distinct:
            if widest >= MAX_WIDTH:
                break
            text = value if isinstance(value, str) else str(value)
            length = len(text)
            if 2 * length > widest and length + len(text.encode("utf-8", "surrogatepass")) > 2 * widest:
                widest = max(widest, _cell_width(value))
        self.widths[col] = widest

    def apply(self, ws: Worksheet, wrap: Format) -> int:
        """Set each column's width; return their sum (what the sheet takes printed)."""
        total = 0
        for col, width in self.widths.items():
            fitted = min(max(width + 2, MIN_WIDTH), MAX_WIDTH)
            ws.set_column(col, col, fitted, wrap if width + 2 > MAX_WIDTH else None)
            total += fitted
        return total


def _write(ws: Worksheet, row: int, col: int, value: Cell, fmt: Format | None = None) -> None:
    if value is None or value == "":
        ws.write_blank(row, col, None, fmt)
    elif isinstance(value, bool):
        ws.write_string(row, col, "是" if value else "否", fmt)
    elif isinstance(value, int | float):
        ws.write_number(row, col, value, fmt)
    else:
        ws.write_string(row, col, fit_cell(str(value)), fmt)


def _page_title(titles: Titles | None, name: str) -> str:
    return f"{titles.sweep} {name}" if titles is not None else name


def _write_summary(
    wb: xlsxwriter.Workbook, summary: Summary, fmts: dict[str, Format], titles: Titles | None = None
) -> None:
    ws = wb.add_worksheet(sheet_name("汇总"))
    widths = _Widths()
    ws.merge_range(0, 0, 1, 0, "地区", fmts["header"])
    widths.see(0, "地区")
    col = 1
    for group, subs in SUMMARY_GROUPS:
        ws.merge_range(0, col, 0, col + len(subs) - 1, group, fmts["header"])
        for offset, sub in enumerate(subs):
            ws.write_string(1, col + offset, sub, fmts["header"])
            widths.see(col + offset, sub)
        col += len(subs)
    rows = summary_rows(summary)
    for r, values in enumerate(rows, start=2):
        is_total = r == len(rows) + 1
        for c, value in enumerate(values):
            if c in SUMMARY_RATE_COLUMNS:
                fmt = fmts["total_rate"] if is_total else fmts["rate"]
            else:
                fmt = fmts["total"] if is_total else None
            _write(ws, r, c, value, fmt)
            widths.see(c, value)
    width = widths.apply(ws, fmts["wrap"])
    set_print(ws, width=width, title=_page_title(titles, "汇总"), repeat=(0, 1))
    ws.freeze_panes(2, 1)
    # Filter over the district rows; the total row stays below it.
    ws.autofilter(1, 0, max(1, len(rows)), col - 1)


def sheet_widths(sheet: Sheet) -> dict[int, int]:
    """The widest cell of each column of a detail sheet (its header with room for the
    filter button). Worked out apart from the writing, so the parent process can do it
    while its child writes the workbook (xlsx_process.py)."""
    widths = _Widths()
    for c, header in enumerate(sheet.headers):
        widths.see(c, header, extra=2)  # room for the filter button
    for c, column in enumerate(zip(*sheet.rows, strict=True)):
        widths.see_column(c, list(column))
    return widths.widths


def _write_sheet_rows(wb: xlsxwriter.Workbook, sheet: Sheet, fmts: dict[str, Format]) -> BulkRowsSheet:
    ws = wb.add_worksheet(sheet_name(sheet.name), worksheet_class=BulkRowsSheet)
    assert isinstance(ws, BulkRowsSheet)
    ws.write_rows(0, [sheet.headers], fmts["header"])
    ws.write_rows(1, sheet.rows, newline_format=fmts["wrap"])
    return ws


def _finish_sheet(
    ws: Worksheet,
    sheet: Sheet,
    column_widths: dict[int, int],
    fmts: dict[str, Format],
    titles: Titles | None = None,
) -> None:
    """Column widths, print setup, frozen header and filter of a detail sheet."""
    widths = _Widths()
    widths.widths = dict(column_widths)
    width = widths.apply(ws, fmts["wrap"])
    set_print(ws, width=width, title=_page_title(titles, sheet.name), repeat=(0, 0))
    ws.freeze_panes(1, 0)
    ws.autofilter(0, 0, max(0, len(sheet.rows)), max(0, len(sheet.headers) - 1))


def write_xlsx(
    result: AuditResult,
    path: Path,
    summary: Summary | None = None,
    sheets: list[Sheet] | None = None,
    *,
    titles: Titles | None = None,
    front: list[Attachment] | None = None,
) -> None:
    """Write report.xlsx to ``path`` (xlsxwriter errors propagate to the caller).

    Args:
        titles: the sweep's titles (default: from result.as_of, without a city).
        front: 附件1 and 附件2 (default: attachments.attachments of the result).
    """
    summary = summary or summarize(result)
    sheets = sheets if sheets is not None else detail_sheets(result)
    titles = titles or report_titles(result.as_of)
    if front is None:
        front = attachments(result, summary, titles, sheets)
    write_workbook(path, summary, sheets, front, titles)


def write_workbook(
    path: Path,
    summary: Summary,
    sheets: list[Sheet],
    front: list[Attachment] | None = None,
    titles: Titles | None = None,
    widths: Callable[[], list[dict[int, int]]] | None = None,
) -> None:
    """report.xlsx from the figures and tables alone (picklable arguments, for a child process).

    Args:
        front: sheets printed first (附件1, 附件2); none when None.
        titles: the sweep's titles, for the page headers of the other sheets.
        widths: gives ``sheet_widths`` of each sheet, called once every sheet's rows
            are in (a child process reads them from its parent); None: worked out here.
            Rows first, then widths and print setup: the file is the same either way.
    """
    wb = ListStringsWorkbook(str(path), WORKBOOK_OPTIONS)
    try:
        fmts = {
            "header": wb.add_format(
                {"bold": True, "bg_color": "#DDEBF7", "border": 1, "align": "center", "valign": "vcenter"}
            ),
            "rate": wb.add_format({"num_format": RATE_FORMAT}),
            "total": wb.add_format({"bold": True, "top": 1}),
            "total_rate": wb.add_format({"bold": True, "top": 1, "num_format": RATE_FORMAT}),
            "wrap": wb.add_format({"text_wrap": True, "valign": "top"}),
        }
        if front:
            front_fmts = attachment_formats(wb)
            for attachment in front:
                write_attachment(wb, attachment, front_fmts)
        _write_summary(wb, summary, fmts, titles)
        written = [_write_sheet_rows(wb, sheet, fmts) for sheet in sheets]
        column_widths = widths() if widths is not None else [sheet_widths(sheet) for sheet in sheets]
        for ws, sheet, sheet_columns in zip(written, sheets, column_widths, strict=True):
            _finish_sheet(ws, sheet, sheet_columns, fmts, titles)
    finally:
        with fast_deflate():
            wb.close()
