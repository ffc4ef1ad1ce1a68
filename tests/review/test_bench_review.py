"""Smoke test of the review page bench at a small size (figures only; speed lives in make bench)."""

from __future__ import annotations

from pathlib import Path

from newmedia_audit.bench.review import print_figures, review_page


def test_review_bench_times_every_page_over_a_small_store(tmp_path: Path) -> None:
    figures = review_page(400, tmp_path / "review", repeats=1)
    assert figures["accounts"] == 400
    assert set(figures["pages"]) >= {"list_review", "list_fail", "list_hits", "account", "fail_filtered"}
    assert all(page["first_ms"] > 0 and page["median_ms"] > 0 for page in figures["pages"].values())
    assert (tmp_path / "review" / "overrides.csv").exists()  # the page started over the store
    lines: list[str] = []
    print_figures(figures, lines.append)
    assert any("list_hits" in line for line in lines)
