"""BulkRowsSheet writes the same workbook as xlsxwriter's per-cell calls, part by part."""

from __future__ import annotations

import zipfile
from decimal import Decimal
from pathlib import Path

import pytest
import xlsxwriter
from xlsxwriter.worksheet import Worksheet

from newmedia_audit.models import AuditResult
from newmedia_audit.report import xlsx as xlsx_module
from newmedia_audit.report.tables import Cell, Sheet
from newmedia_audit.report.xlsx import _write as write_cell
from newmedia_audit.report.xlsx import write_xlsx
from newmedia_audit.report.xlsx_rows import BulkRowsSheet

from .conftest import FORMULA

TRICKY_ROWS: list[list[Cell]] = [
    ["市直", "咸宁发布", None, "", 12, 87.5, True, False, FORMULA, "第一行\n第二行", Decimal("1.50")],
    [None, None, None, None, None, None, None, None, None, None, None],  # no cell at all
    ["", "", "x", None, 0, -3.25, None, None, "<script>&amp;</script>", " 前后空格 ", None],
    ["栏" * 40_000, "😀" * 20_000, "a\nb", None, 10**17, 1e-9, None, None, "\x01控制", "\t", "尾"],
    # One cell per row, in a column moving with the row: the 16-row span blocks differ.
    *[[None] * (i % 7) + [f"行{i}\n" if i % 5 == 0 else i] + [None] * (10 - i % 7) for i in range(40)],
]
HEADERS = [f"列{i}" for i in range(len(TRICKY_ROWS[0]))]


def _per_cell_workbook(path: Path, sheets: list[Sheet]) -> None:
    """The per-cell way: write() rules of xlsx.py before the bulk rows, through xlsxwriter's API."""
    wb = xlsxwriter.Workbook(str(path), xlsx_module.WORKBOOK_OPTIONS)
    header = wb.add_format({"bold": True})
    wrap = wb.add_format({"text_wrap": True})
    for sheet in sheets:
        ws: Worksheet = wb.add_worksheet(sheet.name)
        for c, text in enumerate(sheet.headers):
            ws.write_string(0, c, text, header)
        for r, values in enumerate(sheet.rows, start=1):
            for c, value in enumerate(values):
                fmt = wrap if isinstance(value, str) and "\n" in value else None
                write_cell(ws, r, c, value, fmt)  # the per-cell path the report had before
        ws.set_column(9, 9, 60, wrap)  # a column format, as wide columns get
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(sheet.rows), len(sheet.headers) - 1)
    wb.close()


def _bulk_workbook(path: Path, sheets: list[Sheet]) -> None:
    wb = xlsxwriter.Workbook(str(path), xlsx_module.WORKBOOK_OPTIONS)
    header = wb.add_format({"bold": True})
    wrap = wb.add_format({"text_wrap": True})
    for sheet in sheets:
        ws = wb.add_worksheet(sheet.name, worksheet_class=BulkRowsSheet)
        assert isinstance(ws, BulkRowsSheet)
        ws.write_rows(0, [sheet.headers], header)
        ws.write_rows(1, sheet.rows, newline_format=wrap)
        ws.set_column(9, 9, 60, wrap)
        ws.freeze_panes(1, 0)
        ws.autofilter(0, 0, len(sheet.rows), len(sheet.headers) - 1)
    wb.close()


