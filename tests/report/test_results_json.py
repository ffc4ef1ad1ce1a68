"""results.json keeps design.md's keys and shapes exactly."""

from __future__ import annotations

import json

from newmedia_audit.models import AuditResult
from newmedia_audit.report.results_json import render_results_json, results_dict

from .conftest import GENERATED_AT

DESIGN_KEYS = {
    "as_of",
    "generated_at",
    "new_media",
    "websites",
    "combined",
    "reasons",
    "districts",
    "skipped_rows",
}


def test_design_keys_and_figures(result: AuditResult) -> None:
    data = json.loads(render_results_json(result, GENERATED_AT))
    assert DESIGN_KEYS <= data.keys()
    assert data["as_of"] == "2022-06-20"
    assert data["generated_at"] == "2022-06-21T09:30:00+08:00"
    assert data["new_media"] == {"checked": 14, "passed": 5, "failed": 7, "review": 2, "rate": 41.7}
    assert data["websites"] == {"checked": 7, "passed": 6, "failed": 1, "rate": 85.7}
    assert data["combined"] == {"checked": 21, "passed": 11, "failed": 8, "rate": 57.9}
    assert list(data["reasons"]) == [
        "serious_error",
        "not_updated",
        "never_updated",
        "unregistered",
        "name_mismatch",
        "unreachable",
    ]


def test_district_entries_have_the_design_shape(result: AuditResult) -> None:
    districts = results_dict(result, GENERATED_AT)["districts"]
    assert [set(d) for d in districts] == [{"district", "new_media", "websites", "combined"}] * 4
    jiayu = districts[2]
    assert jiayu["district"] == "嘉鱼县"
    assert jiayu["new_media"] == {"checked": 3, "passed": 2, "failed": 1, "review": 0, "rate": 66.7}
    only_websites = districts[3]
    assert only_websites["new_media"]["rate"] is None
    assert only_websites["combined"] == {"checked": 1, "passed": 1, "failed": 0, "rate": 100.0}


def test_generated_at_is_shown_in_china_time(result: AuditResult) -> None:
    from datetime import UTC, datetime

    data = results_dict(result, datetime(2022, 6, 21, 1, 30, tzinfo=UTC))
    assert data["generated_at"] == "2022-06-21T09:30:00+08:00"


def test_skipped_rows_and_extras(result: AuditResult) -> None:
    data = results_dict(result, GENERATED_AT)
    assert data["skipped_rows"] == [
        {"file": "台账.xlsx", "row": 7, "column": "平台", "value": "知乎", "message": "未知平台"}
    ]
    assert data["website_bands"] == {"100": 2, "90-100": 3, "below_90": 1, "vetoed": 1}
    assert data["registry"] == {"unfiled": 1, "name_mismatch": 1, "gone": 1, "not_in_ledger": 1}
    assert data["zombies"] == 2
    assert data["rectification"]["unrectified"][0]["name"] == "咸宁禁毒宣传"
    assert len(data["review"]) == 2
