"""The report's tables as plain rows, shared by report.xlsx and report.html.

Each table is a ``Sheet``: a name (<= 31 characters, an Excel limit), headers
and rows of str / int / float / None. The merged 汇总 table lives in summary.py's
figures and is laid out by each renderer.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from ..models import AuditResult, Verdict, VerdictCode, platform_label
from .labels import (
    BAND_LABELS,
    REGISTRY_KIND_LABELS,
    display_datetime,
    failure_cell,
    primary_of,
    rate_float,
    reason_text,
    status_label,
    verdict_label,
)
from .summary import Summary, Tally, district_order, website_band

Cell = str | int | float | None


@dataclass(frozen=True)
class Sheet:
    """One table of the report."""

    name: str
    headers: list[str]
    rows: list[list[Cell]]
    link_columns: frozenset[int] = field(default_factory=frozenset)
    """Columns holding a relative evidence path (links in HTML)."""


def account_type_text(verdict_or_type: str, platform: str) -> str:
    """新媒体类型: the ledger's account type, else the platform label."""
    return verdict_or_type or platform_label(platform)


def _district_sorted(result: AuditResult, verdicts: list[Verdict]) -> list[Verdict]:
    """Group by district in report order, keeping ledger order within a district."""
    rank = {name: i for i, name in enumerate(district_order(result))}
    return sorted(verdicts, key=lambda v: rank.get(v.account.district, len(rank)))


class _Labels(dict[tuple[str, ...], str]):
    """Labels of the few platforms, verdicts and reason lists, each worked out once.

    At 100,000 accounts the label functions were called half a million times
    for a handful of distinct answers."""

    def __init__(self, province: str) -> None:
        super().__init__()
        self.province = province

    def __missing__(self, key: tuple[str, ...]) -> str:
        kind, *values = key
        if kind == "platform":
            text = platform_label(values[0])
        elif kind == "verdict":
            text = verdict_label(values[0])
        else:  # "reasons": the reasons joined with 、
            text = "、".join(reason_text(r, self.province) for r in values)
        self[key] = text
        return text


def failing_sheet(result: AuditResult) -> Sheet:
    """新媒体不合格清单 in the 附件2 layout of seed 001 (plus the primary reason)."""
    failing = [v for v in result.verdicts if v.verdict == VerdictCode.failed]
    labels = _Labels(result.province)
    rows: list[list[Cell]] = [
        [
            v.account.district,
            v.account.name,
            v.account.unit,
            v.account.account_type or labels["platform", v.account.platform],
            failure_cell(v, result.province),
            labels["reasons", primary] if (primary := primary_of(v)) is not None else "",
        ]
        for v in _district_sorted(result, failing)
    ]
    return Sheet(
        "新媒体不合格清单",
        ["市直/县市区", "新媒体名称", "主办单位", "新媒体类型", "不合格原因", "计入原因"],
        rows,
    )


def _hits_text(verdict: Verdict) -> str:
    parts = []
    for hit in verdict.hits:
        if hit.dismissed:
            continue
        fix = f"（应为“{hit.correction}”）" if hit.correction else ""
        parts.append(f"“{hit.word}”{fix}：{hit.sentence} {hit.link}".strip())
    return "\n".join(parts)


def details_sheet(result: AuditResult) -> Sheet:
    """新媒体明细: every ledger account."""
    province = result.province
    labels = _Labels(province)
    rows: list[list[Cell]] = []
    for v in result.verdicts:
        a = v.account
        failed = v.verdict == VerdictCode.failed
        rows.append(
            [
                a.district,
                a.unit,
                a.name,
                labels["platform", a.platform],
                a.account_type or labels["platform", a.platform],
                a.account_id,
                status_text(v),
                v.live_name,
                display_datetime(v.last_post_at),
                labels["verdict", v.verdict],
                labels["reasons", primary_of(v)] if failed and primary_of(v) is not None else "",
                labels["reasons", *v.reasons],
                "是" if v.unrectified else "",
                v.review_reason,
                _hits_text(v),
                v.note,
                v.evidence,
            ]
        )
    headers = [
        "地区",
        "主办单位",
        "账号名称",
        "平台",
        "新媒体类型",
        "账号ID",
        "访问状态",
        "实际名称",
        "最近更新时间",
        "结论",
        "计入原因",
        "全部原因",
        "上期通报未整改",
        "待复核原因",
        "严重表述错误线索",
        "备注",
        "证据",
    ]
    return Sheet("新媒体明细", headers, rows, frozenset({len(headers) - 1}))


def _score_cell(score: float | None) -> Cell:
    if score is None:
        return None
    return int(score) if float(score).is_integer() else score


def websites_sheet(result: AuditResult) -> Sheet:
    """网站: each site with findings, score, veto, result, band and the score check."""
    rows: list[list[Cell]] = [
        [
            w.unit,
            w.district,
            w.findings,
            _score_cell(w.score),
            "是" if w.veto else "否",
            "合格" if w.passed else "不合格",
            BAND_LABELS[website_band(w)],
            _score_cell(sum(w.deductions)) if w.deductions else None,
            "一致" if w.consistent else "不一致",
        ]
        for w in result.websites
    ]
    return Sheet(
        "网站",
        [
            "单位名称",
            "地区",
            "抽查发现的突出问题",
            "得分",
            "一票否决",
            "结果",
            "分档",
            "扣分合计",
            "得分核对",
        ],
        rows,
    )


def registry_sheet(result: AuditResult) -> Sheet:
    """备案比对: unfiled, name mismatches, gone accounts, filings not in the ledger."""
    rows: list[list[Cell]] = [
        [
            REGISTRY_KIND_LABELS.get(i.kind, i.kind),
            platform_label(i.platform),
            i.account_id,
            i.live_name,
            i.filed_name,
            i.unit,
            i.district,
            i.filing_no,
            i.detail,
        ]
        for i in result.registry_issues
    ]
    return Sheet(
        "备案比对",
        ["问题类型", "平台", "账号ID", "实际名称", "备案名称", "主办单位", "地区", "备案编号", "说明"],
        rows,
    )


