"""Reading files: encodings, .xlsx, header aliases, row numbers."""

from __future__ import annotations

from pathlib import Path

import pytest
import xlsxwriter

from newmedia_audit.errors import InputError
from newmedia_audit.inputs import read_ledger
from newmedia_audit.inputs.columns import LEDGER, WEBSITES
from newmedia_audit.inputs.table import read_rows, read_table

from .conftest import LEDGER_HEADER, WriteCsv

ROWS = [
    LEDGER_HEADER,
    ["市直", "咸宁市公安局", "湖北咸宁交警", "新浪微博", "", "https://m.weibo.cn/u/2011000002"],
    [
        "嘉鱼县",
        "嘉鱼县文化和旅游局",
        "嘉鱼旅游",
        "今日头条",
        "",
        "https://www.toutiao.com/c/user/token/abcTOKEN/",
    ],
]


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_accepted_encoding_reads_the_same(write_csv: WriteCsv, encoding: str) -> None:
    result = read_ledger(write_csv(ROWS, encoding=encoding))
    assert result.errors == []
    assert [(a.name, a.platform, a.account_id) for a in result.items] == [
        ("湖北咸宁交警", "weibo", "2011000002"),
        ("嘉鱼旅游", "toutiao", "abcTOKEN"),
    ]
    assert result.items[0].district == "市直"


def test_gb18030_bytes_really_differ_from_utf8(write_csv: WriteCsv) -> None:
    path = write_csv(ROWS, encoding="gb18030")
    with pytest.raises(UnicodeDecodeError):
        path.read_bytes().decode("utf-8")


def write_xlsx(path: Path, rows: list[list[object]], start_row: int = 0) -> Path:
    book = xlsxwriter.Workbook(str(path))
    sheet = book.add_worksheet("台账")
    for r, values in enumerate(rows):
        for c, value in enumerate(values):
            if value is None:
                continue
            if isinstance(value, int | float):
                sheet.write_number(start_row + r, c, value)
            else:
                sheet.write_string(start_row + r, c, value)
    book.close()
    return path


def test_xlsx_reads_every_cell_as_a_string(tmp_path: Path) -> None:
    rows: list[list[object]] = [
        LEDGER_HEADER,
        ["市直", "咸宁市公安局", "湖北咸宁交警", "微博", 2011000002, None],
        [" 咸安区 ", "咸安区人民政府办公室", " 咸安发布 ", "微信", "xiananfabu", None],
    ]
    result = read_ledger(write_xlsx(tmp_path / "ledger.xlsx", rows))
    assert result.errors == []
    assert [(a.district, a.name, a.account_id) for a in result.items] == [
        ("市直", "湖北咸宁交警", "2011000002"),
        ("咸安区", "咸安发布", "xiananfabu"),
    ]
    assert [a.source_row for a in result.items] == [2, 3]


def test_xlsx_row_numbers_count_leading_empty_rows(tmp_path: Path) -> None:
    rows: list[list[object]] = [LEDGER_HEADER, ["市直", "单位", "名称", "飞信", "x", None]]
    path = write_xlsx(tmp_path / "ledger.xlsx", rows, start_row=2)
    result = read_ledger(path)
    assert [e.row for e in result.errors] == [4]


def test_empty_rows_are_ignored_but_keep_their_numbers(write_csv: WriteCsv) -> None:
    rows = [
        ROWS[0],
        ["", "", "", "", "", ""],
        [],
        ROWS[1],
        [" ", "\u3000"],
        ["市直", "单位", "", "微信", "abc", ""],
    ]
    result = read_ledger(write_csv(rows))
    assert [a.source_row for a in result.items] == [4]
    assert [e.row for e in result.errors] == [6]


def test_seed_header_variants_are_recognised(write_csv: WriteCsv) -> None:
    rows = [
        ["市直/ 县(市、区)", "新媒体名称", "主办单位", "新媒体类型", "账号ID"],
        ["市直", "咸宁交警", "咸宁市公安局", "微信服务号", "xnjiaojing"],
    ]
    table = read_table(write_csv(rows), LEDGER)
    assert set(table.columns) == {"district", "name", "unit", "account_type", "account_id"}
    result = read_ledger(write_csv(rows, name="ledger.csv"))
    account = result.items[0]
    assert (account.platform, account.account_type) == ("wechat", "微信服务号")


def test_headers_compare_without_whitespace_and_with_either_bracket_width(write_csv: WriteCsv) -> None:
    rows = [["单位 名称", "抽查发现的突出问题", "得 分"], ["市教 育局", "无", "100"]]
    assert set(read_table(write_csv(rows), WEBSITES).columns) == {"unit", "findings", "score"}
    rows = [["市直/县（市、区）", "单位名称", "突出问题", "得分"], ["市直", "市政府", "无", "100"]]
    assert "district" in read_table(write_csv(rows), WEBSITES).columns


def test_english_keys_are_headers_too(write_csv: WriteCsv) -> None:
    rows = [
        ["district", "unit", "name", "platform", "url"],
        ["市直", "u", "n", "weibo", "https://weibo.com/u/1"],
    ]
    assert read_ledger(write_csv(rows)).items[0].account_id == "1"


def test_a_title_line_above_the_header_is_skipped(write_csv: WriteCsv) -> None:
    rows = [
        ["2022年咸宁市政府网站第二季度抽查监测情况表"],
        ["单位名称", "突出问题", "得分"],
        ["市政府", "无", "100"],
    ]
    table = read_table(write_csv(rows), WEBSITES)
    assert table.header_row == 2
    assert [r.number for r in table.rows] == [3]


def test_missing_required_column_names_the_file_and_the_columns_found(write_csv: WriteCsv) -> None:
    path = write_csv([["地区", "主办单位", "账号ID"], ["市直", "u", "x"]])
    with pytest.raises(InputError) as caught:
        read_ledger(path)
    message = str(caught.value)
    assert str(path) in message
    assert "账号名称" in message and "平台" in message
    assert "地区、主办单位、账号ID" in message


def test_ledger_without_id_or_url_column_is_refused_at_once(write_csv: WriteCsv) -> None:
    path = write_csv([["地区", "主办单位", "账号名称", "平台"], ["市直", "u", "n", "微信"]])
    with pytest.raises(InputError, match="账号ID或主页地址"):
        read_ledger(path)


@pytest.mark.parametrize(
    ("name", "content", "fragment"),
    [
        ("ledger.docx", b"x", "不支持的文件类型"),
        ("empty.csv", b"", "文件为空"),
        ("broken.xlsx", b"PK\x03\x04 not really a zip", "无法读取 Excel"),
        ("binary.csv", b"\xff\xfe\xfd\x81\x30", "编码"),
    ],
)
def test_unreadable_files_raise_input_error(tmp_path: Path, name: str, content: bytes, fragment: str) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(InputError, match=fragment):
        read_ledger(path)


def test_missing_file_raises_input_error(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="不存在"):
        read_rows(tmp_path / "nope.csv")


def test_tab_separated_text_is_read(tmp_path: Path) -> None:
    path = tmp_path / "ledger.csv"
    path.write_text("\n".join("\t".join(r) for r in ROWS), encoding="utf-8")
    assert len(read_ledger(path).items) == 2
