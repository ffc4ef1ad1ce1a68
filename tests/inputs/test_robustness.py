"""Readers never raise anything but InputError, whatever the file holds."""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newmedia_audit.errors import InputError
from newmedia_audit.inputs import read_ledger, read_registry, read_websites

from .conftest import LEDGER_HEADER, REGISTRY_HEADER, WEBSITES_HEADER, csv_text

READERS: list[Callable[[Path], object]] = [read_ledger, read_registry, read_websites]
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

cell = st.one_of(
    st.text(max_size=12),
    st.sampled_from(
        [
            "微信",
            "微博",
            "抖音",
            "今日头条",
            "快手",
            "一票否决",
            "共扣2分",
            "98.5",
            "https://m.weibo.cn/u/1",
            "gh_x",
            "2021年2月30日",
            "",
        ]
    ),
)


def run_all(path: Path) -> None:
    for reader in READERS:
        try:
            result = reader(path)
        except InputError:
            continue
        assert all(isinstance(e, InputError) and e.row is not None for e in result.errors)  # type: ignore[attr-defined]


@SETTINGS
@given(st.binary(max_size=300))
def test_random_csv_bytes_raise_only_input_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.csv"
        path.write_bytes(data)
        run_all(path)


@SETTINGS
@given(st.binary(max_size=200))
def test_random_xlsx_bytes_raise_only_input_error(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "random.xlsx"
        path.write_bytes(data)
        run_all(path)


@SETTINGS
@given(
    st.sampled_from([LEDGER_HEADER, REGISTRY_HEADER, WEBSITES_HEADER]),
    st.lists(st.lists(cell, min_size=0, max_size=10), max_size=6),
)
def test_random_cells_under_real_headers_raise_only_input_error(
    header: list[str], rows: list[list[str]]
) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cells.csv"
        path.write_text(csv_text([header, *rows]), encoding="utf-8")
        run_all(path)


@settings(max_examples=20, deadline=None)
@given(
    st.sampled_from([LEDGER_HEADER, REGISTRY_HEADER, WEBSITES_HEADER]),
    st.lists(
        st.lists(st.one_of(cell, st.floats(allow_nan=False, allow_infinity=False)), max_size=10), max_size=5
    ),
)
def test_random_cells_in_xlsx_raise_only_input_error(header: list[str], rows: list[list[object]]) -> None:
    import xlsxwriter

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "cells.xlsx"
        book = xlsxwriter.Workbook(str(path), {"strings_to_formulas": False, "strings_to_numbers": False})
        sheet = book.add_worksheet()
        for r, values in enumerate([header, *rows]):
            for c, value in enumerate(values):
                sheet.write(r, c, value)
        book.close()
        run_all(path)
