"""`newmedia-audit demo` end to end: replayed through headless Chromium, the seed-001 figures
come out of the real pipeline (issue 7). The expected figures are written here from the seed
notice, never taken from the package."""

import json
from pathlib import Path

import polars as pl
import pytest

from newmedia_audit.cli import main

from .test_demo_inputs import SEED_FAILING  # 附件2 of seed 001, written from the seed

pytestmark = pytest.mark.browser

SEED_DISTRICTS = {  # checked, failed, rate
    "市直": (67, 17, 74.6),
    "咸安区": (31, 0, 100.0),
    "嘉鱼县": (14, 2, 85.7),
    "赤壁市": (30, 0, 100.0),
    "通城县": (21, 0, 100.0),
    "崇阳县": (36, 2, 94.4),
    "通山县": (15, 0, 100.0),
}


@pytest.fixture(scope="module")
def demo_out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("demo")
    assert main(["demo", "--out", str(out)]) == 0
    return out


def test_new_media_figures_match_the_seed(demo_out: Path) -> None:
    results = json.loads((demo_out / "results.json").read_text(encoding="utf-8"))
    assert results["as_of"] == "2022-05-10"
    assert results["new_media"] == {"checked": 214, "passed": 193, "failed": 21, "review": 0, "rate": 90.2}
    assert results["reasons"] == {
        "serious_error": 4,
        "not_updated": 2,
        "never_updated": 5,
        "unregistered": 9,
        "name_mismatch": 1,
        "unreachable": 0,
    }
    by_district = {d["district"]: d for d in results["districts"]}
    assert list(by_district) == list(SEED_DISTRICTS)
    for district, (checked, failed, rate) in SEED_DISTRICTS.items():
        nm = by_district[district]["new_media"]
        assert (nm["checked"], nm["failed"], nm["rate"]) == (checked, failed, rate), district


def test_website_figures_and_merged_table(demo_out: Path) -> None:
    results = json.loads((demo_out / "results.json").read_text(encoding="utf-8"))
    assert results["websites"] == {"checked": 40, "passed": 38, "failed": 2, "rate": 95.0}
    assert results["website_bands"] == {"100": 13, "90-100": 24, "below_90": 1, "vetoed": 2}
    assert results["combined"] == {"checked": 254, "passed": 231, "failed": 23, "rate": 90.9}
    for entry in results["districts"]:
        nm, web, both = entry["new_media"], entry["websites"], entry["combined"]
        assert both["checked"] == nm["checked"] + web["checked"], entry["district"]
        assert both["passed"] == nm["passed"] + web["passed"], entry["district"]
    county = {d["district"]: d["websites"]["checked"] for d in results["districts"]}
    assert county["咸安区"] == 1 and county["市直"] == 34


def test_notice_states_the_rates_and_the_unrectified_account(demo_out: Path) -> None:
    notice = (demo_out / "notice.md").read_text(encoding="utf-8")
    assert "总体合格率为95%" in notice
    assert "占比90.2%" in notice
    assert "发现有12个政务新媒体不合格" in notice
    assert "“咸宁禁毒宣传”仍未按要求完成整改" in notice
    for _, name, _, _ in SEED_FAILING:
        assert f"“{name}”" in notice


def test_failing_sheet_lists_the_seed_table(demo_out: Path) -> None:
    sheet = pl.read_excel(demo_out / "report.xlsx", sheet_name="新媒体不合格清单", engine="calamine")
    rows = sorted(tuple(str(v) for v in row[:4]) for row in sheet.iter_rows())
    assert rows == sorted(SEED_FAILING)
    reasons = dict(zip(sheet.get_column(sheet.columns[1]), sheet.get_column(sheet.columns[4]), strict=False))
    assert "2022.1.25" in reasons["咸宁就业驿站"]
    assert "上期通报未整改" in reasons["咸宁禁毒宣传"]


def test_rerun_resumes_without_visiting_again(demo_out: Path) -> None:
    from newmedia_audit.store import Store

    store = Store(demo_out / "state.sqlite")
    counts = store.finished_visit_counts()
    store.close()
    assert len(counts) == 214 and set(counts.values()) == {1}
    assert main(["demo", "--out", str(demo_out)]) == 0
    store = Store(demo_out / "state.sqlite")
    assert set(store.finished_visit_counts().values()) == {1}
    store.close()


