"""Both fetch paths through the replay router; real headless Chromium for the browser path."""

from __future__ import annotations

import asyncio
import http.server
import json
import socket
import threading
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from newmedia_audit.collect.browser import BrowserPool
from newmedia_audit.collect.fetch import BrowserFetcher, HttpxFetcher, Visit
from newmedia_audit.collect.replay import HarCorpus, ReplayTransport
from newmedia_audit.collect.wechat import WechatCollector
from newmedia_audit.errors import TransientError, WallError
from newmedia_audit.settings import BrowserSettings
from newmedia_audit.synth.templates import MpMessage, SogouResult, mp_profile_page, sogou_results_page

from .conftest import T0, FakeCollector, account_entries, api_url, entry, fake_page, page_url

SOGOU_SEARCH = "https://weixin.sogou.com/weixin?type=1&query=gzabc"
ANTISPIDER = "https://weixin.sogou.com/antispider/?from=%2Fweixin"


def corpus_of(entries: list[dict]) -> HarCorpus:
    return HarCorpus.from_document({"log": {"entries": entries}})


class SogouLike(FakeCollector):
    """Only the search page, as the WeChat collector needs."""

    def __init__(self) -> None:
        super().__init__(required=("page",))

    def page_url(self, account_id: str) -> str:
        return SOGOU_SEARCH

    def role_of(self, url: str) -> str | None:
        return "page" if "weixin.sogou.com/weixin" in url else None


# -- httpx path (no browser) ---------------------------------------------------------


def httpx_visit(collector: FakeCollector, entries: list[dict], account_id: str = "1"):  # type: ignore[no-untyped-def]
    async def go():  # type: ignore[no-untyped-def]
        async with httpx.AsyncClient(transport=ReplayTransport(corpus_of(entries))) as client:
            return await HttpxFetcher(client).fetch(collector, account_id)

    return asyncio.run(go())


def test_httpx_fetches_every_required_role_with_the_entry_time(fake_collector: FakeCollector) -> None:
    responses = httpx_visit(fake_collector, account_entries("1"))
    assert set(responses) == {"profile", "posts"}
    assert responses["profile"].json() == {"name": "账号1"}
    assert responses["posts"].received_at == T0


@pytest.mark.parametrize("status", [500, 502, 503])
def test_httpx_5xx_is_transient(fake_collector: FakeCollector, status: int) -> None:
    entries = account_entries("1")
    entries[2] = entry(api_url("posts", "1"), "", status=status)
    with pytest.raises(TransientError, match=str(status)):
        httpx_visit(fake_collector, entries)


@pytest.mark.parametrize("status", [403, 418, 429, 432])
def test_httpx_refusals_are_walls_with_retry_after(fake_collector: FakeCollector, status: int) -> None:
    entries = account_entries("1")
    entries[1] = entry(api_url("profile", "1"), "", status=status, headers={"retry-after": "30"})
    with pytest.raises(WallError) as info:
        httpx_visit(fake_collector, entries)
    assert info.value.retry_after == 30.0  # type: ignore[attr-defined]


def test_httpx_replay_miss_is_transient_with_the_reason(fake_collector: FakeCollector) -> None:
    with pytest.raises(TransientError, match="回放语料中没有该请求") as info:
        httpx_visit(fake_collector, account_entries("1")[:2])
    assert info.value.reason == "network"  # type: ignore[attr-defined]


def test_httpx_keeps_the_redirect_chain_to_a_wall() -> None:
    entries = [
        entry(SOGOU_SEARCH, "", status=302, redirect=ANTISPIDER),
        entry(ANTISPIDER, "<title>antispider</title>"),
    ]
    page = httpx_visit(SogouLike(), entries)["page"]
    assert page.url == ANTISPIDER
    assert page.redirects == (SOGOU_SEARCH,)


# -- browser path ------------------------------------------------------------------------


def browser_settings() -> BrowserSettings:
    return BrowserSettings(page_timeout=5.0, screenshots=True)


