"""Browser pool: headless Chromium through Playwright, shaped like a visitor.

- One context per platform worker (``BrowserSession``), kept like a real
  visitor's session (its cookies help with walls) and recycled every
  ``recycle_context_every`` accounts; its page is reused for the next
  account (design.md measured a reused page at ~1,300-1,900 accounts/min
  against ~200 for a fresh context per account).
- Images, fonts and media are blocked by routing; in replay every request
  is answered by the corpus (``ReplayRouteHandler``) and the browser runs
  with ``--host-resolver-rules=MAP * ~NOTFOUND`` so nothing escapes.
- The browser restarts after ``restart_every`` pages (flat memory): the old
  browser is drained first (each session leaves it at its next account, a
  finished worker closes its session), closed, and only then is the new one
  launched, so two browsers do not hold memory at once (unless a session
  stays away longer than ``page_timeout``, e.g. a platform in its cool-down:
  then the new browser does not wait for it).
- A login storage state ``browsers/{platform}.state.json`` is loaded into the
  platform's contexts when present; it is never copied anywhere.
"""

from __future__ import annotations

import asyncio
import base64
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from playwright.async_api import Browser, BrowserContext, Page, Playwright, async_playwright

from ..settings import BrowserSettings
from .record import HarRecorder
from .replay import BLOCKED_RESOURCE_TYPES, HarCorpus, ReplayRouteHandler, replay_resolver_args

VIEWPORT = {"width": 800, "height": 900}
SCREENSHOT_QUALITY = 40


def storage_state_path(browsers_dir: Path, platform: str) -> Path:
    """Where ``login`` saves a platform's storage state."""
    return Path(browsers_dir) / f"{platform}.state.json"


async def _block_heavy(route: Any) -> None:
    """Live routing: drop images, fonts and media; let everything else through."""
    if route.request.resource_type in BLOCKED_RESOURCE_TYPES:
        await route.abort("blockedbyclient")
    else:
        await route.continue_()


@dataclass
class _BrowserHandle:
    browser: Browser
    generation: int
    pages: int = 0
    users: int = 0


class BrowserPool:
    """One Chromium shared by the sessions of every platform worker."""

    def __init__(
        self,
        settings: BrowserSettings,
        *,
        corpus: HarCorpus | None = None,
        recorder: HarRecorder | None = None,
        browsers_dir: Path = Path("browsers"),
    ) -> None:
        self.settings = settings
        self.corpus = corpus
        self.recorder = recorder
        self.browsers_dir = Path(browsers_dir)
        self._playwright: Playwright | None = None
        self._current: _BrowserHandle | None = None
        self._retired: list[_BrowserHandle] = []  # due for restart, sessions still on them
        self._changed = asyncio.Condition()
        self._generation = 0
        self.restarts = 0

    @property
    def replay(self) -> bool:
        return self.corpus is not None

    def launch_args(self) -> list[str]:
        args = list(self.settings.args)
        if self.replay:
            args += replay_resolver_args()
        return args

    async def __aenter__(self) -> BrowserPool:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.close()

    async def start(self) -> None:
        if self._playwright is None:
            self._playwright = await async_playwright().start()

    async def _launch(self) -> _BrowserHandle:
        assert self._playwright is not None, "BrowserPool.start() first"
        browser = await self._playwright.chromium.launch(
            executable_path=self.settings.resolved_executable(),
            args=self.launch_args(),
            headless=self.settings.headless,
        )
        self._generation += 1
        return _BrowserHandle(browser, self._generation)

    async def acquire(self, previous: _BrowserHandle | None) -> _BrowserHandle:
        """The browser a session should use for its next context (launching/restarting).

        A browser due for restart (or crashed) is retired; the new one is
        launched once every session has left the retired ones, or after
        ``page_timeout`` seconds: a session may be idle a long while (a
        platform waiting out a cool-down), and no visit should wait for it.
        """
        async with self._changed:
            await self.start()
            if previous is not None:
                await self._leave(previous)
            drain_until = time.monotonic() + self.settings.page_timeout
            while True:
                current = self._current
                if current is not None:
                    crashed = not current.browser.is_connected()
                    if not crashed and current.pages < self.settings.restart_every:
                        current.users += 1
                        return current
                    self.restarts += 1
                    self._current = None
                    self._retired.append(current)
                    await self._close_if_empty(current)
                left = drain_until - time.monotonic()
                if self._retired and left > 0:
                    try:  # the sessions still on a retired browser leave it at their next account
                        await asyncio.wait_for(self._changed.wait(), left)
                    except TimeoutError:
                        pass
                    continue
                self._current = await self._launch()

    async def _leave(self, handle: _BrowserHandle) -> None:
        handle.users -= 1
        await self._close_if_empty(handle)

    async def _close_if_empty(self, handle: _BrowserHandle) -> None:
        if handle.users > 0 or handle is self._current:
            return
        if handle in self._retired:
            self._retired.remove(handle)
        try:
            await handle.browser.close()
        except Exception:  # noqa: BLE001 - a crashed browser is already gone
            pass
        self._changed.notify_all()

    async def release(self, handle: _BrowserHandle) -> None:
        async with self._changed:
            await self._leave(handle)

    def count_page(self, handle: _BrowserHandle) -> None:
        handle.pages += 1

    def needs_move(self, handle: _BrowserHandle) -> bool:
        """True when the session's browser has been (or should be) replaced."""
        current = self._current
        return (
            current is not handle
            or handle.pages >= self.settings.restart_every
            or not handle.browser.is_connected()
        )

    def session(self, platform: str) -> BrowserSession:
        """A worker's session (context + reused page) for one platform."""
        return BrowserSession(self, platform)

    async def close(self) -> None:
        async with self._changed:
            for handle in [*self._retired, *([self._current] if self._current else [])]:
                try:
                    await handle.browser.close()
                except Exception:  # noqa: BLE001 - a crashed browser is already gone
                    pass
            self._retired.clear()
            self._current = None
            if self._playwright is not None:
                await self._playwright.stop()
                self._playwright = None