# Seed 001's (三) grouped by reason, following its table (咸宁住建, 崇阳县退役军人事务局).
SEED_BY_REASON = {
    "存在严重表述错误": {"文化咸宁", "咸宁市退役军人事务局", "咸宁市生态环境局", "崇阳县退役军人事务局"},
    "在监测时间点前2周内未更新": {"咸宁就业驿站", "咸宁禁毒宣传"},
    "开通以来从未更新": {
        "咸宁高新招商网",
        "温泉公安",
        "咸宁食药监",
        "咸宁城市绿色货运配送平台",
        "平安青山绿色",
    },
    "未在湖北省政务新媒体备案": {
        "咸宁交投集团",
        "咸宁市医疗保障局",
        "咸宁交警",
        "湖北咸宁交警",
        "健康咸宁",
        "咸宁市教育科学研究院",
        "嘉鱼疾控",
        "嘉鱼旅游",
    },
    "备案账号名称与实际名称不一致": {"咸宁住建"},
}
SEED_TITLE_2 = "2022年咸宁市政务新媒体第二季度抽查监测情况表"
SEED_TITLE_1 = "2022年咸宁市政府网站第二季度抽查监测情况表"


def test_notice_docx_carries_the_seed_figures_reasons_and_tables(demo_out: Path) -> None:
    import re

    from docx import Document

    doc = Document(str(demo_out / "notice.docx"))
    section = doc.sections[0]
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [round(m.mm) for m in margins] == [37, 35, 28, 26]
    assert (
        doc.paragraphs[0].text
        == "咸宁市政务公开领导小组办公室关于2022年第二季度全市政府网站和政务新媒体抽查情况的通报"
    )
    body = "\n".join(p.text for p in doc.paragraphs)
    for figure in (
        "对全市40家政府网站进行检查，总体合格率为95%",
        "13家网站运行良好，在本次抽查中获评100分，占比32.5%",
        "得分90分以上（含90分）100分以下的网站24家，占比60%",
        "得分90分以下的网站1家，占比2.5%",
        "2家网站被一票否决，占比5%",
        "4月27日至5月10日",
        "对全市214个政务新媒体进行了抽查，其中合格193个",
        "占比90.2%",
        "不合格21个",
        "占比9.8%",
        "2022年3月份通报中发现有12个政务新媒体不合格",
        "于6月27日前报",  # the seed's notice, dated 2022年6月22日, asks for replies by 6月27日
        "\n2022年6月22日",
    ):
        assert figure in body, figure
    problems = next(p.text for p in doc.paragraphs if p.text.startswith("（二）政务新媒体监管有待进一步加强"))
    clauses = re.split("[；。]", problems)
    for finding, names in SEED_BY_REASON.items():
        [clause] = [c for c in clauses if c.endswith(finding)]
        assert set(re.findall("“([^”]+)”", clause)) == names, finding
    websites, districts, failing = ([[c.text for c in r.cells] for r in t.rows] for t in doc.tables)
    assert websites[0] == ["单位名称", "抽查发现的突出问题", "得分"] and len(websites) == 41
    scores = {row[0]: row[2] for row in websites[1:]}
    assert (scores["市教育局"], scores["市民政局"], scores["市政府"]) == ("88.5", "一票否决", "100")
    assert districts[0] == ["市直/县市区", "抽查数量", "不合格数量", "合格率"]
    assert {r[0]: (int(r[1]), int(r[2]), r[3]) for r in districts[1:]} == {
        d: (checked, failed, f"{rate:g}%") for d, (checked, failed, rate) in SEED_DISTRICTS.items()
    }
    assert failing[0] == ["市直/县(市、区)", "新媒体名称", "主办单位", "新媒体类型", "不合格原因"]
    assert sorted(tuple(r[:4]) for r in failing[1:]) == sorted(SEED_FAILING)
    assert SEED_TITLE_1 in body and SEED_TITLE_2 in body


def test_attachment_sheets_of_report_xlsx_reproduce_the_seed_tables(demo_out: Path) -> None:
    import openpyxl

    workbook = openpyxl.load_workbook(demo_out / "report.xlsx")
    assert workbook.sheetnames[:2] == ["附件1", "附件2"]
    second = [[v for v in row if v is not None] for row in workbook["附件2"].iter_rows(values_only=True)]
    assert second[:3] == [["附件2"], [SEED_TITLE_2], ["市直/县市区", "抽查数量", "不合格数量", "合格率"]]
    assert {r[0]: (r[1], r[2], r[3]) for r in second[3:10]} == {
        d: (checked, failed, f"{rate:g}%") for d, (checked, failed, rate) in SEED_DISTRICTS.items()
    }
    assert second[11] == ["市直/县(市、区)", "新媒体名称", "主办单位", "新媒体类型", "不合格原因"]
    assert sorted(tuple(r[:4]) for r in second[12:]) == sorted(SEED_FAILING)
    first = [[v for v in row if v is not None] for row in workbook["附件1"].iter_rows(values_only=True)]
    assert first[:3] == [["附件1"], [SEED_TITLE_1], ["单位名称", "抽查发现的突出问题", "得分"]]
    assert len(first) == 43 and first[3][0] == "市政府" and first[3][2] == 100
    for ws in workbook.worksheets:
        assert ws.page_setup.paperSize == 9 and ws.sheet_properties.pageSetUpPr.fitToPage, ws.title
