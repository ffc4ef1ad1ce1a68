"""report.html: one self-contained page (inline CSS and JS, no network).

The detail tables (up to one row per account) are embedded once as JSON and
report.js renders them a page at a time, filtering and sorting over all rows:
at 100,000 accounts a page of 100,000+ server-rendered rows did not finish
opening in Chromium. The small tables (汇总, 趋势) are rendered here. Every
value is escaped with html.escape or, in the tables report.js renders, set as
text (textContent); the embedded JSON writes every "<" as "\\u003c", so no data
can close its script element; a Content-Security-Policy allows only the page's
own script (by hash), so even a slip in escaping could not run a post's <script>.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
from datetime import datetime
from html import escape
from importlib import resources
from typing import Any

from ..models import AuditResult
from .labels import iso_local
from .monitoring_html import carried_note, trend_section
from .results_json import results_dict
from .summary import Summary, Tally, summarize
from .tables import (
    SUMMARY_GROUPS,
    SUMMARY_RATE_COLUMNS,
    Cell,
    Sheet,
    detail_sheets,
    summary_rows,
)

_PLACEHOLDER = re.compile(r"(__SCRIPT_HASH__|__TITLE__|__DATA__|__TABLES__|__BODY__|__SCRIPT__)")

SHEET_IDS: dict[str, str] = {
    "新媒体不合格清单": "t-failing",
    "新媒体明细": "t-details",
    "网站": "t-websites",
    "备案比对": "t-registry",
    "僵尸账号": "t-zombies",
    "待复核": "t-review",
    "跳过的行": "t-skipped",
    "平台状况": "t-health",
    "预警": "t-warnings",
}


def _asset(name: str) -> str:
    return resources.files(__package__).joinpath(name).read_text(encoding="utf-8")


def embed_json(data: Any) -> str:
    """JSON safe inside a <script> element: every "<" is written "\\u003c".

    "<" only occurs inside JSON strings, where the escape means the same
    character, so no data can close the element ("</script") or open a comment
    ("<!--"), and no markup of the data appears in the page's text.
    """
    return json.dumps(data, ensure_ascii=False).replace("<", "\\u003c")


def _esc(value: Cell) -> str:
    return escape("" if value is None else str(value), quote=True)


def _rate_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0") + "%"


def _td(value: Cell, *, rate: bool = False) -> str:
    """A cell of the server-rendered tables (汇总)."""
    if rate:
        sort = "" if value is None else f' data-sort="{_esc(value)}"'
        return f'<td class="num"{sort}>{_rate_text(value)}</td>'  # type: ignore[arg-type]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{_esc(value)}</td>'
    css = _VERDICT_CSS.get(value) if isinstance(value, str) else None
    return f'<td class="{css}">{_esc(value)}</td>' if css else f"<td>{_esc(value)}</td>"


_VERDICT_CSS = {"不合格": "v-fail", "待复核": "v-review"}
"""Cells whose whole text is a verdict get its colour (in every table, as report.js does)."""

PAGE_ROWS = 200
"""Rows a page of a detail table shows; report.js renders them from the embedded data."""


def table_data(sheets: list[Sheet]) -> dict[str, Any]:
    """What report.js renders the detail tables from: each table's rows, its evidence
    columns, the verdict colours and the page size. Rows are the sheets' own lists,
    dumped as they are (str / int / float / None)."""
    return {
        "page": PAGE_ROWS,
        "verdicts": _VERDICT_CSS,
        "tables": {
            SHEET_IDS[s.name]: {"rows": s.rows, "links": sorted(s.link_columns)} for s in sheets if s.rows
        },
    }


def _filter_box(table_id: str) -> str:
    return (
        f'<div class="tools"><input type="search" placeholder="输入关键词筛选…" '
        f'aria-label="筛选" data-filter="{table_id}"><span class="count" data-count="{table_id}"></span></div>'
    )


def summary_table(summary: Summary) -> str:
    """The merged 汇总 table: group header, sub-header, district rows, total in tfoot."""
    top = ['<th rowspan="2" data-col="0">地区</th>']
    subs: list[str] = []
    col = 1
    for group, names in SUMMARY_GROUPS:
        top.append(f'<th colspan="{len(names)}">{_esc(group)}</th>')
        for name in names:
            subs.append(f'<th data-col="{col}">{_esc(name)}</th>')
            col += 1
    rows = summary_rows(summary)
    body = []
    for values in rows[:-1]:
        cells = "".join(_td(v, rate=i in SUMMARY_RATE_COLUMNS) for i, v in enumerate(values))
        body.append(f"<tr>{cells}</tr>")
    total = "".join(_td(v, rate=i in SUMMARY_RATE_COLUMNS) for i, v in enumerate(rows[-1]))
    # The first header row carries the sortable 地区 cell; move it to the sub-row for sorting.
    return (
        _filter_box("t-summary")
        + '<div class="wrap"><table class="data" id="t-summary"><thead>'
        + f"<tr>{''.join(top)}</tr><tr>{''.join(subs)}</tr></thead>"
        + f"<tbody>{''.join(body)}</tbody><tfoot><tr>{total}</tr></tfoot></table></div>"
    )


def sheet_table(sheet: Sheet, table_id: str) -> str:
    """A detail table's frame (filter box, header, pager); report.js fills its rows from
    the embedded data. An empty sheet prints a short note."""
    if not sheet.rows:
        return '<p class="empty">无</p>'
    head = "".join(f'<th data-col="{i}">{_esc(h)}</th>' for i, h in enumerate(sheet.headers))
    return (
        _filter_box(table_id)
        + f'<div class="wrap"><table class="data" id="{table_id}" data-rows="{table_id}">'
        + f"<thead><tr>{head}</tr></thead><tbody></tbody></table></div>"
        + f'<div class="pager" data-pager="{table_id}" hidden></div>'
        + '<noscript><p class="empty">此表需启用 JavaScript 显示；完整数据见 report.xlsx。</p></noscript>'
    )


BAR_COLORS = {"网站": "#805ad5", "新媒体": "#3182ce", "合计": "#2f855a"}


def bar_chart(title: str, items: list[tuple[str, dict[str, float | None]]], chart_id: str) -> str:
    """A horizontal SVG bar chart of rates (0-100) per item and series."""
    series = list(BAR_COLORS) if not items else [s for s in BAR_COLORS if any(s in v for _, v in items)]
    label_w, bar_w, bar_h, gap = 120, 300, 14, 10
    group_h = len(series) * bar_h + gap
    height = max(group_h * len(items), bar_h) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 70}" height="{height}" '
        f'role="img" aria-label="{_esc(title)}">'
    ]
    for i, (label, rates) in enumerate(items):
        y0 = i * group_h + 5
        parts.append(
            f'<text x="{label_w - 6}" y="{y0 + len(series) * bar_h / 2 + 4}" text-anchor="end" '
            f'font-size="12">{_esc(label)}</text>'
        )
        for j, name in enumerate(series):
            value = rates.get(name)
            y = y0 + j * bar_h
            width = 0.0 if value is None else bar_w * max(0.0, min(value, 100.0)) / 100
            parts.append(
                f'<rect x="{label_w}" y="{y + 1}" width="{width:.1f}" height="{bar_h - 2}" '
                f'fill="{BAR_COLORS[name]}"><title>{_esc(label)} {_esc(name)} {_rate_text(value)}</title></rect>'
            )
            parts.append(
                f'<text x="{label_w + width + 4:.1f}" y="{y + bar_h - 3}" font-size="11">{_rate_text(value)}</text>'
            )
    parts.append("</svg>")
    legend = "".join(f'<span><i style="background:{BAR_COLORS[s]}"></i>{_esc(s)}</span>' for s in series)
    return (
        f'<div class="chart" id="{chart_id}"><h3>{_esc(title)}</h3>'
        f'<div class="legend">{legend}</div>{"".join(parts)}</div>'
    )


def _card(title: str, tally: Tally, with_review: bool) -> str:
    review = f" / 待复核 {tally.review}" if with_review else ""
    return (
        f'<div class="card"><div>{_esc(title)}合格率</div>'
        f'<div class="big">{_rate_text(None if tally.rate is None else float(tally.rate))}</div>'
        f'<div class="sub">抽查 {tally.checked} / 合格 {tally.passed} / 不合格 {tally.failed}{review}</div></div>'
    )


def _body(result: AuditResult, summary: Summary, generated_at: datetime, sheets: list[Sheet]) -> str:
    trend = trend_section(result, summary)
    nav = ['<a href="#s-summary">汇总</a>', '<a href="#s-charts">图表</a>'] + [
        f'<a href="#s-{SHEET_IDS[s.name]}">{_esc(s.name)}</a>' for s in sheets
    ]
    if trend:
        nav.insert(2, '<a href="#s-trend">趋势</a>')
    cards = (
        _card("网站", summary.websites, False)
        + _card("政务新媒体", summary.new_media, True)
        + _card("合计", summary.combined, True)
    )

    def rates(nm: Tally, ws: Tally | None) -> dict[str, float | None]:
        out: dict[str, float | None] = {}
        if ws is not None and ws.checked:
            out["网站"] = None if ws.rate is None else float(ws.rate)
        if nm.checked:
            out["新媒体"] = None if nm.rate is None else float(nm.rate)
        if ws is not None:
            both = nm + ws
            out["合计"] = None if both.rate is None else float(both.rate)
        return out

    district_chart = bar_chart(
        "各地区合格率",
        [(d.district, rates(d.new_media, d.websites)) for d in summary.districts],
        "chart-districts",
    )
    platform_chart = bar_chart(
        "各平台新媒体合格率",
        [(p.label, rates(p.new_media, None)) for p in summary.platforms],
        "chart-platforms",
    )
    sections = "".join(
        f'<section id="s-{SHEET_IDS[s.name]}"><h2>{_esc(s.name)}（{len(s.rows)}）</h2>'
        f"{sheet_table(s, SHEET_IDS[s.name])}</section>"
        for s in sheets
    )
    review_note = (
        f"；另有 {summary.new_media.review} 个账号待复核，未计入合格率" if summary.new_media.review else ""
    )
    return (
        f"<header><h1>政府网站与政务新媒体抽查报告</h1>"
        f'<div class="meta">监测时间点 {_esc(result.as_of.isoformat())}，生成于 {_esc(iso_local(generated_at))}'
        f"，网站 {_esc(percent_text_value(result.website_pass_line))} 分以上为合格{_esc(review_note)}</div>"
        f"{carried_note(result)}<nav>{''.join(nav)}</nav></header>"
        f'<div class="cards">{cards}</div>'
        f'<section id="s-summary"><h2>汇总</h2>{summary_table(summary)}</section>'
        f'<section id="s-charts"><h2>合格率图表</h2><div class="charts">{district_chart}{platform_chart}</div></section>'
        f"{trend}{sections}"
    )


def percent_text_value(value: float) -> str:
    """60.0 -> "60", 80.5 -> "80.5"."""
    return f"{value:g}"


def render_html(
    result: AuditResult,
    generated_at: datetime,
    summary: Summary | None = None,
    sheets: list[Sheet] | None = None,
) -> str:
    """report.html as text."""
    summary = summary or summarize(result)
    script = _asset("report.js")
    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    data = results_dict(result, generated_at, summary)
    sheets = sheets if sheets is not None else detail_sheets(result)
    replacements = {
        "__SCRIPT_HASH__": f"'sha256-{digest}'",
        "__TITLE__": escape(f"抽查报告 {result.as_of.isoformat()}"),
        "__DATA__": embed_json(data),
        "__TABLES__": embed_json(table_data(sheets)),
        "__BODY__": _body(result, summary, generated_at, sheets),
        "__SCRIPT__": script,
    }
    # Split the template once, so no data can smuggle a placeholder into a later step.
    pieces = _PLACEHOLDER.split(_asset("template.html"))
    return "".join(replacements.get(piece, piece) for piece in pieces)