def _parts(path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(path) as archive:
        # core.xml holds the creation time; everything else must be equal.
        return {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}


def test_bulk_rows_write_the_same_parts_as_per_cell_calls(tmp_path: Path) -> None:
    sheets = [
        Sheet("甲", HEADERS, TRICKY_ROWS),
        Sheet("空表", HEADERS, []),
        Sheet("乙", HEADERS, TRICKY_ROWS[::-1]),  # shared strings reused across sheets
    ]
    _per_cell_workbook(tmp_path / "cells.xlsx", sheets)
    _bulk_workbook(tmp_path / "bulk.xlsx", sheets)
    cells, bulk = _parts(tmp_path / "cells.xlsx"), _parts(tmp_path / "bulk.xlsx")
    assert cells.keys() == bulk.keys()
    for name in cells:
        assert bulk[name] == cells[name], name


def test_the_report_workbook_is_the_per_cell_one(result: AuditResult, tmp_path: Path) -> None:
    # write_xlsx's detail sheets through the bulk rows against the same sheets through
    # plain worksheets written cell by cell (the class swapped back in).
    write_xlsx(result, tmp_path / "bulk.xlsx")

    class PerCell(Worksheet):
        def write_rows(self, first_row, rows, cell_format=None, newline_format=None):  # noqa: ANN001, ANN202
            for r, values in enumerate(rows, start=first_row):
                for c, value in enumerate(values):
                    fmt = cell_format or (
                        newline_format if isinstance(value, str) and "\n" in value else None
                    )
                    write_cell(self, r, c, value, fmt)

    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(xlsx_module, "BulkRowsSheet", PerCell)
        write_xlsx(result, tmp_path / "cells.xlsx")
    cells, bulk = _parts(tmp_path / "cells.xlsx"), _parts(tmp_path / "bulk.xlsx")
    assert cells.keys() == bulk.keys()
    for name in cells:
        assert bulk[name] == cells[name], name


def test_nan_is_refused_as_xlsxwriter_refuses_it(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "nan.xlsx"))
    ws = wb.add_worksheet("表", worksheet_class=BulkRowsSheet)
    with pytest.raises(TypeError, match="NAN/INF"):
        ws.write_rows(0, [[float("nan")]])  # type: ignore[union-attr]
    wb.close()


def test_rows_out_of_order_are_refused(tmp_path: Path) -> None:
    wb = xlsxwriter.Workbook(str(tmp_path / "order.xlsx"))
    ws = wb.add_worksheet("表", worksheet_class=BulkRowsSheet)
    ws.write_rows(0, [["a"], ["b"]])  # type: ignore[union-attr]
    with pytest.raises(ValueError, match="increasing order"):
        ws.write_rows(1, [["c"]])  # type: ignore[union-attr]
    wb.close()


@pytest.mark.parametrize(
    "column",
    [[row[c] for row in TRICKY_ROWS] for c in range(len(HEADERS))]
    + [[1, 1.0, True, None, "", "ab"], ["咸宁" * 40, "x"], [None, None], [], ["短", "长长长长", "短"]],
)
def test_column_widths_measured_at_once_equal_cell_by_cell(column: list[Cell]) -> None:
    at_once, one_by_one = xlsx_module._Widths(), xlsx_module._Widths()
    at_once.see(0, "表头", extra=2)
    one_by_one.see(0, "表头", extra=2)
    at_once.see_column(0, column)
    for value in column:
        one_by_one.see(0, value)
    cap = xlsx_module.MAX_WIDTH  # past it a column looks the same however wide
    assert min(at_once.widths[0], cap) == min(one_by_one.widths[0], cap)


def test_ragged_rows_and_a_format_on_every_cell_as_per_cell_calls(tmp_path: Path) -> None:
    # Rows of different lengths, blank first and last rows, a format on blank cells too.
    rows: list[list[Cell]] = [[None, ""], ["甲"], [], [None, None, None, 3], ["乙", None, "丙\n丁"], [""]]
    paths = {"cells": tmp_path / "cells.xlsx", "bulk": tmp_path / "bulk.xlsx"}
    for way, path in paths.items():
        wb = xlsxwriter.Workbook(str(path), xlsx_module.WORKBOOK_OPTIONS)
        fixed, wrap = wb.add_format({"bold": True}), wb.add_format({"text_wrap": True})
        for name, cell_format in (("有格式", fixed), ("无格式", None)):
            if way == "bulk":
                ws = wb.add_worksheet(name, worksheet_class=BulkRowsSheet)
                ws.write_rows(2, rows, cell_format, wrap)  # type: ignore[union-attr]
                continue
            ws = wb.add_worksheet(name)
            for r, values in enumerate(rows, start=2):
                for c, value in enumerate(values):
                    newline = isinstance(value, str) and "\n" in value
                    write_cell(ws, r, c, value, cell_format or (wrap if newline else None))
        wb.close()
    cells, bulk = _parts(paths["cells"]), _parts(paths["bulk"])
    assert cells.keys() == bulk.keys()
    for name in cells:
        assert bulk[name] == cells[name], name
