"""The two fetch paths: a browser page (``BrowserFetcher``) or httpx (``HttpxFetcher``).

Both gather the responses a collector names by role and return them as
``Fetched``; neither parses. Foreign exceptions (playwright, httpx) are
translated here, once, into the tool's own:

- timeouts, connection resets, 5xx, a request the replay corpus cannot
  answer -> TransientError (retried; in the end ``error`` and review, with
  the reason kept);
- HTTP 403/418/429/432 -> WallError (requeued after the cool-down; in the
  end ``blocked``), carrying the server's Retry-After when it gave one.

Strategy on the browser path (platforms.md): capture the JSON the page
loads itself; else request the endpoint from the page context.

Follow-ups: once the required roles are in, a collector may name further
pages to open in the same visit (optional ``follow_ups(account_id,
responses) -> {role: absolute URL}``; a Sogou result without 最近文章 links
to the account page, and such links expire within hours). The browser
navigates its page there (``page.goto``: replay routing and the router's
redirect following apply), httpx GETs them; the documents come back under
those roles, for ``parse``. The collector is asked again with what came in
(a live Sogou ``/link`` page is a script redirect the collector reads), at
most ``MAX_FOLLOW_ROUNDS`` times, never twice for one URL.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any
from urllib.parse import unquote_plus

import httpx
from playwright.async_api import Error as PlaywrightError

from ..errors import CollectError, TransientError, WallError
from .base import Collector, Fetched
from .browser import BrowserSession
from .parsing import WALL_STATUSES  # 403, 418, 429, 432: one list for fetchers and parsers
from .politeness import parse_retry_after

# How long a replayed page may take to settle once loaded with nothing in flight.
REPLAY_SETTLE = 0.05
REPLAY_SETTLE_MAX = 1.0
# Live: after the page loaded, how long with no role response before asking the
# page context for the missing roles (real pages load their JSON a little later).
LIVE_SETTLE = 5.0
# How many times a visit asks the collector for follow-up pages (a link, then
# the script redirect it may land on, then the page).
MAX_FOLLOW_ROUNDS = 3

_PAGE_FETCH = """async (url) => {
  const r = await fetch(url, {credentials: "include"});
  const body = await r.text();
  return {status: r.status, url: r.url, headers: Object.fromEntries(r.headers.entries()), body: body};
}"""


@dataclass
class Visit:
    """What one fetch gathered: responses by role, and a screenshot on the browser path."""

    responses: dict[str, Fetched] = field(default_factory=dict)
    screenshot: bytes | None = None
    reason: str = ""  # why a role is missing (kept for the review detail)


def attach(
    exc: CollectError, responses: Mapping[str, Fetched], screenshot: bytes | None = None
) -> CollectError:
    """Keep what was fetched on the error (evidence of a wall or fault)."""
    exc.responses = dict(responses)  # type: ignore[attr-defined]
    exc.screenshot = screenshot  # type: ignore[attr-defined]
    return exc


def received_time(headers: Mapping[str, str], fallback: datetime | None = None) -> datetime:
    """The Date header as an aware datetime, else ``fallback``, else now."""
    value = headers.get("date")
    if value:
        try:
            moment = parsedate_to_datetime(value)
            if moment is not None:
                return moment if moment.tzinfo else moment.replace(tzinfo=UTC)
        except (TypeError, ValueError):
            pass
    return fallback or datetime.now(UTC)


def check_statuses(responses: Mapping[str, Fetched], required: tuple[str, ...]) -> None:
    """Raise WallError / TransientError for a refusing or failing status of a required role."""
    for role in required:
        fetched = responses.get(role)
        if fetched is None:
            continue
        if fetched.status in WALL_STATUSES:
            wall = WallError(f"HTTP {fetched.status}：{fetched.url}")
            wall.reason = f"http_{fetched.status}"  # type: ignore[attr-defined]
            wall.retry_after = parse_retry_after(fetched.headers.get("retry-after"))  # type: ignore[attr-defined]
            raise attach(wall, responses)
        if fetched.status >= 500:
            fault = TransientError(f"HTTP {fetched.status}：{fetched.url}")
            fault.reason = f"http_{fetched.status}"  # type: ignore[attr-defined]
            raise attach(fault, responses)


def visit_error(responses: Mapping[str, Fetched], required: tuple[str, ...], why: str) -> CollectError | None:
    """Why a visit with these responses fails (a refusing or failing status, a
    required role missing), or None when it can be parsed."""
    try:
        check_statuses(responses, required)
    except CollectError as exc:
        return exc
    missing = [r for r in required if r not in responses]
    if missing:
        return _transient("missing", f"未取得 {', '.join(missing)}：{why or '页面未加载'}")
    return None


def decided(collector: Collector, responses: Mapping[str, Fetched]) -> bool:
    """The collector can conclude from what came in although other required roles
    are missing or failed (a Douyin profile that shows a private, banned or gone
    account decides it alone; platforms.md). Collectors opt in with ``decisive``."""
    decisive = getattr(collector, "decisive", None)
    return bool(decisive is not None and decisive(responses))


def follow_ups(collector: Collector, account_id: str, responses: Mapping[str, Fetched]) -> dict[str, str]:
    """Pages the collector wants opened next in this visit (role -> absolute URL).

    Collectors opt in with ``follow_ups``; most need none, and a collector
    asks only when the responses call for it (the cheap path stays cheap).
    """
    method = getattr(collector, "follow_ups", None)
    if method is None:
        return {}
    return dict(method(account_id, dict(responses)))


def _pending(wanted: Mapping[str, str], opened: set[str]) -> dict[str, str]:
    """The follow-ups not opened yet in this visit (no URL is opened twice)."""
    return {role: url for role, url in wanted.items() if url and url not in opened}


def chained(previous: Fetched | None, fetched: Fetched) -> Fetched:
    """``fetched`` as the next hop of ``previous`` (a script redirect the collector
    read): the earlier hop joins the redirect chain, so the evidence keeps the way."""
    if previous is None:
        return fetched
    return replace(fetched, redirects=(*previous.redirects, previous.url, *fetched.redirects))


def _follow_failed(role: str, url: str, why: str) -> TransientError:
    return _transient("follow_up", f"未能打开 {role} 页面（{why}）：{url}")


def _belongs(url: str, account_id: str) -> bool:
    """A response of this account (late responses of the previous page are ignored)."""
    return account_id in unquote_plus(url) or account_id in url


def _transient(reason: str, message: str) -> TransientError:
    exc = TransientError(message)
    exc.reason = reason  # type: ignore[attr-defined]
    return exc


# -- browser ----------------------------------------------------------------------


class _Capture:
    """Responses of one visit, by role, filled by page events."""

    def __init__(self, collector: Collector, account_id: str, required: tuple[str, ...]) -> None:
        self.collector = collector
        self.account_id = account_id
        self.required = required
        self.responses: dict[str, Fetched] = {}
        self.tasks: set[asyncio.Task[None]] = set()
        self.changed = asyncio.Event()
        self.activity = time.monotonic()  # last time a role response came in (settling)
        self.loaded: float | None = None  # when the page's load event was seen

    def role(self, url: str) -> str | None:
        role = self.collector.role_of(url)
        if role is None or role in self.responses:
            return None
        if role != "page" and not _belongs(url, self.account_id):
            return None
        return role

    def complete(self) -> bool:
        return all(r in self.responses for r in self.required)


class BrowserFetcher:
    """Fetches through one worker's browser session (its reused page)."""

    def __init__(self, session: BrowserSession) -> None:
        self.session = session
        self._capture: _Capture | None = None
        self._lateness = 0.0  # recent delay between load and the last role response
        if not session.pool.replay:
            # Live: capture from page events. Replay: the route handler hands each
            # served response over directly (no event subscription, far less traffic
            # between the browser and us).
            session.on("response", self._on_response)

    @property
    def replay(self) -> bool:
        return self.session.pool.replay

    async def fetch(self, collector: Collector, account_id: str) -> dict[str, Fetched]:
        """Responses by role for one account (see ``visit``)."""
        return (await self.visit(collector, account_id)).responses

    async def visit(self, collector: Collector, account_id: str) -> Visit:
        """Open the profile page, capture the roles it loads, request the missing ones.

        Raises:
            TransientError: timeouts, network failures, replay misses, 5xx, a
                required role still missing.
            WallError: 403/418/429/432 on a required role.
        """
        required = tuple(collector.required_roles())
        capture = _Capture(collector, account_id, required)
        try:
            page = await self.session.next_page()
            handler = self.session.handler
            if handler is not None:
                handler.clear()
                handler.on_serve = lambda url, fetched: self._on_served(capture, url, fetched)
            self._capture = capture
            reason = await self._navigate(page, collector, account_id, capture)
            await self._settle(capture)
            capture.loaded = None  # what comes now answers our own requests, not the page's
            missing = [r for r in required if r not in capture.responses]
            if missing:
                reason = await self._fetch_from_page(page, collector, account_id, capture, missing) or reason
            if visit_error(capture.responses, required, reason) is None:
                await self._follow(page, collector, account_id, capture)
            # "unusual" screenshots are the sweep's call, once it knows the outcome is
            # final (a failing try may yet be retried); the page stays until the next visit.
            shoot = self.session.pool.settings.screenshots == "all"
            screenshot = await self.session.screenshot() if capture.responses and shoot else None
        except PlaywrightError as exc:
            self.session.invalidate()
            raise attach(_transient("browser", f"浏览器错误：{_first_line(exc)}"), capture.responses) from exc
        finally:
            self._capture = None
            if self.session.handler is not None:
                self.session.handler.on_serve = None
        responses = dict(capture.responses)
        # Checked again: a role may have come in while the screenshot was taken.
        error = None if decided(collector, responses) else visit_error(responses, required, reason)
        if error is not None:
            raise attach(error, responses, screenshot)  # a wall's page is the evidence of the wall
        return Visit(responses, screenshot, reason)

    async def _navigate(self, page: Any, collector: Collector, account_id: str, capture: _Capture) -> str:
        url = collector.page_url(account_id)
        try:
            response = await page.goto(url, wait_until="load")
        except PlaywrightError as exc:
            if "Timeout" in type(exc).__name__ or "Timeout" in str(exc)[:40]:
                return f"页面超时：{url}"
            return f"页面无法打开（{_first_line(exc)}）：{url}"
        if response is not None and "page" not in capture.responses:
            fetched = await self._fetched(response)
            if fetched is not None:
                capture.responses["page"] = fetched
        return ""

    async def _follow(self, page: Any, collector: Collector, account_id: str, capture: _Capture) -> None:
        """Open the collector's follow-up pages in the same page, each captured under its role.

        Raises:
            TransientError: a follow-up page could not be opened (the page is
                fine; the session is kept).
        """
        opened: set[str] = set()
        for _ in range(MAX_FOLLOW_ROUNDS):
            wanted = _pending(follow_ups(collector, account_id, capture.responses), opened)
            if not wanted:
                return
            for role, url in wanted.items():
                opened.add(url)
                try:
                    fetched = await self._open(page, role, url)
                except TransientError as exc:
                    attach(exc, capture.responses)  # the search page is evidence too
                    raise
                capture.responses[role] = chained(capture.responses.get(role), fetched)

    async def _open(self, page: Any, role: str, url: str) -> Fetched:
        """Navigate to ``url`` and return its document (with the redirect chain)."""
        try:
            response = await page.goto(url, wait_until="load")
        except PlaywrightError as exc:
            raise _follow_failed(role, url, _first_line(exc)) from exc
        fetched = await self._fetched(response) if response is not None else None
        if fetched is None:
            raise _follow_failed(role, url, "没有收到页面")
        return fetched

    async def screenshot(self) -> bytes | None:
        """A screenshot of the page as the last visit left it (None when off or impossible)."""
        return await self.session.screenshot()

    async def close(self) -> None:
        """Leave the browser (a pending restart waits for every session to leave)."""
        await self.session.close()

    def _quiet_period(self) -> float:
        """How long without a role response means nothing more comes.

        Replay answers from memory, so the only delay is the browser's own
        (script start, the route event reaching us); it grows with machine
        load, so the period follows the lateness seen on recent pages.
        """
        if not self.replay:
            return LIVE_SETTLE
        return min(REPLAY_SETTLE_MAX, max(REPLAY_SETTLE, 1.5 * self._lateness))

    async def _settle(self, capture: _Capture) -> None:
        """Wait for the required roles: until all are in, or the page goes quiet, or timeout."""
        settings = self.session.pool.settings
        loaded = capture.loaded = time.monotonic()
        deadline = loaded + settings.page_timeout
        quiet = self._quiet_period()
        while not capture.complete():
            now = time.monotonic()
            if now >= deadline:
                return
            if not capture.tasks and now - max(loaded, capture.activity) >= quiet:
                return
            capture.changed.clear()
            try:
                await asyncio.wait_for(capture.changed.wait(), timeout=min(deadline - now, quiet))
            except TimeoutError:
                pass

    async def _fetch_from_page(
        self, page: Any, collector: Collector, account_id: str, capture: _Capture, missing: list[str]
    ) -> str:
        """Request missing roles from the page context (its origin, its cookies)."""
        urls = collector.api_urls(account_id)
        reasons: list[str] = []
        for role in missing:
            url = urls.get(role) or (collector.page_url(account_id) if role == "page" else None)
            if url is None:
                continue
            try:
                result = await page.evaluate(_PAGE_FETCH, url)
            except PlaywrightError as exc:
                reasons.append(f"{role}：{_first_line(exc)}")
                continue
            await self._drain(capture)
            if role in capture.responses:
                continue
            served = self.session.handler.take(url) if self.session.handler else None
            headers = {str(k).lower(): str(v) for k, v in (result.get("headers") or {}).items()}
            capture.responses[role] = served or Fetched(
                url=str(result.get("url") or url),
                status=int(result.get("status") or 0),
                headers=headers,
                body=str(result.get("body") or "").encode("utf-8"),
                received_at=received_time(headers),
            )
        handler = self.session.handler
        if handler is not None and handler.misses:
            reasons.append("回放未命中：" + handler.misses[-1])
        return "；".join(reasons)

    def _on_served(self, capture: _Capture, url: str, fetched: Fetched) -> None:
        role = capture.role(url)
        capture.activity = now = time.monotonic()
        if capture.loaded is not None:
            # A role after the load event: remember how late pages are just now
            # (a slowly decaying maximum, so one calm page does not undo it).
            self._lateness = max(now - capture.loaded, self._lateness * 0.95)
        if role is not None:
            capture.responses[role] = fetched
        capture.changed.set()

    async def _drain(self, capture: _Capture) -> None:
        while capture.tasks:
            await asyncio.gather(*list(capture.tasks), return_exceptions=True)

    # -- page events -----------------------------------------------------------------
    def _on_response(self, response: Any) -> None:
        capture = self._capture
        if capture is None:
            return
        role = capture.role(response.url)
        if role is None or role == "page" and response.request.is_navigation_request():
            return  # the main document comes from goto's own response
        capture.activity = time.monotonic()
        task = asyncio.get_running_loop().create_task(self._store(capture, role, response))
        capture.tasks.add(task)
        task.add_done_callback(lambda t: (capture.tasks.discard(t), capture.changed.set()))

    async def _store(self, capture: _Capture, role: str, response: Any) -> None:
        fetched = await self._fetched(response)
        if fetched is not None and role not in capture.responses:
            capture.responses[role] = fetched

    async def _fetched(self, response: Any) -> Fetched | None:
        handler = self.session.handler
        if handler is not None:
            served = handler.take(response.request.url) or handler.take(response.url)
            if served is not None:
                return served
        try:
            body = await response.body()
            headers = await response.all_headers()
        except PlaywrightError:
            return None
        chain: list[str] = []
        previous = response.request.redirected_from
        while previous is not None:
            chain.append(previous.url)
            previous = previous.redirected_from
        return Fetched(
            url=response.url,
            status=response.status,
            headers={k.lower(): v for k, v in headers.items() if k.lower() != "set-cookie"},
            body=body,
            received_at=received_time(headers),
            redirects=tuple(reversed(chain)),
        )


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return text[0][:200] if text else type(exc).__name__


