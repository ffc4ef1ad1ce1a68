"""二、主要问题 of the notice: the failing websites and accounts, grouped by reason.

Worded as seed 001's (五) paragraph: a heading, then "一是……。二是……。" with
the accounts named as notice.md names them (“文化咸宁”微信). Accounts are grouped
under their primary reason, in the order of domain.md; at most ``limit`` are
named per group, followed by the group's count. Pure functions only.
"""

from __future__ import annotations

from collections.abc import Sequence

from ..models import AuditResult, Reason, Verdict
from .notice import account_mention, failing_by_reason
from .summary import website_band

ORDINALS = ("一", "二", "三", "四", "五", "六", "七", "八", "九", "十")
SECTION_NUMBERS = ("（一）", "（二）", "（三）", "（四）")

WEBSITES_HEADING = "部分政府网站存在突出问题。"
NEW_MEDIA_HEADING = "政务新媒体监管有待进一步加强。"

# Reasons told in one sentence ("一是…"), in the order of domain.md.
GROUPS: tuple[tuple[Reason, ...], ...] = (
    (Reason.serious_error,),
    (Reason.unreachable,),
    (Reason.not_updated, Reason.never_updated),
    (Reason.unregistered, Reason.name_mismatch),
    (Reason.no_interaction,),
)
LEADS: dict[Reason, str] = {
    Reason.serious_error: "政务新媒体日常运维监管不到位，信息发布审核把关不严",
    Reason.unreachable: "部分账号无法正常访问",
    Reason.not_updated: "内容更新不及时，部分账号长期不更新也未关停注销",
    Reason.unregistered: "新媒体基础管理工作不到位，部分账号未备案或备案信息不准确",
    Reason.no_interaction: "部分账号互动功能缺失",
}


def window_text(window_days: int) -> str:
    """The freshness window as the seed words it: 2周 for 14 days, else N天."""
    return f"{window_days // 7}周" if window_days % 7 == 0 else f"{window_days}天"


def _findings(reason: Reason, province: str, window_days: int) -> str:
    return {
        Reason.serious_error: "存在严重表述错误",
        Reason.unreachable: "已注销、被封禁或未公开，无法访问",
        Reason.not_updated: f"在监测时间点前{window_text(window_days)}内未更新",
        Reason.never_updated: "开通以来从未更新",
        Reason.unregistered: f"未在{province}政务新媒体备案",
        Reason.name_mismatch: "备案账号名称与实际名称不一致",
        Reason.no_interaction: "未提供留言、评论等互动功能",
    }[reason]


def mentions(verdicts: Sequence[Verdict], limit: int) -> str:
    """“A”微信、“B”微博等N个账号 — the first ``limit`` named, the count when more than one."""
    named = "、".join(account_mention(v) for v in verdicts[:limit])
    if len(verdicts) > 1:
        return f"{named}等{len(verdicts)}个账号"
    return named


def new_media_problems(result: AuditResult, window_days: int = 14, limit: int = 1000) -> str:
    """ "一是……。二是……。": one sentence per group of reasons present ("" when none fails)."""
    groups = failing_by_reason(result)
    sentences: list[str] = []
    for group in GROUPS:
        present = [reason for reason in group if reason in groups]
        if not present:
            continue
        clauses = [
            f"{mentions(groups[reason], limit)}{_findings(reason, result.province, window_days)}"
            for reason in present
        ]
        ordinal = ORDINALS[min(len(sentences), len(ORDINALS) - 1)]
        sentences.append(f"{ordinal}是{LEADS[group[0]]}。{'；'.join(clauses)}。")
    return "".join(sentences)


def website_problems(result: AuditResult, limit: int = 1000) -> str:
    """Vetoed, failing and below-90 websites ("" when none); their findings are in 附件1."""
    vetoed = [w.unit for w in result.websites if w.veto]
    failed = [w.unit for w in result.websites if not w.veto and not w.passed]
    low = [w.unit for w in result.websites if w.passed and website_band(w) == "below_90"]
    line = f"{result.website_pass_line:g}"
    parts: list[str] = []
    for units, finding in (
        (vetoed, "被一票否决"),
        (failed, f"得分低于{line}分，未达到合格标准"),
        (low, "得分低于90分"),
    ):
        if units:
            named = "、".join(units[:limit])
            parts.append(f"{named}等{len(units)}家网站{finding}" if len(units) > 1 else f"{named}{finding}")
    if not parts:
        return ""
    return "；".join(parts) + "。各网站存在的具体问题见附件1。"


def problem_sections(result: AuditResult, window_days: int = 14, limit: int = 1000) -> list[tuple[str, str]]:
    """(heading, text) of each item of 二、主要问题, numbered （一）（二）."""
    items: list[tuple[str, str]] = []
    websites = website_problems(result, limit)
    if websites:
        items.append((WEBSITES_HEADING, websites))
    new_media = new_media_problems(result, window_days, limit)
    if new_media:
        items.append((NEW_MEDIA_HEADING, new_media))
    return [(f"{SECTION_NUMBERS[i]}{heading}", text) for i, (heading, text) in enumerate(items)]
