"""report.xlsx read back with polars (fastexcel): every sheet agrees with results.json."""

from __future__ import annotations

import json
import re
import zipfile
from collections import Counter
from pathlib import Path

import polars as pl
import pytest

from newmedia_audit.models import AuditResult, WebsiteResult, reason_label
from newmedia_audit.report import write_reports
from newmedia_audit.report.labels import BAND_LABELS, REGISTRY_KIND_LABELS, TRUNCATION_MARKER, display_width
from newmedia_audit.report.xlsx import EXCEL_CELL_LIMIT, fit_cell, sheet_name

from .conftest import FORMULA, GENERATED_AT

SHEETS = [
    "附件1",
    "附件2",
    "汇总",
    "新媒体不合格清单",
    "新媒体明细",
    "网站",
    "备案比对",
    "僵尸账号",
    "待复核",
    "跳过的行",
    "平台状况",
]


@pytest.fixture
def written(result: AuditResult, tmp_path: Path) -> tuple[Path, dict]:
    paths = write_reports(result, tmp_path / "out", GENERATED_AT)
    return paths["report.xlsx"], json.loads(paths["results.json"].read_text(encoding="utf-8"))


def _sheet(path: Path, name: str, **kwargs: object) -> pl.DataFrame:
    return pl.read_excel(path, sheet_name=name, engine="calamine", **kwargs)


def _num(value: object) -> float | None:
    return None if value is None or value == "" else float(value)  # type: ignore[arg-type]


def test_workbook_has_every_sheet_with_valid_names(written: tuple[Path, dict]) -> None:
    path, _ = written
    with zipfile.ZipFile(path) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    names = re.findall(r'<sheet name="([^"]+)"', workbook)
    assert names == SHEETS
    assert all(len(n) <= 31 for n in names)
    assert len(sheet_name("x" * 40)) == 31


def test_summary_sheet_matches_results_json(written: tuple[Path, dict]) -> None:
    path, data = written
    rows = _sheet(path, "汇总", has_header=False).rows()
    assert rows[0][0] == "地区" and rows[0][1] == "网站" and rows[0][5] == "新媒体" and rows[0][10] == "合计"
    body = rows[2:]
    expected = [
        *data["districts"],
        {"district": "总计", **{k: data[k] for k in ("new_media", "websites", "combined")}},
    ]
    assert len(body) == len(expected)
    for row, entry in zip(body, expected, strict=True):
        ws, nm, both = entry["websites"], entry["new_media"], entry["combined"]
        assert row[0] == entry["district"]
        assert [_num(v) for v in row[1:5]] == [ws["checked"], ws["passed"], ws["failed"], ws["rate"]]
        assert [_num(v) for v in row[5:10]] == [
            nm["checked"],
            nm["passed"],
            nm["failed"],
            nm["review"],
            nm["rate"],
        ]
        assert [_num(v) for v in row[10:14]] == [
            both["checked"],
            both["passed"],
            both["failed"],
            both["rate"],
        ]


def test_failing_sheet_matches_reasons_and_districts(written: tuple[Path, dict], result: AuditResult) -> None:
    path, data = written
    df = _sheet(path, "新媒体不合格清单")
    assert df.columns[:5] == ["市直/县市区", "新媒体名称", "主办单位", "新媒体类型", "不合格原因"]
    assert df.height == data["new_media"]["failed"]
    by_label = Counter(df["计入原因"].to_list())
    for code, count in data["reasons"].items():
        assert by_label.get(reason_label(code, data["province"]), 0) == count
    by_district = Counter(df["市直/县市区"].to_list())
    for entry in data["districts"]:
        assert by_district.get(entry["district"], 0) == entry["new_media"]["failed"]
    cells = dict(zip(df["新媒体名称"], df["不合格原因"], strict=True))
    assert cells["咸宁高新招商网"] == "未备案 开通至今未更新"
    assert cells["湖北咸宁交警"] == "湖北省未备案"
    assert "上期通报未整改" in cells["咸宁禁毒宣传"]
    types = dict(zip(df["新媒体名称"], df["新媒体类型"], strict=True))
    assert types["湖北咸宁交警"] == "新浪微博"


