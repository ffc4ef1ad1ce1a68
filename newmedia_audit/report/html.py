"""report.html: one self-contained page (inline CSS and JS, no network).

Every value is escaped with html.escape; the embedded JSON escapes "</" and
"<!--" so no data can close its script element; a Content-Security-Policy
allows only the page's own script (by hash), so even a slip in escaping could
not run a post's <script>.
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
from urllib.parse import quote

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

_PLACEHOLDER = re.compile(r"(__SCRIPT_HASH__|__TITLE__|__DATA__|__BODY__|__SCRIPT__)")

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
    """JSON safe inside a <script> element: "</" -> "<\\/", "<!--" -> "\\u003c!--"."""
    text = json.dumps(data, ensure_ascii=False)
    return text.replace("</", "<\\/").replace("<!--", "\\u003c!--")


def _esc(value: Cell) -> str:
    return escape("" if value is None else str(value), quote=True)


def _rate_text(value: float | None) -> str:
    if value is None:
        return "—"
    return f"{value:.1f}".removesuffix(".0") + "%"


def evidence_href(path: str) -> str | None:
    """A relative link to an evidence folder, or None for an absolute or parent path.

    Every ":" is percent-encoded, so no data can form a scheme (javascript:, file:).
    """
    parts = path.replace("\\", "/").split("/")
    if not path or path.startswith(("/", "\\")) or ".." in parts:
        return None
    return quote(path.replace("\\", "/"), safe="/._-~")


def _td(value: Cell, *, link: bool = False, rate: bool = False) -> str:
    if rate:
        sort = "" if value is None else f' data-sort="{_esc(value)}"'
        return f'<td class="num"{sort}>{_rate_text(value)}</td>'  # type: ignore[arg-type]
    if isinstance(value, int | float) and not isinstance(value, bool):
        return f'<td class="num">{_esc(value)}</td>'
    if link and isinstance(value, str):
        href = evidence_href(value)
        if href is not None:
            return f'<td><a href="{escape(href, quote=True)}">{_esc(value)}</a></td>'
    css = _VERDICT_CSS.get(value) if isinstance(value, str) else None
    return f"<td{css or ''}>{_esc(value)}</td>"


_VERDICT_CSS = {"不合格": ' class="v-fail"', "待复核": ' class="v-review"'}


def _row(values: list[Cell], link_columns: frozenset[int]) -> str:
    """A table row; plain text cells (most of them) without the general _td."""
    cells = []
    for i, value in enumerate(values):
        if value.__class__ is str and i not in link_columns:
            cells.append(f"<td{_VERDICT_CSS.get(value, '')}>{escape(value, quote=True)}</td>")  # type: ignore[arg-type]
        else:
            cells.append(_td(value, link=i in link_columns))
    return "<tr>" + "".join(cells) + "</tr>"


def _rows_html(rows: list[list[Cell]], link_columns: frozenset[int]) -> str:
    """The rows of a table as ``_row`` writes them, built a column at a time.

    One html.escape call over a column's text joined by NUL instead of one a
    cell: at 100,000 accounts the per-cell calls were most of the page's time.
    """
    if len({len(row) for row in rows}) != 1 or not rows[0]:
        return "".join(_row(row, link_columns) for row in rows)
    columns = [
        [_td(value, link=True) for value in column] if i in link_columns else _text_column(column)
        for i, column in enumerate(zip(*rows, strict=True))
    ]
    return "".join(f"<tr>{''.join(cells)}</tr>" for cells in zip(*columns, strict=True))


def _text_column(column: tuple[Cell, ...]) -> list[str]:
    texts = [value if value.__class__ is str else "" for value in column]
    joined = _NUL.join(texts)
    if joined.count(_NUL) != len(texts) - 1:  # a cell holds a NUL itself: escape cell by cell
        escaped = [escape(text, quote=True) for text in texts]
    else:
        escaped = escape(joined, quote=True).split(_NUL)
    return [
        f"<td{_VERDICT_CSS.get(value, '')}>{text}</td>" if value.__class__ is str else _td(value)  # type: ignore[arg-type]
        for value, text in zip(column, escaped, strict=True)
    ]


_NUL = "\x00"


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
    """A detail table with a filter box; an empty sheet prints a short note."""
    if not sheet.rows:
        return '<p class="empty">无</p>'
    head = "".join(f'<th data-col="{i}">{_esc(h)}</th>' for i, h in enumerate(sheet.headers))
    body = _rows_html(sheet.rows, sheet.link_columns)
    return (
        _filter_box(table_id)
        + f'<div class="wrap"><table class="data" id="{table_id}"><thead><tr>{head}</tr></thead>'
        + f"<tbody>{body}</tbody></table></div>"
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
    replacements = {
        "__SCRIPT_HASH__": f"'sha256-{digest}'",
        "__TITLE__": escape(f"抽查报告 {result.as_of.isoformat()}"),
        "__DATA__": embed_json(data),
        "__BODY__": _body(
            result, summary, generated_at, sheets if sheets is not None else detail_sheets(result)
        ),
        "__SCRIPT__": script,
    }
    # Split the template once, so no data can smuggle a placeholder into a later step.
    pieces = _PLACEHOLDER.split(_asset("template.html"))
    return "".join(replacements.get(piece, piece) for piece in pieces)
