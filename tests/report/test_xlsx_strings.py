"""The shared strings part written a list at a time is xlsxwriter's, byte for byte."""

from __future__ import annotations

import zipfile
from pathlib import Path

import xlsxwriter

from newmedia_audit.report.xlsx import WORKBOOK_OPTIONS
from newmedia_audit.report.xlsx_strings import ListStringsWorkbook

STRINGS = [
    "咸宁发布",
    "a & b < c > d",
    '"quoted"',
    "第一行\n第二行",
    "trailing\n",
    " 前导空格",
    "尾部空格 ",
    "\t",
    "\x01控制\x1f",
    "_x0041_ lookalike",
    "_x00zz_ not one",
    "<r><t>not rich</t></r>",
    "\ufffe\uffff",
    "😀" * 3,
    "\u3000全角空格",
    '=HYPERLINK("x")',
]


def test_shared_strings_part_is_xlsxwriters(tmp_path: Path) -> None:
    parts = {}
    for name, cls in (("plain", xlsxwriter.Workbook), ("list", ListStringsWorkbook)):
        path = tmp_path / f"{name}.xlsx"
        wb = cls(str(path), WORKBOOK_OPTIONS)
        ws = wb.add_worksheet("表")
        for row, text in enumerate(STRINGS):
            ws.write_string(row, 0, text)
        wb.close()
        with zipfile.ZipFile(path) as archive:
            parts[name] = {n: archive.read(n) for n in archive.namelist() if n != "docProps/core.xml"}
    assert parts["list"] == parts["plain"]
    assert b"xml:space" in parts["list"]["xl/sharedStrings.xml"]  # the slow path was taken too


def test_no_strings_no_part(tmp_path: Path) -> None:
    wb = ListStringsWorkbook(str(tmp_path / "empty.xlsx"))
    wb.add_worksheet("表").write_number(0, 0, 1)
    wb.close()
    with zipfile.ZipFile(tmp_path / "empty.xlsx") as archive:
        assert "xl/sharedStrings.xml" not in archive.namelist()
