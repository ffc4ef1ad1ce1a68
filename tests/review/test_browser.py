"""The review page in real headless Chromium: decide, confirm and dismiss hits, regenerate,
read the new figures; CSRF, evidence paths, a stale page and the password, as a browser sees them.

Set NEWMEDIA_AUDIT_REVIEW_SHOT=docs/review-page.png to save the README's screenshot.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from newmedia_audit.settings import CHROMIUM_FLAGS

from .server import serving
from .sweep import BLOCKED, HIT_GOV, HIT_STATE, Sweep, build_sweep
from .test_cli_review import _start, _stop
from .tls import Certificate

pytestmark = pytest.mark.browser
CHROMIUM = "/usr/bin/chromium"
OFFICER = "张三"


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip(f"no {CHROMIUM}")
    with sync_api.sync_playwright() as pw:
        launched = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS, headless=True)
        try:
            yield launched
        finally:
            launched.close()


def _open_account(page: Any, site: str, name: str, list_name: str) -> None:
    page.goto(f"{site}/list/{list_name}")
    page.locator("#list").get_by_role("link", name=name, exact=True).first.click()
    page.wait_for_url("**/account?key=*")


def _figures(out: Path) -> dict[str, Any]:
    return json.loads((out / "results.json").read_text(encoding="utf-8"))


def test_an_officer_decides_confirms_dismisses_and_regenerates(browser: Any, sweep: Sweep) -> None:
    before = _figures(sweep.out)["new_media"]
    with serving(sweep.out) as site:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))

        # A review account: 结论 合格 with a note.
        _open_account(page, site, BLOCKED.name, "review")
        form = page.locator("#decide-verdict")
        reason = form.get_by_label("原因")
        assert reason.is_disabled()  # the page's own script runs under its CSP
        form.get_by_label("结论").select_option(label="不合格")
        assert reason.is_enabled() and reason.evaluate("el => el.required")
        form.get_by_label("结论").select_option(label="合格")
        form.get_by_label("审核人").fill(OFFICER)
        form.get_by_label("备注").fill("电话核实，账号正常更新")
        form.get_by_role("button", name="保存").click()
        page.wait_for_url("**saved=*")
        assert "已保存" in page.locator("#flash").inner_text()
        assert page.locator("#history tbody tr").count() == 1
        assert page.evaluate("document.querySelector('#screenshot').naturalWidth") > 0

        # One wording hit confirmed, another dismissed (审核人 remembered from the last form).
        _open_account(page, site, HIT_STATE.name, "hits")
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("#hits mark").first.inner_text() == "中华人民共合国"
        wording = page.locator("#decide-wording")
        assert wording.get_by_label("审核人").input_value() == OFFICER
        wording.get_by_role("button", name="确认").click()
        page.wait_for_url("**saved=*")
        assert page.locator("#wording-state").inner_text() == "已确认"
        _open_account(page, site, HIT_GOV.name, "hits")
        page.locator("#decide-wording").get_by_role("button", name="排除").click()
        page.wait_for_url("**saved=*")
        assert page.locator("#wording-state").inner_text() == "已排除"
        shot = os.environ.get("NEWMEDIA_AUDIT_REVIEW_SHOT")
        if shot:
            page.screenshot(path=shot)

        # 重新生成报告, then the figures on the page are results.json's.
        page.goto(site + "/")
        assert page.locator("#pending b").inner_text() == "3"
        page.get_by_role("button", name="重新生成报告").first.click()
        page.wait_for_url("**/?regenerated=1")
        figures = _figures(sweep.out)["new_media"]
        card = page.locator("#fig-new_media")
        for field in ("checked", "passed", "failed", "review"):
            assert card.locator(f"[data-field={field}]").inner_text() == str(figures[field])
        assert figures["review"] == before["review"] - 1
        assert figures["passed"] == before["passed"] + 2
        assert figures["failed"] == before["failed"] - 1
        assert page.locator("#pending").count() == 0
        assert all(url.startswith(site) for url in requests), "the page loads nothing from elsewhere"

        # A POST without the token, and an evidence path with .., as the browser sends them.
        # (The page's CSP forbids fetch() altogether: connect-src falls back to 'none'.)
        with page.expect_navigation() as posted:
            page.evaluate(
                """() => {
                  const form = Object.assign(document.createElement('form'), {method: 'post', action: '/decide'});
                  for (const [name, value] of [['key', 'wechat|xajy'], ['base', '1'], ['subject', 'verdict'],
                                               ['value', 'pass'], ['officer', 'x']]) {
                    form.append(Object.assign(document.createElement('input'), {type: 'hidden', name, value}));
                  }
                  document.body.append(form);
                  form.submit();
                }"""
            )
        assert posted.value is not None and posted.value.status == 403
        response = page.goto(site + "/evidence/..%2fstate.sqlite")
        assert response is not None and response.status == 404
        context.close()


def test_a_stale_page_is_refused_in_the_browser(browser: Any, sweep: Sweep) -> None:
    with serving(sweep.out) as site:
        first, second = browser.new_context(), browser.new_context()
        a, b = first.new_page(), second.new_page()
        for page in (a, b):
            page.goto(f"{site}/account?key={BLOCKED.key}")
        for page, officer in ((a, "张三"), (b, "李四")):
            form = page.locator("#decide-verdict")
            form.get_by_label("结论").select_option(label="合格")
            form.get_by_label("审核人").fill(officer)
            form.get_by_role("button", name="保存").click()
            page.wait_for_load_state()
        assert "已保存" in a.locator("#flash").inner_text()
        assert "已由 张三" in b.locator("#error").inner_text()
        assert b.locator("#history tbody tr").count() == 1
        assert b.locator("#decide-verdict").get_by_label("审核人").input_value() == "李四"  # kept
        first.close()
        second.close()


def test_a_refused_form_keeps_the_officers_note_in_the_browser(browser: Any, sweep: Sweep) -> None:
    note = "电话核实，账号停更</textarea><script>window.__pwned=4</script>"
    with serving(sweep.out) as site:
        context = browser.new_context(locale="zh-CN")
        page = context.new_page()
        page.goto(f"{site}/account?key={BLOCKED.key}")
        form = page.locator("#decide-verdict")
        form.get_by_label("结论").select_option(label="不合格")
        form.get_by_label("原因").select_option(value="unreachable")
        form.get_by_label("审核人").fill("  ")  # looks filled to the browser, empty to the server
        form.get_by_label("备注").fill(note)
        with page.expect_navigation() as posted:
            form.get_by_role("button", name="保存").click()
        assert posted.value is not None and posted.value.status == 400

        form = page.locator("#decide-verdict")
        assert form.locator("#error").inner_text() == "请填写审核人"
        assert page.locator("#error-summary").is_visible()
        assert form.get_by_label("备注").input_value() == note
        assert form.get_by_label("结论").input_value() == "fail"
        assert form.get_by_label("原因").input_value() == "unreachable"
        assert form.get_by_label("原因").is_enabled()  # the page's script still runs under its CSP
        assert page.evaluate("document.activeElement.id") == "officer"
        # Marked by the page's own style, allowed by its hash in the CSP.
        assert (
            form.get_by_label("审核人").evaluate("el => getComputedStyle(el).borderTopColor")
            == "rgb(197, 48, 48)"
        )
        assert page.evaluate("typeof window.__pwned") == "undefined"
        assert page.locator("#history tbody tr").count() == 0

        form.get_by_label("审核人").fill(OFFICER)
        form.get_by_role("button", name="保存").click()
        page.wait_for_url("**saved=*")
        assert "已保存" in page.locator("#flash").inner_text()
        history = page.locator("#history tbody tr")
        assert history.count() == 1 and note in history.first.inner_text()
        context.close()


def test_without_script_a_fail_without_a_reason_keeps_the_note(browser: Any, sweep: Sweep) -> None:
    """With scripts off the 原因 select is not required in the browser: the server refuses it."""
    with serving(sweep.out) as site:
        context = browser.new_context(locale="zh-CN", java_script_enabled=False)
        page = context.new_page()
        page.goto(f"{site}/account?key={BLOCKED.key}")
        form = page.locator("#decide-verdict")
        form.get_by_label("结论").select_option(label="不合格")
        form.get_by_label("审核人").fill(OFFICER)
        form.get_by_label("备注").fill("主页无法打开")
        with page.expect_navigation() as posted:
            form.get_by_role("button", name="保存").click()
        assert posted.value is not None and posted.value.status == 400
        form = page.locator("#decide-verdict")
        assert "请选择原因" in form.locator("#error").inner_text()
        assert form.get_by_label("备注").input_value() == "主页无法打开"
        assert form.get_by_label("审核人").input_value() == OFFICER
        form.get_by_label("原因").select_option(value="unreachable")
        form.get_by_role("button", name="保存").click()
        page.wait_for_url("**saved=*")
        assert "主页无法打开" in page.locator("#history tbody tr").first.inner_text()
        context.close()


def test_on_the_network_the_browser_needs_the_password(browser: Any, sweep: Sweep) -> None:
    process, site = _start(str(sweep.out), "--host", "0.0.0.0", "--port", "0", "--password", "x")
    try:
        anonymous = browser.new_context()
        page = anonymous.new_page()
        statuses: list[int] = []
        page.on("response", lambda r: statuses.append(r.status))
        try:
            page.goto(site + "/")
        except Exception as exc:  # headless Chromium cannot ask for the password: it gives up
            assert "ERR_INVALID_AUTH_CREDENTIALS" in str(exc)
        assert statuses == [401]
        anonymous.close()
        officer = browser.new_context(http_credentials={"username": "officer", "password": "x"})
        response = officer.new_page().goto(site + "/list/review")
        assert response is not None and response.status == 200
        officer.close()
    finally:
        assert _stop(process) == 0


def test_over_https_an_officer_saves_a_decision(browser: Any, sweep: Sweep, certificate: Certificate) -> None:
    with serving(sweep.out, password="x", tls=certificate) as site:
        assert site.startswith("https://")
        context = browser.new_context(
            ignore_https_errors=True,
            http_credentials={"username": "officer", "password": "x"},
            locale="zh-CN",
        )
        page = context.new_page()
        requests: list[str] = []
        page.on("request", lambda r: requests.append(r.url))
        response = page.goto(f"{site}/list/review")
        assert response is not None and response.status == 200
        assert response.headers["strict-transport-security"] == "max-age=86400"
        assert page.locator("#list").get_by_role("link", name=BLOCKED.name, exact=True).count() >= 1
        _open_account(page, site, BLOCKED.name, "review")
        form = page.locator("#decide-verdict")
        form.get_by_label("结论").select_option(label="合格")
        form.get_by_label("审核人").fill(OFFICER)
        form.get_by_label("备注").fill("经 HTTPS 复核")
        form.get_by_role("button", name="保存").click()
        page.wait_for_url("**saved=*")
        assert "已保存" in page.locator("#flash").inner_text()
        assert page.locator("#history tbody tr").count() == 1
        cookies = {c["name"]: c for c in context.cookies(site)}
        assert cookies["officer"]["secure"] and cookies["officer"]["httpOnly"]
        assert all(url.startswith(site) for url in requests), requests
        context.close()


def test_an_officer_confirms_one_hit_dismisses_another_and_the_report_cites_only_the_first(
    browser: Any, tmp_path: Path
) -> None:
    sweep = build_sweep(tmp_path, more_hits=True)
    with serving(sweep.out) as site:
        context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="zh-CN")
        page = context.new_page()
        _open_account(page, site, HIT_GOV.name, "hits")
        rows = page.locator("#hits tbody tr")
        assert rows.count() == 2
        assert [rows.nth(i).locator("mark").inner_text() for i in range(2)] == ["攻府", "一带一路战略"]

        confirm = rows.nth(0).get_by_role("form")
        confirm.get_by_label("审核人").fill(OFFICER)
        confirm.get_by_label("备注").fill("确属错字")
        confirm.get_by_role("button", name="确认").click()
        page.wait_for_url("**saved=*")
        rows = page.locator("#hits tbody tr")
        assert rows.nth(0).locator(".hit-state").inner_text() == "已确认"
        assert rows.nth(1).locator(".hit-state").inner_text() == "待确认"

        dismiss = rows.nth(1).get_by_role("form")
        assert dismiss.get_by_label("审核人").input_value() == OFFICER  # remembered
        dismiss.get_by_role("button", name="排除").click()
        page.wait_for_url("**saved=*")
        rows = page.locator("#hits tbody tr")
        assert [rows.nth(i).locator(".hit-state").inner_text() for i in range(2)] == ["已确认", "已排除"]
        assert page.locator("#wording-state").inner_text() == "已确认 1 条，已排除 1 条"
        history = page.locator("#history tbody tr")
        assert history.count() == 2
        assert "排除线索「一带一路战略」" in history.nth(0).inner_text()
        assert "确认线索「攻府」" in history.nth(1).inner_text()

        # The hits list shows each hit's own state.
        page.goto(f"{site}/list/hits")
        listed = page.locator(f'#list tr[data-key="{HIT_GOV.key}"] .hit-state')
        assert [listed.nth(i).inner_text() for i in range(2)] == [
            f"已确认 · {OFFICER}",
            f"已排除 · {OFFICER}",
        ]

        page.goto(site + "/")
        page.get_by_role("button", name="重新生成报告").first.click()
        page.wait_for_url("**/?regenerated=1")

        # The regenerated report.html, as an officer opens it: only the confirmed hit is cited.
        report = context.new_page()
        report.goto((sweep.out / "report.html").as_uri())
        row = report.locator("tr", has_text=HIT_GOV.account_id)  # 新媒体明细, the one row with the id
        assert row.count() == 1
        text = row.inner_text()
        assert "“攻府”（应为“政府”）" in text and "https://m.weibo.cn/status/h2" in text
        assert "一带一路战略" not in text and "https://m.weibo.cn/status/h3" not in text
        assert "一带一路战略" not in report.locator("body").inner_text()
        context.close()
    verdicts = (sweep.out / "verdicts.csv").read_text(encoding="utf-8-sig")
    [line] = [line for line in verdicts.splitlines() if f",{HIT_GOV.account_id}," in line]
    assert ",fail,serious_error,serious_error," in line
