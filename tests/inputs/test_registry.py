"""Registry rows: dates, ids, cancelled filings, bad rows."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newmedia_audit.inputs import read_registry
from newmedia_audit.inputs.dates import parse_date

from .conftest import REGISTRY_HEADER, WriteCsv

REPO = Path(__file__).resolve().parents[2]


def filing(
    name: str = "咸宁发布",
    platform: str = "微信",
    account_id: str = "xnfb",
    url: str = "",
    status: str = "正常",
    filed_on: str = "2021-03-05",
) -> list[str]:
    return ["HB-1", name, platform, account_id, url, "咸宁市人民政府办公室", "市直", status, filed_on]


@pytest.mark.parametrize(
    "text",
    [
        "2021-03-05",
        "2021/3/5",
        "2021年3月5日",
        "2021.3.5",
        "20210305",
        "44260",
        "44260.0",
        "2021-03-05 00:00:00",
        " 2021 年 3 月 5 日 ",
    ],
)
def test_filing_dates_are_read_leniently(text: str) -> None:
    assert parse_date(text) == date(2021, 3, 5)


@pytest.mark.parametrize("text", ["2021-02-30", "去年", "3/5/2021x", "2021-13-01"])
def test_impossible_dates_are_refused(text: str) -> None:
    with pytest.raises(ValueError):
        parse_date(text)


def test_empty_date_is_none() -> None:
    assert parse_date("  ") is None


def test_sample_registry_reads_cleanly() -> None:
    result = read_registry(REPO / "registry" / "sample_registry.csv")
    assert result.errors == []
    assert len(result.items) == 12
    cancelled = [f for f in result.items if f.cancelled]
    assert [f.status for f in cancelled] == ["已注销"]


def test_id_is_derived_from_the_url_and_the_status_kept(write_csv: WriteCsv) -> None:
    rows = [
        REGISTRY_HEADER,
        filing(platform="微博", account_id="", url="https://weibo.com/u/2011000009", status="已注销"),
    ]
    (item,) = read_registry(write_csv(rows)).items
    assert (item.platform, item.account_id, item.status, item.cancelled) == (
        "weibo",
        "2011000009",
        "已注销",
        True,
    )
    assert item.filed_on == date(2021, 3, 5)


def test_a_filing_may_have_no_id_and_is_matched_by_name_later(write_csv: WriteCsv) -> None:
    result = read_registry(write_csv([REGISTRY_HEADER, filing(account_id="")]))
    assert result.errors == []
    assert result.items[0].account_id == ""


def test_unreadable_date_is_a_bad_row(write_csv: WriteCsv) -> None:
    result = read_registry(write_csv([REGISTRY_HEADER, filing(), filing(filed_on="三月五日")]))
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (3, "备案日期", "三月五日")
    assert "第 3 行" in str(error) and "值「三月五日」" in str(error)


def test_registry_bad_rows_are_all_reported(write_csv: WriteCsv) -> None:
    rows = [
        REGISTRY_HEADER,
        filing(name=""),
        filing(platform="飞信"),
        filing(platform="抖音", account_id="", url="https://weibo.com/u/1"),
    ]
    result = read_registry(write_csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "账号名称"), (3, "平台"), (4, "主页地址")]


def test_registry_without_a_name_column_stops_at_once(write_csv: WriteCsv) -> None:
    from newmedia_audit.errors import InputError

    with pytest.raises(InputError, match="账号名称"):
        read_registry(write_csv([["平台", "主办单位"], ["微信", "u"]]))
