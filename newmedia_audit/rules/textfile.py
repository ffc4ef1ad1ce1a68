"""Reading the small text files the rules accept (lexicons, overrides, previous verdicts)."""

from __future__ import annotations

import csv
import io
from pathlib import Path

from ..csvcells import restore_cell
from ..errors import InputError


def read_text(path: Path) -> str:
    """Text of a file in UTF-8 (with or without BOM), else GB18030.

    Raises:
        InputError: the file is missing, unreadable or in neither encoding.
    """
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError as exc:
        raise InputError("文件不存在", file=str(path)) from exc
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror}", file=str(path)) from exc
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("文件编码无法识别（应为 UTF-8 或 GB18030）", file=str(path))


def csv_rows(text: str, source: str) -> list[list[str]]:
    """The rows of CSV text (a lone CR inside a cell, a huge cell: InputError, not csv.Error).

    Raises:
        InputError: the text is not CSV, naming ``source``.
    """
    try:
        # A cell the tool wrote with a quote before "=+-@" (csvcells.py) reads back as it was.
        rows = csv.reader(io.StringIO(text, newline=""))
        return [[restore_cell(c) if c[:1] == "'" else c for c in row] for row in rows]
    except csv.Error as exc:
        raise InputError(f"CSV 格式有误：{exc}", file=source) from exc
