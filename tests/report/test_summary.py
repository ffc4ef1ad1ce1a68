"""Figures: rates half up over decided accounts, reasons once under the primary, district order."""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

from hypothesis import given, settings
from hypothesis import strategies as st

from newmedia_audit.models import AuditResult, Reason, VerdictCode
from newmedia_audit.report.labels import failure_cell, percent_text
from newmedia_audit.report.summary import rate, summarize, website_band


def test_two_thirds_rounds_to_66_7() -> None:
    assert rate(2, 3) == Decimal("66.7")


def test_exact_halves_round_up_not_to_even() -> None:
    assert rate(1, 16) == Decimal("6.3")  # 6.25
    assert rate(13, 16) == Decimal("81.3")  # 81.25
    assert rate(1, 80) == Decimal("1.3")  # 1.25
    assert rate(1, 400) == Decimal("0.3")  # 0.25


def test_nothing_decided_has_no_rate() -> None:
    assert rate(0, 0) is None


def test_seed_style_percent_text_drops_trailing_zero() -> None:
    assert percent_text(Decimal("95.0")) == "95"
    assert percent_text(Decimal("90.2")) == "90.2"
    assert percent_text(Decimal("100.0")) == "100"
    assert percent_text(None) == "—"


@settings(max_examples=200)
@given(st.integers(min_value=1, max_value=100_000), st.data())
def test_rate_equals_exact_half_up(decided: int, data: st.DataObject) -> None:
    passed = data.draw(st.integers(min_value=0, max_value=decided))
    exact = Fraction(passed * 1000, decided)  # tenths of a percent
    tenths = int(exact) + (1 if exact - int(exact) >= Fraction(1, 2) else 0)
    assert rate(passed, decided) == Decimal(tenths) / 10


def test_rate_excludes_accounts_in_review(result: AuditResult) -> None:
    summary = summarize(result)
    assert (summary.new_media.checked, summary.new_media.review) == (14, 2)
    assert summary.new_media.rate == Decimal("41.7")  # 5 / 12
    assert summary.combined.rate == Decimal("57.9")  # 11 / 19


def test_each_failing_account_counted_once_under_its_primary_reason(result: AuditResult) -> None:
    reasons = summarize(result).reasons
    assert reasons == {
        "serious_error": 1,
        "not_updated": 2,
        "never_updated": 1,
        "unregistered": 2,
        "name_mismatch": 1,
        "unreachable": 0,
    }
    assert sum(reasons.values()) == summarize(result).new_media.failed


def test_optional_reason_appears_only_when_used(result: AuditResult) -> None:
    verdict = result.verdicts[6].model_copy(
        update={
            "verdict": VerdictCode.failed,
            "reasons": [Reason.no_interaction],
            "primary_reason": Reason.no_interaction,
        }
    )
    changed = result.model_copy(update={"verdicts": [*result.verdicts[:6], verdict, *result.verdicts[7:]]})
    assert summarize(changed).reasons["no_interaction"] == 1
    assert "no_interaction" not in summarize(result).reasons


def test_districts_follow_ledger_then_website_only_districts(result: AuditResult) -> None:
    names = [d.district for d in summarize(result).districts]
    assert names == ["市直", "咸安区", "嘉鱼县", "咸宁高新区"]


def test_district_tallies_add_up_to_the_total(result: AuditResult) -> None:
    summary = summarize(result)
    for attr in ("checked", "passed", "failed", "review"):
        assert sum(getattr(d.new_media, attr) for d in summary.districts) == getattr(summary.new_media, attr)
        assert sum(getattr(d.websites, attr) for d in summary.districts) == getattr(summary.websites, attr)


def test_website_bands_as_seed_001_counts_them(result: AuditResult) -> None:
    assert summarize(result).website_bands == {"100": 2, "90-100": 3, "below_90": 1, "vetoed": 1}
    assert [website_band(w) for w in result.websites][:3] == ["100", "below_90", "vetoed"]


def test_failure_cells_use_seed_wording(result: AuditResult) -> None:
    cells = {v.account.name: failure_cell(v, result.province) for v in result.verdicts if v.verdict == "fail"}
    assert cells["咸宁高新招商网"] == "未备案 开通至今未更新"
    assert cells["咸宁就业驿站"] == "监测时间点内未更新 (最近更新时间2022.1.25)"
    assert cells["湖北咸宁交警"] == "湖北省未备案"
    assert cells["咸宁住建"] == "账号名称备案有误"
    assert cells["文化咸宁"] == "严重表述错误"
    assert cells["咸宁禁毒宣传"].endswith("上期通报未整改")
    assert "2016.1.11" in cells["咸宁禁毒宣传"]


def test_province_comes_from_the_result(result: AuditResult) -> None:
    other = result.model_copy(update={"province": "湖南省"})
    jiayu = next(v for v in other.verdicts if v.account.name == "嘉鱼旅游")
    assert failure_cell(jiayu, other.province) == "湖南省未备案"
