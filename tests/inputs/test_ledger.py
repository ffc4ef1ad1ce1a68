"""Ledger rows: platform from 平台 or 新媒体类型, ids, bad rows, duplicates."""

from __future__ import annotations

from pathlib import Path

from newmedia_audit.errors import InputErrors
from newmedia_audit.inputs import errors_to_skipped, raise_for_errors, read_ledger

from .conftest import LEDGER_HEADER, WriteCsv

REPO = Path(__file__).resolve().parents[2]


def good(
    name: str = "咸宁发布", platform: str = "微信", account_id: str = "xianningfabu", url: str = ""
) -> list[str]:
    return ["市直", "咸宁市人民政府办公室", name, platform, account_id, url]


def test_sample_ledger_reads_cleanly_over_all_platforms() -> None:
    result = read_ledger(REPO / "registry" / "sample_ledger.csv")
    assert result.errors == []
    assert {a.platform for a in result.items} == {"wechat", "weibo", "douyin", "toutiao", "other:快手"}
    assert all(a.account_id for a in result.items if not a.platform.startswith("other:"))


def test_platform_is_derived_from_the_type_column_and_the_type_is_kept(write_csv: WriteCsv) -> None:
    rows = [
        ["地区", "主办单位", "账号名称", "新媒体类型", "账号ID"],
        ["市直", "u", "a", "微信订阅号", "wx_a"],
        ["市直", "u", "b", "新浪微博", "2011000001"],
        ["市直", "u", "c", "抖音短视频", "MS4wLjABAAAAc"],
        ["市直", "u", "d", "今日头条", "tokenD"],
        ["市直", "u", "e", "微信视频号", ""],
    ]
    result = read_ledger(write_csv(rows))
    assert result.errors == []
    assert [(a.platform, a.account_type) for a in result.items] == [
        ("wechat", "微信订阅号"),
        ("weibo", "新浪微博"),
        ("douyin", "抖音短视频"),
        ("toutiao", "今日头条"),
        ("other:微信视频号", "微信视频号"),
    ]


def test_type_fills_in_when_the_platform_cell_is_empty(write_csv: WriteCsv) -> None:
    rows = [
        ["地区", "主办单位", "账号名称", "平台", "账号类型", "账号ID"],
        ["市直", "u", "a", "", "微信服务号", "wx_a"],
    ]
    account = read_ledger(write_csv(rows)).items[0]
    assert (account.platform, account.account_type) == ("wechat", "微信服务号")


def test_other_platforms_need_no_id(write_csv: WriteCsv) -> None:
    result = read_ledger(write_csv([LEDGER_HEADER, good(platform="快手", account_id="")]))
    assert result.errors == []
    assert result.items[0].platform == "other:快手"
    assert result.items[0].account_id == ""


def test_unknown_platform_is_a_bad_row_with_row_column_and_value(write_csv: WriteCsv) -> None:
    path = write_csv([LEDGER_HEADER, good(), good(name="飞信号", platform="飞信")])
    result = read_ledger(path)
    assert len(result.items) == 1
    (error,) = result.errors
    assert (error.file, error.row, error.column, error.value) == (str(path), 3, "平台", "飞信")
    message = str(error)
    assert (
        "第 3 行" in message and "列「平台」" in message and "值「飞信」" in message and str(path) in message
    )


def test_supported_platform_without_id_or_url_is_a_bad_row(write_csv: WriteCsv) -> None:
    result = read_ledger(write_csv([LEDGER_HEADER, good(platform="抖音", account_id="", url="")]))
    (error,) = result.errors
    assert error.row == 2
    assert error.column == "账号ID/主页地址"
    assert "第 2 行" in str(error) and "账号ID/主页地址" in str(error)


def test_empty_name_is_a_bad_row(write_csv: WriteCsv) -> None:
    result = read_ledger(write_csv([LEDGER_HEADER, good(), good(name="  ")]))
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (3, "账号名称", "")
    assert "第 3 行" in str(error) and "列「账号名称」" in str(error) and "账号名称为空" in str(error)


