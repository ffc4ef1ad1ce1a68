"""Website results: deductions, consistency, veto, pass line, districts, both seed tables."""

from __future__ import annotations

from pathlib import Path

import pytest

from newmedia_audit.errors import InputError
from newmedia_audit.inputs import parse_deductions, parse_score, read_websites
from newmedia_audit.inputs.districts import derive_district

from .conftest import WEBSITES_HEADER, WriteCsv

REPO = Path(__file__).resolve().parents[2]
SEED000 = REPO / "registry" / "websites_seed000.csv"
SEED001 = REPO / "registry" / "websites_seed001.csv"
SEED001_DISTRICTS = ["市直", "咸安区", "嘉鱼县", "赤壁市", "通城县", "崇阳县", "通山县"]


def test_seed001_imports_forty_consistent_rows() -> None:
    result = read_websites(SEED001)
    assert result.errors == []
    assert result.warnings == []
    assert len(result.items) == 40
    assert all(site.consistent for site in result.items)


def test_seed001_score_bands_and_pass_count() -> None:
    sites = read_websites(SEED001, pass_line=60).items
    vetoed = [s for s in sites if s.veto]
    scored = [s for s in sites if not s.veto]
    assert sum(s.score == 100 for s in scored) == 13
    assert sum(90 <= s.score < 100 for s in scored) == 24
    assert [(s.unit, s.score) for s in scored if s.score < 90] == [("市教育局", 88.5)]
    assert [s.unit for s in vetoed] == ["市民政局", "市自然资源和规划局"]
    assert all(s.score is None and not s.passed for s in vetoed)
    assert sum(s.passed for s in sites) == 38


def test_seed001_units_have_no_internal_spaces_and_counties_are_their_own_district() -> None:
    sites = read_websites(SEED001, districts=SEED001_DISTRICTS).items
    assert "市水利和湖泊局" in {s.unit for s in sites}
    assert all(" " not in s.unit for s in sites)
    by_district: dict[str, list[str]] = {}
    for site in sites:
        by_district.setdefault(site.district, []).append(site.unit)
    assert {d: len(u) for d, u in by_district.items() if d != "市直"} == {d: 1 for d in SEED001_DISTRICTS[1:]}
    assert len(by_district["市直"]) == 34
    assert {"市政府", "咸宁高新区"} <= set(by_district["市直"])


def test_seed001_districts_are_the_same_without_the_district_list() -> None:
    with_list = [s.district for s in read_websites(SEED001, districts=SEED001_DISTRICTS).items]
    assert [s.district for s in read_websites(SEED001).items] == with_list


def test_seed001_deductions_include_decimals_and_comma_forms() -> None:
    sites = {s.unit: s for s in read_websites(SEED001).items}
    assert sites["市教育局"].deductions == [1, 0.5, 5, 5]
    assert sites["市卫生健康委员会"].deductions == [3, 1]  # "每发现一处扣1分,共扣1分"
    assert sites["嘉鱼县"].deductions == [5, 2, 1]


def test_seed000_imports_cleanly_with_its_sections() -> None:
    result = read_websites(SEED000)
    assert result.errors == []
    assert len(result.items) == 40
    districts = [s.district for s in result.items]
    assert districts[:6] == ["嘉鱼县", "咸安区", "赤壁市", "通城县", "通山县", "崇阳县"]
    assert set(districts[6:]) == {"市直"}
    sites = {s.unit: s for s in result.items}
    assert sites["市高新技术产业园区"].district == "市直"
    assert sites["市经信局"].deductions == [0.1]
    assert all(s.passed for s in result.items)


def test_seed000_has_one_row_whose_deductions_do_not_add_up() -> None:
    result = read_websites(SEED000)
    assert [s.unit for s in result.items if not s.consistent] == ["市人力资源和社会保障局"]
    (warning,) = result.warnings
    assert "第 43 行" in warning and "市人力资源和社会保障局" in warning and "90" in warning


def test_inconsistent_score_is_flagged_with_a_warning_naming_the_row(write_csv: WriteCsv) -> None:
    rows = [WEBSITES_HEADER, ["市甲局", "栏目未更新，共扣2分。链接错误，共扣0.5分。", "97"]]
    result = read_websites(write_csv(rows))
    (site,) = result.items
    assert site.deductions == [2, 0.5] and not site.consistent and site.passed
    assert "第 2 行" in result.warnings[0] and "97.5" in result.warnings[0]


