"""report.html: self-contained, escaped, and showing the same figures in headless Chromium.

The detail tables are embedded as JSON and rendered by report.js a page at a
time; these tests drive the page as a reader would (filter, counts, sorting,
paging, evidence links) in real headless Chromium.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Any

import pytest

from newmedia_audit.bench.reports import synthetic_results
from newmedia_audit.models import AuditResult
from newmedia_audit.report import write_reports
from newmedia_audit.report.html import PAGE_ROWS, embed_json, render_html
from newmedia_audit.report.tables import Sheet
from newmedia_audit.rules.assess import assess
from newmedia_audit.settings import CHROMIUM_FLAGS, Settings

from .conftest import GENERATED_AT, SCRIPT


def _rate(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}".removesuffix(".0") + "%"


def _table_data(page: str) -> dict[str, Any]:
    found = re.search(r'<script type="application/json" id="table-data">(.*?)</script>', page, re.S)
    assert found is not None
    return json.loads(found.group(1))


def test_post_text_is_escaped_not_markup(result: AuditResult) -> None:
    page = render_html(result, GENERATED_AT)
    assert SCRIPT not in page
    assert "<script>window.__pwned" not in page
    assert "<img src=x onerror" not in page
    assert page.count("<script") == 3  # the results, the tables' data and the page's own script
    # The text is in the tables' data as it is, for report.js to show as text.
    cells = [cell for table in _table_data(page)["tables"].values() for row in table["rows"] for cell in row]
    assert any(isinstance(cell, str) and SCRIPT in cell for cell in cells)
    assert any(isinstance(cell, str) and cell.startswith("<img src=x onerror") for cell in cells)


def test_embedded_json_cannot_close_its_script() -> None:
    text = embed_json({"t": "</script><script>alert(1)</script><!--"})
    assert "<" not in text
    assert json.loads(text) == {"t": "</script><script>alert(1)</script><!--"}


def test_page_is_self_contained(result: AuditResult) -> None:
    page = render_html(result, GENERATED_AT)
    assert not re.search(r'(src|href)="(https?:)?//', page)
    assert "<link" not in page and "@import" not in page and "url(" not in page
    assert "Content-Security-Policy" in page


@contextmanager
def _opened(path: Path) -> Iterator[tuple[Any, list[str]]]:
    """The page at ``path`` in headless Chromium, and the URLs it requested."""
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path("/usr/bin/chromium").exists():
        pytest.skip("no /usr/bin/chromium")
    requests: list[str] = []
    with sync_api.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=CHROMIUM_FLAGS, headless=True)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.on("request", lambda req: requests.append(req.url))
            page.goto(path.as_uri())
            yield page, requests
        finally:
            browser.close()
    assert all(url.startswith("file://") for url in requests), requests


@pytest.mark.browser
def test_report_in_headless_chromium(result: AuditResult, tmp_path: Path) -> None:
    paths = write_reports(result, tmp_path / "out", GENERATED_AT)
    data = json.loads(paths["results.json"].read_text(encoding="utf-8"))
    with _opened(paths["report.html"]) as (page, _):
        # A <script> in post text and an <img onerror> in a live name must not run.
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.title() != "pwned"
        assert page.locator("text=<script>window.__pwned").count() >= 1  # shown as text
        assert page.locator("#t-details td", has_text="<img src=x onerror").count() == 1
        assert page.locator("img").count() == 0

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

        checked = data["new_media"]["checked"]
        assert page.locator("#t-failing tbody tr").count() == data["new_media"]["failed"]
        assert page.locator("#t-details tbody tr").count() == checked
        assert page.locator("#t-details tbody tr a[href^='evidence/']").count() == checked
        assert page.locator("#t-details td.v-fail").count() == data["new_media"]["failed"]
        assert page.locator("#t-details td.v-review").count() == data["new_media"]["review"]
        assert page.locator("#t-details td.v-fail").first.inner_text() == "不合格"
        assert page.locator("#t-zombies td.num").all_inner_texts() == ["2352"]  # numbers right-aligned
        assert page.locator("div[data-pager='t-details']").is_hidden()  # one page: no pager
        assert page.locator("#chart-districts rect").count() >= len(data["districts"])
        assert page.locator("#chart-platforms rect").count() == len(data["platforms"])

        # Filtering keeps the rows that match, and says how many.
        counter = page.locator("span[data-count='t-details']")
        assert counter.inner_text() == f"显示 {checked} / {checked} 行"
        page.fill("input[data-filter='t-details']", "嘉鱼")
        assert page.locator("#t-details tbody tr").count() == 3
        assert counter.inner_text() == f"显示 3 / {checked} 行"
        assert all("嘉鱼" in text for text in page.locator("#t-details tbody tr").all_inner_texts())
        page.fill("input[data-filter='t-details']", "没有这个词")
        assert page.locator("#t-details tbody tr").count() == 0
        assert counter.inner_text() == f"显示 0 / {checked} 行"
        page.fill("input[data-filter='t-details']", "")
        assert page.locator("#t-details tbody tr").count() == checked

        # The summary filters and sorts as well: by 新媒体 抽查数 ascending the
        # website-only district comes first, descending 市直.
        page.fill("input[data-filter='t-summary']", "咸安")
        assert page.locator("#t-summary tbody tr").all_inner_texts()[0].startswith("咸安区")
        page.fill("input[data-filter='t-summary']", "")
        page.click("#t-summary thead th[data-col='5']")
        assert page.locator("#t-summary tbody tr").first.locator("td").first.inner_text() == "咸宁高新区"
        page.click("#t-summary thead th[data-col='5']")
        assert page.locator("#t-summary tbody tr").first.locator("td").first.inner_text() == "市直"
        assert page.locator("#t-summary thead th[data-col='5']").get_attribute("aria-sort") == "descending"

        # The policy lets only the page's own script run: an injected inline script does not.
        assert page.locator("meta[http-equiv='Content-Security-Policy']").count() == 1
        ran = page.evaluate(
            "() => { const s = document.createElement('script'); s.textContent = 'window.__csp = 1';"
            " document.body.appendChild(s); return typeof window.__csp; }"
        )
        assert ran == "undefined"

        shot = tmp_path / "report.png"
        page.screenshot(path=str(shot), full_page=True)
        assert shot.stat().st_size > 0


@pytest.mark.browser
def test_evidence_links_are_relative_only(result: AuditResult, tmp_path: Path) -> None:
    evidence = {
        "evidence/wechat/gh_1/": "evidence/wechat/gh_1/",
        "javascript:alert(1)": "javascript%3Aalert%281%29",
        "evidence/other:快手/x/": "evidence/other%3A%E5%BF%AB%E6%89%8B/x/",
        "evidence\\weibo\\1 2": "evidence/weibo/1%202",
        "/etc/passwd": None,
        "\\\\server\\share": None,
        "../secret": None,
        "evidence/../../secret": None,
    }
    headers = ["地区", "主办单位", "账号名称", "平台", "账号ID", "访问状态", "待复核原因", "证据"]
    rows: list[list[Any]] = [
        ["市直", "单位", f"账号{i}", "微信", "", "", "", p] for i, p in enumerate(evidence)
    ]
    page_path = tmp_path / "report.html"
    page_path.write_text(
        render_html(result, GENERATED_AT, sheets=[Sheet("待复核", headers, rows, frozenset({7}))]),
        encoding="utf-8",
    )
    with _opened(page_path) as (page, _):
        cells = page.locator("#t-review tbody tr td:nth-child(8)")
        assert cells.count() == len(evidence)
        for i, (path, href) in enumerate(evidence.items()):
            cell = cells.nth(i)
            links = cell.locator("a")
            if href is None:
                assert links.count() == 0, path
                assert cell.inner_text() == path  # shown, not linked
            else:
                assert links.get_attribute("href") == href, path
                assert (links.inner_text(), links.get_attribute("title")) == ("查看", path)


@pytest.mark.browser
def test_a_long_id_stays_on_one_line_whole_in_its_tooltip_and_found_by_the_filter(
    result: AuditResult, tmp_path: Path
) -> None:
    sec_uid = "MS4wLjABAAAAh8ga3DbvRu1bQdK5kevS9S7TjXbdiPGnk_AaHyKs5MMgFO5C37"
    headers = ["地区", "主办单位", "账号名称", "平台", "账号ID", "访问状态", "待复核原因", "证据"]
    rows: list[list[Any]] = [
        ["市直", "单位", "健康咸宁", "抖音", sec_uid, "", "", ""],
        ["市直", "单位", "咸宁发布", "微博", "5086786805", "", "", ""],
    ]
    page_path = tmp_path / "report.html"
    page_path.write_text(
        render_html(result, GENERATED_AT, sheets=[Sheet("待复核", headers, rows, frozenset({7}))]),
        encoding="utf-8",
    )
    with _opened(page_path) as (page, _):
        long_id, short_id = (page.locator("#t-review tbody tr").nth(i).locator("td").nth(4) for i in (0, 1))
        assert long_id.get_attribute("class") == "token" and long_id.get_attribute("title") == sec_uid
        assert long_id.text_content() == sec_uid
        height = long_id.evaluate("td => td.getBoundingClientRect().height")
        assert height == short_id.evaluate("td => td.getBoundingClientRect().height")  # one line
        assert short_id.get_attribute("class") is None
        page.fill('input[data-filter="t-review"]', "PGnk_AaHy")
        assert page.locator("#t-review tbody tr").count() == 1


def _many_accounts(n: int) -> AuditResult:
    as_of = date(2022, 6, 20)
    accounts, observations, filings = synthetic_results(n, 8, as_of)
    return assess(accounts, observations, filings, Settings(), as_of)


@pytest.mark.browser
def test_paging_filter_and_sort_cover_every_row(tmp_path: Path) -> None:
    n = 2 * PAGE_ROWS + 50
    paths = write_reports(_many_accounts(n), tmp_path / "out", GENERATED_AT)
    with _opened(paths["report.html"]) as (page, _):
        rows = page.locator("#t-details tbody tr")
        counter = page.locator("span[data-count='t-details']")
        pager = page.locator("div[data-pager='t-details']")
        ids = page.locator("#t-details tbody tr td:nth-child(6)")
        assert rows.count() == PAGE_ROWS
        assert counter.inner_text() == f"显示 {n} / {n} 行"
        assert pager.is_visible() and f"第 1 / 3 页（每页 {PAGE_ROWS} 行）" in pager.inner_text()
        assert pager.get_by_role("button", name="上一页").is_disabled()

        pager.get_by_role("button", name="下一页").click()
        assert rows.count() == PAGE_ROWS and "第 2 / 3 页" in pager.inner_text()
        assert ids.nth(1).inner_text() == f"id8x{PAGE_ROWS + 1:07d}"  # the ledger's 202nd account
        pager.get_by_role("button", name="下一页").click()
        assert rows.count() == 50 and "第 3 / 3 页" in pager.inner_text()
        assert pager.get_by_role("button", name="下一页").is_disabled()
        assert ids.last.inner_text() == f"id8x{n - 1:07d}"

        # The filter looks through every row, not only the page shown, and starts at page 1.
        last = n - 1
        page.fill("input[data-filter='t-details']", f"{last:06d}")
        assert rows.count() == 1 and counter.inner_text() == f"显示 1 / {n} 行"
        assert ids.first.inner_text() == f"id8x{last:07d}"
        assert pager.is_hidden()
        page.fill("input[data-filter='t-details']", "")
        assert rows.count() == PAGE_ROWS and "第 1 / 3 页" in pager.inner_text()

        # So does sorting: by 账号ID descending, the last account comes first.
        header = page.locator("#t-details thead th[data-col='5']")
        header.click()
        assert ids.first.inner_text() == ""  # accounts of other platforms have no ID
        header.click()
        assert header.get_attribute("aria-sort") == "descending"
        assert ids.first.inner_text() == f"id8x{last:07d}"
        assert ids.nth(1).inner_text() == f"id8x{last - 1:07d}"
        # ... and a filter keeps the order.
        page.fill("input[data-filter='t-details']", "东湖区")
        shown = ids.all_inner_texts()
        assert shown == sorted(shown, reverse=True) and len(shown) == min(PAGE_ROWS, len(shown))
