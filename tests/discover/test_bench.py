"""The discovery bench stage runs and scores (small sizes, httpx only)."""

from __future__ import annotations

from pathlib import Path

from newmedia_audit.bench.discovery import discovery_bench, report_lines


def test_the_bench_stage_scores_a_small_region(tmp_path: Path) -> None:
    figures = discovery_bench(tmp_path, keywords=2, planted=6, httpx_only=True)
    assert figures["planted"] == 6 and figures["queries"] == 10
    assert figures["recall"] == figures["precision"] == 1.0
    lines = report_lines(figures)
    assert any("recall 100.0%" in line and "PASS" in line for line in lines)
    assert any("ms per query" in line for line in lines)
