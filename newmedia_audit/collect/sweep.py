"""Sweep orchestration: every pending account visited once, each visit committed.

Platforms run side by side, each at its own pace through its Slot and its
own workers. For each account: lease a visit in the store, fetch (browser or
httpx, per ``settings.<platform>.use_httpx``), parse, write evidence, commit
the observation and the visit in one transaction. Rerunning the same
command resumes: ``store.pending`` leaves out accounts with a committed
observation, leased-but-unfinished ones are simply visited again.

Faults (design.md, "State and faults"): TransientError is retried in place by
tenacity (exponential backoff with jitter; no wait in replay); WallError is
not retried at once but requeued after the platform's cool-down, up to
``wall_retries`` times; after the last try the account is ``blocked`` (walls)
or ``error`` (faults) with the reason in ``detail``, and its verdict is
review. Walls and faults are counted per platform and reason in the store.
"""

from __future__ import annotations

import asyncio
import heapq
import inspect
import itertools
import json
import re
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Protocol

import httpx
from tenacity import (
    AsyncRetrying,
    RetryCallState,
    retry_if_exception_type,
    stop_after_attempt,
    wait_exponential_jitter,
    wait_none,
)

from ..errors import CollectError, OutputError, TransientError, UnrecognizedError, WallError
from ..models import Account, Observation, Status, is_supported
from ..rules.assess import evidence_folder
from ..rules.freshness import Freshness, assess_freshness
from ..rules.localtime import local_date
from ..settings import Settings
from ..store import Store
from .base import Collector, Fetched
from .drift import UNRECOGNIZED, DriftWatch, PausedPlatform
from .evidence import write_evidence
from .fetch import BrowserFetcher, HttpxFetcher, Visit
from .politeness import Slot
from .record import HarRecorder
from .replay import HarCorpus, ReplayTransport
from .visitor import CookieBorrower

# Workers per platform in replay (no politeness: the machine is the limit).
# Measured on 2 shared cores, 200 synthetic accounts, browser path: 1 worker
# 300/min, 2 workers 347/min, 3 workers 313/min (same run, machine loaded by
# other jobs; CPU of the whole tree 12.7 / 13.5 / 14.3 s against 10.8 s for a
# bare page-loading loop). httpx path: 8 workers ~28,000/min on 2,000 accounts.
# The bench (issue 8, 300 accounts, quieter machine) then measured 1 worker
# against 2: CPU per account 108 vs 133 ms, throughput +16%, RSS -33%; four
# platforms side by side already keep both cores busy.
REPLAY_BROWSER_WORKERS = 1
REPLAY_HTTPX_WORKERS = 8
USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/126.0 Safari/537.36"
)

ProgressFn = Callable[[str, int, int], None]
"""progress(platform, done, total): called after every committed account."""


class Fetcher(Protocol):
    async def visit(self, collector: Collector, account_id: str) -> Visit: ...

    async def screenshot(self) -> bytes | None: ...

    async def close(self) -> None: ...


@dataclass
class SweepStats:
    """What a sweep did."""

    visited: int = 0  # accounts committed by this run (unsupported included)
    statuses: dict[str, int] = field(default_factory=dict)
    walls: int = 0
    faults: int = 0
    retries: int = 0  # transient retries + wall requeues
    elapsed: float = 0.0
    per_platform: dict[str, int] = field(default_factory=dict)
    skipped: int = 0  # already finished before this run (resume)
    unrecognized: int = 0  # tries that got an answer the collector could not read
    paused: dict[str, PausedPlatform] = field(default_factory=dict)  # by the drift alarm

    @property
    def accounts_per_minute(self) -> float:
        return self.visited / self.elapsed * 60 if self.elapsed > 0 else 0.0


# Numbers and id-like tokens in a parser's message (counts, uids, tokens): not part of a reason.
_ID_LIKE = re.compile(r"[A-Za-z0-9_\-]*\d[A-Za-z0-9_\-]*")


