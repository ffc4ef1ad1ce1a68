"""A worker process's side of the national sweep: its fetchers, slots and visitors.

One ``WorkerRuntime`` per worker process: the fetch kit (httpx client,
browser pool) opened once, one shared-politeness slot per platform for this
egress, one visitor per (sweep, platform) writing to that sweep's
``PgStore``, and a small pool of fetchers per platform (a job borrows one
for its visit). ``run_job`` is what the procrastinate task calls.
"""

from __future__ import annotations

import asyncio
import json
import os
import socket
from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import asynccontextmanager
from dataclasses import asdict, dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

from ..collect.base import Collector
from ..collect.drift import UNRECOGNIZED, DriftWatch, PausedPlatform
from ..collect.kit import FetchKit, open_kit
from ..collect.replay import HarCorpus
from ..collect.sweep import REPLAY_BROWSER_WORKERS, REPLAY_HTTPX_WORKERS
from ..collect.visit import Fetcher, Requeue, SweepStats, Visitor, failure
from ..models import Status
from ..rules.assess import evidence_folder
from ..settings import ScaleSettings, Settings
from .politeness import PgSlot
from .queue import WallRequeue
from .store import PgStore

PAUSED_META = "paused_platforms"  # as collect/sweep.py keeps it in the SQLite store


@dataclass
class _SweepState:
    store: PgStore
    out_dir: Path
    as_of: date | None
    drift: dict[str, DriftWatch] = field(default_factory=dict)
    unrecognized: dict[str, list[Any]] = field(default_factory=dict)


class WorkerRuntime:
    """Everything a worker process needs to run visit jobs."""

    def __init__(
        self,
        url: str,
        settings: Settings,
        kit: FetchKit,
        collectors: Mapping[str, Collector],
        *,
        egress: str,
        replay: bool,
        out_dir: Path | None,
        concurrency: int | None,
        options: ScaleSettings,
    ) -> None:
        self.url = url
        self.settings = settings
        self.kit = kit
        self.collectors = collectors
        self.egress = egress
        self.replay = replay
        self.out_dir = out_dir
        self.concurrency = concurrency
        self.options = options
        self.name = f"{socket.gethostname()}:{os.getpid()}:{egress}"
        self.stats = SweepStats()
        self._pacing = PgStore(url, "", worker=self.name)
        self._slots: dict[str, PgSlot] = {}
        self._sweeps: dict[str, _SweepState] = {}
        self._visitors: dict[tuple[str, str], Visitor] = {}
        self._idle: dict[str, list[Fetcher]] = {}
        self._made: dict[str, int] = {}
        self._fetcher_free = asyncio.Condition()

    def close(self) -> None:
        for state in self._sweeps.values():
            state.store.close()
        self._pacing.close()

    # -- pieces, made on first use ---------------------------------------------------
    def _sweep(self, sweep: str) -> _SweepState:
        state = self._sweeps.get(sweep)
        if state is None:
            probe = PgStore(self.url, sweep, worker=self.name, create=False)
            row = probe.sweep_row()
            out = Path(self.options.evidence_dir or self.out_dir or (row[0] if row else "outputs/worker"))
            probe.evidence_root = str(out.resolve())
            as_of = date.fromisoformat(row[1]) if row and row[1] else None
            state = self._sweeps[sweep] = _SweepState(probe, out, as_of)
        return state

    def slots(self, platform: str) -> int:
        """Visits of the platform at once in this worker: ``--concurrency``, else the platform's
        ``concurrency`` live (the shared pace allows no more per egress), or the single-machine
        sweep's replay workers in replay (no pace to keep)."""
        if self.concurrency:
            return self.concurrency
        if self.replay:
            return REPLAY_BROWSER_WORKERS if self.kit.in_browser.get(platform) else REPLAY_HTTPX_WORKERS
        return self.settings.platform(platform).concurrency

    def _slot(self, platform: str) -> PgSlot:
        if platform not in self._slots:
            self._slots[platform] = PgSlot.from_settings(
                self._pacing,
                platform,
                self.egress,
                self.settings.platform(platform),
                replay=self.replay,
                concurrency=self.slots(platform) if self.replay else None,
            )
        return self._slots[platform]

    def _visitor(self, sweep: str, platform: str) -> Visitor:
        key = (sweep, platform)
        if key not in self._visitors:
            state = self._sweep(sweep)
            self._visitors[key] = Visitor(
                platform=platform,
                collector=self.collectors[platform],
                settings=self.settings,
                pacer=self._slot(platform),
                sink=state.store,
                stats=self.stats,
                out_dir=state.out_dir,
                replay=self.replay,
                as_of=state.as_of,
                borrower=self.kit.borrower_for(platform),
            )
        return self._visitors[key]

    @asynccontextmanager
    async def _fetcher(self, platform: str) -> AsyncIterator[Fetcher]:
        """Borrow a fetcher of the platform (at most ``slots(platform)`` are made)."""
        async with self._fetcher_free:
            while True:
                idle = self._idle.setdefault(platform, [])
                if idle:
                    fetcher = idle.pop()
                    break
                if self._made.get(platform, 0) < self.slots(platform):
                    self._made[platform] = self._made.get(platform, 0) + 1
                    fetcher = self.kit.fetcher(platform)
                    break
                await self._fetcher_free.wait()
        try:
            yield fetcher
        finally:
            async with self._fetcher_free:
                self._idle[platform].append(fetcher)
                self._fetcher_free.notify()

    async def close_fetchers(self) -> None:
        for fetchers in self._idle.values():
            for fetcher in fetchers:
                await fetcher.close()

    # -- one job ------------------------------------------------------------------------
    async def run_job(self, job: Any, sweep: str, key: str) -> str:
        """Visit one account of a sweep; returns what happened (the job's result)."""
        state = self._sweep(sweep)
        job_row = state.store.job(key, PAUSED_META)
        if job_row is None:
            return "unknown account"
        if job_row.done:
            return "done before"  # a retried job of a killed worker: never visited again
        account, walls, released = job_row.account, job_row.walls, job_row.released
        platform = account.platform
        if platform in _paused_platforms(job_row.meta):
            return "paused"  # the drift alarm: the account stays pending for a rerun
        visitor = self._visitor(sweep, platform)
        # procrastinate counts every retry; wall requeues and SIGTERM releases are not failed tries.
        tries = job.attempts - walls - released
        if tries >= self.options.max_attempts:
            detail = f"多次访问均未完成（{tries} 次中断：访问进程崩溃或被终止），请人工核查"
            visitor.commit(
                state.store.begin_visit(account), account, failure(account, Status.error, detail, "fault")
            )
            return "error: attempts"
        try:
            async with self._fetcher(platform) as fetcher:
                outcome = await visitor.visit(fetcher, account, walls)
        except asyncio.CancelledError:
            state.store.release_visits(key)  # SIGTERM after the grace: another worker takes it
            raise
        if isinstance(outcome, Requeue):
            state.store.add_wall(key)
            raise WallRequeue(outcome.ready_at - visitor.pacer.clock())
        self._watch(state, platform, outcome)
        return outcome.status.value

    def _paused(self, state: _SweepState) -> dict[str, Any]:
        return _paused_platforms(state.store.meta_json(PAUSED_META))

    def _watch(self, state: _SweepState, platform: str, observation: Any) -> None:
        """The drift alarm, per sweep and platform in this worker: when it trips, the platform is
        paused for the sweep (every worker leaves its accounts pending) and this worker's
        unreadable results are reopened, so a rerun after the fix visits them again."""
        watch = state.drift.setdefault(
            platform, DriftWatch(self.settings.drift_visits, self.settings.drift_share)
        )
        if observation.failure == UNRECOGNIZED:
            state.unrecognized.setdefault(platform, []).append(observation)
        if not watch.record(observation):
            return
        unreadable = state.unrecognized.get(platform, [])
        found = PausedPlatform(
            platform=platform,
            seen=watch.seen,
            unrecognized=watch.unrecognized,
            sample=unreadable[-1].detail if unreadable else "",
            evidence=[evidence_folder(o) for o in unreadable if o.evidence],
        )
        state.store.reopen(o.key for o in unreadable)
        paused = self._paused(state) | {platform: asdict(found)}
        state.store.set_meta(PAUSED_META, json.dumps(paused, ensure_ascii=False))


