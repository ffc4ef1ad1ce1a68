"""report.html additions for weekly monitoring: the carried note and the pass-rate trend.

Every value is escaped; the chart is inline SVG (the page's CSP allows no other source).
"""

from __future__ import annotations

from html import escape

from ..models import AuditResult, TrendPoint
from .labels import rate_float
from .summary import Summary

TREND_COLORS = ("#3182ce", "#c53030", "#2f855a", "#805ad5", "#b7791f", "#319795", "#d53f8c", "#4a5568")
TOTAL_LABEL = "全部"


def _esc(value: object) -> str:
    return escape("" if value is None else str(value), quote=True)


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0") + "%"


def _rate_td(value: float | None) -> str:
    sort = "" if value is None else f' data-sort="{value}"'
    return f'<td class="num"{sort}>{_rate(value)}</td>'


def carried_note(result: AuditResult) -> str:
    """A line under the header when accounts were carried over (--since), else ""."""
    carried = [v.carried_from for v in result.verdicts if v.carried_from is not None]
    if not carried:
        return ""
    oldest, newest = min(carried), max(carried)
    span = oldest.isoformat() if oldest == newest else f"{oldest.isoformat()} 至 {newest.isoformat()}"
    return (
        f'<p class="meta">本期为周监测（--since）：{len(carried)} 个账号未重新访问，沿用 {_esc(span)} '
        "的访问结果（新媒体明细“访问状态”注明沿用日期）；季度检查请做全面抽查。</p>"
    )


def _series(
    result: AuditResult, summary: Summary
) -> tuple[list[str], list[str], dict[str, list[float | None]]]:
    """Column labels, row names and rates per row (earlier sweeps, then this one)."""
    points: list[TrendPoint] = list(result.trend)
    columns = [p.as_of.isoformat() + ("（周）" if p.weekly else "") for p in points]
    columns.append(f"{result.as_of.isoformat()}（本期）")
    names = [d.district for d in summary.districts]
    for point in points:
        names += [n for n in point.districts if n not in names]
    current = {d.district: rate_float(d.new_media.rate) for d in summary.districts}
    rows: dict[str, list[float | None]] = {
        name: [p.districts.get(name) for p in points] + [current.get(name)] for name in names
    }
    rows[TOTAL_LABEL] = [p.rate for p in points] + [rate_float(summary.new_media.rate)]
    return columns, [*names, TOTAL_LABEL], rows


def _chart(columns: list[str], names: list[str], rows: dict[str, list[float | None]]) -> str:
    values = [v for name in names for v in rows[name] if v is not None]
    if not values:
        return ""
    low = min(50.0, (min(values) // 10) * 10)
    left, top, width, height = 48, 10, max(240, 90 * (len(columns) - 1)), 200
    step = width / max(1, len(columns) - 1)

    def y(value: float) -> float:
        return top + height * (100 - value) / (100 - low)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{left + width + 40}" height="{top + height + 40}" '
        'role="img" aria-label="各地区新媒体合格率趋势">'
    ]
    for tick in range(int(low), 101, 10):
        parts.append(
            f'<line x1="{left}" x2="{left + width}" y1="{y(tick):.1f}" y2="{y(tick):.1f}" stroke="#e2e8f0"/>'
            f'<text x="{left - 6}" y="{y(tick) + 4:.1f}" text-anchor="end" font-size="11">{tick}%</text>'
        )
    for i, column in enumerate(columns):
        parts.append(
            f'<text x="{left + i * step:.1f}" y="{top + height + 18}" text-anchor="middle" '
            f'font-size="11">{_esc(column.split("（")[0])}</text>'
        )
    for n, name in enumerate(names):
        color = _color(n, name)
        points = [(left + i * step, y(v), v) for i, v in enumerate(rows[name]) if v is not None]
        if len(points) > 1:
            path = " ".join(f"{px:.1f},{py:.1f}" for px, py, _ in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{color}" stroke-width="2"/>')
        for px, py, v in points:
            parts.append(
                f'<circle cx="{px:.1f}" cy="{py:.1f}" r="3" fill="{color}"><title>{_esc(name)} {_rate(v)}</title></circle>'
            )
    parts.append("</svg>")
    # A legend rather than labels at the line ends: close rates would print over each other.
    legend = "".join(
        f'<span><i style="background:{_color(n, name)}"></i>{_esc(name)}</span>'
        for n, name in enumerate(names)
    )
    return (
        '<div class="chart" id="chart-trend"><h3>各地区新媒体合格率趋势</h3>'
        f'<div class="legend">{legend}</div>{"".join(parts)}</div>'
    )


def _color(index: int, name: str) -> str:
    return "#1a202c" if name == TOTAL_LABEL else TREND_COLORS[index % len(TREND_COLORS)]


def trend_section(result: AuditResult, summary: Summary) -> str:
    """The 合格率趋势 section (a table and a line chart), or "" without earlier sweeps."""
    if not result.trend:
        return ""
    columns, names, rows = _series(result, summary)
    head = '<th data-col="0">地区</th>' + "".join(
        f'<th data-col="{i}">{_esc(c)}</th>' for i, c in enumerate(columns, start=1)
    )
    body = "".join(
        f"<tr><td>{_esc(name)}</td>" + "".join(_rate_td(v) for v in rows[name]) + "</tr>" for name in names
    )
    return (
        '<section id="s-trend"><h2>新媒体合格率趋势</h2>'
        f'<p class="meta">本期与此前 {len(result.trend)} 次抽查（沿 --previous / --since 找到的输出目录）。</p>'
        f'<div class="wrap"><table class="data" id="t-trend"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div>"
        f'<div class="charts">{_chart(columns, names, rows)}</div></section>'
    )
