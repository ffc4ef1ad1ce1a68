"""预警 outputs: warnings.csv, reminders/ per unit, the 预警 sheet, report.html and results.json."""

from __future__ import annotations

import csv
import json
import re
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newmedia_audit.errors import ConfigError
from newmedia_audit.models import Account, AtRisk, AuditResult, Status, TrendPoint, Verdict, VerdictCode
from newmedia_audit.report import write_reports
from newmedia_audit.report.early_warning import (
    DEFAULT_TEMPLATE,
    WARNINGS_CSV_COLUMNS,
    load_template,
    reminder_files,
)

CST = timezone(timedelta(hours=8))
D = date(2022, 6, 20)
GENERATED_AT = datetime(2022, 6, 20, 18, tzinfo=CST)


def _account(name: str, unit: str, district: str = "市直", platform: str = "weibo") -> Account:
    return Account(district=district, unit=unit, name=name, platform=platform, account_id=f"id-{name}")


def _risk(acc: Account, days_ago: int, kind: str = "window", limit: int = 14) -> AtRisk:
    latest = datetime(2022, 6, 20, 10, tzinfo=CST) - timedelta(days=days_ago)
    left = limit + 1 - days_ago
    return AtRisk(
        account=acc,
        kind=kind,
        last_post_at=latest,
        deadline=D + timedelta(days=left),
        days_left=left,
        level="红" if left <= 2 else "黄",
        limit_days=limit,
    )


EDU = _account("咸宁教育", "咸宁市教育局")
EDU2 = _account("咸宁教育发布", "咸宁市教育局", platform="wechat")
HOSTILE = _account("=HYPERLINK(1)", "-恶意单位/../x")
SAME_UNIT_ELSEWHERE = _account("嘉鱼教育", "教育局", district="嘉鱼县")
SAME_UNIT = _account("崇阳教育", "教育局", district="崇阳县")
WARNINGS = [
    _risk(EDU, 14),
    _risk(EDU2, 11),
    _risk(EDU, 88, "zombie", 90),
    _risk(HOSTILE, 12),
    _risk(SAME_UNIT_ELSEWHERE, 10),
    _risk(SAME_UNIT, 13),
]


def result(warnings: list[AtRisk] | None = WARNINGS, trend: list[TrendPoint] | None = None) -> AuditResult:
    accounts = [EDU, EDU2, HOSTILE, SAME_UNIT_ELSEWHERE, SAME_UNIT]
    verdicts = [Verdict(account=a, status=Status.ok, verdict=VerdictCode.passed) for a in accounts]
    return AuditResult(as_of=D, verdicts=verdicts, warnings=warnings, trend=trend or [])


def test_warnings_csv_has_the_issue_columns_and_neutralised_cells(tmp_path: Path) -> None:
    paths = write_reports(result(), tmp_path, GENERATED_AT)
    raw = paths["warnings.csv"].read_bytes()
    assert raw.startswith("\ufeff".encode())
    with paths["warnings.csv"].open(encoding="utf-8-sig", newline="") as handle:
        table = list(csv.reader(handle))
    assert tuple(table[0]) == WARNINGS_CSV_COLUMNS
    first = dict(zip(table[0], table[1], strict=True))
    assert first == {
        "district": "市直",
        "unit": "咸宁市教育局",
        "platform": "weibo",
        "account_id": "id-咸宁教育",
        "name": "咸宁教育",
        "last_post_at": "2022-06-06T10:00:00+08:00",
        "deadline": "2022-06-21",
        "days_left": "1",
        "level": "红",
        "kind": "window",
    }
    hostile = [dict(zip(table[0], r, strict=True)) for r in table[1:] if "HYPERLINK" in r[4]][0]
    assert hostile["name"] == "'=HYPERLINK(1)" and hostile["unit"] == "'-恶意单位/../x"
    assert [r[-1] for r in table[1:]].count("zombie") == 1


def test_one_reminder_per_unit_in_the_template_words(tmp_path: Path) -> None:
    paths = write_reports(result(), tmp_path, GENERATED_AT)
    folder = paths["reminders"]
    names = sorted(p.name for p in folder.iterdir())
    assert names == sorted(
        ["咸宁市教育局.txt", "恶意单位_.._x.txt", "嘉鱼县-教育局.txt", "崇阳县-教育局.txt"]
    )
    text = (folder / "咸宁市教育局.txt").read_text(encoding="utf-8")
    assert text.startswith("咸宁市教育局：\n")
    assert "以下2个政务新媒体账号" in text  # two accounts, three warnings
    lines = [line for line in text.splitlines() if re.match(r"\d+\. ", line)]
    assert len(lines) == 3 and lines[0].startswith("1. 【红色预警】咸宁教育（微博）")
    assert (
        "请于2022年6月20日（含）前发布更新，否则自2022年6月21日起将被认定为“监测时间点内未更新”" in lines[0]
    )
    assert "最近一次更新为2022年6月6日，已14天未更新" in lines[0]
    assert "列入僵尸账号清单" in lines[1] and "已88天未更新" in lines[1]  # most urgent first
    assert "{" not in text


