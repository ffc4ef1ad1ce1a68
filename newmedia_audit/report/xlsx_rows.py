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

from collections.abc import Callable, Sequence
from itertools import chain, zip_longest
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
        kept = rows[: max(0, self.xls_rowmax - first_row)]
        self._string_index = self.str_table.string_table
        self._register(kept)
        self._grow_dimensions(first_row, kept, keep_blanks=cell_format is not None)
        self._blocks.append((first_row, rows, cell_format, newline_format))

    def _register(self, rows: Sequence[Sequence[Cell]]) -> None:
        """Add the block's strings to the shared strings: indexes in row-major first-seen
        order and the count of every use, as one _get_shared_string_index call per cell gives."""
        table = self.str_table
        texts = [
            value if value.__class__ is str and len(value) <= _SHORT else _shared_text(value)
            for value in chain.from_iterable(rows)
            if value is not None and value != ""
        ]
        used = len(texts) - texts.count(None)  # None: a number
        index = table.string_table
        new = [text for text in dict.fromkeys(texts) if text is not None and text not in index]
        index.update(zip(new, range(table.unique_count, table.unique_count + len(new)), strict=True))
        table.unique_count += len(new)
        table.count += used

    def _grow_dimensions(self, first_row: int, rows: Sequence[Sequence[Cell]], keep_blanks: bool) -> None:
        """The sheet's used range grown by the block's non-blank cells (every cell when
        ``keep_blanks``), as a _check_dimensions call per cell grows it."""
        used_columns = [
            col
            for col, column in enumerate(zip_longest(*rows, fillvalue=_ABSENT))
            if len(column)
            > column.count(_ABSENT) + (0 if keep_blanks else column.count(None) + column.count(""))
        ]
        if not used_columns:
            return
        used_rows = [r for r in (0, len(rows) - 1) if keep_blanks and rows[r] or not _blank(rows[r])]
        if len(used_rows) < 2:  # a first or last row without a cell (rare): look for the used ones
            used_rows = [
                r for r, values in enumerate(rows) if (values if keep_blanks else not _blank(values))
            ]
        self._check_dimensions(first_row + used_rows[0], used_columns[0])
        self._check_dimensions(first_row + used_rows[-1], used_columns[-1])

    def _write_rows(self) -> None:
        # Called by Worksheet._write_sheet_data at close, once formats have their indexes.
        width = (self.dim_colmax or 0) + 1
        names = [xl_col_to_name(col) for col in range(width)]
        column_styles = [self._column_style(col) for col in range(width)]
        block: list[tuple[int, int, int, str]] = []  # (row, first col, last col, cells) of one span block
        for first_row, rows, cell_format, newline_format in self._blocks:
            kept = rows[: max(0, self.xls_rowmax - first_row)]
            numbers = [str(row + 1) for row in range(first_row, first_row + len(kept))]
            cells = self._render_columns(
                numbers, kept, names, column_styles, _style(cell_format), _style(newline_format)
            )
            for row, parts in enumerate(zip(*cells, strict=True), start=first_row):
                if block and block[0][0] // _SPAN_ROWS != row // _SPAN_ROWS:
                    self._flush(block)
                    block = []
                if parts[0] and parts[-1]:  # most rows
                    block.append((row, 0, len(parts) - 1, "".join(parts)))
                    continue
                used = [col for col, part in enumerate(parts) if part]
                if used:
                    block.append((row, used[0], used[-1], "".join(parts)))
        self._flush(block)

    def _flush(self, block: list[tuple[int, int, int, str]]) -> None:
        """The rows of one 16-row block, each with the block's span of used columns."""
        if not block:
            return
        span = f"{min(first for _, first, _, _ in block) + 1}:{max(last for _, _, last, _ in block) + 1}"
        self.fh.write(
            "".join(f'<row r="{row + 1}" spans="{span}">{cells}</row>' for row, _, _, cells in block)
        )

    def _render_columns(
        self,
        numbers: list[str],
        rows: Sequence[Sequence[Cell]],
        names: list[str],
        column_styles: list[str],
        fixed: str,
        newline: str,
    ) -> list[list[str]]:
        """Each column's cell elements, one a row ("" where there is no cell).

        A column at a time: one comprehension over its values costs a third of
        a loop over each row's cells.
        """
        index_of = self._string_index.__getitem__
        rendered = []
        for col, column in enumerate(zip_longest(*rows, fillvalue=_ABSENT)):
            name = names[col] if col < len(names) else xl_col_to_name(col)
            plain = fixed or (column_styles[col] if col < len(column_styles) else "")
            wrapped = fixed or newline or plain
            rendered.append(
                [
                    f'<c r="{name}{number}"{wrapped if _NEWLINE in value else plain} t="s"><v>{index_of(value)}</v></c>'
                    if value.__class__ is str and value and len(value) <= _SHORT
                    else _cell(f"{name}{number}", value, fixed, plain, wrapped, index_of)
                    for number, value in zip(numbers, column, strict=True)
                ]
            )
        return rendered

    def _column_style(self, col: int) -> str:
        info = self.col_info.get(col)
        return "" if info is None else _style(info.column_format)


_NEWLINE = "\n"
_ABSENT = object()  # past the end of a row shorter than others: no cell, whatever the format


def _blank(values: Sequence[Cell]) -> bool:
    return all(value is None or value == "" for value in values)


def _shared_text(value: object) -> str | None:
    """The shared string a cell other than a short str registers; None for a number."""
    if isinstance(value, bool):
        return _BOOL_TEXT[value]
    if isinstance(value, int | float):
        if isnan(value) or isinf(value):
            raise TypeError(
                "NAN/INF not supported in write_number() without 'nan_inf_to_errors' Workbook() option"
            )
        return None
    return _cell_text(value)


def _cell(
    ref: str, value: object, fixed: str, plain: str, wrapped: str, index_of: Callable[[str], int]
) -> str:
    """The element of a cell other than a short str ("" for none)."""
    if value is _ABSENT:
        return ""
    if value is None or value == "":
        return f'<c r="{ref}"{fixed}/>' if fixed else ""
    if isinstance(value, bool):
        return f'<c r="{ref}"{plain} t="s"><v>{index_of(_BOOL_TEXT[value])}</v></c>'
    if isinstance(value, int | float):
        return f'<c r="{ref}"{plain}><v>{value:.16G}</v></c>'
    style = wrapped if isinstance(value, str) and _NEWLINE in value else plain
    return f'<c r="{ref}"{style} t="s"><v>{index_of(_cell_text(value))}</v></c>'


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
