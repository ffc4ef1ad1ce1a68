"""Sweep orchestration: every pending account visited once, each visit committed.

The sweep is three pieces behind small interfaces: a work source (here one
in-memory ``LocalQueue`` per platform, collect/source.py), the visit (fetch,
parse, retries, walls, evidence: collect/visit.py) and a result sink (here
the SQLite ``Store``, collect/sink.py). The national sweep
(newmedia_audit/scale/) swaps the source and the sink for PostgreSQL and
keeps the visit.

Platforms run side by side, each at its own pace through its Slot and its
own workers. Rerunning the same command resumes: ``store.pending`` leaves
out accounts with a committed observation, leased-but-unfinished ones are
simply visited again. Faults are handled by the visit (design.md, "State
and faults").
"""

from __future__ import annotations

import asyncio
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..models import Account, Observation, Status, is_supported
from ..rules.assess import evidence_folder
from ..settings import Settings
from ..store import Store
from .base import Collector
from .drift import UNRECOGNIZED, DriftWatch, PausedPlatform
from .kit import USER_AGENT, FetchKit, open_kit, side_by_side
from .politeness import Slot
from .replay import HarCorpus, ReplayTransport
from .source import LocalQueue, WorkSource
from .visit import Fetcher, Requeue, SweepStats, Visitor, failure

__all__ = [
    "REPLAY_BROWSER_WORKERS",
    "REPLAY_HTTPX_WORKERS",
    "USER_AGENT",
    "ConsoleProgress",
    "Fetcher",
    "SweepStats",
    "default_collectors",
    "paused_platforms",
    "run_sweep",
    "sweep",
]

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

ProgressFn = Callable[[str, int, int], None]
"""progress(platform, done, total): called after every committed account."""


def default_collectors() -> dict[str, Collector]:
    """The four platform collectors (collect/platforms.py)."""
    from .platforms import COLLECTORS

    return {str(p.value): c for p, c in COLLECTORS.items()}


@dataclass
class _Run:
    """Shared state of one sweep."""

    store: Store
    stats: SweepStats
    progress: ProgressFn | None
    totals: dict[str, int]
    done: Counter[str] = field(default_factory=Counter)

    def counted(self, platform: str) -> None:
        """One more account of the platform committed: tell the progress display."""
        self.done[platform] += 1
        if self.progress is not None:
            self.progress(platform, self.done[platform], self.totals[platform])

    def commit(self, account: Account, observation: Observation) -> None:
        """Commit an account nobody visits (unsupported platform, no id)."""
        self.store.finish_visit(self.store.begin_visit(account), account, observation)
        self.stats.record(account.platform, observation)
        self.counted(account.platform)


class _PlatformRunner:
    """One platform's workers, taking accounts from one work source into one visitor."""

    def __init__(
        self,
        run: _Run,
        visitor: Visitor,
        source: WorkSource,
        fetchers: list[Fetcher],
        drift: DriftWatch,
        remaining: int,
    ) -> None:
        self.run = run
        self.visitor = visitor
        self.platform = visitor.platform
        self.source = source
        self.fetchers = fetchers
        self.drift = drift
        self.unrecognized: list[Observation] = []  # this run's unreadable outcomes
        self.remaining = remaining

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
            await self.source.close()

    async def run_all(self) -> None:
        await asyncio.gather(*(self._worker(f) for f in self.fetchers))

    async def _worker(self, fetcher: Fetcher) -> None:
        while (item := await self.source.get()) is not None:
            account, walls = item
            requeue = None
            try:
                outcome = await self.visitor.visit(fetcher, account, walls)
                if isinstance(outcome, Requeue):
                    requeue = (account, outcome.walls, outcome.ready_at)
                else:
                    self.run.counted(account.platform)
                    await self._watch(outcome)
            finally:
                await self.source.done(requeue)
        await fetcher.close()  # a finished worker must not hold up a browser restart


def select_accounts(accounts: Sequence[Account], platforms: set[str] | None) -> list[Account]:
    """The accounts of the chosen platforms (None: all; "other" takes the unsupported ones)."""
    return [
        a
        for a in accounts
        if platforms is None
        or a.platform in platforms
        or (not is_supported(a.platform) and "other" in platforms)
    ]