def zombies_sheet(result: AuditResult) -> Sheet:
    """僵尸账号: silent too long or never updated, with the recommended action."""
    rows: list[list[Cell]] = [
        [
            z.account.district,
            z.account.unit,
            z.account.name,
            platform_label(z.account.platform),
            account_type_text(z.account.account_type, z.account.platform),
            z.account.account_id,
            display_datetime(z.last_post_at) or "从未更新",
            z.days_silent if z.days_silent is not None else "从未更新",
            z.action,
        ]
        for z in result.zombies
    ]
    return Sheet(
        "僵尸账号",
        [
            "地区",
            "主办单位",
            "账号名称",
            "平台",
            "新媒体类型",
            "账号ID",
            "最近更新时间",
            "未更新天数",
            "建议处理",
        ],
        rows,
    )


def review_sheet(result: AuditResult) -> Sheet:
    """待复核: accounts we could not see (walls, errors, unsupported platforms)."""
    rows: list[list[Cell]] = [
        [
            v.account.district,
            v.account.unit,
            v.account.name,
            platform_label(v.account.platform),
            v.account.account_id,
            status_label(v.status),
            v.review_reason,
            v.evidence,
        ]
        for v in result.verdicts
        if v.verdict == VerdictCode.review
    ]
    return Sheet(
        "待复核",
        ["地区", "主办单位", "账号名称", "平台", "账号ID", "访问状态", "待复核原因", "证据"],
        rows,
        frozenset({7}),
    )


def skipped_sheet(result: AuditResult) -> Sheet:
    """跳过的行: bad input rows skipped with --skip-bad-rows."""
    rows: list[list[Cell]] = [[s.file, s.row, s.column, s.value, s.message] for s in result.skipped_rows]
    return Sheet("跳过的行", ["文件", "行号", "列", "值", "说明"], rows)


def detail_sheets(result: AuditResult) -> list[Sheet]:
    """Every table after 汇总, in workbook order."""
    return [
        failing_sheet(result),
        details_sheet(result),
        websites_sheet(result),
        registry_sheet(result),
        zombies_sheet(result),
        review_sheet(result),
        skipped_sheet(result),
        health_sheet(result),
        *([warnings_sheet(result)] if result.warnings is not None else []),
    ]


WARNING_KIND_LABELS = {"window": "即将未更新", "zombie": "即将列入僵尸账号"}


def warnings_sheet(result: AuditResult) -> Sheet:
    """预警: accounts that cross the update window or the zombie threshold within warn_days."""
    rows: list[list[Cell]] = [
        [
            w.account.district,
            w.account.unit,
            w.account.name,
            platform_label(w.account.platform),
            w.account.account_id,
            display_datetime(w.last_post_at),
            WARNING_KIND_LABELS.get(w.kind, w.kind),
            w.deadline.isoformat(),
            w.days_left,
            w.level,
        ]
        for w in result.warnings or []
    ]
    return Sheet(
        "预警",
        [
            "地区",
            "主办单位",
            "账号名称",
            "平台",
            "账号ID",
            "最近更新时间",
            "预警类型",
            "截止日期",
            "剩余天数",
            "预警等级",
        ],
        rows,
    )


def status_text(verdict: Verdict) -> str:
    """访问状态, saying when the observation was carried over from an earlier visit (--since)."""
    label = status_label(verdict.status)
    if verdict.carried_from is None:
        return label
    return f"{label}（沿用 {verdict.carried_from.isoformat()} 访问结果）"


def health_sheet(result: AuditResult) -> Sheet:
    """平台状况: how well each platform could be read (walls, faults, unreadable answers).

    Many unreadable answers mean the platform changed, not its accounts.
    """
    rows: list[list[Cell]] = [
        [
            platform_label(h.platform),
            h.accounts,
            h.read,
            h.walls,
            h.faults,
            h.unrecognized,
            h.pending,
            "已暂停（疑似改版）" if h.paused else ("部分无法识别" if h.unrecognized else "正常"),
        ]
        for h in result.platform_health
    ]
    return Sheet(
        "平台状况",
        ["平台", "账号数", "读取正常", "被拦截", "网络故障", "无法识别", "暂停未访问", "状况"],
        rows,
    )


SUMMARY_GROUPS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("网站", ("抽查数", "合格数", "不合格数", "合格率")),
    ("新媒体", ("抽查数", "合格数", "不合格数", "待复核", "合格率")),
    ("合计", ("抽查数", "合格数", "不合格数", "合格率")),
)
"""The merged 汇总 header: a group row over a sub-header row; column 0 is 地区."""

SUMMARY_TOTAL_LABEL = "总计"


def summary_rows(summary: Summary) -> list[list[Cell]]:
    """Rows of 汇总 (one per district, then the total); rates are floats or None."""

    def row(label: str, nm: Tally, ws: Tally) -> list[Cell]:
        both = nm + ws
        return [
            label,
            ws.checked,
            ws.passed,
            ws.failed,
            rate_float(ws.rate),
            nm.checked,
            nm.passed,
            nm.failed,
            nm.review,
            rate_float(nm.rate),
            both.checked,
            both.passed,
            both.failed,
            rate_float(both.rate),
        ]

    rows = [row(d.district, d.new_media, d.websites) for d in summary.districts]
    rows.append(row(SUMMARY_TOTAL_LABEL, summary.new_media, summary.websites))
    return rows


SUMMARY_RATE_COLUMNS = frozenset({4, 9, 13})
