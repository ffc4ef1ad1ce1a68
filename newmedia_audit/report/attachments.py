"""附件1 and 附件2 of the notice, laid out as seed 001 prints them; shared by report.xlsx and notice.docx.

附件1 is the website table (单位名称, 抽查发现的突出问题, 得分); 附件2 the district
table (市直/县市区, 抽查数量, 不合格数量, 合格率) followed by the failing list
(市直/县(市、区), 新媒体名称, 主办单位, 新媒体类型, 不合格原因). Titles come from the
monitoring point's year and quarter and the ``city`` setting, e.g.
"{year}年{city}政务新媒体第{quarter}季度抽查监测情况表". Pure functions only.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from ..models import AuditResult
from .labels import percent_text
from .summary import Summary
from .tables import Cell, Sheet, failing_sheet

QUARTER_NUMERALS = ("一", "二", "三", "四")

WEBSITE_HEADERS = ["单位名称", "抽查发现的突出问题", "得分"]
DISTRICT_HEADERS = ["市直/县市区", "抽查数量", "不合格数量", "合格率"]
FAILING_HEADERS = ["市直/县(市、区)", "新媒体名称", "主办单位", "新媒体类型", "不合格原因"]
NO_FINDINGS = "无"
VETO_SCORE = "一票否决"
NO_WEBSITES_NOTE = "本次未提供网站检查结果。"
FAILING_SHEET = "新媒体不合格清单"


def quarter_of(day: date) -> str:
    """The quarter of a date in Chinese numerals: 2022-05-10 -> "二"."""
    return QUARTER_NUMERALS[(day.month - 1) // 3]


@dataclass(frozen=True)
class Titles:
    """The titles a sweep's documents carry, from the monitoring point and the city."""

    city: str
    year: int
    quarter: str
    """Chinese numeral: 一, 二, 三 or 四."""

    @property
    def websites(self) -> str:
        """附件1: 2022年咸宁市政府网站第二季度抽查监测情况表."""
        return f"{self.year}年{self.city}政府网站第{self.quarter}季度抽查监测情况表"

    @property
    def new_media(self) -> str:
        """附件2: 2022年咸宁市政务新媒体第二季度抽查监测情况表."""
        return f"{self.year}年{self.city}政务新媒体第{self.quarter}季度抽查监测情况表"

    @property
    def sweep(self) -> str:
        """The sweep as the print header of the other sheets names it: 2022年咸宁市第二季度抽查监测."""
        return f"{self.year}年{self.city}第{self.quarter}季度抽查监测"


def report_titles(as_of: date, city: str = "") -> Titles:
    """Titles for a sweep with monitoring point ``as_of`` (the ``city`` setting may be empty)."""
    return Titles(city=city.strip(), year=as_of.year, quarter=quarter_of(as_of))


@dataclass(frozen=True)
class Table:
    """One table of an attachment: headers and rows of str / int / float / None."""

    headers: list[str]
    rows: list[list[Cell]]


@dataclass(frozen=True)
class Attachment:
    """附件N: its title and tables, in print order, and a note printed under them ("" for none)."""

    name: str
    title: str
    tables: list[Table]
    note: str = ""
    empty: bool = field(default=False)
    """No rows at all (a sweep without websites): the notice leaves the attachment out."""


def _score(score: float | None, veto: bool) -> Cell:
    if veto:
        return VETO_SCORE
    if score is None:
        return None
    return int(score) if float(score).is_integer() else score


def website_rows(result: AuditResult) -> list[list[Cell]]:
    """附件1's rows in input order: unit, findings (无 when none), score (一票否决 when vetoed)."""
    return [[w.unit, w.findings.strip() or NO_FINDINGS, _score(w.score, w.veto)] for w in result.websites]


def district_rows(summary: Summary) -> list[list[Cell]]:
    """附件2's district table: checked, failed and the rate with a percent sign, written as the seed writes rates (labels.percent_text)."""
    return [
        [d.district, d.new_media.checked, d.new_media.failed, _rate_text(d.new_media.rate)]
        for d in summary.districts
        if d.new_media.checked
    ]


def _rate_text(rate: Decimal | None) -> str:
    text = percent_text(rate)
    return text if text == "—" else text + "%"


def failing_rows(result: AuditResult, failing: Sheet | None = None) -> list[list[Cell]]:
    """附件2's failing list: the first five columns of 新媒体不合格清单 (grouped by district).

    Args:
        result: the assessed sweep.
        failing: 新媒体不合格清单 when already built (tables.failing_sheet), to reuse its rows.
    """
    sheet = failing if failing is not None else failing_sheet(result)
    return [row[: len(FAILING_HEADERS)] for row in sheet.rows]


def review_note(summary: Summary) -> str:
    """附件2's note on accounts in review, which its rates leave out ("" when there are none)."""
    review = summary.new_media.review
    if not review:
        return ""
    return f"注：另有{review}个政务新媒体无法自动访问，待人工复核，未计入不合格数量和合格率。"


def websites_attachment(result: AuditResult, titles: Titles) -> Attachment:
    """附件1: the website table."""
    rows = website_rows(result)
    return Attachment(
        "附件1",
        titles.websites,
        [Table(list(WEBSITE_HEADERS), rows)],
        "" if rows else NO_WEBSITES_NOTE,
        empty=not rows,
    )


def new_media_attachment(
    result: AuditResult, summary: Summary, titles: Titles, failing: Sheet | None = None
) -> Attachment:
    """附件2: the district table, then the failing list."""
    return Attachment(
        "附件2",
        titles.new_media,
        [
            Table(list(DISTRICT_HEADERS), district_rows(summary)),
            Table(list(FAILING_HEADERS), failing_rows(result, failing)),
        ],
        review_note(summary),
    )


def attachments(
    result: AuditResult, summary: Summary, titles: Titles, sheets: list[Sheet] | None = None
) -> list[Attachment]:
    """附件1 and 附件2, in that order.

    Args:
        sheets: the report's tables (tables.detail_sheets) when already built: 附件2 reuses
            the rows of 新媒体不合格清单 instead of building them again.
    """
    failing = next((s for s in sheets or [] if s.name == FAILING_SHEET), None)
    return [websites_attachment(result, titles), new_media_attachment(result, summary, titles, failing)]