def _reason(exc: BaseException, account_id: str = "") -> str:
    """A short reason code for the store's counts: the fetcher's, else the message head.

    The head is cut at the first colon or bracket, with the account id and
    numbers taken out, so the store counts a few reasons, not one per account.
    """
    reason = getattr(exc, "reason", "")
    if reason:
        return str(reason)
    text = str(exc)
    if account_id:
        text = text.replace(account_id, "…")
    head = re.split(r"[：:（(]", text, maxsplit=1)[0].strip()
    return _ID_LIKE.sub("N", head)[:40] or type(exc).__name__


def _accepts_final(collector: Collector) -> bool:
    try:
        return "final" in inspect.signature(collector.parse).parameters
    except (TypeError, ValueError):
        return False


def default_collectors() -> dict[str, Collector]:
    """The four platform collectors (collect/platforms.py)."""
    from .platforms import COLLECTORS

    return {str(p.value): c for p, c in COLLECTORS.items()}


class _Queue:
    """A platform's accounts: ready now, or requeued for later (after a wall)."""

    def __init__(self, accounts: Sequence[Account], clock: Callable[[], float]) -> None:
        self.clock = clock
        self._seq = itertools.count()
        self._heap: list[tuple[float, int, Account, int]] = [(0.0, next(self._seq), a, 0) for a in accounts]
        self._busy = 0
        self._closed = False
        self._changed = asyncio.Condition()

    async def close(self) -> None:
        """Hand out nothing more (the drift alarm): what is left stays pending."""
        async with self._changed:
            self._closed = True
            self._changed.notify_all()

    async def get(self) -> tuple[Account, int] | None:
        async with self._changed:
            while True:
                if self._closed:
                    return None
                if self._heap and self._heap[0][0] <= self.clock():
                    _, _, account, walls = heapq.heappop(self._heap)
                    self._busy += 1
                    return account, walls
                if not self._heap and self._busy == 0:
                    return None
                timeout = self._heap[0][0] - self.clock() if self._heap else None
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout)
                except TimeoutError:
                    pass

    async def done(self, requeue: tuple[Account, int, float] | None = None) -> None:
        async with self._changed:
            self._busy -= 1
            if requeue is not None:
                account, walls, ready_at = requeue
                heapq.heappush(self._heap, (ready_at, next(self._seq), account, walls))
            self._changed.notify_all()


@dataclass
class _Run:
    """Shared state of one sweep."""

    store: Store
    settings: Settings
    out_dir: Path
    replay: bool
    stats: SweepStats
    progress: ProgressFn | None
    totals: dict[str, int]
    as_of: date | None = None  # the monitoring point, for the "unusual" screenshot policy
    done: Counter[str] = field(default_factory=Counter)

    def unusual(self, observation: Observation, responses: Mapping[str, Fetched]) -> bool:
        """A visit worth a screenshot under the "unusual" policy: anything but a fresh, reachable account.

        Without a monitoring point the visit's own date stands in for it.
        """
        if observation.status is not Status.ok:
            return True
        as_of = self.as_of
        if as_of is None:
            received = [f.received_at for f in responses.values()]
            as_of = local_date(max(received) if received else datetime.now(UTC))
        freshness = assess_freshness(observation, as_of, self.settings.window_days)
        return freshness.state is not Freshness.fresh

    def commit(self, visit_id: int, account: Account, observation: Observation) -> None:
        self.store.finish_visit(visit_id, account, observation)
        self.stats.visited += 1
        status = observation.status.value
        self.stats.statuses[status] = self.stats.statuses.get(status, 0) + 1
        self.stats.per_platform[account.platform] = self.stats.per_platform.get(account.platform, 0) + 1
        self.done[account.platform] += 1
        if self.progress is not None:
            self.progress(account.platform, self.done[account.platform], self.totals[account.platform])


def _failure(account: Account, status: Status, detail: str, failure: str = "") -> Observation:
    return Observation(
        platform=account.platform,
        account_id=account.account_id,
        status=status,
        detail=detail,
        failure=failure,
    )


