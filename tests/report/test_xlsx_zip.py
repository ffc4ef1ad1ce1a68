"""report.xlsx's parts deflated at the faster level: the same parts, a valid workbook."""

from __future__ import annotations

import zipfile
import zlib
from pathlib import Path

import openpyxl
import xlsxwriter.workbook

from newmedia_audit.models import AuditResult
from newmedia_audit.report.xlsx import write_xlsx
from newmedia_audit.report.xlsx_zip import DEFLATE_LEVEL


def test_parts_are_deflated_at_the_fast_level_and_the_workbook_opens(
    result: AuditResult, tmp_path: Path
) -> None:
    path = tmp_path / "report.xlsx"
    write_xlsx(result, path)
    assert xlsxwriter.workbook.ZipFile is zipfile.ZipFile  # swapped only while closing
    with zipfile.ZipFile(path) as archive:
        assert archive.testzip() is None
        for info in archive.infolist():
            data = archive.read(info)
            assert info.compress_type == zipfile.ZIP_DEFLATED
            fast = zlib.compressobj(DEFLATE_LEVEL, zlib.DEFLATED, -zlib.MAX_WBITS)
            assert info.compress_size == len(fast.compress(data) + fast.flush()), info.filename
    book = openpyxl.load_workbook(path, read_only=True)
    assert "新媒体明细" in book.sheetnames
    book.close()
