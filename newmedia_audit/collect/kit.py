"""The fetching resources of one process: the httpx client, the browser pool, Weibo's visitor cookies.

Opened once per sweep (or per worker of a national sweep, or per discovery
run) for the platforms it will visit; hands out one fetcher per platform
worker (httpx or a browser session: per ``settings.<platform>.use_httpx``,
or as the caller chooses) and closes everything.
"""

from __future__ import annotations

import asyncio
import sys
from collections.abc import AsyncIterator, Callable, Coroutine, Iterable, Mapping
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import httpx

from ..settings import Settings
from .fetch import BrowserFetcher, HttpxFetcher
from .record import HarRecorder
from .replay import HarCorpus, ReplayTransport
from .visit import Fetcher
from .visitor import CookieBorrower

USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)


def http_client(
    settings: Settings,
    corpus: HarCorpus | None,
    recorder: HarRecorder | None,
    replay_transport: Callable[[HarCorpus], httpx.AsyncBaseTransport] = ReplayTransport,
) -> httpx.AsyncClient:
    """The httpx client of a run: replayed from the corpus, recorded, or live.

    Replay follows redirects inside the corpus itself (the router keeps the chain).
    """
    if corpus is not None:
        transport: httpx.AsyncBaseTransport = replay_transport(corpus)
    elif recorder is not None:
        transport = recorder.transport()
    else:
        transport = httpx.AsyncHTTPTransport(retries=0)
    return httpx.AsyncClient(
        transport=transport,
        timeout=settings.browser.page_timeout,
        follow_redirects=corpus is None,
        headers={"user-agent": USER_AGENT, "accept-language": "zh-CN,zh;q=0.9"},
    )


async def side_by_side(coroutines: Iterable[Coroutine[Any, Any, None]]) -> None:
    """Run these together; one failing hard (disk full, ...) cancels the others cleanly."""
    tasks = [asyncio.create_task(c) for c in coroutines]
    try:
        await asyncio.gather(*tasks)
    except BaseException:
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        raise


class FetchKit:
    """A process's client and browser pool, and the fetchers made from them."""

    def __init__(
        self,
        settings: Settings,
        client: httpx.AsyncClient,
        pool: Any | None,
        in_browser: Mapping[str, bool],
    ) -> None:
        self.settings = settings
        self.client = client
        self.pool = pool
        self.in_browser = dict(in_browser)
        self.borrower: CookieBorrower | None = None  # live Weibo over httpx
        self.cookies_taken = True  # False: the borrower could not take Weibo's visitor cookies
        self.sessions: list[Any] = []

    def fetcher(self, platform: str) -> Fetcher:
        """A new fetcher for one worker of the platform."""
        if not self.in_browser.get(platform, False):
            return HttpxFetcher(self.client)
        assert self.pool is not None
        session = self.pool.session(platform)
        self.sessions.append(session)
        return BrowserFetcher(session)

    def borrower_for(self, platform: str) -> CookieBorrower | None:
        """The visitor-cookie borrower of the platform's visits (Weibo over httpx, live)."""
        return self.borrower if platform == "weibo" and not self.in_browser.get(platform, False) else None


@asynccontextmanager
async def open_kit(
    settings: Settings,
    platforms: Iterable[str],
    *,
    corpus: HarCorpus | None = None,
    record: Path | None = None,
    browsers_dir: Path = Path("browsers"),
    replay_transport: Callable[[HarCorpus], httpx.AsyncBaseTransport] = ReplayTransport,
    in_browser: Mapping[str, bool] | None = None,
    without_cookies: str = "微博账号可能因此待复核；可改用浏览器路径（[weibo] use_httpx = false）。",
) -> AsyncIterator[FetchKit]:
    """Open the client (and the browser when a platform needs it) for these platforms.

    ``replay_transport`` builds the httpx transport over the corpus (collect/faults.py
    swaps in one that injects faults). ``in_browser`` says which platforms go
    through the browser (default: those without ``use_httpx``);
    ``without_cookies`` ends the warning printed when Weibo's visitor cookies
    cannot be had (what it means for the run, and the way out).
    """
    platforms = set(platforms)
    recorder = HarRecorder(record) if record is not None and corpus is None else None
    if in_browser is None:
        in_browser = {p: not settings.platform(p).use_httpx for p in platforms}
    # Live Weibo over httpx carries the visitor cookies of a browser visit (collect/visitor.py).
    borrow = (
        corpus is None
        and "weibo" in platforms
        and not in_browser.get("weibo", False)
        and bool(settings.weibo.visitor_url)
    )
    need_browser = any(in_browser.get(p, False) for p in platforms) or borrow
    pool = None
    client: httpx.AsyncClient | None = None
    kit: FetchKit | None = None
    try:
        client = http_client(settings, corpus, recorder, replay_transport)
        if need_browser:
            from .browser import BrowserPool

            pool = BrowserPool(settings.browser, corpus=corpus, recorder=recorder, browsers_dir=browsers_dir)
            await pool.start()
        kit = FetchKit(settings, client, pool, in_browser)
        if borrow:
            assert pool is not None
            kit.borrower = CookieBorrower(
                pool, client, "weibo", url=settings.weibo.visitor_url, timeout=settings.browser.page_timeout
            )
            kit.cookies_taken = await kit.borrower.take()
            if not kit.cookies_taken:
                print(
                    f"提示 / warning: 未能取得微博访客 Cookie（{kit.borrower.last_error}），{without_cookies}",
                    file=sys.stderr,
                )
        yield kit
    finally:
        for session in kit.sessions if kit is not None else []:
            await session.close()
        if pool is not None:
            await pool.close()
        if client is not None:
            await client.aclose()
        if recorder is not None:
            recorder.close()