@pytest.mark.parametrize(
    ("score", "pass_line", "passed"),
    [("60", 60, True), ("59.5", 60, False), ("79", 80, False), ("80", 80, True)],
)
def test_pass_line_decides_a_scored_site(
    write_csv: WriteCsv, score: str, pass_line: float, passed: bool
) -> None:
    deduction = 100 - float(score)
    rows = [WEBSITES_HEADER, ["市甲局", f"多处问题，共扣{deduction:g}分。", score]]
    (site,) = read_websites(write_csv(rows), pass_line=pass_line).items
    assert site.consistent and site.passed is passed


def test_veto_in_findings_fails_a_high_score(write_csv: WriteCsv) -> None:
    rows = [WEBSITES_HEADER, ["市甲局", "存在弄虚作假行为，一票否决。", "100"]]
    (site,) = read_websites(write_csv(rows)).items
    assert site.veto and not site.passed and site.score == 100


def test_veto_in_findings_with_an_empty_score_is_accepted(write_csv: WriteCsv) -> None:
    (site,) = read_websites(write_csv([WEBSITES_HEADER, ["市甲局", "一票否决", ""]])).items
    assert site.veto and site.score is None


@pytest.mark.parametrize("score", ["九十", "", "abc", "120", "-3", "nan"])
def test_unparseable_score_is_a_bad_row(write_csv: WriteCsv, score: str) -> None:
    path = write_csv([WEBSITES_HEADER, ["市甲局", "无", "100"], ["市乙局", "无", score]])
    result = read_websites(path)
    assert [s.unit for s in result.items] == ["市甲局"]
    (error,) = result.errors
    assert (error.file, error.row, error.column, error.value) == (str(path), 3, "得分", score)
    assert "第 3 行" in str(error) and "列「得分」" in str(error)


def test_every_bad_website_row_is_reported(write_csv: WriteCsv) -> None:
    rows = [WEBSITES_HEADER, ["", "无", "100"], ["市乙局", "无", "满分"], ["市丙局", "无", "100"]]
    result = read_websites(write_csv(rows))
    assert [(e.row, e.column) for e in result.errors] == [(2, "单位名称"), (3, "得分")]


def test_missing_score_column_stops_at_once(write_csv: WriteCsv) -> None:
    path = write_csv([["单位名称", "突出问题"], ["市甲局", "无"]])
    with pytest.raises(InputError) as caught:
        read_websites(path)
    assert "得分" in str(caught.value) and str(path) in str(caught.value)


def test_result_column_that_disagrees_is_warned_about(write_csv: WriteCsv) -> None:
    rows = [
        ["单位名称", "突出问题", "得分", "结果"],
        ["市甲局", "无", "100", "不合格"],
        ["市乙局", "无", "100", "合格"],
    ]
    result = read_websites(write_csv(rows))
    assert all(s.passed for s in result.items)
    (warning,) = result.warnings
    assert "第 2 行" in warning


def test_district_column_wins_over_derivation(write_csv: WriteCsv) -> None:
    rows = [
        ["地区", "单位名称", "突出问题", "得分"],
        ["通山县", "县教育局", "无", "100"],
        ["", "通城县", "无", "100"],
    ]
    assert [s.district for s in read_websites(write_csv(rows)).items] == ["通山县", "通城县"]


@pytest.mark.parametrize(
    ("unit", "districts", "expected"),
    [
        ("咸安区", (), "咸安区"),
        ("嘉鱼县", (), "嘉鱼县"),
        ("赤壁市", (), "赤壁市"),
        ("赤壁市", ("赤壁市", "咸安区"), "赤壁市"),
        ("咸宁市", ("赤壁市",), "市直"),
        ("咸安区人民政府", (), "咸安区"),
        ("市政府", (), "市直"),
        ("市教育局", (), "市直"),
        ("咸宁高新区", (), "市直"),
        ("咸宁经济开发区", (), "市直"),
        ("市高新技术产业园区", (), "市直"),
        ("嘉鱼县教育局", ("嘉鱼县",), "嘉鱼县"),
    ],
)
def test_district_derivation(unit: str, districts: tuple[str, ...], expected: str) -> None:
    assert derive_district(unit, districts) == expected


def test_parse_helpers() -> None:
    assert parse_deductions("共扣 1 分；共扣０.５分,共扣2分") == [1, 0.5, 2]
    assert parse_score("88.5分") == (88.5, False)
    assert parse_score("一票否决") == (None, True)
    assert parse_score("0（一票否决）") == (0, True)
