"""The sweep command on PostgreSQL: enqueue the sweep, work on it (unless --no-work), wait, mirror.

``sweep ... --database URL`` reads and checks the inputs as today, then here:
the sweep (its id derived from the out dir) gets its accounts in PostgreSQL,
accounts the tool cannot visit are committed at once, every other account
without a result or a live job gets one job. This process works on the
queue too (a worker like ``newmedia-audit worker``) unless ``work`` is off;
it waits until no job of the sweep is waiting or running, then copies the
results into the out dir's SQLite store, from which the reports are written
as after a single-machine sweep. Rerunning the same command resumes and never
enqueues an account twice. The out dir remembers the database URL without
its password (``database.json``).
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import socket
import sys
import time
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from ..collect.base import Collector
from ..collect.sweep import ProgressFn, default_collectors, select_accounts, unvisitable
from ..collect.visit import SweepStats
from ..errors import InputError
from ..models import Account
from ..settings import ScaleSettings, Settings
from ..store import Store
from .queue import PLATFORMS, enqueue, ensure_schema, has_live_jobs, make_app
from .runtime import PAUSED_META, open_runtime
from .store import PgStore, mirror_into, redact
from .worker import work

DATABASE_FILE = "database.json"


def sweep_id(out_dir: Path) -> str:
    """The sweep's id: the out dir's name and a digest of its absolute path."""
    resolved = str(Path(out_dir).resolve())
    return f"{Path(resolved).name}-{hashlib.sha1(resolved.encode()).hexdigest()[:10]}"


def remember(out_dir: Path, url: str, sweep: str) -> None:
    """Write ``database.json`` (the URL without its password) into the out dir."""
    out_dir.mkdir(parents=True, exist_ok=True)
    payload = {"database": redact(url), "sweep": sweep}
    (out_dir / DATABASE_FILE).write_text(json.dumps(payload, ensure_ascii=False, indent=2) + "\n", "utf-8")


def remembered(out_dir: Path) -> tuple[str, str] | None:
    """(URL without password, sweep id) of a PostgreSQL sweep's out dir; None for a SQLite sweep."""
    path = Path(out_dir) / DATABASE_FILE
    if not path.is_file():
        return None
    try:
        payload = json.loads(path.read_text("utf-8"))
        return str(payload["database"]), str(payload["sweep"])
    except (ValueError, KeyError) as exc:
        raise InputError(f"{path} 无法读取（{exc}）：请删除该文件后用 --database 重新运行 sweep。") from exc


def refresh_from_postgres(out_dir: Path, store: Store, url: str | None = None) -> int:
    """Copy a PostgreSQL sweep's latest results into the out dir's store (the report command).

    The password comes from ``url`` when given, else from libpq (PGPASSWORD, ~/.pgpass).
    Returns the number of results copied; 0 for a SQLite sweep.
    """
    found = remembered(out_dir)
    if found is None:
        return 0
    pg = PgStore(url or found[0], found[1], create=False)
    try:
        copied = mirror_into(pg, store)
        store.set_meta(PAUSED_META, pg.get_meta(PAUSED_META) or "{}")
        return copied
    finally:
        pg.close()


async def run_on_postgres(
    accounts: Sequence[Account],
    store: Store,
    settings: Settings,
    out_dir: Path,
    *,
    url: str,
    work_here: bool = True,
    replay: Sequence[Path] = (),
    platforms: set[str] | None = None,
    as_of: Any = None,
    egress: str | None = None,
    concurrency: int | None = None,
    collectors: Mapping[str, Collector] | None = None,
    options: ScaleSettings | None = None,
    poll: float = 1.0,
    progress: ProgressFn | None = None,
) -> SweepStats:
    """Enqueue the sweep, work on it here unless ``work_here`` is off, wait, mirror into ``store``."""
    started = time.monotonic()
    out_dir = Path(out_dir)
    sweep = sweep_id(out_dir)
    collectors = dict(collectors) if collectors is not None else default_collectors()
    selected = select_accounts(list(accounts), platforms)
    pg = PgStore(url, sweep, worker="sweep")
    stats = SweepStats()
    try:
        pg.register(str(out_dir.resolve()), as_of.isoformat() if as_of else None)
        pg.upsert_accounts(selected)
        pg.set_meta(PAUSED_META, "{}")  # a rerun after a fix resumes the paused platforms
        done = pg.finished_keys()
        stats.skipped = len(done)
        visitable = []
        for account in selected:
            if account.key in done:
                continue
            observation = unvisitable(account, collectors)
            if observation is None:
                visitable.append(account)
            else:
                pg.finish_visit(pg.begin_visit(account), account, observation)
                stats.record(account.platform, observation)
        app = make_app(url)
        async with app.open_async():
            await ensure_schema(app, url)
            queued = await enqueue(app, sweep, visitable, done)
            remember(out_dir, url, sweep)
            _say(f"PostgreSQL 抽查 {sweep}：新入队 {queued} 个账号，已完成 {len(done)} 个（{redact(url)}）")
            if work_here:
                async with open_runtime(
                    url,
                    settings,
                    platforms=sorted({a.platform for a in visitable} or set(PLATFORMS)),
                    egress=egress or socket.gethostname(),
                    replay=replay,
                    out_dir=out_dir,
                    concurrency=concurrency,
                    collectors=collectors,
                    options=options,
                ) as runtime:
                    worker = asyncio.create_task(work(app, runtime, platforms=PLATFORMS, burst=False))
                    try:
                        await _wait(app, pg, sweep, poll, worker, progress)
                    finally:
                        worker.cancel()
                        await asyncio.gather(worker, return_exceptions=True)
                    _merge(stats, runtime.stats)
            else:
                await _wait(app, pg, sweep, poll, None, progress)
        mirror_into(pg, store)
        store.set_meta(PAUSED_META, pg.get_meta(PAUSED_META) or "{}")
    finally:
        pg.close()
        stats.elapsed = time.monotonic() - started
    return stats


async def _wait(
    app: Any,
    pg: PgStore,
    sweep: str,
    poll: float,
    worker: asyncio.Task[Any] | None,
    progress: ProgressFn | None = None,
) -> None:
    """Until no job of the sweep waits or runs. Progress: ``progress(platform, done, total)``
    per platform (the bars of a terminal), else a line on stderr now and then."""
    shown = -1
    while True:
        live = await has_live_jobs(app, sweep)
        counts = pg.platform_counts()
        if progress is not None:
            for platform, (accounts, results) in counts.items():
                progress(platform, results, accounts)
        else:
            total, finished = (sum(c[i] for c in counts.values()) for i in (0, 1))
            if finished != shown and (finished - shown >= 50 or not live):
                _say(f"进度 / progress: {finished}/{total}")
                shown = finished
        if not live:
            return
        if worker is not None and worker.done():
            worker.result()  # a worker that failed hard raises here
            raise KeyboardInterrupt  # stopped by a signal: rerun the same command to resume
        await asyncio.sleep(poll)


def _merge(total: SweepStats, part: SweepStats) -> None:
    for name in ("visited", "walls", "faults", "retries", "unrecognized"):
        setattr(total, name, getattr(total, name) + getattr(part, name))
    for status, n in part.statuses.items():
        total.statuses[status] = total.statuses.get(status, 0) + n
    for platform, n in part.per_platform.items():
        total.per_platform[platform] = total.per_platform.get(platform, 0) + n


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)
