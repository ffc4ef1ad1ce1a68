"""Visitor cookies for the httpx path, borrowed from a browser visit.

m.weibo.cn answers requests without the Sina Visitor System's cookies (SUB,
SUBP) with ``{"ok":0,"msg":"这里还没有内容"}``, on the profile call too
(platforms.md, Weibo; weibo-crawler issue 125). A browser gets them by
running the platform's own script the first time it opens m.weibo.cn. When a
user opts into the httpx path for Weibo, the sweep opens that page once in
the browser, copies the cookies into the httpx client, and does it again
when a visit is refused (the cookies stopped working), at most once per
``min_interval`` seconds.

Cookies never reach outputs, evidence or logs: only their count is reported.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable, Sequence
from typing import Any

import httpx

from .browser import BrowserPool

WEIBO_VISITOR_URL = "https://m.weibo.cn/"
WEIBO_VISITOR_COOKIES = ("SUB", "SUBP")


async def browser_cookies(
    pool: BrowserPool, platform: str, url: str, wanted: Sequence[str], timeout: float
) -> list[dict[str, Any]]:
    """The cookies a fresh browser context holds after opening ``url``.

    Waits until every cookie named in ``wanted`` is set (the visitor script
    sets them after a redirect or two), or ``timeout`` seconds.
    """
    session = pool.session(platform)
    try:
        page = await session.next_page()
        await page.goto(url, wait_until="load")
        assert session.context is not None
        deadline = time.monotonic() + timeout
        while True:
            cookies = await session.context.cookies()
            names = {c["name"] for c in cookies}
            if all(n in names for n in wanted) or time.monotonic() >= deadline:
                return [dict(c) for c in cookies]
            await asyncio.sleep(0.2)
    finally:
        await session.close()


def load_cookies(client: httpx.AsyncClient, cookies: Sequence[dict[str, Any]]) -> int:
    """Put browser cookies into the client's jar (domain and path kept); returns how many."""
    for cookie in cookies:
        client.cookies.set(
            str(cookie["name"]),
            str(cookie["value"]),
            domain=str(cookie.get("domain") or ""),
            path=str(cookie.get("path") or "/"),
        )
    return len(cookies)


class CookieBorrower:
    """Keeps an httpx client supplied with one platform's visitor cookies."""

    def __init__(
        self,
        pool: BrowserPool,
        client: httpx.AsyncClient,
        platform: str,
        *,
        url: str = WEIBO_VISITOR_URL,
        wanted: Sequence[str] = WEIBO_VISITOR_COOKIES,
        timeout: float = 20.0,
        min_interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.pool, self.client, self.platform = pool, client, platform
        self.url, self.wanted, self.timeout = url, tuple(wanted), timeout
        self.min_interval, self.clock = min_interval, clock
        self.taken = 0  # times cookies were taken
        self.last_error = ""
        self._at: float | None = None
        self._lock = asyncio.Lock()

    async def take(self) -> bool:
        """Open the visitor page and load its cookies; False (with ``last_error``) when
        the wanted cookies did not come. Never raises: the visits then say what they saw."""
        async with self._lock:
            self._at = self.clock()
            try:
                cookies = await browser_cookies(self.pool, self.platform, self.url, self.wanted, self.timeout)
            except Exception as exc:  # noqa: BLE001 - a failed warm-up leaves the visits to tell
                self.last_error = (
                    f"{type(exc).__name__}: {str(exc).splitlines()[0][:120] if str(exc) else ''}"
                )
                return False
            load_cookies(self.client, cookies)
            self.taken += 1
            names = {c["name"] for c in cookies}
            missing = [n for n in self.wanted if n not in names]
            self.last_error = f"未取得 Cookie {', '.join(missing)}" if missing else ""
            return not missing

    async def renew(self) -> bool:
        """Take fresh cookies after a refusal, unless taken less than min_interval ago."""
        if self._at is not None and self.clock() - self._at < self.min_interval:
            return False
        return await self.take()
