"""Helpers to write small input files for the reader tests."""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest

LEDGER_HEADER = ["地区", "主办单位", "账号名称", "平台", "账号ID", "主页地址"]
REGISTRY_HEADER = [
    "备案编号",
    "账号名称",
    "平台",
    "账号ID",
    "主页地址",
    "主办单位",
    "地区",
    "状态",
    "备案日期",
]
WEBSITES_HEADER = ["单位名称", "突出问题", "得分"]

WriteCsv = Callable[..., Path]


def csv_text(rows: Sequence[Sequence[object]]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerows(rows)
    return out.getvalue()


@pytest.fixture
def write_csv(tmp_path: Path) -> WriteCsv:
    """write_csv(rows, name="x.csv", encoding="utf-8") -> path."""

    def write(rows: Sequence[Sequence[object]], name: str = "input.csv", encoding: str = "utf-8") -> Path:
        path = tmp_path / name
        path.write_bytes(csv_text(rows).encode(encoding))
        return path

    return write
