"""Read a .xlsx or .csv file into numbered rows of trimmed strings and map its headers.

Row numbers are the ones a spreadsheet shows: the header row is 1 when the table
starts at the top, the first data row 2. Fully empty rows are dropped but keep
their numbers counted. Headers are compared with all whitespace removed (the seed
tables write 单位 名称 and 市直/ 县(市、区)), after NFKC (full-width brackets), and
case-insensitively for the English keys.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
import zipfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

from ..errors import InputError

EXCEL_SUFFIXES = frozenset({".xlsx", ".xlsm", ".xls"})
CSV_SUFFIXES = frozenset({".csv", ".txt", ".tsv"})
HEADER_SCAN_ROWS = 10  # a title line or two may sit above the header
_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff"
_SPACE_RE = re.compile(rf"[\s{_ZERO_WIDTH}]+")
_BRACKETED_RE = re.compile(r"\([^)]*\)|\[[^\]]*\]|【[^】]*】")
_CELL_RE = re.compile(r"([A-Z]+)(\d+)")

NumberedRow = tuple[int, list[str]]


def clean_cell(value: object) -> str:
    """A cell as a trimmed string ('' for None), zero-width characters removed at both ends."""
    if value is None:
        return ""
    return str(value).strip().strip(_ZERO_WIDTH).strip()


def squeeze(text: str) -> str:
    """Remove every whitespace and zero-width character (市教 育局 -> 市教育局)."""
    return _SPACE_RE.sub("", text)


def normalize_header(text: str) -> str:
    """Comparable form of a header: NFKC, no whitespace, lower case, no * marks."""
    return squeeze(unicodedata.normalize("NFKC", text)).lower().strip("*")


def _strip_brackets(text: str) -> str:
    return _BRACKETED_RE.sub("", text)


@dataclass(frozen=True)
class TableSpec:
    """Header aliases per key and the required keys of one kind of file.

    Attributes:
        aliases: key -> headers that mean it; the first is the canonical Chinese header.
        required: keys that must be present; a tuple entry means "one of these".
    """

    aliases: Mapping[str, Sequence[str]]
    required: Sequence[str | tuple[str, ...]] = ()

    def label(self, key: str) -> str:
        """Canonical Chinese header of a key."""
        names = self.aliases.get(key, ())
        return names[0] if names else key

    def match(self, headers: Sequence[str]) -> dict[str, int]:
        """key -> column index. Exact (normalized) matches win over matches without brackets."""
        normalized = [normalize_header(h) for h in headers]
        loose = [normalize_header(_strip_brackets(unicodedata.normalize("NFKC", h))) for h in headers]
        found: dict[str, int] = {}
        taken: set[int] = set()
        for candidates in (normalized, loose):
            for key, names in self.aliases.items():
                if key in found:
                    continue
                for name in [key, *names]:
                    wanted = normalize_header(name)
                    hits = [i for i, h in enumerate(candidates) if h and h == wanted and i not in taken]
                    if hits:
                        found[key] = hits[0]
                        taken.add(hits[0])
                        break
        return found

    def missing(self, found: Mapping[str, int]) -> list[str]:
        """Labels of the required keys (or groups) absent from ``found``."""
        out: list[str] = []
        for need in self.required:
            group = (need,) if isinstance(need, str) else need
            if not any(key in found for key in group):
                out.append("或".join(self.label(key) for key in group))
        return out


@dataclass(frozen=True)
class Row:
    """One non-empty data row.

    Attributes:
        number: the row number a spreadsheet shows.
        values: every cell of the row, trimmed, padded to the header width.
        cells: key -> trimmed value, for the mapped columns ('' when empty).
    """

    number: int
    values: list[str]
    cells: dict[str, str]

    def get(self, key: str) -> str:
        """The value of a mapped column, '' when the column is absent."""
        return self.cells.get(key, "")

    @property
    def filled(self) -> list[str]:
        """The non-empty cells of the row."""
        return [v for v in self.values if v]


@dataclass
class Table:
    """A file's header and data rows."""

    file: str
    spec: TableSpec
    headers: list[str]
    header_row: int
    columns: dict[str, int] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)

    def has(self, key: str) -> bool:
        """True when the file has a column for the key."""
        return key in self.columns

    def header(self, key: str) -> str:
        """The header as written in the file, else the canonical one."""
        index = self.columns.get(key)
        if index is None:
            return self.spec.label(key)
        return self.headers[index] or self.spec.label(key)

    def error(self, row: Row, key: str, message: str, value: str | None = None) -> InputError:
        """An InputError for one cell of a data row."""
        return InputError(
            message,
            file=self.file,
            row=row.number,
            column=self.header(key),
            value=row.get(key) if value is None else value,
        )


def read_rows(path: Path) -> list[NumberedRow]:
    """Numbered, trimmed, non-empty rows of a .xlsx/.xls or .csv file.

    Raises:
        InputError: the file is missing, unreadable, of an unknown kind or encoding.
    """
    name = str(path)
    if not path.is_file():
        raise InputError("文件不存在或不是普通文件", file=name)
    suffix = path.suffix.lower()
    if suffix in EXCEL_SUFFIXES:
        rows = _read_excel_rows(path)
    elif suffix in CSV_SUFFIXES:
        rows = _read_csv_rows(path)
    else:
        raise InputError(f"不支持的文件类型「{path.suffix}」，请使用 .xlsx 或 .csv", file=name)
    return [(n, cells) for n, cells in rows if any(cells)]