class _PlatformRunner:
    """One platform's workers, slot and queue."""

    def __init__(
        self,
        run: _Run,
        platform: str,
        collector: Collector,
        accounts: Sequence[Account],
        slot: Slot,
        fetchers: list[Fetcher],
        sleep: Callable[[float], Any],
    ) -> None:
        self.run = run
        self.platform = platform
        self.collector = collector
        self.slot = slot
        self.fetchers = fetchers
        self.queue = _Queue(accounts, slot.clock)
        self.psettings = run.settings.platform(platform)
        self.final_kw = _accepts_final(collector)
        self.sleep = sleep
        self.borrower: CookieBorrower | None = None  # visitor cookies of the httpx path
        self.drift = DriftWatch(run.settings.drift_visits, run.settings.drift_share)
        self.unrecognized: list[Observation] = []  # this run's unreadable outcomes
        self.remaining = len(accounts)

    def paused(self) -> PausedPlatform | None:
        """The drift alarm's finding, once the workers stopped (None: not tripped)."""
        if not self.drift.tripped:
            return None
        return PausedPlatform(
            platform=self.platform,
            seen=self.drift.seen,
            unrecognized=self.drift.unrecognized,
            sample=self.unrecognized[-1].detail if self.unrecognized else "",
            evidence=[evidence_folder(o) for o in self.unrecognized if o.evidence],
            pending=self.remaining + len(self.unrecognized),
        )

    async def _watch(self, observation: Observation) -> None:
        """Count a committed visit for the drift alarm; pause the platform when it trips."""
        self.remaining -= 1
        if observation.failure == UNRECOGNIZED:
            self.unrecognized.append(observation)
        if self.drift.record(observation):
            await self.queue.close()

    async def run_all(self) -> None:
        await asyncio.gather(*(self._worker(f) for f in self.fetchers))

    async def _worker(self, fetcher: Fetcher) -> None:
        while (item := await self.queue.get()) is not None:
            account, walls = item
            requeue = None
            try:
                requeue = await self._visit(fetcher, account, walls)
            finally:
                await self.queue.done(requeue)
        await fetcher.close()  # a finished worker must not hold up a browser restart

    def _parse(self, account: Account, responses: dict[str, Fetched], final: bool) -> Observation:
        if final and self.final_kw:
            return self.collector.parse(account.account_id, responses, final=True)  # type: ignore[call-arg]
        return self.collector.parse(account.account_id, responses)

    async def _attempts(self, fetcher: Fetcher, account: Account) -> tuple[Observation, Visit]:
        settings = self.run.settings
        attempts = settings.retries + 1
        wait = (
            wait_none()
            if self.run.replay
            else wait_exponential_jitter(multiplier=settings.retry_wait, max=60, jitter=settings.retry_wait)
        )

        def count_retry(state: RetryCallState) -> None:
            self.run.stats.retries += 1

        retrying = AsyncRetrying(
            retry=retry_if_exception_type(TransientError),
            stop=stop_after_attempt(attempts),
            wait=wait,
            sleep=self.sleep,
            reraise=True,
            before_sleep=count_retry,
        )
        # The collector may conclude from an empty answer (a toutiao feed, a Sogou
        # page with no result) on the last try only if the try before it read the
        # same kind of answer: retries spent on timeouts or 5xx confirm nothing.
        unconfirmed = False
        async for attempt in retrying:
            with attempt:
                final = attempt.retry_state.attempt_number >= attempts and unconfirmed
                read = False
                try:
                    async with self.slot.visit():
                        visit = await fetcher.visit(self.collector, account.account_id)
                    try:
                        read = True
                        observation = self._parse(account, visit.responses, final)
                    except (TransientError, WallError) as exc:
                        exc.responses = visit.responses  # type: ignore[attr-defined]
                        exc.screenshot = visit.screenshot  # type: ignore[attr-defined]
                        raise
                    if visit.screenshot is None and self.run.unusual(observation, visit.responses):
                        visit.screenshot = await self._unusual_shot(fetcher)
                except TransientError as exc:
                    unconfirmed = read
                    kind = UNRECOGNIZED if isinstance(exc, UnrecognizedError) else "fault"
                    if kind == UNRECOGNIZED:
                        self.run.stats.unrecognized += 1
                    else:
                        self.run.stats.faults += 1
                    self.run.store.count_event(self.platform, kind, _reason(exc, account.account_id))
                    raise
                self.slot.record_success()
                return observation, visit
        raise AssertionError("unreachable")  # pragma: no cover

    async def _unusual_shot(self, fetcher: Fetcher) -> bytes | None:
        """The page as the visit left it, when the policy keeps unusual visits only.

        Taken only for an outcome that stands: a failing try that is retried or
        requeued would pay for a screenshot nobody keeps (a third of them in the
        bench mix).
        """
        if self.run.settings.browser.screenshots != "unusual":
            return None
        return await fetcher.screenshot()

    async def _final_shot(self, fetcher: Fetcher, exc: CollectError) -> bytes | None:
        """The failure's screenshot: the fetcher's under "all", else the page as the last try left it.

        None when nothing of this account came in: the page may still show the
        previous account (a navigation that timed out), which is no evidence.
        """
        shot: bytes | None = getattr(exc, "screenshot", None)
        if shot is None and getattr(exc, "responses", None):
            shot = await self._unusual_shot(fetcher)
        return shot

    async def _visit(
        self, fetcher: Fetcher, account: Account, walls: int
    ) -> tuple[Account, int, float] | None:
        """Visit one account; returns a requeue request after a wall with tries left."""
        run = self.run
        visit_id = run.store.begin_visit(account)
        responses: Mapping[str, Fetched] = {}
        screenshot: bytes | None = None
        try:
            observation, visit = await self._attempts(fetcher, account)
            responses, screenshot = visit.responses, visit.screenshot
        except WallError as exc:
            run.stats.walls += 1
            run.store.count_event(self.platform, "wall", _reason(exc, account.account_id))
            self.slot.record_wall(getattr(exc, "retry_after", None))
            if self.borrower is not None:
                # Visitor cookies expire: a refusal is the moment to take fresh ones.
                await self.borrower.renew()
            if walls < self.psettings.wall_retries:
                run.stats.retries += 1
                return account, walls + 1, self.slot.requeue_at()
            observation = _failure(account, Status.blocked, f"被平台拦截：{exc}", "wall")
            responses = getattr(exc, "responses", {}) or {}
            screenshot = await self._final_shot(fetcher, exc)
        except TransientError as exc:
            if isinstance(exc, UnrecognizedError):
                observation = _failure(account, Status.error, str(exc), UNRECOGNIZED)
            else:
                observation = _failure(account, Status.error, f"多次重试仍失败：{exc}", "fault")
            responses = getattr(exc, "responses", {}) or {}
            screenshot = await self._final_shot(fetcher, exc)
        except OutputError:
            raise
        except Exception as exc:  # noqa: BLE001 - a fault of ours is review, never a verdict
            run.stats.faults += 1
            run.store.count_event(self.platform, "fault", "internal")
            observation = _failure(account, Status.error, f"内部错误：{type(exc).__name__}: {exc}", "fault")
        observation = observation.model_copy(
            update={"platform": account.platform, "account_id": account.account_id}
        )
        # A visit that did not see the account keeps, beside what it got, why it ends in review.
        unseen = observation.detail if observation.status in (Status.blocked, Status.error) else ""
        if responses or screenshot or unseen:
            paths = await asyncio.to_thread(
                write_evidence,
                run.out_dir,
                account.platform,
                account.account_id,
                responses,
                screenshot,
                unseen,
            )
            observation = observation.model_copy(update={"evidence": paths})
        if observation.fetched_at is None:
            received = [f.received_at for f in responses.values()]
            observation = observation.model_copy(
                update={"fetched_at": max(received) if received else datetime.now(UTC)}
            )
        run.commit(visit_id, account, observation)
        await self._watch(observation)
        return None


