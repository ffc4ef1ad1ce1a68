"""verdicts.csv: BOM, design.md's columns, one row per ledger account, ISO +08:00 times."""

from __future__ import annotations

import csv
import io

from newmedia_audit.csvcells import restore_cell
from newmedia_audit.models import AuditResult
from newmedia_audit.report.verdicts_csv import render_verdicts_csv

COLUMNS = (
    "district,unit,platform,account_type,name,account_id,status,live_name,"
    "last_post_at,verdict,primary_reason,reasons,evidence"
).split(",")


def _rows(result: AuditResult) -> list[dict[str, str]]:
    data = render_verdicts_csv(result)
    assert data.startswith(b"\xef\xbb\xbf")
    reader = csv.DictReader(io.StringIO(data.decode("utf-8-sig")))
    assert reader.fieldnames == COLUMNS
    return list(reader)


def test_one_row_per_ledger_account_in_ledger_order(result: AuditResult) -> None:
    rows = _rows(result)
    assert [restore_cell(r["name"]) for r in rows] == [v.account.name for v in result.verdicts]


def test_codes_and_joined_reasons(result: AuditResult) -> None:
    rows = {r["name"]: r for r in _rows(result)}
    jindu = rows["咸宁禁毒宣传"]
    assert (jindu["platform"], jindu["status"], jindu["verdict"]) == ("wechat", "ok", "fail")
    assert jindu["primary_reason"] == "not_updated"
    assert jindu["reasons"] == "not_updated;unregistered"
    assert jindu["evidence"] == "evidence/wechat/id-咸宁禁毒宣传/"
    video = rows["咸宁发布视频号"]
    assert (video["platform"], video["status"], video["verdict"]) == (
        "other:微信视频号",
        "unsupported",
        "review",
    )
    assert video["primary_reason"] == "" and video["reasons"] == ""


def test_last_post_at_is_iso_with_china_offset_or_empty(result: AuditResult) -> None:
    rows = {r["name"]: r for r in _rows(result)}
    assert rows["湖北咸宁交警"]["last_post_at"] == "2022-06-19T09:00:00+08:00"  # given in UTC
    assert rows["咸宁就业驿站"]["last_post_at"] == "2022-01-25T09:00:00+08:00"
    assert rows["咸宁高新招商网"]["last_post_at"] == ""


def test_formula_like_text_is_written_as_text(result: AuditResult) -> None:
    # Excel and WPS show a cell opening with a quote as text (CSV injection, OWASP).
    rows = {r["name"]: r for r in _rows(result)}
    assert rows["咸宁住建"]["live_name"].startswith("'=HYPERLINK(")
    assert restore_cell(rows["咸宁住建"]["live_name"]).startswith("=HYPERLINK(")