async def browser_visit(collector: FakeCollector, entries: list[dict], account_id: str = "1"):  # type: ignore[no-untyped-def]
    async with BrowserPool(browser_settings(), corpus=corpus_of(entries)) as pool:
        session = pool.session("weibo")
        try:
            return await BrowserFetcher(session).visit(collector, account_id)
        finally:
            await session.close()


@pytest.mark.browser
def test_browser_captures_the_json_the_page_loads_itself() -> None:
    collector = FakeCollector(required=("page", "profile", "posts"))
    visit = asyncio.run(browser_visit(collector, account_entries("1")))
    assert set(visit.responses) == {"page", "profile", "posts"}
    assert visit.responses["profile"].json() == {"name": "账号1"}
    assert visit.responses["posts"].received_at == T0
    assert visit.screenshot is not None and visit.screenshot[:2] == b"\xff\xd8"  # a JPEG


@pytest.mark.browser
def test_browser_requests_a_role_the_page_did_not_load_from_the_page_context() -> None:
    collector = FakeCollector(required=("profile", "posts"))
    entries = account_entries("1", page_roles=("profile",))  # the page never asks for posts
    visit = asyncio.run(browser_visit(collector, entries))
    assert visit.responses["posts"].json()[0]["id"] == "1-1"


@pytest.mark.browser
def test_browser_reuses_its_page_and_keeps_accounts_apart() -> None:
    collector = FakeCollector(required=("page", "profile", "posts"))
    entries = account_entries("1", name="甲") + account_entries("2", name="乙")

    async def go() -> list[str]:
        async with BrowserPool(browser_settings(), corpus=corpus_of(entries)) as pool:
            session = pool.session("weibo")
            fetcher = BrowserFetcher(session)
            names = []
            pages = set()
            for account_id in ("1", "2"):
                visit = await fetcher.visit(collector, account_id)
                names.append(visit.responses["profile"].json()["name"])
                pages.add(id(session.page))
            await session.close()
            assert len(pages) == 1
            return names

    assert asyncio.run(go()) == ["甲", "乙"]


@pytest.mark.browser
def test_browser_keeps_the_redirect_chain_of_the_main_document() -> None:
    entries = [
        entry(SOGOU_SEARCH, "", status=302, redirect=ANTISPIDER),
        entry(ANTISPIDER, "<title>antispider</title>"),
    ]
    visit = asyncio.run(browser_visit(SogouLike(), entries))
    page = visit.responses["page"]
    assert page.url == ANTISPIDER
    assert page.redirects == (SOGOU_SEARCH,)
    assert "antispider" in page.text()


@pytest.mark.browser
def test_browser_wall_status_is_a_wall() -> None:
    entries = account_entries("1")
    entries[1] = entry(api_url("profile", "1"), "", status=418)
    with pytest.raises(WallError):
        asyncio.run(browser_visit(FakeCollector(), entries))


@pytest.fixture
def listening_socket() -> Iterator[tuple[int, list[bytes]]]:
    """A local TCP server that records every connection it receives."""
    server = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    server.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    received: list[bytes] = []
    stop = threading.Event()

    def serve() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            with conn:
                conn.settimeout(0.5)
                try:
                    received.append(conn.recv(4096) or b"<connected>")
                except OSError:
                    received.append(b"<connected>")

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    yield server.getsockname()[1], received
    stop.set()
    thread.join(timeout=2)
    server.close()


@pytest.mark.browser
def test_nothing_leaves_the_machine_in_replay(listening_socket: tuple[int, list[bytes]]) -> None:
    port, received = listening_socket
    outside = f"http://127.0.0.1:{port}/leak"
    named = f"http://localhost:{port}/leak"
    page = fake_page("1").replace(
        "</script>", f"fetch({outside!r}); fetch({named!r}); new Image().src = {outside + '.png'!r};</script>"
    )
    entries = account_entries("1")
    entries[0] = entry(page_url("1"), page)
    collector = FakeCollector(required=("page", "profile", "posts"))

    async def go() -> None:
        async with BrowserPool(browser_settings(), corpus=corpus_of(entries)) as pool:
            session = pool.session("weibo")
            fetcher = BrowserFetcher(session)
            visit = await fetcher.visit(collector, "1")
            assert set(visit.responses) == {"page", "profile", "posts"}
            assert session.handler is not None
            assert session.page is not None
            result = await session.page.evaluate(
                "async (u) => { try { await fetch(u); return 'fetched'; } catch (e) { return 'failed'; } }",
                outside,
            )
            assert result == "failed"
            # An unmatched navigation fails as a network error, it is not fetched.
            with pytest.raises(TransientError, match="页面无法打开|未取得"):
                await fetcher.visit(FakeCollector(required=("page",)), "no-such-account")
            with pytest.raises(Exception, match="ERR_"):
                await session.page.goto(outside)
            await session.close()

    asyncio.run(go())
    assert received == []