class BrowserSession:
    """One platform worker's context and its reused page."""

    def __init__(self, pool: BrowserPool, platform: str) -> None:
        self.pool = pool
        self.platform = platform
        self.handler: ReplayRouteHandler | None = None
        self.context: BrowserContext | None = None
        self.page: Page | None = None
        self._cdp: Any = None
        self._handle: _BrowserHandle | None = None
        self._accounts = 0
        self._listeners: list[tuple[str, Any]] = []

    def on(self, event: str, callback: Any) -> None:
        """Register a page listener kept across page replacements."""
        self._listeners.append((event, callback))
        if self.page is not None:
            self.page.on(event, callback)

    async def next_page(self) -> Page:
        """The page for the next account: the same one unless the context is due for renewal."""
        settings = self.pool.settings
        due = (
            self.page is None
            or self.page.is_closed()
            or self._accounts >= settings.recycle_context_every
            or (self._handle is not None and self.pool.needs_move(self._handle))
        )
        if due:
            await self._renew()
        assert self.page is not None and self._handle is not None
        self._accounts += 1
        self.pool.count_page(self._handle)
        return self.page

    async def _renew(self) -> None:
        await self._close_context()
        handle = await self.pool.acquire(self._handle)
        self._handle = handle
        state = storage_state_path(self.pool.browsers_dir, self.platform)
        context = await handle.browser.new_context(
            viewport=VIEWPORT,
            locale="zh-CN",
            timezone_id="Asia/Shanghai",
            storage_state=str(state) if state.is_file() else None,
            service_workers="block",
        )
        if self.pool.corpus is not None:
            self.handler = ReplayRouteHandler(self.pool.corpus)
            await context.route("**/*", self.handler)
        else:
            await context.route("**/*", _block_heavy)
        context.set_default_timeout(settings_timeout_ms(self.pool.settings))
        page = await context.new_page()
        if self.pool.recorder is not None:
            page.on("response", self.pool.recorder.on_response)
        for event, callback in self._listeners:
            page.on(event, callback)
        self.context, self.page = context, page
        self._cdp = None
        if self.pool.settings.screenshots != "none":
            try:
                self._cdp = await context.new_cdp_session(page)
            except Exception:  # noqa: BLE001 - fall back to Playwright's screenshot
                self._cdp = None
        self._accounts = 0

    def invalidate(self) -> None:
        """After a browser error: the next account gets a fresh context."""
        self._accounts = self.pool.settings.recycle_context_every

    async def screenshot(self) -> bytes | None:
        """A small JPEG of the viewport, or None when the page cannot be shot in ``page_timeout``."""
        if self.page is None or self.pool.settings.screenshots == "none":
            return None
        try:
            # A hung renderer never delivers the frame a capture waits for; the
            # failure being recorded must not hang with it.
            return await asyncio.wait_for(self._capture(), self.pool.settings.page_timeout)
        except TimeoutError:
            return None

    async def _capture(self) -> bytes | None:
        assert self.page is not None
        if self._cdp is not None:
            try:
                # Chromium's own capture: about half the time of page.screenshot,
                # which also scrolls, hides the caret and waits for fonts.
                shot = await self._cdp.send(
                    "Page.captureScreenshot",
                    {"format": "jpeg", "quality": SCREENSHOT_QUALITY, "optimizeForSpeed": True},
                )
                return base64.b64decode(shot["data"])
            except Exception:  # noqa: BLE001 - "Unable to capture screenshot" before a frame exists
                pass  # Playwright's own screenshot waits for one
        try:
            return await self.page.screenshot(type="jpeg", quality=SCREENSHOT_QUALITY, full_page=False)
        except Exception:  # noqa: BLE001 - evidence is best effort; the observation stands
            return None

    async def _close_context(self) -> None:
        if self.context is not None:
            try:
                await self.context.close()
            except Exception:  # noqa: BLE001 - the browser may be gone already
                pass
        self.context = self.page = self._cdp = None

    async def close(self) -> None:
        await self._close_context()
        if self._handle is not None:
            await self.pool.release(self._handle)
            self._handle = None


def settings_timeout_ms(settings: BrowserSettings) -> float:
    return settings.page_timeout * 1000
