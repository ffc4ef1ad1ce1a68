"""The search run: every query's result pages on every platform, politely, with evidence.

Each result page is one visit through the sweep's machinery: the platform's
Slot (pace, back-off after walls, circuit breaker), the browser or httpx
fetcher, tenacity for transient faults (timeouts, resets, 5xx; no wait in
replay), walls requeued after the platform's cool-down up to its
``wall_retries``, raw responses written under ``evidence/discovery/``.

A page ends as one of:
- ``done``: results read;
- ``empty``: no result, read twice in a row (platforms serve empty pages
  when they throttle, so one empty answer is not "no result");
- ``walled``: the platform kept refusing us (captcha, antispider, 418/432,
  ``ok:-100``) after the requeues;
- ``failed``: faults or answers we could not read, after the retries.
A walled or failed page is listed as such and never read as "no result".
A done page the platform says is followed by another (and that was full)
queues the next page, up to ``pages``.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, cast

from tenacity import (
    AsyncRetrying,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
    wait_none,
)

from ..collect.base import Collector, Fetched
from ..collect.evidence import write_evidence
from ..collect.fetch import Visit
from ..collect.kit import open_kit, side_by_side
from ..collect.politeness import Slot
from ..collect.replay import HarCorpus
from ..collect.source import TimedQueue
from ..collect.sweep import REPLAY_BROWSER_WORKERS, REPLAY_HTTPX_WORKERS, Fetcher
from ..collect.visitor import CookieBorrower
from ..errors import CollectError, OutputError, TransientError, UnrecognizedError, WallError
from ..settings import Settings
from .hits import SearchHit, SearchPage, UnconfirmedEmpty
from .sources import SOURCES, SearchSource, SearchVisit

EVIDENCE_FOLDER = "discovery"  # evidence/discovery/ under --out
PAGE_STATUSES = ("done", "empty", "walled", "failed")
STATUS_LABELS = {"done": "完成", "empty": "无结果", "walled": "被拦截", "failed": "失败"}

ProgressFn = Callable[[str, int, int], None]
"""progress(platform, queries finished, queries): after each finished query."""


@dataclass
class PageRecord:
    """What became of one result page (a row of the 查询记录 sheet).

    Attributes:
        status: done, empty, walled or failed (PAGE_STATUSES).
        hits: accounts listed on the page.
        tries: requests made for it (retries and requeues included).
        walls: walls met on the way.
        detail: why it is walled or failed, in plain Chinese ("" otherwise).
        evidence: the folder of its raw responses, relative to --out.
        more: the platform announced a further page.
        seconds: time spent fetching it, every try (waits for politeness excluded).
    """

    platform: str
    query: str
    page: int
    status: str = ""
    hits: int = 0
    tries: int = 0
    walls: int = 0
    detail: str = ""
    evidence: str = ""
    more: bool = False
    seconds: float = 0.0


@dataclass
class DiscoveryRun:
    """Everything a run read: page records in query order, and the hits with their page."""

    queries: list[str]
    platforms: list[str]
    pages: list[PageRecord] = field(default_factory=list)
    hits: list[SearchHit] = field(default_factory=list)
    elapsed: float = 0.0

    def statuses(self) -> Counter[str]:
        """Pages per status."""
        return Counter(p.status for p in self.pages)

    def sorted_pages(self) -> list[PageRecord]:
        """Records in query order, then platform order, then page."""
        q = {query: i for i, query in enumerate(self.queries)}
        p = {platform: i for i, platform in enumerate(self.platforms)}
        return sorted(self.pages, key=lambda r: (q.get(r.query, len(q)), p.get(r.platform, len(p)), r.page))


@dataclass
class _Task:
    query: str
    page: int
    record: PageRecord


class _Pages(TimedQueue[_Task]):
    """A platform's result pages to visit: ready now, requeued for later, or added as paging goes."""


def _attach(exc: CollectError, visit: Visit) -> CollectError:
    exc.responses = visit.responses  # type: ignore[attr-defined]
    exc.screenshot = visit.screenshot  # type: ignore[attr-defined]
    return exc