def _paused_platforms(meta: object) -> dict[str, Any]:
    """The sweep's platforms paused by the drift alarm, from its meta value (JSON)."""
    return meta if isinstance(meta, dict) else {}


@asynccontextmanager
async def open_runtime(
    url: str,
    settings: Settings,
    *,
    platforms: Sequence[str],
    egress: str,
    replay: Sequence[Path] = (),
    out_dir: Path | None = None,
    concurrency: int | None = None,
    collectors: Mapping[str, Collector] | None = None,
    options: ScaleSettings | None = None,
    browsers_dir: Path = Path("browsers"),
) -> AsyncIterator[WorkerRuntime]:
    """Open a worker's runtime (and its browser when a platform needs one); close it on exit."""
    from ..collect import sweep as sweep_module

    corpus = sweep_module.HarCorpus.load(list(replay)) if replay else None  # faults.py swaps the loader
    if collectors is None:
        collectors = sweep_module.default_collectors()
    async with open_kit(
        settings,
        platforms,
        corpus=corpus,
        browsers_dir=browsers_dir,
        replay_transport=sweep_module.ReplayTransport,
    ) as kit:
        runtime = WorkerRuntime(
            url,
            settings,
            kit,
            collectors,
            egress=egress,
            replay=corpus is not None,
            out_dir=out_dir,
            concurrency=concurrency,
            options=options or settings.scale,
        )
        try:
            yield runtime
        finally:
            await runtime.close_fetchers()
            runtime.close()


__all__ = ["HarCorpus", "WorkerRuntime", "open_runtime"]