def test_url_of_the_wrong_platform_is_a_bad_row(write_csv: WriteCsv) -> None:
    url = "https://m.weibo.cn/u/2011000001"
    result = read_ledger(write_csv([LEDGER_HEADER, good(platform="抖音", account_id="", url=url)]))
    (error,) = result.errors
    assert (error.row, error.column, error.value) == (2, "主页地址", url)
    assert url in str(error)


def test_wechat_row_with_only_a_url_is_a_bad_row(write_csv: WriteCsv) -> None:
    result = read_ledger(write_csv([LEDGER_HEADER, good(account_id="", url="https://mp.weixin.qq.com/s/x")]))
    (error,) = result.errors
    assert error.column == "主页地址" and "微信号" in error.message


def test_every_bad_row_of_the_file_is_reported(write_csv: WriteCsv) -> None:
    rows = [
        LEDGER_HEADER,
        good(),
        good(name=""),  # 3
        good(name="x", platform="飞信"),  # 4
        good(name="y", platform="微博", account_id="", url=""),  # 5
        good(name="z", platform="微博", account_id="abc"),  # 6
        good(name="", platform="QQ空间"),  # 7: two bad cells
    ]
    result = read_ledger(write_csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [
        (3, "账号名称"),
        (4, "平台"),
        (5, "账号ID/主页地址"),
        (6, "账号ID"),
        (7, "账号名称"),
        (7, "平台"),
    ]
    assert len(result.items) == 1


def test_bad_rows_of_several_files_raise_together(write_csv: WriteCsv) -> None:
    a = read_ledger(write_csv([LEDGER_HEADER, good(name="")], name="a.csv"))
    b = read_ledger(write_csv([LEDGER_HEADER, good(platform="飞信")], name="b.csv"))
    try:
        raise_for_errors([a, b])
    except InputErrors as caught:
        text = str(caught)
        assert "a.csv" in text and "b.csv" in text
        assert len(caught.errors) == 2
    else:
        raise AssertionError("expected InputErrors")


def test_errors_become_skipped_rows(write_csv: WriteCsv) -> None:
    path = write_csv([LEDGER_HEADER, good(platform="飞信")])
    (skipped,) = errors_to_skipped(read_ledger(path).errors)
    assert (skipped.file, skipped.row, skipped.column, skipped.value) == (str(path), 2, "平台", "飞信")
    assert "无法识别的平台" in skipped.message


def test_duplicates_are_merged_keeping_the_first_with_a_warning(write_csv: WriteCsv) -> None:
    rows = [
        LEDGER_HEADER,
        good(name="咸宁发布", platform="微博", account_id="", url="https://m.weibo.cn/u/2011000001"),
        good(name="咸宁发布", platform="微信"),
        good(name="咸宁发布（旧）", platform="新浪微博", account_id="2011000001"),
    ]
    result = read_ledger(write_csv(rows))
    assert result.errors == []
    assert [(a.platform, a.source_row) for a in result.items] == [("weibo", 2), ("wechat", 3)]
    (warning,) = result.warnings
    assert "第 4 行" in warning and "第 2 行" in warning and "合并" in warning


def test_same_name_on_different_platforms_is_not_a_duplicate(write_csv: WriteCsv) -> None:
    rows = [
        LEDGER_HEADER,
        good(platform="微信", account_id="samename"),
        good(platform="头条号", account_id="samename"),
    ]
    assert len(read_ledger(write_csv(rows)).items) == 2


def test_empty_district_is_inferred_from_the_unit_with_a_warning(write_csv: WriteCsv) -> None:
    rows = [
        LEDGER_HEADER,
        ["", "嘉鱼县人民政府办公室", "嘉鱼发布", "微信", "jiayu", ""],
        ["嘉鱼县", "u", "n", "微信", "x", ""],
    ]
    result = read_ledger(write_csv(rows))
    assert result.items[0].district == "嘉鱼县"
    assert any("地区为空" in w for w in result.warnings)