class _PlatformSearch:
    """One platform's workers, slot and pages."""

    def __init__(
        self,
        run: _Shared,
        source: SearchSource,
        queries: Sequence[str],
        slot: Slot,
        fetchers: list[Fetcher],
    ) -> None:
        self.run = run
        self.source = source
        self.slot = slot
        self.fetchers = fetchers
        self.psettings = run.settings.platform(source.platform)
        self.borrower: CookieBorrower | None = None
        # False when an empty page cannot be trusted at all (live Weibo without the
        # visitor cookies answers every search with 这里还没有内容): empties then fail.
        self.trust_empty = True
        tasks = [_Task(q, 1, PageRecord(source.platform, q, 1)) for q in queries]
        self.queue = _Pages(tasks, slot.clock)
        self.total = len(queries)
        self.finished = 0

    async def run_all(self) -> None:
        await asyncio.gather(*(self._worker(f) for f in self.fetchers))

    async def _worker(self, fetcher: Fetcher) -> None:
        while (task := await self.queue.get()) is not None:
            follow: list[tuple[float, _Task]] = []
            try:
                follow = await self._visit(fetcher, task)
            finally:
                await self.queue.done(follow)
        await fetcher.close()

    async def _attempts(self, fetcher: Fetcher, task: _Task) -> tuple[SearchPage, Visit]:
        settings = self.run.settings
        wait = (
            wait_none()
            if self.run.replay
            else wait_exponential_jitter(multiplier=settings.retry_wait, max=60, jitter=settings.retry_wait)
        )

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(settings.retries + 1),
            wait=wait,
            sleep=self.run.sleep,
            reraise=True,
        )
        confirmed = False  # the previous try read this page empty
        async for attempt in retrying:
            with attempt:
                task.record.tries += 1
                try:
                    async with self.slot.visit():
                        began = time.monotonic()
                        try:
                            visit = await fetcher.visit(
                                cast(Collector, SearchVisit(self.source, task.query, task.page)), task.query
                            )
                        finally:
                            task.record.seconds += time.monotonic() - began
                    try:
                        page = self.source.read(
                            visit.responses, task.query, task.page, confirmed=confirmed and self.trust_empty
                        )
                    except CollectError as exc:
                        _attach(exc, visit)  # the page is the evidence of a wall or fault
                        raise
                except UnconfirmedEmpty:
                    confirmed = True
                    raise
                except TransientError:
                    confirmed = False
                    raise
                self.slot.record_success()
                return page, visit
        raise AssertionError("unreachable")  # pragma: no cover

    async def _visit(self, fetcher: Fetcher, task: _Task) -> list[tuple[float, _Task]]:
        """Visit one result page; returns what to queue next (a requeue, or the next page)."""
        record = task.record
        responses: Mapping[str, Fetched] = {}
        screenshot: bytes | None = None
        page = SearchPage()
        try:
            page, visit = await self._attempts(fetcher, task)
            responses, screenshot = visit.responses, visit.screenshot
            record.status = "done" if page.hits else "empty"
        except WallError as exc:
            record.walls += 1
            self.slot.record_wall(getattr(exc, "retry_after", None))
            if self.borrower is not None:
                # Visitor cookies expire: take fresh ones (and trust empty pages again once in).
                if await self.borrower.renew():
                    self.trust_empty = True
            if record.walls <= self.psettings.wall_retries:
                return [(self.slot.requeue_at(), task)]
            record.status, record.detail = "walled", f"被平台拦截（{record.walls} 次）：{exc}"
            responses = getattr(exc, "responses", {}) or {}
            screenshot = await self._shot(fetcher, exc)
        except TransientError as exc:
            kind = "无法识别平台返回的内容" if isinstance(exc, UnrecognizedError) else "多次重试仍失败"
            record.status, record.detail = "failed", f"{kind}：{exc}"
            responses = getattr(exc, "responses", {}) or {}
            screenshot = await self._shot(fetcher, exc)
        except OutputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a fault of ours fails the page, never the run
            record.status, record.detail = "failed", f"内部错误：{type(exc).__name__}: {exc}"
        unseen = record.detail if record.status in ("walled", "failed") else ""
        if responses or screenshot or unseen:
            key = f"{self.source.platform}-{task.query}-p{task.page}"
            paths = await asyncio.to_thread(
                write_evidence, self.run.out_dir, EVIDENCE_FOLDER, key, responses, screenshot, unseen
            )
            record.evidence = paths[0]
        record.hits, record.more = len(page.hits), page.more
        self.run.pages.append(record)
        self.run.hits.extend(_with_evidence(h, record.evidence) for h in page.hits)
        if record.status == "done" and page.more and task.page < self.run.max_pages:
            nxt = task.page + 1
            return [(0.0, _Task(task.query, nxt, PageRecord(self.source.platform, task.query, nxt)))]
        self.finished += 1
        if self.run.progress is not None:
            self.run.progress(self.source.platform, self.finished, self.total)
        return []

    async def _shot(self, fetcher: Fetcher, exc: CollectError) -> bytes | None:
        """The page as the last try left it, for a walled or failed result page (browser path)."""
        shot: bytes | None = getattr(exc, "screenshot", None)
        if (
            shot is None
            and getattr(exc, "responses", None)
            and self.run.settings.browser.screenshots != "none"
        ):
            shot = await fetcher.screenshot()
        return shot


