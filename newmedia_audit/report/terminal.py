"""The merged district table on the terminal (rich), printed at the end of a sweep."""

from __future__ import annotations

from rich.console import Console
from rich.table import Table

from ..models import AuditResult
from .summary import Summary, summarize
from .tables import SUMMARY_GROUPS, SUMMARY_RATE_COLUMNS, Cell, summary_rows


def _text(value: Cell, is_rate: bool) -> str:
    if value is None:
        return "—"
    if is_rate:
        return f"{float(value):.1f}%"
    return str(value)


def summary_table(summary: Summary, title: str = "") -> Table:
    """A rich Table: 地区, then 网站 / 新媒体 / 合计 columns, the total row last."""
    table = Table(title=title or None, header_style="bold", collapse_padding=True, pad_edge=False)
    table.add_column("地区", no_wrap=True)
    for group, subs in SUMMARY_GROUPS:
        for sub in subs:
            short = sub.removesuffix("数") if sub != "合格率" else "合格率"
            table.add_column(f"{group}\n{short}", justify="right", no_wrap=True)
    rows = summary_rows(summary)
    for index, values in enumerate(rows):
        cells = [_text(v, i in SUMMARY_RATE_COLUMNS) for i, v in enumerate(values)]
        is_total = index == len(rows) - 1
        table.add_row(*cells, style="bold" if is_total else None, end_section=index == len(rows) - 2)
    return table


def print_summary(result: AuditResult, console: Console | None = None) -> None:
    """Print the merged table (and the review count) for the end of a sweep."""
    summary = summarize(result)
    if console is None:
        # Piped output (CI logs, files) gets no terminal width: give the 14 columns room.
        console = Console(stderr=False)
        if not console.is_terminal:
            console = Console(stderr=False, width=160)
    console.print(summary_table(summary, title=f"抽查汇总（监测时间点 {result.as_of.isoformat()}）"))
    if summary.new_media.review:
        console.print(
            f"另有 {summary.new_media.review} 个账号待复核，未计入合格率（见 report.xlsx「待复核」）。"
        )
