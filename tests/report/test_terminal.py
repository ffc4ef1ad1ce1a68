"""The merged table printed at the end of a sweep."""

from __future__ import annotations

from rich.console import Console

from newmedia_audit.models import AuditResult
from newmedia_audit.report.terminal import print_summary


def test_terminal_table_shows_districts_rates_and_review(result: AuditResult) -> None:
    console = Console(record=True, width=160, force_terminal=False)
    print_summary(result, console)
    text = console.export_text()
    for district in ("市直", "咸安区", "嘉鱼县", "咸宁高新区", "总计"):
        assert district in text
    assert "41.7%" in text and "85.7%" in text and "57.9%" in text and "66.7%" in text
    assert "另有 2 个账号待复核" in text