async def run_sweep(
    accounts: list[Account],
    store: Store,
    settings: Settings,
    out_dir: Path,
    *,
    replay: Sequence[Path] = (),
    record: Path | None = None,
    platforms: set[str] | None = None,
    progress: ProgressFn | None = None,
    collectors: Mapping[str, Collector] | None = None,
    browsers_dir: Path = Path("browsers"),
    workers: int | None = None,
    as_of: date | None = None,
    clock: Callable[[], float] = time.monotonic,
    sleep: Callable[[float], Any] = asyncio.sleep,
) -> SweepStats:
    """Visit every pending account and commit its observation.

    Args:
        accounts: the ledger's accounts (``other:`` platforms included).
        store: the sweep's state (resumes from it).
        settings: run settings (politeness, retries, browser).
        out_dir: where evidence goes (``evidence/{platform}/...``).
        replay: HAR files to answer every request from (no network at all).
        record: write the live traffic as HAR to this file.
        platforms: only these platforms (None: all, unsupported ones included).
        progress: ``progress(platform, done, total)`` after each committed account.
        collectors: platform -> collector (default: the four of collect/platforms.py).
        browsers_dir: where login storage states are read from.
        workers: workers per platform (default: the platform's concurrency live,
            REPLAY_*_WORKERS in replay).
        as_of: the monitoring point (which visits are "unusual" for screenshots;
            default: each visit's own date).
        clock, sleep: injected time (tests).

    Raises:
        ReplayError: a replay file is malformed.
        OutputError: evidence or the store cannot be written.
    """
    started = time.monotonic()
    out_dir = Path(out_dir)
    corpus = HarCorpus.load(list(replay)) if replay else None
    collectors = dict(collectors) if collectors is not None else default_collectors()
    selected = [
        a
        for a in accounts
        if platforms is None
        or a.platform in platforms
        or (not is_supported(a.platform) and "other" in platforms)
    ]
    store.upsert_accounts(selected)
    pending = store.pending(selected)
    stats = SweepStats(skipped=len(selected) - len(pending))
    by_platform: dict[str, list[Account]] = {}
    for account in pending:
        by_platform.setdefault(account.platform, []).append(account)
    run = _Run(
        store,
        settings,
        out_dir,
        corpus is not None,
        stats,
        progress,
        {p: len(a) for p, a in by_platform.items()},
        as_of,
    )

    # Accounts the tool cannot visit: committed at once, without fetching.
    for platform, group in list(by_platform.items()):
        if is_supported(platform) and platform in collectors:
            todo = []
            for account in group:
                if account.account_id:
                    todo.append(account)
                else:
                    run.commit(
                        store.begin_visit(account), account, _failure(account, Status.error, "缺少账号ID")
                    )
            by_platform[platform] = todo
            continue
        for account in group:
            observation = Observation(
                platform=account.platform,
                account_id=account.account_id,
                status=Status.unsupported,
                detail="该平台暂不支持自动检查，需人工核查",
            )
            run.commit(store.begin_visit(account), account, observation)
        del by_platform[platform]

    recorder = HarRecorder(record) if record is not None and corpus is None else None
    use_httpx = {p: settings.platform(p).use_httpx for p in by_platform}
    need_browser = any(not use_httpx[p] for p, group in by_platform.items() if group)
    # Live Weibo over httpx carries the visitor cookies of a browser visit (collect/visitor.py).
    borrow = corpus is None and bool(by_platform.get("weibo")) and use_httpx.get("weibo", False)
    need_browser = need_browser or borrow
    pool = None
    client: httpx.AsyncClient | None = None
    sessions = []
    try:
        if corpus is not None:
            transport: httpx.AsyncBaseTransport = ReplayTransport(corpus)
        elif recorder is not None:
            transport = recorder.transport()
        else:
            transport = httpx.AsyncHTTPTransport(retries=0)
        client = httpx.AsyncClient(
            transport=transport,
            timeout=settings.browser.page_timeout,
            follow_redirects=corpus is None,
            headers={"user-agent": USER_AGENT, "accept-language": "zh-CN,zh;q=0.9"},
        )
        if need_browser:
            from .browser import BrowserPool

            pool = BrowserPool(settings.browser, corpus=corpus, recorder=recorder, browsers_dir=browsers_dir)
            await pool.start()
        borrower = None
        if borrow:
            assert pool is not None
            borrower = CookieBorrower(pool, client, "weibo", timeout=settings.browser.page_timeout)
            if not await borrower.take():
                print(
                    f"提示 / warning: 未能取得微博访客 Cookie（{borrower.last_error}），"
                    "微博账号可能因此待复核；可改用浏览器路径（[weibo] use_httpx = false）。",
                    file=sys.stderr,
                )
        runners = []
        for platform, group in by_platform.items():
            if not group:
                continue
            psettings = settings.platform(platform)
            if workers is not None:
                count = workers
            elif corpus is not None:
                count = REPLAY_HTTPX_WORKERS if use_httpx[platform] else REPLAY_BROWSER_WORKERS
            else:
                count = psettings.concurrency
            count = max(1, min(count, len(group)))
            slot = Slot.from_settings(
                platform, psettings, replay=corpus is not None, concurrency=count, clock=clock, sleep=sleep
            )
            fetchers: list[Fetcher] = []
            for _ in range(count):
                if use_httpx[platform]:
                    fetchers.append(HttpxFetcher(client))
                else:
                    assert pool is not None
                    session = pool.session(platform)
                    sessions.append(session)
                    fetchers.append(BrowserFetcher(session))
            runner = _PlatformRunner(run, platform, collectors[platform], group, slot, fetchers, sleep)
            if platform == "weibo" and use_httpx[platform]:
                runner.borrower = borrower
            runners.append(runner)
        tasks = [asyncio.create_task(r.run_all()) for r in runners]
        try:
            await asyncio.gather(*tasks)
        except BaseException:
            # One platform failed hard (disk full, ...): stop the others cleanly.
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            raise
        _record_pauses(store, runners, stats, ran=set(by_platform))
    finally:
        for session in sessions:
            await session.close()
        if pool is not None:
            await pool.close()
        if client is not None:
            await client.aclose()
        if recorder is not None:
            recorder.close()
        stats.elapsed = time.monotonic() - started
    return stats


