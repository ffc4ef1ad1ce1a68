"""notice.md: seed 001's wording with the computed figures and every failing account."""

from __future__ import annotations

from newmedia_audit.models import AuditResult, Rectification, VerdictCode, platform_label
from newmedia_audit.report.notice import render_notice
from newmedia_audit.report.summary import summarize


def test_notice_contains_computed_rates(result: AuditResult) -> None:
    text = render_notice(result)
    assert "对全市7家政府网站进行检查，总体合格率为85.7%" in text
    assert "60分以上为合格" in text
    assert "对全市14个政务新媒体进行了抽查，其中合格5个" in text
    assert "占比41.7%" in text
    assert "不合格7个" in text and "占比58.3%" in text
    assert "6月7日至6月20日" in text and "6月中旬" in text


def test_notice_names_every_failing_account_under_its_reason(result: AuditResult) -> None:
    text = render_notice(result)
    for verdict in result.verdicts:
        mention = f"“{verdict.account.name}”{platform_label(verdict.account.platform)}"
        assert (mention in text) == (verdict.verdict == VerdictCode.failed), mention
    assert "监测时间点内未更新2个，分别是“咸宁就业驿站”微信、“咸宁禁毒宣传”微信" in text
    assert "湖北省未备案2个，分别是“湖北咸宁交警”微博、“嘉鱼旅游”今日头条" in text
    assert "备案名称不一致1个“咸宁住建”微信" in text
    order = [
        text.index(label)
        for label in (
            "严重表述错误",
            "监测时间点内未更新",
            "开通以来从未更新",
            "湖北省未备案",
            "备案名称不一致",
        )
    ]
    assert order == sorted(order)


def test_website_bands_and_full_score_sites(result: AuditResult) -> None:
    text = render_notice(result)
    assert "其中市政府、咸安区共2家网站运行良好，在本次抽查中获评100分，占比28.6%" in text
    assert "得分90分以上（含90分）100分以下的网站3家，占比42.9%" in text
    assert "得分90分以下的网站1家，占比14.3%" in text
    assert "1家网站被一票否决，占比14.3%" in text


def test_many_full_score_sites_are_named_by_the_first_few(result: AuditResult) -> None:
    sites = [
        w.model_copy(update={"unit": f"单位{i}", "score": 100.0, "veto": False, "passed": True})
        for i, w in enumerate(result.websites * 2)
    ]
    text = render_notice(result.model_copy(update={"websites": sites}))
    assert "其中单位0、单位1、单位2、单位3等14家网站运行良好" in text
    assert "总体合格率为100%" in text  # no trailing .0


def test_rectification_sentence_names_the_unrectified_account(result: AuditResult) -> None:
    text = render_notice(result)
    assert (
        "2022年3月份通报中发现有12个政务新媒体不合格，经复查，咸宁市公安局微信订阅号“咸宁禁毒宣传”仍未按要求完成整改。"
        in text
    )


def test_all_rectified_and_no_previous_sweep(result: AuditResult) -> None:
    done = result.model_copy(
        update={"rectification": Rectification(previous_label="2022年3月份", previous_failed=5)}
    )
    assert "经复查，均已按要求完成整改。" in render_notice(done)
    none = result.model_copy(update={"rectification": None})
    assert "整改情况" not in render_notice(none)


def test_review_count_is_stated_when_not_zero(result: AuditResult) -> None:
    assert "另有2个政务新媒体" in render_notice(result)
    decided = [v for v in result.verdicts if v.verdict != VerdictCode.review]
    assert "另有" not in render_notice(result.model_copy(update={"verdicts": decided}))


def test_notice_rates_agree_with_summary(result: AuditResult) -> None:
    summary = summarize(result)
    assert f"{summary.websites.rate}%" in render_notice(result)


def test_no_decided_accounts_gives_no_fake_rate(result: AuditResult) -> None:
    review_only = [v for v in result.verdicts if v.verdict == VerdictCode.review]
    text = render_notice(result.model_copy(update={"verdicts": review_only}))
    assert "—%" not in text and "2个政务新媒体均无法自动访问" in text
    assert "本次未抽查政务新媒体" in render_notice(result.model_copy(update={"verdicts": []}))
