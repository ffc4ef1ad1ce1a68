"""Decisions through the real server: CSRF, validation, stale pages, two officers at once,
evidence paths and the password."""

from __future__ import annotations

import http.client
import threading
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import pytest

from newmedia_audit.review.decisions import OVERRIDES_FILE
from newmedia_audit.rules.overrides import read_overrides
from newmedia_audit.store import Store

from .forms import decide, hidden_fields
from .server import serving
from .sweep import BLOCKED, ERROR, HIT_GOV, UNSUPPORTED, Sweep


def decisions(sweep: Sweep) -> list[tuple[str, str, str, str]]:
    store = Store(sweep.out / "state.sqlite")
    try:
        return [(d.key, d.subject, d.value, d.officer) for d in store.decisions()]
    finally:
        store.close()


def raw_get(base: str, path: str) -> int:
    """Status of a GET sent byte for byte (no client normalizes its ``..``)."""
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    try:
        conn.putrequest("GET", path, skip_accept_encoding=True)
        conn.endheaders()
        return conn.getresponse().status
    finally:
        conn.close()


def test_a_decision_is_stored_mirrored_and_shown(sweep: Sweep, site: str) -> None:
    with httpx.Client() as client:
        saved = decide(client, site, BLOCKED.key, value="pass", officer="张三", note="电话核实")
        assert saved.status_code == 303
        page = client.get(site + saved.headers["location"]).text
    assert "已保存（第 1 号复核结论）" in page
    assert "张三" in page and "电话核实" in page and "未计入报告" in page
    assert "待复核：" not in page  # the history says what it was: 待复核
    assert decisions(sweep) == [(BLOCKED.key, "verdict", "pass", "张三")]
    rows = read_overrides(sweep.out / OVERRIDES_FILE)
    assert [(r.platform, r.account_id, r.verdict.value, r.reason) for r in rows] == [
        ("wechat", "xajy", "pass", None)
    ]


def test_a_post_without_the_csrf_token_is_refused(sweep: Sweep, site: str) -> None:
    with httpx.Client() as client:
        page = client.get(f"{site}/account", params={"key": BLOCKED.key}).text
        fields = hidden_fields(page, "decide-verdict") | {"value": "pass", "officer": "张三"}
        no_token = {k: v for k, v in fields.items() if k != "csrf"}
        assert client.post(f"{site}/decide", data=no_token).status_code == 403
        assert client.post(f"{site}/decide", data=fields | {"csrf": "forged"}).status_code == 403
        assert client.post(f"{site}/decide", json=fields).status_code == 403  # not a form
    assert decisions(sweep) == []


def test_fail_without_a_reason_or_without_an_officer_is_refused(sweep: Sweep, site: str) -> None:
    with httpx.Client() as client:
        no_reason = decide(client, site, BLOCKED.key, value="fail", officer="张三")
        assert no_reason.status_code == 400 and "结论为不合格时请选择原因" in no_reason.text
        nobody = decide(client, site, BLOCKED.key, value="pass", officer=" ")
        assert nobody.status_code == 400 and "请填写审核人" in nobody.text
    assert decisions(sweep) == []


def test_a_decision_from_a_stale_page_is_refused(sweep: Sweep, site: str) -> None:
    with httpx.Client() as first, httpx.Client() as second:
        stale = hidden_fields(
            second.get(f"{site}/account", params={"key": BLOCKED.key}).text, "decide-verdict"
        )
        assert decide(first, site, BLOCKED.key, value="pass", officer="张三").status_code == 303
        refused = second.post(
            f"{site}/decide", data=stale | {"value": "fail", "reason": "unreachable", "officer": "李四"}
        )
    assert refused.status_code == 409
    assert "已由 张三" in refused.text and "刷新" in refused.text
    assert decisions(sweep) == [(BLOCKED.key, "verdict", "pass", "张三")]