@pytest.mark.browser
def test_control_the_socket_check_sees_an_unrouted_browser(listening_socket: tuple[int, list[bytes]]) -> None:
    """Without the replay router the same navigation reaches the local server."""
    port, received = listening_socket

    async def go() -> None:
        from playwright.async_api import async_playwright

        settings = browser_settings()
        async with async_playwright() as pw:
            browser = await pw.chromium.launch(
                executable_path=settings.resolved_executable(), args=settings.args
            )
            page = await browser.new_page()
            try:
                await page.goto(f"http://127.0.0.1:{port}/leak", timeout=3000)
            except Exception:  # noqa: BLE001 - the toy server answers nothing valid
                pass
            await browser.close()

    asyncio.run(go())
    assert received and received[0].startswith(b"GET /leak")


@pytest.mark.browser
def test_browser_restarts_after_n_pages_and_recycles_contexts() -> None:
    collector = FakeCollector(required=("page", "profile", "posts"))
    ids = [str(i) for i in range(5)]
    entries = [e for i in ids for e in account_entries(i)]
    settings = BrowserSettings(page_timeout=5.0, screenshots=False, restart_every=2, recycle_context_every=1)

    async def go() -> tuple[list[str], int]:
        async with BrowserPool(settings, corpus=corpus_of(entries)) as pool:
            session = pool.session("weibo")
            fetcher = BrowserFetcher(session)
            names = [(await fetcher.visit(collector, i)).responses["profile"].json()["name"] for i in ids]
            await session.close()
            return names, pool.restarts

    names, restarts = asyncio.run(go())
    assert names == [f"账号{i}" for i in ids]
    assert restarts == 2


@pytest.mark.browser
def test_a_restart_drains_the_old_browser_before_launching_the_next() -> None:
    """Three workers side by side, one done early: never two browsers at once, and no deadlock."""
    collector = FakeCollector(required=("page", "profile", "posts"))
    work = {"a": [f"a{i}" for i in range(7)], "b": [f"b{i}" for i in range(6)], "c": ["c0"]}
    entries = [e for ids in work.values() for i in ids for e in account_entries(i)]
    settings = BrowserSettings(page_timeout=5.0, screenshots="none", restart_every=3)
    launched: list = []
    still_open_at_launch: list[int] = []

    async def go() -> tuple[dict[str, list[str]], int]:
        async with BrowserPool(settings, corpus=corpus_of(entries)) as pool:
            launch = pool._launch

            async def counted_launch():  # type: ignore[no-untyped-def]
                still_open_at_launch.append(sum(h.browser.is_connected() for h in launched))
                handle = await launch()
                launched.append(handle)
                return handle

            pool._launch = counted_launch  # type: ignore[method-assign]
            names: dict[str, list[str]] = {}

            async def worker(key: str) -> None:
                fetcher = BrowserFetcher(pool.session("weibo"))
                names[key] = [
                    (await fetcher.visit(collector, i)).responses["profile"].json()["name"] for i in work[key]
                ]
                await fetcher.close()  # as the sweep's worker does when its queue is empty

            await asyncio.wait_for(asyncio.gather(*(worker(k) for k in work)), timeout=60)
            return names, pool.restarts

    names, restarts = asyncio.run(go())
    assert names == {k: [f"账号{i}" for i in ids] for k, ids in work.items()}
    assert restarts >= 3  # 14 pages, a restart due every 3
    assert len(launched) == restarts + 1
    assert still_open_at_launch == [0] * len(launched)