def test_details_sheet_has_every_account(written: tuple[Path, dict]) -> None:
    path, data = written
    df = _sheet(path, "新媒体明细", infer_schema_length=0)
    assert df.height == data["new_media"]["checked"]
    verdicts = Counter(df["结论"].to_list())
    assert (verdicts["合格"], verdicts["不合格"], verdicts["待复核"]) == (
        data["new_media"]["passed"],
        data["new_media"]["failed"],
        data["new_media"]["review"],
    )
    by_district = Counter(df["地区"].to_list())
    for entry in data["districts"]:
        assert by_district.get(entry["district"], 0) == entry["new_media"]["checked"]
    types = dict(zip(df["账号名称"], df["新媒体类型"], strict=True))
    assert types["咸宁发布"] == "微博"  # no account_type: the platform label


def test_websites_sheet_matches_bands_and_pass_count(written: tuple[Path, dict]) -> None:
    path, data = written
    df = _sheet(path, "网站")
    assert df.height == data["websites"]["checked"]
    assert df["结果"].to_list().count("合格") == data["websites"]["passed"]
    bands = Counter(df["分档"].to_list())
    assert {key: bands.get(label, 0) for key, label in BAND_LABELS.items()} == data["website_bands"]
    assert df["得分核对"].to_list().count("不一致") == data["websites_inconsistent"]


def test_registry_zombie_review_and_skipped_sheets(written: tuple[Path, dict]) -> None:
    path, data = written
    registry = Counter(_sheet(path, "备案比对")["问题类型"].to_list())
    assert {k: registry[REGISTRY_KIND_LABELS[k]] for k in data["registry"]} == data["registry"]
    zombies = _sheet(path, "僵尸账号", infer_schema_length=0)
    assert zombies.height == data["zombies"]
    assert "从未更新" in zombies["未更新天数"].to_list()
    assert _sheet(path, "待复核").height == data["new_media"]["review"]
    skipped = _sheet(path, "跳过的行")
    assert skipped.height == len(data["skipped_rows"]) and skipped["值"].to_list() == ["知乎"]


def test_formula_like_cells_stay_text(written: tuple[Path, dict]) -> None:
    path, _ = written
    df = _sheet(path, "新媒体明细", infer_schema_length=0)
    live = dict(zip(df["账号名称"], df["实际名称"], strict=True))
    assert live["咸宁住建"] == FORMULA
    names = df["账号名称"].to_list()
    assert "+咸安教育" in names and "@嘉鱼卫健" in names
    with zipfile.ZipFile(path) as archive:
        sheets = [n for n in archive.namelist() if n.startswith("xl/worksheets/sheet")]
        xml = "".join(archive.read(n).decode("utf-8") for n in sheets)
    assert "<f>" not in xml and "<f " not in xml  # no formula anywhere
    assert "<hyperlink" not in xml


def test_headers_frozen_filters_on_and_widths_fit_chinese(written: tuple[Path, dict]) -> None:
    path, _ = written
    with zipfile.ZipFile(path) as archive:
        for index, name in enumerate(SHEETS, start=1):
            if name.startswith("附件"):  # print layouts (test_attachments.py)
                continue
            xml = archive.read(f"xl/worksheets/sheet{index}.xml").decode("utf-8")
            assert 'state="frozen"' in xml, name
            assert "<autoFilter" in xml, name
        failing = archive.read(f"xl/worksheets/sheet{SHEETS.index('新媒体不合格清单') + 1}.xml").decode(
            "utf-8"
        )
    widths = {
        int(m[0]): float(m[1]) for m in re.findall(r'<col min="(\d+)" max="\d+" width="([\d.]+)"', failing)
    }
    # 主办单位 (column 3) holds 咸宁市人力资源和社会保障局: 13 CJK characters, width 26.
    assert widths[3] >= display_width("咸宁市人力资源和社会保障局")


def test_long_cell_is_cut_at_excel_limit_with_marker(result: AuditResult, tmp_path: Path) -> None:
    long_findings = "栏" * 40_000
    sites = [
        *result.websites,
        WebsiteResult(unit="市长文单位", district="市直", findings=long_findings, score=99),
    ]
    paths = write_reports(result.model_copy(update={"websites": sites}), tmp_path, GENERATED_AT)
    df = _sheet(paths["report.xlsx"], "网站")
    cell = df.filter(pl.col("单位名称") == "市长文单位")["抽查发现的突出问题"][0]
    assert len(cell) == EXCEL_CELL_LIMIT
    assert cell.endswith(TRUNCATION_MARKER)
    assert fit_cell("短") == "短"