def test_reminders_of_units_no_longer_at_risk_are_removed(tmp_path: Path) -> None:
    write_reports(result(), tmp_path, GENERATED_AT)
    paths = write_reports(result([_risk(EDU, 13)]), tmp_path, GENERATED_AT)
    assert [p.name for p in paths["reminders"].iterdir()] == ["咸宁市教育局.txt"]
    paths = write_reports(result([]), tmp_path, GENERATED_AT)
    assert list(paths["reminders"].iterdir()) == []
    assert paths["warnings.csv"].read_text(encoding="utf-8-sig").strip() == ",".join(WARNINGS_CSV_COLUMNS)


def test_without_computed_warnings_no_warning_files_are_written(tmp_path: Path) -> None:
    paths = write_reports(result(None), tmp_path, GENERATED_AT)
    assert "warnings.csv" not in paths and not (tmp_path / "reminders").exists()
    assert json.loads(paths["results.json"].read_text(encoding="utf-8"))["warnings"] is None


def test_a_unit_name_too_long_for_a_file_name_still_gets_its_reminder(tmp_path: Path) -> None:
    # 80 emoji are 320 bytes of UTF-8, past the 255 a file name may hold.
    units = ["\U0001f600" * 80 + "局", "很长的单位名称" * 40]
    accounts = [
        _account(f"账号{i}", unit, district=d) for i, unit in enumerate(units) for d in ("市直", "嘉鱼县")
    ]
    warnings = [_risk(a, 12) for a in accounts]
    verdicts = [Verdict(account=a, status=Status.ok, verdict=VerdictCode.passed) for a in accounts]
    paths = write_reports(AuditResult(as_of=D, verdicts=verdicts, warnings=warnings), tmp_path, GENERATED_AT)
    files = sorted(paths["reminders"].iterdir())
    assert len(files) == 4 and all(len(f.name.encode("utf-8")) <= 255 for f in files)
    texts = [f.read_text("utf-8") for f in files]
    assert sum(units[0] in t for t in texts) == 2 and sum(units[1] in t for t in texts) == 2


def test_template_placeholders_are_filled_once() -> None:
    template = "{单位}|{地区}|{监测日期}|{账号数}\n{账号清单}\n{未知}"
    odd = _account("名{单位}", "单位{账号数}")
    [text] = reminder_files([_risk(odd, 10)], D, template).values()
    assert text.startswith("单位{账号数}|市直|2022年6月20日|1\n1. 【黄色预警】名{单位}")
    assert "{未知}" in text


def test_template_file_is_read_and_a_missing_one_is_a_config_error(tmp_path: Path) -> None:
    own = tmp_path / "t.txt"
    own.write_text("\ufeff{单位}请注意：\n{账号清单}\n", encoding="utf-8")
    assert load_template(own) == "{单位}请注意：\n{账号清单}\n"
    with pytest.raises(ConfigError, match="提醒模板"):
        load_template(tmp_path / "missing.txt")
    assert load_template(None) in (
        DEFAULT_TEMPLATE,
        Path("registry/reminder_template.txt").read_text("utf-8"),
    )


def test_registry_template_matches_the_built_in_one() -> None:
    assert Path("registry/reminder_template.txt").read_text(encoding="utf-8") == DEFAULT_TEMPLATE


def test_workbook_has_a_warning_sheet_and_results_json_counts(tmp_path: Path) -> None:
    paths = write_reports(result(), tmp_path, GENERATED_AT)
    with zipfile.ZipFile(paths["report.xlsx"]) as archive:
        workbook = archive.read("xl/workbook.xml").decode("utf-8")
    assert "预警" in re.findall(r"<sheet name=\"([^\"]+)\"", workbook)
    data = json.loads(paths["results.json"].read_text(encoding="utf-8"))
    assert data["warnings"] == {"total": 6, "window": 5, "zombie": 1, "red": 2, "yellow": 4}
    assert data["carried"] == 0 and data["trend"] == []
    html = paths["report.html"].read_text(encoding="utf-8")
    assert 'id="s-t-warnings"' in html and "预警（6）" in html
    assert "=HYPERLINK(1)" in html and "<script>alert" not in html


def test_trend_table_has_each_district_over_the_sweeps(tmp_path: Path) -> None:
    trend = [
        TrendPoint(as_of=date(2022, 6, 6), label="w23", rate=80.0, districts={"市直": 75.0, "通山县": 90.0}),
        TrendPoint(as_of=date(2022, 6, 13), label="w24", rate=None, districts={"市直": None}, weekly=True),
    ]
    paths = write_reports(result(trend=trend), tmp_path, GENERATED_AT)
    html = paths["report.html"].read_text(encoding="utf-8")
    table = html[html.index('id="t-trend"') : html.index("</table>", html.index('id="t-trend"'))]
    assert "2022-06-06" in table and "2022-06-13（周）" in table and "2022-06-20（本期）" in table
    市直 = table[table.index("<td>市直</td>") :].split("</tr>")[0]
    assert re.findall(r">([^<]*)</td>", 市直)[1:] == ["75%", "—", "100%"]
    assert "<td>通山县</td>" in table and "<td>全部</td>" in table
    assert 'id="chart-trend"' in html and '<a href="#s-trend">趋势</a>' in html