@pytest.mark.browser
def test_a_restart_does_not_wait_longer_than_the_page_timeout_for_an_idle_session() -> None:
    """A session that stays away (a platform in its cool-down) cannot stall the others' restart."""
    collector = FakeCollector(required=("page", "profile", "posts"))
    ids = ["1", "2", "3", "idle"]
    entries = [e for i in ids for e in account_entries(i)]
    settings = BrowserSettings(page_timeout=1.0, screenshots="none", restart_every=3)

    async def go() -> tuple[int, bool, bool]:
        async with BrowserPool(settings, corpus=corpus_of(entries)) as pool:
            idle = BrowserFetcher(pool.session("weibo"))
            await idle.visit(collector, "idle")  # then waits, holding the first browser
            busy = BrowserFetcher(pool.session("weibo"))
            for i in ids[:3]:
                await asyncio.wait_for(busy.visit(collector, i), timeout=30)
            old = idle.session._handle
            assert old is not None
            old_open_meanwhile = old.browser.is_connected()
            await idle.close()
            old_closed_after = not old.browser.is_connected()
            await busy.close()
            return pool.restarts, old_open_meanwhile, old_closed_after

    restarts, old_open_meanwhile, old_closed_after = asyncio.run(go())
    assert restarts == 1
    assert old_open_meanwhile and old_closed_after


@pytest.mark.browser
def test_login_state_is_loaded_and_never_reaches_outputs(tmp_path: Path) -> None:
    from newmedia_audit.collect.sweep import sweep
    from newmedia_audit.store import Store

    from .conftest import fake_account, replay_settings, write_har

    secret = "planted-cookie-value-7f3a"
    browsers = tmp_path / "browsers"
    browsers.mkdir()
    state = {
        "cookies": [
            {
                "name": "SUB",
                "value": secret,
                "domain": "fake.test",
                "path": "/",
                "expires": -1,
                "httpOnly": False,
                "secure": True,
                "sameSite": "Lax",
            }
        ],
        "origins": [],
    }
    (browsers / "weibo.state.json").write_text(json.dumps(state), "utf-8")
    entries = account_entries("1")
    entries[1]["response"]["headers"].append({"name": "set-cookie", "value": f"SUB={secret}; Path=/"})
    har = write_har(tmp_path / "corpus.har", entries)
    out = tmp_path / "out"
    settings = replay_settings(use_httpx=False)
    settings.browser.screenshots = "all"  # every kind of output is searched, a screenshot too

    async def loaded_cookies() -> list[str]:
        async with BrowserPool(settings.browser, corpus=corpus_of(entries), browsers_dir=browsers) as pool:
            session = pool.session("weibo")
            await session.next_page()
            assert session.context is not None
            values = [c["value"] for c in await session.context.cookies()]
            await session.close()
            return values

    assert secret in asyncio.run(loaded_cookies())  # control: the state is really used
    store = Store(out / "state.sqlite")
    stats = sweep(
        [fake_account("1")],
        store,
        settings,
        out,
        replay=[har],
        collectors={"weibo": FakeCollector(required=("page", "profile", "posts"))},
        browsers_dir=browsers,
    )
    store.close()
    assert stats.statuses == {"ok": 1}
    files = [p for p in out.rglob("*") if p.is_file()]
    assert any(p.name == "screenshot.jpg" for p in files)
    for path in files:
        assert secret.encode() not in path.read_bytes(), path


