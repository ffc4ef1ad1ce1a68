"""Lenient dates of registry exports: 2021-03-05, 2021/3/5, 2021年3月5日, 20210305, Excel serials."""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

_EXCEL_EPOCH = date(1899, 12, 30)  # Excel's day 0, after its 1900 leap-year bug
_YMD = re.compile(r"(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[\sT].*)?")
_COMPACT = re.compile(r"(\d{4})(\d{2})(\d{2})")
_SERIAL = re.compile(r"\d{1,6}(?:\.\d+)?")


def parse_date(text: str) -> date | None:
    """A date from a cell, None for an empty cell.

    Raises:
        ValueError: the text is not a date in any accepted form.
    """
    value = unicodedata.normalize("NFKC", text).strip()
    if not value:
        return None
    match = _YMD.fullmatch(value) or _COMPACT.fullmatch(value)
    if match:
        year, month, day = (int(g) for g in match.groups())
        return date(year, month, day)  # ValueError for 2021-02-30
    if _SERIAL.fullmatch(value):
        serial = float(value)
        if 1 <= serial < 2958466:  # Excel's last date is 9999-12-31
            return _EXCEL_EPOCH + timedelta(days=int(serial))
    raise ValueError(value)