def read_table(path: Path, spec: TableSpec) -> Table:
    """Read a file and map its header through the spec's aliases.

    The header is the first of the first few non-empty rows that holds every
    required column (title lines above it are allowed); data rows follow it.

    Raises:
        InputError: unreadable file, empty file, or a required column missing
            (the message names the file and the columns found).
    """
    name = str(path)
    rows = read_rows(path)
    if not rows:
        raise InputError("文件为空，没有表头", file=name)
    best: tuple[int, dict[str, int]] | None = None
    for index, (_, cells) in enumerate(rows[:HEADER_SCAN_ROWS]):
        found = spec.match(cells)
        if not spec.missing(found):
            return _build_table(name, spec, rows, index, found)
        if best is None or len(found) > len(best[1]):
            best = (index, found)
    assert best is not None
    index, found = best
    number, headers = rows[index]
    missing = spec.missing(found)
    seen = "、".join(h for h in headers if h) or "（无）"
    raise InputError(
        f"缺少必需的列：{'、'.join(missing)}。文件第 {number} 行的列为：{seen}",
        file=name,
        column="、".join(missing),
    )


def _build_table(
    name: str, spec: TableSpec, rows: list[NumberedRow], index: int, found: dict[str, int]
) -> Table:
    number, headers = rows[index]
    width = len(headers)
    table = Table(file=name, spec=spec, headers=list(headers), header_row=number, columns=found)
    for row_number, cells in rows[index + 1 :]:
        values = list(cells[:width]) + [""] * max(0, width - len(cells))
        if not any(values):
            continue
        mapped = {key: values[i] for key, i in found.items()}
        table.rows.append(Row(number=row_number, values=values, cells=mapped))
    return table


def _decode(data: bytes, name: str) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise InputError("无法识别文件编码，请另存为 UTF-8 或 GB18030 编码的 CSV", file=name)


def _read_csv_rows(path: Path) -> list[NumberedRow]:
    name = str(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"无法读取文件：{exc.strerror or exc}", file=name) from exc
    text = _decode(data, name)
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = "\t" if path.suffix.lower() == ".tsv" or ("\t" in first and "," not in first) else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        return [(n, [clean_cell(c) for c in cells]) for n, cells in enumerate(reader, start=1)]
    except csv.Error as exc:
        raise InputError(f"CSV 格式有误：{exc}", file=name) from exc


def _read_excel_rows(path: Path) -> list[NumberedRow]:
    import polars as pl  # heavy import, only for spreadsheets

    name = str(path)
    try:
        frames = pl.read_excel(
            path,
            sheet_id=0,
            engine="calamine",
            has_header=False,
            infer_schema_length=0,  # every column as strings
            drop_empty_rows=False,
            drop_empty_cols=False,
            raise_if_empty=False,
        )
    except Exception as exc:  # calamine/fastexcel raise their own types for corrupt files
        raise InputError(f"无法读取 Excel 文件：{exc}", file=name) from exc
    if not isinstance(frames, dict):
        frames = {"": frames}
    offsets = _xlsx_first_rows(path)
    fallback: list[NumberedRow] = []
    for sheet, frame in frames.items():
        start = offsets.get(sheet, 1)
        rows = [(start + i, [clean_cell(v) for v in values]) for i, values in enumerate(frame.iter_rows())]
        if any(any(cells) for _, cells in rows):
            # The first sheet with content is the table.
            return rows
        fallback = fallback or rows
    return fallback


def _xlsx_first_rows(path: Path) -> dict[str, int]:
    """Sheet name -> number of the first row calamine returns.

    calamine starts a sheet at its first stored cell, so leading empty rows
    vanish; we read that cell's row from the XML to keep spreadsheet numbers.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
            rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
            targets = {r.get("Id"): r.get("Target", "") for r in rels if r.get("Id")}
            out: dict[str, int] = {}
            for sheet in book.iter():
                if not sheet.tag.endswith("}sheet"):
                    continue
                rid = next((v for k, v in sheet.attrib.items() if k.endswith("}id")), None)
                target = targets.get(rid, "")
                member = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
                out[sheet.get("name", "")] = _first_cell_row(archive, member)
            return out
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError, OSError):
        return {}


def _first_cell_row(archive: zipfile.ZipFile, member: str) -> int:
    # A cell counts only with a stored value (<v> or inline <is>); styled blanks do not.
    with archive.open(member) as stream:
        current = 0
        for event, element in ElementTree.iterparse(stream, events=("start", "end")):
            tag = element.tag.rsplit("}", 1)[-1]
            if event == "start" and tag == "row":
                current = int(element.get("r", current + 1))
            elif event == "end" and tag == "c":
                if any(child.tag.rsplit("}", 1)[-1] in ("v", "is") for child in element):
                    match = _CELL_RE.fullmatch(element.get("r", ""))
                    return int(match.group(2)) if match else max(current, 1)
                element.clear()
    return 1