class _LocalSite(http.server.BaseHTTPRequestHandler):
    """A live site on 127.0.0.1: a page that fetches its JSON, with a cookie to strip."""

    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path.startswith("/u/"):
            body = fake_page("1").replace("https://fake.test", "").encode()
            ctype = "text/html; charset=utf-8"
        elif self.path.startswith("/api/profile/"):
            body, ctype = json.dumps({"name": "本地"}).encode(), "application/json"
        elif self.path.startswith("/api/posts/"):
            body, ctype = json.dumps([{"id": "p1", "t": 1655683200}]).encode(), "application/json"
        else:
            self.send_error(404)
            return
        self.send_response(200)
        self.send_header("content-type", ctype)
        self.send_header("set-cookie", "SID=live-secret-42; Path=/")
        self.send_header("content-length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.mark.browser
def test_live_browser_path_captures_and_records_a_replayable_har(tmp_path: Path) -> None:
    from newmedia_audit.collect.record import HarRecorder

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _LocalSite)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"

    class Local(FakeCollector):
        def page_url(self, account_id: str) -> str:
            return f"{base}/u/{account_id}"

        def role_of(self, url: str) -> str | None:
            return super().role_of(url.replace(base, "https://fake.test"))

    record = tmp_path / "live.har"
    recorder = HarRecorder(record)

    async def go():  # type: ignore[no-untyped-def]
        async with BrowserPool(browser_settings(), recorder=recorder) as pool:
            session = pool.session("weibo")
            visit = await BrowserFetcher(session).visit(Local(required=("page", "profile", "posts")), "1")
            await session.close()
            return visit

    try:
        visit = asyncio.run(go())
    finally:
        server.shutdown()
        recorder.close()
    assert visit.responses["profile"].json() == {"name": "本地"}
    assert visit.responses["page"].status == 200
    text = record.read_text("utf-8")
    assert "live-secret-42" not in text
    replayed = HarCorpus.load([record]).serve("GET", f"{base}/api/profile/1?sig=volatile")
    assert json.loads(replayed.body) == {"name": "本地"}


@pytest.mark.browser
def test_a_crashed_browser_is_replaced_at_the_next_account() -> None:
    collector = FakeCollector(required=("page", "profile", "posts"))
    entries = account_entries("1") + account_entries("2")

    async def go() -> str:
        async with BrowserPool(browser_settings(), corpus=corpus_of(entries)) as pool:
            session = pool.session("weibo")
            fetcher = BrowserFetcher(session)
            await fetcher.visit(collector, "1")
            assert pool._current is not None
            await pool._current.browser.close()  # as if Chromium died
            visit = await fetcher.visit(collector, "2")
            assert pool._current.browser.is_connected()
            await session.close()
            return visit.responses["profile"].json()["name"]

    assert asyncio.run(go()) == "账号2"


@pytest.mark.browser
def test_screenshot_of_a_hung_page_gives_up_after_the_page_timeout() -> None:
    """A renderer stuck in a script never delivers a frame; the capture must not wait for one forever."""
    hang = "<html><body>x<script>setTimeout(function () { for (;;) {} }, 50)</script></body></html>"

    async def shoot() -> bytes | None:
        settings = BrowserSettings(page_timeout=2.0, screenshots="all")
        async with BrowserPool(settings, corpus=corpus_of([entry(page_url("1"), hang)])) as pool:
            session = pool.session("weibo")
            page = await session.next_page()
            await page.goto(page_url("1"), wait_until="load")
            await asyncio.sleep(0.2)  # the loop has started
            shot = await session.screenshot()
            await session.close()
            return shot

    # Without the bound the capture waits forever: fail instead of hanging the suite.
    assert asyncio.run(asyncio.wait_for(shoot(), 60)) is None


# -- follow-ups: a Sogou result without 最近文章 is followed to its account page --------------

WXID = "gzabc"
SEARCH = WechatCollector().page_url(WXID)
LINK = "https://weixin.sogou.com/link?url=dn9a_-gY295K0Rci&type=1&query=gzabc"
PROFILE = "http://mp.weixin.qq.com/profile?src=3&timestamp=1655690400&ver=1&signature=Ab*cD-e=="
JUNE_19 = 1655640000  # 2022-06-19T20:00:00+08:00