PAUSED_META = "paused_platforms"


def paused_platforms(store: Store) -> dict[str, PausedPlatform]:
    """Platforms the drift alarm paused in the last run that visited them."""
    raw = store.meta_json(PAUSED_META)
    if not isinstance(raw, dict):
        return {}
    return {p: PausedPlatform(**info) for p, info in raw.items() if isinstance(info, dict)}


def _record_pauses(
    store: Store, runners: Sequence[_PlatformRunner], stats: SweepStats, ran: set[str]
) -> None:
    """Keep the drift alarm's findings in the store; a platform this run visited
    again without tripping is no longer paused.

    The unreadable visits of a paused platform are reopened with the rest, so a
    rerun after the fix reads them too (their evidence stays until then).
    """
    paused = {p: info for p, info in paused_platforms(store).items() if p not in ran}
    for runner in runners:
        found = runner.paused()
        if found is None:
            continue
        store.reopen(f"{o.platform}|{o.account_id}" for o in runner.unrecognized)
        paused[runner.platform] = stats.paused[runner.platform] = found
    store.set_meta(
        PAUSED_META, json.dumps({p: asdict(info) for p, info in paused.items()}, ensure_ascii=False)
    )


def sweep(
    accounts: list[Account], store: Store, settings: Settings, out_dir: Path, **kwargs: Any
) -> SweepStats:
    """Synchronous ``run_sweep`` (same arguments)."""
    return asyncio.run(run_sweep(accounts, store, settings, out_dir, **kwargs))


class ConsoleProgress:
    """Progress on stderr: a rich bar per platform on a terminal, plain lines otherwise.

    Use as ``with ConsoleProgress() as progress: run_sweep(..., progress=progress)``.
    """

    def __init__(self, stream: Any = None, *, every: int = 50) -> None:
        self.stream = stream or sys.stderr
        self.every = every
        self._rich: Any = None
        self._tasks: dict[str, Any] = {}

    def __enter__(self) -> ConsoleProgress:
        if getattr(self.stream, "isatty", lambda: False)():
            from rich.console import Console
            from rich.progress import Progress

            self._rich = Progress(console=Console(file=self.stream))
            self._rich.start()
        return self

    def __exit__(self, *exc: object) -> None:
        if self._rich is not None:
            self._rich.stop()

    def __call__(self, platform: str, done: int, total: int) -> None:
        from ..models import platform_label

        if self._rich is not None:
            if platform not in self._tasks:
                self._tasks[platform] = self._rich.add_task(platform_label(platform), total=total)
            self._rich.update(self._tasks[platform], completed=done, total=total)
        elif done == total or done % self.every == 0:
            print(f"{platform_label(platform)}：{done}/{total}", file=self.stream, flush=True)