def _with_evidence(hit: SearchHit, evidence: str) -> SearchHit:
    return replace(hit, evidence=evidence)


@dataclass
class _Shared:
    settings: Settings
    out_dir: Path
    replay: bool
    max_pages: int
    sleep: Callable[[float], Any]
    progress: ProgressFn | None
    pages: list[PageRecord] = field(default_factory=list)
    hits: list[SearchHit] = field(default_factory=list)


async def run_discovery(
    queries: Sequence[str],
    settings: Settings,
    out_dir: Path,
    *,
    platforms: Sequence[str] | None = None,
    pages: int | None = None,
    replay: Sequence[Path] = (),
    record: Path | None = None,
    browsers_dir: Path = Path("browsers"),
    workers: int | None = None,
    progress: ProgressFn | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> DiscoveryRun:
    """Search every query on every platform and keep what the result pages list.

    Args:
        queries: the search words, in order (duplicates are searched once).
        settings: run settings ([discovery], each platform's politeness, retries, browser).
        out_dir: where ``evidence/discovery/`` goes.
        platforms: weibo, wechat, douyin (default ``settings.discovery.platforms``).
        pages: result pages per query and platform at most (default ``settings.discovery.pages``).
        replay: HAR files answering every request (no network at all).
        record: write the live traffic as HAR to this file.
        browsers_dir: where login storage states are read from.
        workers: workers per platform (default: the platform's concurrency live,
            the sweep's replay workers in replay).
        progress: ``progress(platform, finished, total)`` after each finished query.
        clock, sleep: injected time (tests).

    Raises:
        ReplayError: a replay file is malformed.
        OutputError: evidence cannot be written.
    """
    started = time.monotonic()
    queries = list(dict.fromkeys(q.strip() for q in queries if q.strip()))
    chosen = [p for p in (platforms or settings.discovery.platforms) if p in SOURCES]
    chosen = list(dict.fromkeys(chosen))
    shared = _Shared(
        settings=settings,
        out_dir=Path(out_dir),
        replay=bool(replay),
        max_pages=pages or settings.discovery.pages,
        sleep=sleep,
        progress=progress,
    )
    result = DiscoveryRun(queries=queries, platforms=chosen)
    if not queries or not chosen:
        return result
    corpus = HarCorpus.load(list(replay)) if replay else None
    in_browser = {p: p in settings.discovery.browser for p in chosen}
    async with open_kit(
        settings,
        chosen,
        corpus=corpus,
        record=record,
        browsers_dir=browsers_dir,
        in_browser=in_browser,
        without_cookies=(
            '微博的空结果页将记为失败而不是无结果；可改用浏览器（[discovery] browser 加入 "weibo"）。'
        ),
    ) as kit:
        searches = []
        for platform in chosen:
            psettings = settings.platform(platform)
            if workers is not None:
                count = workers
            elif corpus is not None:
                count = REPLAY_BROWSER_WORKERS if in_browser[platform] else REPLAY_HTTPX_WORKERS
            else:
                count = psettings.concurrency
            count = max(1, min(count, len(queries)))
            slot = Slot.from_settings(
                platform, psettings, replay=corpus is not None, concurrency=count, clock=clock, sleep=sleep
            )
            fetchers = [kit.fetcher(platform) for _ in range(count)]
            search = _PlatformSearch(shared, SOURCES[platform], queries, slot, fetchers)
            search.borrower = kit.borrower_for(platform)
            if search.borrower is not None:
                search.trust_empty = kit.cookies_taken
            searches.append(search)
        await side_by_side(s.run_all() for s in searches)
    result.pages = shared.pages
    result.pages = result.sorted_pages()
    # Hits in query, platform and page order (workers finish in any order); a stable
    # sort keeps each page's own order.
    q = {query: i for i, query in enumerate(queries)}
    p = {platform: i for i, platform in enumerate(chosen)}
    result.hits = sorted(shared.hits, key=lambda h: (q.get(h.query, len(q)), p[h.platform], h.page))
    result.elapsed = time.monotonic() - started
    return result


def discover(queries: Sequence[str], settings: Settings, out_dir: Path, **kwargs: Any) -> DiscoveryRun:
    """Synchronous ``run_discovery`` (same arguments)."""
    return asyncio.run(run_discovery(queries, settings, out_dir, **kwargs))
