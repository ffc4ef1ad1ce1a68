"""Worksheet rows rendered in bulk: the XML xlsxwriter writes, without its per-cell objects.

xlsxwriter stores every cell as an object in a dict of dicts and writes each
one through several method calls: for 100,000 accounts (1.7 million cells)
that was two thirds of the time of all reports. ``BulkRowsSheet`` takes whole
rows instead and renders the ``<sheetData>`` rows itself, in the same form
xlsxwriter 3.3.1 writes them (shared strings registered in the same order,
the same dimension, spans, cell references, style indexes and number text),
so the file is the same; ``tests/report/test_xlsx_rows.py`` compares both
ways part by part. Everything else of the sheet (columns, panes, filter,
the package) stays xlsxwriter's.

Only for sheets whose every cell goes through ``write_rows``: the per-cell
``write_*`` methods must not be mixed in.
"""

from __future__ import annotations

from collections.abc import Sequence
from math import isinf, isnan

from xlsxwriter.format import Format
from xlsxwriter.utility import _utf16_len, _utf16_truncate, xl_col_to_name
from xlsxwriter.worksheet import Worksheet

from .labels import TRUNCATION_MARKER
from .tables import Cell

EXCEL_CELL_LIMIT = 32_767
_SHORT = EXCEL_CELL_LIMIT // 2  # a str this short is stored as it is (_cell_text)
_SPAN_ROWS = 16  # xlsxwriter's span block: the "spans" attribute of each 16 rows


class BulkRowsSheet(Worksheet):
    """A worksheet whose rows are written a block at a time with ``write_rows``."""

    def __init__(self) -> None:
        super().__init__()
        # (first row, rows, format of every cell, format of strings holding a newline)
        self._blocks: list[tuple[int, Sequence[Sequence[Cell]], Format | None, Format | None]] = []
        # The workbook's string -> index table as filled at write time: at close the
        # workbook sorts it into a list and starts a new empty dict before sheets render.
        self._string_index: dict[str, int] = {}

    def write_rows(
        self,
        first_row: int,
        rows: Sequence[Sequence[Cell]],
        cell_format: Format | None = None,
        newline_format: Format | None = None,
    ) -> None:
        """Rows from ``first_row`` down, column 0 onwards, as ``write()`` would put each cell.

        None and "" are blank (no cell unless ``cell_format``), bool is 是/否,
        int/float a number, anything else its text. A cell gets ``cell_format``,
        else ``newline_format`` when it is a string holding a newline, else
        the column's format. Strings are registered in the workbook's shared
        strings now, in row order, as the per-cell calls would.
        """
        if self._blocks:
            last_first, last_rows, _, _ = self._blocks[-1]
            if first_row < last_first + len(last_rows):
                raise ValueError("write_rows: rows must come in increasing order, without overlap")
        limit = self.xls_rowmax
        register = self.str_table._get_shared_string_index
        self._string_index = self.str_table.string_table
        for offset, values in enumerate(rows):
            row = first_row + offset
            if row >= limit:
                break
            first = last = -1
            for col, value in enumerate(values):
                if value.__class__ is str and value:  # most cells
                    register(value if len(value) <= _SHORT else _cell_text(value))
                elif value is None or value == "":
                    if cell_format is None:
                        continue
                elif isinstance(value, bool):
                    register(_BOOL_TEXT[value])
                elif not isinstance(value, int | float):
                    register(_cell_text(value))
                elif isnan(value) or isinf(value):
                    raise TypeError(
                        "NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option"
                    )
                if first < 0:
                    first = col
                last = col
            if first >= 0:
                self._check_dimensions(row, first)
                self._check_dimensions(row, last)
        self._blocks.append((first_row, rows, cell_format, newline_format))

    def _write_rows(self) -> None:
        # Called by Worksheet._write_sheet_data at close, once formats have their indexes.
        width = (self.dim_colmax or 0) + 1
        names = [xl_col_to_name(col) for col in range(width)]
        column_styles = [self._column_style(col) for col in range(width)]
        block: list[tuple[int, int, int, str]] = []  # (row, first col, last col, cells) of one span block
        for first_row, rows, cell_format, newline_format in self._blocks:
            fixed = _style(cell_format)
            newline = _style(newline_format)
            for offset, values in enumerate(rows):
                row = first_row + offset
                if row >= self.xls_rowmax:
                    break
                if block and block[0][0] // _SPAN_ROWS != row // _SPAN_ROWS:
                    self._flush(block)
                    block = []
                rendered = self._render_row(row, values, names, column_styles, fixed, newline)
                if rendered is not None:
                    block.append((row, *rendered))
        self._flush(block)

    def _flush(self, block: list[tuple[int, int, int, str]]) -> None:
        """The rows of one 16-row block, each with the block's span of used columns."""
        if not block:
            return
        span = f"{min(first for _, first, _, _ in block) + 1}:{max(last for _, _, last, _ in block) + 1}"
        self.fh.write(
            "".join(f'<row r="{row + 1}" spans="{span}">{cells}</row>' for row, _, _, cells in block)
        )

    def _render_row(
        self,
        row: int,
        values: Sequence[Cell],
        names: list[str],
        column_styles: list[str],
        fixed: str,
        newline: str,
    ) -> tuple[int, int, str] | None:
        number = str(row + 1)
        index_of = self._string_index.__getitem__
        parts: list[str] = []
        first = last = -1
        for col, value in enumerate(values):
            if value.__class__ is str and value:  # most cells
                text = value if len(value) <= _SHORT else _cell_text(value)
                style = fixed or (newline if "\n" in value else "") or column_styles[col]
                parts.append(f'<c r="{names[col]}{number}"{style} t="s"><v>{index_of(text)}</v></c>')
            elif value is None or value == "":
                if not fixed:
                    continue
                parts.append(f'<c r="{names[col]}{number}"{fixed}/>')
            elif isinstance(value, bool):
                style = fixed or column_styles[col]
                parts.append(
                    f'<c r="{names[col]}{number}"{style} t="s"><v>{index_of(_BOOL_TEXT[value])}</v></c>'
                )
            elif isinstance(value, int | float):
                style = fixed or column_styles[col]
                parts.append(f'<c r="{names[col]}{number}"{style}><v>{value:.16G}</v></c>')
            else:
                wraps = isinstance(value, str) and "\n" in value
                style = fixed or (newline if wraps else "") or column_styles[col]
                parts.append(
                    f'<c r="{names[col]}{number}"{style} t="s"><v>{index_of(_cell_text(value))}</v></c>'
                )
            if first < 0:
                first = col
            last = col
        if not parts:
            return None
        return first, last, "".join(parts)

    def _column_style(self, col: int) -> str:
        info = self.col_info.get(col)
        return "" if info is None else _style(info.column_format)


_BOOL_TEXT = {True: "是", False: "否"}


def _style(cell_format: Format | None) -> str:
    return "" if cell_format is None else f' s="{cell_format._get_xf_index()}"'


def fit_cell(text: str) -> str:
    """The text cut to Excel's cell limit, ending with a marker when cut."""
    if len(text) <= EXCEL_CELL_LIMIT:
        return text
    return text[: EXCEL_CELL_LIMIT - len(TRUNCATION_MARKER)] + TRUNCATION_MARKER


def _cell_text(value: object) -> str:
    """What the per-cell path stores: the text cut to the limit, then xlsxwriter's UTF-16 cut."""
    text = fit_cell(str(value))
    if len(text) > EXCEL_CELL_LIMIT // 2 and _utf16_len(text) > EXCEL_CELL_LIMIT:
        text = _utf16_truncate(text, EXCEL_CELL_LIMIT)
    return text
