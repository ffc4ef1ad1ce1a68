"""report.html: self-contained, escaped, and showing the same figures in headless Chromium."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newmedia_audit.models import AuditResult
from newmedia_audit.report import write_reports
from newmedia_audit.report.html import _row, _rows_html, embed_json, evidence_href, render_html
from newmedia_audit.report.tables import Cell
from newmedia_audit.settings import CHROMIUM_FLAGS

from .conftest import GENERATED_AT, SCRIPT


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0") + "%"


def test_post_text_is_escaped_not_markup(result: AuditResult) -> None:
    page = render_html(result, GENERATED_AT)
    assert SCRIPT not in page
    assert "&lt;script&gt;window.__pwned" in page
    assert "<img src=x onerror" not in page
    assert page.count("<script") == 2  # the JSON data block and the page's own script


def test_embedded_json_cannot_close_its_script() -> None:
    text = embed_json({"t": "</script><script>alert(1)</script><!--"})
    assert "</" not in text and "<!--" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script><!--"}


def test_page_is_self_contained(result: AuditResult) -> None:
    page = render_html(result, GENERATED_AT)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "Content-Security-Policy" in page


def test_evidence_links_are_relative_only() -> None:
    assert evidence_href("evidence/wechat/gh_1/") == "evidence/wechat/gh_1/"
    assert evidence_href("javascript:alert(1)") == "javascript%3Aalert%281%29"
    assert evidence_href("evidence/other:快手/x/") == "evidence/other%3A%E5%BF%AB%E6%89%8B/x/"
    assert evidence_href("/etc/passwd") is None
    assert evidence_href("../secret") is None


@pytest.mark.browser
def test_report_in_headless_chromium(result: AuditResult, tmp_path: Path) -> None:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    paths = write_reports(result, tmp_path / "out", GENERATED_AT)
    data = json.loads(paths["results.json"].read_text(encoding="utf-8"))
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda req: requests.append(req.url))
            page.goto(paths["report.html"].as_uri())
            # A <script> in post text and an <img onerror> in a live name must not run.
            assert page.evaluate("typeof window.__pwned") == "undefined"
            assert page.title() != "pwned"
            assert page.locator("text=<script>window.__pwned").count() >= 1  # shown as text

            rows = page.locator("#t-summary tbody tr")
            assert rows.count() == len(data["districts"])
            for i, entry in enumerate(data["districts"]):
                cells = rows.nth(i).locator("td").all_inner_texts()
                ws, nm, both = entry["websites"], entry["new_media"], entry["combined"]
                assert cells[0] == entry["district"]
                assert cells[1:5] == [
                    str(ws["checked"]),
                    str(ws["passed"]),
                    str(ws["failed"]),
                    _rate(ws["rate"]),
                ]
                assert cells[5:10] == [
                    str(nm["checked"]),
                    str(nm["passed"]),
                    str(nm["failed"]),
                    str(nm["review"]),
                    _rate(nm["rate"]),
                ]
                assert cells[13] == _rate(both["rate"])
            total = page.locator("#t-summary tfoot td").all_inner_texts()
            assert total[0] == "总计" and total[9] == _rate(data["new_media"]["rate"])
            assert total[13] == _rate(data["combined"]["rate"])

            assert page.locator("#t-failing tbody tr").count() == data["new_media"]["failed"]
            assert (
                page.locator("#t-details tbody tr a[href^='evidence/']").count()
                == data["new_media"]["checked"]
            )
            assert page.locator("#chart-districts rect").count() >= len(data["districts"])
            assert page.locator("#chart-platforms rect").count() == len(data["platforms"])

            # Filtering keeps the rows that match.
            page.fill("input[data-filter='t-details']", "嘉鱼")
            assert page.locator("#t-details tbody tr:not([hidden])").count() == 3
            page.fill("input[data-filter='t-details']", "")
            assert page.locator("#t-details tbody tr:not([hidden])").count() == data["new_media"]["checked"]

            # Sorting by 新媒体 抽查数 ascending puts the website-only district first.
            page.click("#t-summary thead th[data-col='5']")
            assert page.locator("#t-summary tbody tr").first.locator("td").first.inner_text() == "咸宁高新区"
            page.click("#t-summary thead th[data-col='5']")
            assert page.locator("#t-summary tbody tr").first.locator("td").first.inner_text() == "市直"

            shot = tmp_path / "report.png"
            page.screenshot(path=str(shot), full_page=True)
            assert shot.stat().st_size > 0
        finally:
            browser.close()
    assert all(url.startswith("file://") for url in requests), requests


def test_rows_built_a_column_at_a_time_equal_the_rows_built_cell_by_cell() -> None:
    rows: list[list[Cell]] = [
        ["不合格", "<script>&\"'", 3, None, "evidence/a b/1"],
        ["待复核", "", 2.5, True, "/abs/path"],
        ["合格", "a\x00b", None, "x\ny", ""],  # a NUL in a cell: escaped cell by cell
    ]
    links = frozenset({4})
    assert _rows_html(rows, links) == "".join(_row(row, links) for row in rows)
    no_nul = [row for row in rows if "a\x00b" not in row]
    assert _rows_html(no_nul, links) == "".join(_row(row, links) for row in no_nul)
    ragged = [["甲"], ["乙", 1]]
    assert _rows_html(ragged, frozenset()) == "".join(_row(row, frozenset()) for row in ragged)
