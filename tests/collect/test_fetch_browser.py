"""Both fetch paths through the replay router; real headless Chromium for the browser path."""

from __future__ import annotations

import asyncio
import socket
import threading
from collections.abc import Iterator

import httpx
import pytest

from newmedia_audit.collect.browser import BrowserPool
from newmedia_audit.collect.fetch import BrowserFetcher, HttpxFetcher
from newmedia_audit.collect.replay import HarCorpus, ReplayTransport
from newmedia_audit.errors import TransientError, WallError
from newmedia_audit.settings import BrowserSettings

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