# -- httpx ----------------------------------------------------------------------------


class HttpxFetcher:
    """Fetches the collector's endpoints with an httpx client (a replay transport in replay)."""

    def __init__(self, client: httpx.AsyncClient) -> None:
        self.client = client

    async def fetch(self, collector: Collector, account_id: str) -> dict[str, Fetched]:
        """Responses by role for one account (see ``visit``)."""
        return (await self.visit(collector, account_id)).responses

    async def screenshot(self) -> bytes | None:
        """No page on the httpx path: never a screenshot."""
        return None

    async def close(self) -> None:
        """Nothing to leave: the client belongs to the sweep."""

    async def visit(self, collector: Collector, account_id: str) -> Visit:
        """GET every required role's URL (the api_urls, the page_url for "page").

        Raises:
            TransientError, WallError: as the module docstring says.
        """
        required = tuple(collector.required_roles())
        urls = dict(collector.api_urls(account_id))
        if "page" in required:
            urls.setdefault("page", collector.page_url(account_id))
        roles = [r for r in required if r in urls]
        results = await asyncio.gather(*(self._get(urls[r]) for r in roles), return_exceptions=True)
        responses: dict[str, Fetched] = {}
        failure: BaseException | None = None
        for role, result in zip(roles, results, strict=True):
            if isinstance(result, BaseException):
                failure = failure or result
            else:
                responses[role] = result
        if decided(collector, responses):
            return Visit(responses)
        if failure is not None:
            if isinstance(failure, CollectError):
                raise attach(failure, responses)
            raise failure
        check_statuses(responses, required)
        missing = [r for r in required if r not in responses]
        if missing:
            raise attach(_transient("missing", f"没有 {', '.join(missing)} 的地址"), responses)
        await self._follow(collector, account_id, responses)
        return Visit(responses)

    async def _follow(self, collector: Collector, account_id: str, responses: dict[str, Fetched]) -> None:
        """GET the collector's follow-up pages into ``responses`` (see the module docstring).

        Raises:
            TransientError: a follow-up page could not be fetched.
        """
        opened: set[str] = set()
        for _ in range(MAX_FOLLOW_ROUNDS):
            wanted = _pending(follow_ups(collector, account_id, responses), opened)
            if not wanted:
                return
            opened.update(wanted.values())
            roles = list(wanted)
            results = await asyncio.gather(*(self._get(wanted[r]) for r in roles), return_exceptions=True)
            for role, result in zip(roles, results, strict=True):
                if isinstance(result, BaseException):
                    if isinstance(result, CollectError):
                        raise attach(result, responses)
                    raise result
                responses[role] = chained(responses.get(role), result)

    async def _get(self, url: str) -> Fetched:
        try:
            response = await self.client.get(url)
        except httpx.TimeoutException as exc:
            raise _transient("timeout", f"超时：{url}") from exc
        except httpx.TransportError as exc:
            raise _transient("network", f"网络错误（{_first_line(exc)}）：{url}") from exc
        headers = {k.lower(): v for k, v in response.headers.items() if k.lower() != "set-cookie"}
        ext = response.extensions
        received = ext.get("received_at")
        chain = ext.get("replay_redirects")
        if chain is None:
            chain = tuple(str(r.url) for r in response.history)
        return Fetched(
            url=str(ext.get("replay_url") or response.url),
            status=response.status_code,
            headers=headers,
            body=response.content,
            # Replay: the entry's startedDateTime; live: the Date header, else when we got it.
            received_at=received
            if "replay_url" in ext and isinstance(received, datetime)
            else received_time(headers, received if isinstance(received, datetime) else None),
            redirects=tuple(chain),
        )
