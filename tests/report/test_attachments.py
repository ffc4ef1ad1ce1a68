"""Sheets 附件1 and 附件2 of report.xlsx read back with openpyxl: seed 001's layout, and every
sheet's print set-up (A4, orientation, one page wide, repeated header rows, titled pages)."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import openpyxl
import pytest
from openpyxl.worksheet.worksheet import Worksheet

from newmedia_audit.models import AuditResult
from newmedia_audit.report import write_reports
from newmedia_audit.report.attachments import quarter_of, report_titles

from .conftest import GENERATED_AT

# Headers of seed 001's attachments, written from the seed.
WEBSITE_HEADERS = ["单位名称", "抽查发现的突出问题", "得分"]
DISTRICT_HEADERS = ["市直/县市区", "抽查数量", "不合格数量", "合格率"]
FAILING_HEADERS = ["市直/县(市、区)", "新媒体名称", "主办单位", "新媒体类型", "不合格原因"]


@pytest.fixture(scope="module")
def workbook(tmp_path_factory: pytest.TempPathFactory) -> openpyxl.Workbook:
    from .conftest import build_result

    out = tmp_path_factory.mktemp("attachments")
    paths = write_reports(build_result(), out, GENERATED_AT, city="咸宁市")
    return openpyxl.load_workbook(paths["report.xlsx"])


def _values(ws: Worksheet) -> list[list[object]]:
    return [list(row) for row in ws.iter_rows(values_only=True)]


def _trimmed(row: list[object]) -> list[object]:
    while row and row[-1] is None:
        row = row[:-1]
    return row


@pytest.mark.parametrize(
    ("day", "quarter"),
    [
        (date(2022, 1, 1), "一"),
        (date(2022, 3, 31), "一"),
        (date(2022, 4, 1), "二"),
        (date(2022, 12, 31), "四"),
    ],
)
def test_quarter_follows_the_monitoring_point(day: date, quarter: str) -> None:
    assert quarter_of(day) == quarter


def test_titles_name_year_city_and_quarter() -> None:
    titles = report_titles(date(2022, 5, 10), " 咸宁市 ")
    assert titles.new_media == "2022年咸宁市政务新媒体第二季度抽查监测情况表"
    assert titles.websites == "2022年咸宁市政府网站第二季度抽查监测情况表"
    assert report_titles(date(2023, 11, 2)).new_media == "2023年政务新媒体第四季度抽查监测情况表"


def test_attachment_sheets_come_first_and_the_others_stay(workbook: openpyxl.Workbook) -> None:
    names = workbook.sheetnames
    assert names[:3] == ["附件1", "附件2", "汇总"]
    assert {"新媒体不合格清单", "新媒体明细", "网站", "备案比对", "僵尸账号", "待复核"} <= set(names)


def test_attachment2_has_the_title_the_district_table_and_the_failing_list(
    workbook: openpyxl.Workbook, result: AuditResult
) -> None:
    rows = [_trimmed(r) for r in _values(workbook["附件2"])]
    assert rows[0] == ["附件2"]
    assert rows[1] == ["2022年咸宁市政务新媒体第二季度抽查监测情况表"]
    assert rows[2] == DISTRICT_HEADERS
    assert rows[3:6] == [["市直", 8, 6, "14.3%"], ["咸安区", 3, 0, "100%"], ["嘉鱼县", 3, 1, "66.7%"]]
    assert rows[6] == []  # a blank row between the two tables
    assert rows[7] == FAILING_HEADERS
    failing = rows[8:15]
    assert [r[1] for r in failing] == [
        "文化咸宁",
        "咸宁就业驿站",
        "咸宁高新招商网",
        "咸宁禁毒宣传",
        "湖北咸宁交警",
        "咸宁住建",
        "嘉鱼旅游",
    ]
    assert failing[2] == ["市直", "咸宁高新招商网", "咸宁高新区管委会", "微信服务号", "未备案 开通至今未更新"]
    assert failing[6][0] == "嘉鱼县" and failing[6][4] == "湖北省未备案"
    assert rows[15] == ["注：另有2个政务新媒体无法自动访问，待人工复核，未计入不合格数量和合格率。"]
    assert len(rows) == 16


def test_attachment1_lists_every_website_with_its_score(workbook: openpyxl.Workbook) -> None:
    rows = [_trimmed(r) for r in _values(workbook["附件1"])]
    assert rows[0] == ["附件1"] and rows[1] == ["2022年咸宁市政府网站第二季度抽查监测情况表"]
    assert rows[2] == WEBSITE_HEADERS
    body = rows[3:]
    assert len(body) == 7
    assert body[0] == ["市政府", "无", 100]
    assert body[1][0] == "市教育局" and body[1][2] == 88.5
    assert body[2] == ["市民政局", "存在弄虚作假行为，一票否决。", "一票否决"]


def test_the_title_is_centred_across_the_table(workbook: openpyxl.Workbook) -> None:
    ws = workbook["附件2"]
    assert ws["A2"].alignment.horizontal == "centerContinuous"
    assert ws["E2"].alignment.horizontal == "centerContinuous"
    assert ws["A3"].border.left.style == "thin" and ws["E9"].border.bottom.style == "thin"


def test_every_sheet_prints_on_a4_one_page_wide_with_titled_pages(workbook: openpyxl.Workbook) -> None:
    for ws in workbook.worksheets:
        assert ws.page_setup.paperSize == 9, ws.title  # A4
        assert ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
        assert ws.page_setup.fitToWidth in (None, 1), ws.title  # 1 is the default, left out
        assert ws.page_setup.fitToHeight == 0, ws.title  # as many pages tall as needed
        assert ws.print_title_rows, ws.title
        assert "&P" in ws.oddFooter.center.text and "&N" in ws.oddFooter.center.text, ws.title
        assert "2022年咸宁市" in ws.oddHeader.center.text, ws.title


def test_orientation_and_repeated_rows_follow_each_table(workbook: openpyxl.Workbook) -> None:
    narrow = {"附件1", "跳过的行", "平台状况"}  # 附件1's findings wrap within 60 characters
    for ws in workbook.worksheets:
        expected = "portrait" if ws.title in narrow else "landscape"
        assert ws.page_setup.orientation == expected, ws.title
    # The header of the failing list repeats on every page; the title is the page header.
    assert workbook["附件2"].print_title_rows == "$8:$8"
    assert workbook["附件1"].print_title_rows == "$3:$3"
    assert workbook["汇总"].print_title_rows == "$1:$2"
    assert workbook["新媒体明细"].print_title_rows == "$1:$1"
    header = workbook["附件2"].oddHeader
    assert header.left.text == "附件2"
    assert header.center.text == "2022年咸宁市政务新媒体第二季度抽查监测情况表"
    assert workbook["新媒体明细"].oddHeader.center.text == "2022年咸宁市第二季度抽查监测 新媒体明细"
    assert workbook["附件2"].print_area == "'附件2'!$A$3:$E$16"


def test_a_sweep_without_websites_keeps_an_empty_attachment1(tmp_path: Path, result: AuditResult) -> None:
    paths = write_reports(result.model_copy(update={"websites": []}), tmp_path, GENERATED_AT)
    rows = [_trimmed(r) for r in _values(openpyxl.load_workbook(paths["report.xlsx"])["附件1"])]
    assert rows[1] == ["2022年政府网站第二季度抽查监测情况表"]  # no city set
    assert rows[2:] == [WEBSITE_HEADERS, ["本次未提供网站检查结果。"]]


def test_a_city_with_an_ampersand_stays_text_in_the_page_header(tmp_path: Path, result: AuditResult) -> None:
    paths = write_reports(result, tmp_path, GENERATED_AT, city="A&B市")
    ws = openpyxl.load_workbook(paths["report.xlsx"])["附件2"]
    assert ws.oddHeader.center.text == "2022年A&&B市政务新媒体第二季度抽查监测情况表"
