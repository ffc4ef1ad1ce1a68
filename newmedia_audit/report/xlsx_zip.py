"""report.xlsx's parts deflated at a faster level than xlsxwriter's default.

At 100,000 accounts the workbook's parts hold about 90 MB of XML: zlib at its
default level 6 took 1.5 s of CPU, the longest single piece of writing the
workbook; level 1 takes 0.4 s for a file about a third larger (10.2 MB ->
13.6 MB). The parts inside are the same; only their compressed bytes change.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import xlsxwriter.workbook

DEFLATE_LEVEL = 1


class _FastZipFile(zipfile.ZipFile):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("compresslevel", DEFLATE_LEVEL)
        super().__init__(*args, **kwargs)


@contextmanager
def fast_deflate() -> Iterator[None]:
    """Workbooks closed inside the block deflate their parts at DEFLATE_LEVEL.

    xlsxwriter makes its ZipFile in Workbook._store_workbook with no level to
    pass, so the name it uses is swapped for the block (one workbook is closed
    at a time: the workbook is written by one thread).
    """
    original = xlsxwriter.workbook.ZipFile
    xlsxwriter.workbook.ZipFile = _FastZipFile  # type: ignore[misc]
    try:
        yield
    finally:
        xlsxwriter.workbook.ZipFile = original  # type: ignore[misc]