def test_two_officers_deciding_different_accounts_at_once_both_land(sweep: Sweep, site: str) -> None:
    accounts = [BLOCKED, ERROR, UNSUPPORTED]
    forms = []
    with httpx.Client() as client:
        for account in accounts:
            page = client.get(f"{site}/account", params={"key": account.key}).text
            forms.append(hidden_fields(page, "decide-verdict") | {"value": "pass", "officer": account.name})
    barrier = threading.Barrier(len(forms))
    statuses: list[int] = []

    def submit(form: dict[str, str]) -> None:
        with httpx.Client() as own:
            barrier.wait()
            statuses.append(own.post(f"{site}/decide", data=form).status_code)

    threads = [threading.Thread(target=submit, args=(form,)) for form in forms]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=20)
    assert statuses == [303] * len(accounts)
    assert sorted(d[0] for d in decisions(sweep)) == sorted(a.key for a in accounts)
    assert len(read_overrides(sweep.out / OVERRIDES_FILE)) == len(accounts)


def test_wording_hits_are_confirmed_dismissed_and_undone(sweep: Sweep, site: str) -> None:
    with httpx.Client() as client:
        assert (
            decide(client, site, HIT_GOV.key, "decide-wording", value="dismiss", officer="王五").status_code
            == 303
        )
        assert "已排除" in client.get(f"{site}/account", params={"key": HIT_GOV.key}).text
        assert (
            decide(client, site, HIT_GOV.key, "decide-wording", value="pending", officer="王五").status_code
            == 303
        )
    assert [d[2] for d in decisions(sweep)] == ["dismiss", "pending"]
    assert read_overrides(sweep.out / OVERRIDES_FILE) == []  # the undo removed the row


def test_evidence_is_served_only_from_inside_the_evidence_folder(sweep: Sweep, site: str) -> None:
    page = httpx.get(f"{site}/account", params={"key": BLOCKED.key}).text
    folder = page.split('<img src="/evidence/')[1].split("/screenshot.jpg")[0]
    shot = httpx.get(f"{site}/evidence/{folder}/screenshot.jpg")
    assert shot.status_code == 200 and shot.headers["content-type"] == "image/jpeg"
    raw = httpx.get(f"{site}/evidence/{folder}/profile.html")
    assert raw.status_code == 200
    assert raw.headers["content-disposition"].startswith("attachment")
    assert "sandbox" in raw.headers["content-security-policy"]
    assert raw.headers["content-type"] == "application/octet-stream"
    (sweep.out / "secret.txt").write_text("x")
    for path in (
        "/evidence/../state.sqlite",
        f"/evidence/{folder}/../../../state.sqlite",
        "/evidence/..%2fstate.sqlite",
        "/evidence/%2e%2e/secret.txt",
        "/evidence//etc/passwd",
        "/evidence/%2Fetc%2Fpasswd",
        f"/evidence/{folder}",
        "/evidence/wechat/nothing.json",
    ):
        assert raw_get(site, path) == 404, path


def test_with_a_password_every_request_needs_it(sweep: Sweep) -> None:
    with serving(sweep.out, password="x") as site:
        assert httpx.get(site + "/").status_code == 401
        assert httpx.get(site + "/").headers["www-authenticate"].startswith("Basic")
        assert httpx.get(site + "/list/review", auth=("张三", "wrong")).status_code == 401
        assert httpx.get(site + "/evidence/../state.sqlite").status_code == 401
        assert httpx.get(site + "/", auth=("张三", "x")).status_code == 200
        # Authenticated, a foreign host name is fine (the page was opened over the network).
        assert httpx.get(site + "/", auth=("a", "x"), headers={"Host": "192.168.1.9:8765"}).status_code == 200


@pytest.mark.parametrize("path", ["/evidence/a/../b", "/evidence/./a", "/evidence/a\\b"])
def test_odd_evidence_paths_never_reach_the_disk(path: str, tmp_path: Path) -> None:
    from newmedia_audit.review.evidence import resolve_evidence

    (tmp_path / "evidence" / "a").mkdir(parents=True)
    (tmp_path / "evidence" / "b").write_text("x")
    assert resolve_evidence(tmp_path, path.removeprefix("/evidence/")) is None
    assert resolve_evidence(tmp_path, "b") == (tmp_path / "evidence" / "b").resolve()
