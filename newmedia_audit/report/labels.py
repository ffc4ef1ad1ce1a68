"""Chinese labels and value formatting shared by every report.

Labels follow seed 001 (附件2 writes 未备案 / 开通至今未更新 / 账号名称备案有误),
domain.md and models.reason_label; formatting is pure.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime, timedelta, timezone
from decimal import Decimal

from ..models import Reason, Status, Verdict, VerdictCode, reason_label

CST = timezone(timedelta(hours=8))
"""Asia/Shanghai has no daylight saving: a fixed +08:00 is exact."""

# Order of results.json "reasons" (design.md); no_interaction is added only when used.
REASON_KEYS: tuple[Reason, ...] = (
    Reason.serious_error,
    Reason.not_updated,
    Reason.never_updated,
    Reason.unregistered,
    Reason.name_mismatch,
    Reason.unreachable,
)

# Order in which the notice lists failing accounts (domain.md precedence, seed 001).
NOTICE_REASON_ORDER: tuple[Reason, ...] = tuple(Reason)  # Reason is declared in that order

STATUS_LABELS: dict[str, str] = {
    Status.ok: "正常",
    Status.not_found: "账号不存在或已注销",
    Status.banned: "已封禁",
    Status.private: "未公开",
    Status.blocked: "访问受阻（登录/验证）",
    Status.error: "访问出错",
    Status.unsupported: "暂不支持自动检查",
}

VERDICT_LABELS: dict[str, str] = {
    VerdictCode.passed: "合格",
    VerdictCode.failed: "不合格",
    VerdictCode.review: "待复核",
}

REGISTRY_KIND_LABELS: dict[str, str] = {
    "unfiled": "未备案",
    "name_mismatch": "备案名称不一致",
    "gone": "备案账号已不存在",
    "not_in_ledger": "备案账号未列入台账",
}

BAND_KEYS: tuple[str, ...] = ("100", "90-100", "below_90", "vetoed")
BAND_LABELS: dict[str, str] = {
    "100": "100分",
    "90-100": "90分以上（含90分）100分以下",
    "below_90": "90分以下",
    "vetoed": "一票否决",
}

TRUNCATION_MARKER = "…[已截断]"


def to_local(moment: datetime) -> datetime:
    """The moment in +08:00; a naive datetime is taken as already local."""
    if moment.tzinfo is None:
        return moment.replace(tzinfo=CST)
    return moment.astimezone(CST)


def iso_local(moment: datetime | None) -> str:
    """ISO 8601 with +08:00 (seconds precision), or "" for None."""
    if moment is None:
        return ""
    return to_local(moment).replace(microsecond=0).isoformat()


def display_datetime(moment: datetime | None) -> str:
    """A local time as people read it: 2021-03-05 12:28, or "" for None."""
    if moment is None:
        return ""
    return to_local(moment).strftime("%Y-%m-%d %H:%M")


def dotted_date(day: date) -> str:
    """Seed 001's short date: 2021.3.5."""
    return f"{day.year}.{day.month}.{day.day}"


def month_day(day: date) -> str:
    """Seed 001's notice date: 5月10日."""
    return f"{day.month}月{day.day}日"


def month_part(day: date) -> str:
    """5月上旬 / 5月中旬 / 5月下旬."""
    part = "上旬" if day.day <= 10 else "中旬" if day.day <= 20 else "下旬"
    return f"{day.month}月{part}"


def percent_text(rate: Decimal | None) -> str:
    """A rate as the seed writes it: 80 (not 80.0), 87.5; "—" when undecided."""
    if rate is None:
        return "—"
    text = f"{rate:.1f}"
    return text.removesuffix(".0")


def rate_float(rate: Decimal | None) -> float | None:
    """A rate for JSON: 87.5, 100.0, or None."""
    return None if rate is None else float(rate)


def status_label(status: str) -> str:
    return STATUS_LABELS.get(status, str(status))


def verdict_label(verdict: str) -> str:
    return VERDICT_LABELS.get(verdict, str(verdict))


def reason_text(reason: Reason | str | None, province: str) -> str:
    """Label of a reason code (models.reason_label), "" for None."""
    if reason is None or reason == "":
        return ""
    return reason_label(reason, province)


def primary_of(verdict: Verdict) -> Reason | None:
    """The reason a failing account is counted under: primary_reason, else the first reason."""
    if verdict.primary_reason is not None:
        return verdict.primary_reason
    return verdict.reasons[0] if verdict.reasons else None


def failure_cell(verdict: Verdict, province: str) -> str:
    """The 不合格原因 cell of 附件2, worded as seed 001 writes it.

    "湖北省未备案" alone; "未备案 开通至今未更新" when unfiled and never updated;
    "监测时间点内未更新 (最近更新时间2021.3.5)"; "账号名称备案有误";
    "严重表述错误"; then "上期通报未整改" for an account failing again.
    """
    reasons = list(verdict.reasons)
    if not reasons and verdict.primary_reason is not None:
        reasons = [verdict.primary_reason]
    others = [r for r in reasons if r != Reason.unregistered]
    parts: list[str] = []
    if Reason.unregistered in reasons:
        parts.append("未备案" if others else f"{province}未备案")
    for reason in others:
        if reason == Reason.not_updated:
            text = "监测时间点内未更新"
            if verdict.last_post_at is not None:
                text += f" (最近更新时间{dotted_date(to_local(verdict.last_post_at).date())})"
            parts.append(text)
        elif reason == Reason.never_updated:
            parts.append("开通至今未更新")
        elif reason == Reason.name_mismatch:
            parts.append("账号名称备案有误")
        else:
            parts.append(reason_label(reason, province))
    if verdict.unrectified:
        parts.append("上期通报未整改")
    if not parts:
        parts.append(verdict.note or "不合格")
    return " ".join(parts)


class _CharWidths(dict[str, int]):
    """Width of each character met so far (2 for East Asian wide and full-width, else 1)."""

    def __missing__(self, ch: str) -> int:
        width = 2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1
        self[ch] = width
        return width


_CHAR_WIDTHS = _CharWidths()


def display_width(text: str) -> int:
    """Columns a string takes in a spreadsheet: CJK and full-width characters count 2."""
    if text.isascii():
        return len(text)
    return sum(map(_CHAR_WIDTHS.__getitem__, text))
