"""notice.md: the 总体情况 paragraphs of a notice, in the words of seed 001.

Sections (二) 网站抽查情况, (三) 政务新媒体抽查情况 and (四) 新媒体问题整改情况;
(一) 政务公开抽查情况 is not something the tool inspects, so the office writes it.
Rates are written the way the seed writes them: 80%, 87.5% (no trailing ".0").
"""

from __future__ import annotations

from datetime import timedelta

from ..models import AuditResult, Reason, Verdict, VerdictCode, platform_label, reason_label
from .labels import NOTICE_REASON_ORDER, month_day, month_part, percent_text, primary_of
from .summary import Summary, rate, summarize, website_band

INDICATORS = "《国务院办公厅秘书局关于印发政府网站与政务新媒体检查指标、监管工作年度考核指标的通知》"
SECTION_NUMBERS = ("（二）", "（三）", "（四）", "（五）")
NAMED_FULL_SCORE_SITES = 4
"""How many sites at 100 the notice names before "等N家"."""


def _pct(part: int, whole: int) -> str:
    return percent_text(rate(part, whole)) + "%"


def _line(value: float) -> str:
    return f"{value:g}"


def account_mention(verdict: Verdict) -> str:
    """“name”微信 — the quoted name followed by the platform label."""
    return f"“{verdict.account.name}”{platform_label(verdict.account.platform)}"


def websites_paragraph(result: AuditResult, summary: Summary) -> str:
    """(二) 网站抽查情况."""
    ws = summary.websites
    n = ws.checked
    bands = summary.website_bands
    full = [w.unit for w in result.websites if website_band(w) == "100"]
    text = (
        f"网站抽查情况。市政务公开领导小组办公室于{month_part(result.as_of)}对全市{n}家政府网站进行检查，"
        f"总体合格率为{percent_text(ws.rate)}%（按{INDICATORS}要求{_line(result.website_pass_line)}分以上为合格），"
    )
    if full:
        named = "、".join(full[:NAMED_FULL_SCORE_SITES])
        text += (
            f"其中{named}等{len(full)}家网站运行良好，在本次抽查中获评100分，占比{_pct(len(full), n)}；"
            if len(full) > NAMED_FULL_SCORE_SITES
            else f"其中{named}共{len(full)}家网站运行良好，在本次抽查中获评100分，占比{_pct(len(full), n)}；"
        )
    else:
        text += "本次抽查中没有网站获评100分；"
    text += (
        f"得分90分以上（含90分）100分以下的网站{bands['90-100']}家，占比{_pct(bands['90-100'], n)}；"
        f"得分90分以下的网站{bands['below_90']}家，占比{_pct(bands['below_90'], n)}；"
    )
    if bands["vetoed"]:
        text += f"{bands['vetoed']}家网站被一票否决，占比{_pct(bands['vetoed'], n)}。"
    else:
        text += "没有网站被一票否决。"
    return text


def failing_by_reason(result: AuditResult) -> dict[Reason, list[Verdict]]:
    """Failing accounts under their primary reason, in ledger order (reasons in the notice's order)."""
    groups: dict[Reason, list[Verdict]] = {}
    for verdict in result.verdicts:
        if verdict.verdict == VerdictCode.failed:
            primary = primary_of(verdict)
            if primary is not None:
                groups.setdefault(Reason(primary), []).append(verdict)
    return {reason: groups[reason] for reason in NOTICE_REASON_ORDER if reason in groups}


def _reason_label(reason: Reason, province: str) -> str:
    # The notice writes 开通以来从未更新 and 备案名称不一致 (models.reason_label).
    return reason_label(reason, province)


def new_media_paragraph(result: AuditResult, summary: Summary, window_days: int = 14) -> str:
    """(三) 政务新媒体抽查情况."""
    nm = summary.new_media
    if nm.checked == 0:
        return "政务新媒体抽查情况。本次未抽查政务新媒体。"
    if nm.decided == 0:
        return (
            f"政务新媒体抽查情况。本次抽查的{nm.checked}个政务新媒体均无法自动访问"
            f"（需登录、验证或平台暂不支持），待人工复核后再计算合格率。"
        )
    start = result.as_of - timedelta(days=max(window_days - 1, 0))
    text = (
        f"政务新媒体抽查情况。{month_day(start)}至{month_day(result.as_of)}，"
        f"市政务公开领导小组办公室对全市{nm.checked}个政务新媒体进行了抽查，"
        f"其中合格{nm.passed}个（按照{INDICATORS}要求出现：安全、泄密事故等严重问题、内容不更新、"
        f"互动回应差即为一票否决），占比{percent_text(nm.rate)}%；"
    )
    groups = failing_by_reason(result)
    if nm.failed:
        details = []
        for reason, verdicts in groups.items():
            names = "、".join(account_mention(v) for v in verdicts)
            label = _reason_label(reason, result.province)
            if len(verdicts) == 1:
                details.append(f"{label}1个{names}")
            else:
                details.append(f"{label}{len(verdicts)}个，分别是{names}")
        inner = f"（{'；'.join(details)}）" if details else ""
        text += f"不合格{nm.failed}个{inner}，占比{_pct(nm.failed, nm.decided)}。"
    else:
        text += "无不合格政务新媒体。"
    if nm.review:
        text += (
            f"另有{nm.review}个政务新媒体因无法自动访问（需登录、验证或平台暂不支持）待人工复核，"
            f"未计入合格率。"
        )
    return text


def _subject(verdict: Verdict) -> str:
    account = verdict.account
    kind = account.account_type or platform_label(account.platform)
    return f"{account.unit}{kind}“{account.name}”"


def rectification_paragraph(result: AuditResult) -> str | None:
    """(四) 新媒体问题整改情况, or None without a previous sweep."""
    rect = result.rectification
    if rect is None:
        return None
    label = rect.previous_label or "上期"
    text = f"新媒体问题整改情况。{label}通报中发现有{rect.previous_failed}个政务新媒体不合格，经复查，"
    if rect.unrectified:
        text += f"{'、'.join(_subject(v) for v in rect.unrectified)}仍未按要求完成整改。"
    else:
        text += "均已按要求完成整改。"
    return text


def overview_paragraphs(result: AuditResult, summary: Summary, window_days: int) -> list[str]:
    """The overview's paragraphs in order: websites (when any), new media, rectification (when any)."""
    paragraphs: list[str] = []
    if result.websites:
        paragraphs.append(websites_paragraph(result, summary))
    paragraphs.append(new_media_paragraph(result, summary, window_days))
    rect = rectification_paragraph(result)
    if rect is not None:
        paragraphs.append(rect)
    return paragraphs


def render_notice(result: AuditResult, summary: Summary | None = None, window_days: int = 14) -> str:
    """notice.md as Markdown text."""
    summary = summary or summarize(result)
    paragraphs = overview_paragraphs(result, summary, window_days)
    numbered = [f"{SECTION_NUMBERS[i]}{p}" for i, p in enumerate(paragraphs)]
    header = (
        "# 一、总体情况\n\n"
        f"<!-- 监测时间点 {result.as_of.isoformat()}；"
        "（一）政务公开抽查情况不在本工具检查范围内，请另行撰写。 -->\n\n"
    )
    return header + "\n\n".join(numbered) + "\n"