def unvisitable(account: Account, collectors: Mapping[str, Collector]) -> Observation | None:
    """The observation of an account the tool cannot visit (committed without fetching), else None."""
    if is_supported(account.platform) and account.platform in collectors:
        return None if account.account_id else failure(account, Status.error, "缺少账号ID")
    return Observation(
        platform=account.platform,
        account_id=account.account_id,
        status=Status.unsupported,
        detail="该平台暂不支持自动检查，需人工核查",
    )


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
    selected = select_accounts(accounts, platforms)
    store.upsert_accounts(selected)
    pending = store.pending(selected)
    stats = SweepStats(skipped=len(selected) - len(pending))
    by_platform: dict[str, list[Account]] = {}
    for account in pending:
        by_platform.setdefault(account.platform, []).append(account)
    run = _Run(store, stats, progress, {p: len(a) for p, a in by_platform.items()})

    # Accounts the tool cannot visit: committed at once, without fetching.
    for platform, group in list(by_platform.items()):
        todo = []
        for account in group:
            observation = unvisitable(account, collectors)
            if observation is None:
                todo.append(account)
            else:
                run.commit(account, observation)
        by_platform[platform] = todo

    try:
        async with open_kit(
            settings,
            [p for p, g in by_platform.items() if g],
            corpus=corpus,
            record=record,
            browsers_dir=browsers_dir,
            replay_transport=ReplayTransport,  # looked up here: collect/faults.py swaps it
        ) as kit:
            runners = [
                _runner(
                    run,
                    kit,
                    platform,
                    collectors[platform],
                    group,
                    settings,
                    out_dir,
                    corpus is not None,
                    as_of,
                    workers,
                    clock,
                    sleep,
                )
                for platform, group in by_platform.items()
                if group
            ]
            await _run_all(runners)
            _record_pauses(store, runners, stats, ran=set(by_platform))
    finally:
        stats.elapsed = time.monotonic() - started
    return stats


def _runner(
    run: _Run,
    kit: FetchKit,
    platform: str,
    collector: Collector,
    group: list[Account],
    settings: Settings,
    out_dir: Path,
    replay: bool,
    as_of: date | None,
    workers: int | None,
    clock: Callable[[], float],
    sleep: Callable[[float], Any],
) -> _PlatformRunner:
    """A platform's slot, fetchers, visitor and queue."""
    psettings = settings.platform(platform)
    if workers is not None:
        count = workers
    elif replay:
        count = REPLAY_HTTPX_WORKERS if psettings.use_httpx else REPLAY_BROWSER_WORKERS
    else:
        count = psettings.concurrency
    count = max(1, min(count, len(group)))
    slot = Slot.from_settings(platform, psettings, replay=replay, concurrency=count, clock=clock, sleep=sleep)
    fetchers = [kit.fetcher(platform) for _ in range(count)]
    visitor = Visitor(
        platform=platform,
        collector=collector,
        settings=settings,
        pacer=slot,
        sink=run.store,
        stats=run.stats,
        out_dir=out_dir,
        replay=replay,
        as_of=as_of,
        sleep=sleep,
        borrower=kit.borrower_for(platform),
    )
    drift = DriftWatch(settings.drift_visits, settings.drift_share)
    return _PlatformRunner(run, visitor, LocalQueue(group, slot.clock), fetchers, drift, len(group))


async def _run_all(runners: Sequence[_PlatformRunner]) -> None:
    """Run the platforms side by side; one failing hard (disk full, ...) stops the others cleanly."""
    await side_by_side(r.run_all() for r in runners)


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
        store.reopen(o.key for o in runner.unrecognized)
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

    @property
    def bars(self) -> bool:
        """True on a terminal (rich bars), False for plain lines."""
        return self._rich is not None

    def __call__(self, platform: str, done: int, total: int) -> None:
        from ..models import platform_label

        if self._rich is not None:
            if platform not in self._tasks:
                self._tasks[platform] = self._rich.add_task(platform_label(platform), total=total)
            self._rich.update(self._tasks[platform], completed=done, total=total)
        elif done == total or done % self.every == 0:
            print(f"{platform_label(platform)}：{done}/{total}", file=self.stream, flush=True)