def wechat_entries(*, latest: bool = False, with_profile: bool = True) -> list[dict]:
    """Sogou's search page for WXID, its /link redirect and the account page (one message)."""
    result = SogouResult(
        name="测试发布",
        wechat_id=WXID,
        subject="测试市人民政府办公室",
        article_title="防汛通知" if latest else "",
        article_epoch=JUNE_19 if latest else None,
        account_link="/link?url=dn9a_-gY295K0Rci&type=1&query=gzabc",
        auth_script=True,
    )
    entries = [entry(SEARCH, sogou_results_page(WXID, [result]))]
    if with_profile:
        message = MpMessage(1000000727, JUNE_19, "防汛通知", "/s?timestamp=1&src=3&ver=1&signature=x")
        entries += [
            entry(LINK, "", status=302, redirect=PROFILE),
            entry(PROFILE, mp_profile_page(WXID, "测试发布", "测试市人民政府办公室", [message])),
        ]
    return entries


async def wechat_httpx_visit(entries: list[dict]) -> Visit:
    async with httpx.AsyncClient(transport=ReplayTransport(corpus_of(entries))) as client:
        return await HttpxFetcher(client).visit(WechatCollector(), WXID)


async def wechat_browser_visit(entries: list[dict]) -> Visit:
    async with BrowserPool(browser_settings(), corpus=corpus_of(entries)) as pool:
        session = pool.session("wechat")
        try:
            return await BrowserFetcher(session).visit(WechatCollector(), WXID)
        finally:
            await session.close()


def assert_followed_to_the_account_page(visit: Visit) -> None:
    assert set(visit.responses) == {"page", "profile"}
    profile = visit.responses["profile"]
    assert (profile.url, profile.redirects) == (PROFILE, (LINK,))
    observation = WechatCollector().parse(WXID, visit.responses)
    assert observation.latest_post_at is not None
    assert observation.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"
    assert observation.subject == "测试市人民政府办公室" and not observation.confirmed_empty


def test_httpx_follows_a_result_without_latest_article_to_its_account_page() -> None:
    assert_followed_to_the_account_page(asyncio.run(wechat_httpx_visit(wechat_entries())))


@pytest.mark.browser
def test_browser_follows_a_result_without_latest_article_to_its_account_page() -> None:
    assert_followed_to_the_account_page(asyncio.run(wechat_browser_visit(wechat_entries())))


@pytest.mark.parametrize("path", ["httpx", pytest.param("browser", marks=pytest.mark.browser)])
def test_a_result_with_latest_article_opens_no_second_page(path: str) -> None:
    visit_of = wechat_httpx_visit if path == "httpx" else wechat_browser_visit
    visit = asyncio.run(visit_of(wechat_entries(latest=True, with_profile=False)))
    assert set(visit.responses) == {"page"}


@pytest.mark.parametrize("path", ["httpx", pytest.param("browser", marks=pytest.mark.browser)])
def test_an_account_page_the_corpus_cannot_serve_fails_the_visit_with_the_search_page_kept(path: str) -> None:
    visit_of = wechat_httpx_visit if path == "httpx" else wechat_browser_visit
    with pytest.raises(TransientError) as info:
        asyncio.run(visit_of(wechat_entries(with_profile=False)))
    assert "page" in info.value.responses  # type: ignore[attr-defined]


def test_follow_ups_are_asked_again_and_never_open_a_url_twice() -> None:
    """A collector whose follow-up lands on a page naming the next one; then one naming itself."""
    hops = ["https://fake.test/hop/1", "https://fake.test/hop/2"]

    class Hopping(FakeCollector):
        def follow_ups(self, account_id: str, responses: dict) -> dict[str, str]:
            hop = responses.get("hop")
            return {"hop": hop.text() if hop is not None else hops[0]}

    entries = account_entries("1") + [entry(hops[0], hops[1]), entry(hops[1], hops[1])]
    visit = asyncio.run(_httpx_visit_of(Hopping(), entries))
    assert visit.responses["hop"].url == hops[1]
    assert visit.responses["hop"].redirects == (hops[0],)  # the earlier hop joins the chain


async def _httpx_visit_of(collector: FakeCollector, entries: list[dict]) -> Visit:
    async with httpx.AsyncClient(transport=ReplayTransport(corpus_of(entries))) as client:
        return await HttpxFetcher(client).visit(collector, "1")
