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
