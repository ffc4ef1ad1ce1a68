"""SIGTERM: a worker lets its running visits finish within the grace period, or releases them.

An in-process worker (procrastinate's own signal handlers) visits accounts
served after a second by a local server; SIGTERM arrives while two visits
run. With a long grace they finish and are committed, and no visit starts
after the signal; with a short one they are released: marked so in the
store, back in the queue, and another worker finishes them without their
release counting as a failed try.
"""

from __future__ import annotations

import asyncio
import os
import signal
import time
from pathlib import Path
from typing import Any

from newmedia_audit.bench.live import (
    LatencyServer,
    LocalCollector,
    VisitLog,
    polite_settings,
    select_accounts,
)
from newmedia_audit.bench.scale import AS_OF
from newmedia_audit.collect.replay import HarCorpus
from newmedia_audit.collect.sweep import default_collectors
from newmedia_audit.models import Status
from newmedia_audit.scale.queue import PLATFORMS, live_jobs, make_app
from newmedia_audit.scale.runtime import open_runtime
from newmedia_audit.scale.store import PgStore
from newmedia_audit.scale.sweep import sweep_id
from newmedia_audit.scale.worker import work
from newmedia_audit.settings import ScaleSettings, load_settings
from newmedia_audit.store import Store
from newmedia_audit.synth.corpus import synthetic_accounts, write_corpus
from tests.scale.conftest import enqueue_and_wait

N = 4


async def sigterm_mid_visit(
    database: str, tmp_path: Path, grace: float, max_attempts: int = 4
) -> dict[str, Any]:
    """Sweep N Toutiao accounts; SIGTERM the first worker while two visits run; a second one finishes."""
    pool, _, scenarios = synthetic_accounts(200, 11, AS_OF)
    accounts, _ = select_accounts(pool, scenarios, {"toutiao": N})
    corpus = write_corpus(scenarios, tmp_path / "corpus.har")
    settings = polite_settings(load_settings(), 0.05, 2)  # two visits at once
    out = tmp_path / "out"
    options = ScaleSettings(
        heartbeat=0.5, stall_timeout=30.0, shutdown_grace=grace, max_attempts=max_attempts
    )
    log = VisitLog()
    seen: dict[str, Any] = {}
    with LatencyServer(HarCorpus.load([corpus]), 1.0, 1.0, 7) as server:
        collectors = {p: LocalCollector(c, server.base, log) for p, c in default_collectors().items()}
        store = Store(out / "state.sqlite")
        app = make_app(database)
        async with app.open_async():
            sweeper = asyncio.create_task(enqueue_and_wait(database, accounts, store, settings, out, options))
            while not (out / "database.json").exists():
                await asyncio.sleep(0.05)
            async with open_runtime(
                database,
                settings,
                platforms=["toutiao"],
                egress="e",
                out_dir=out,
                concurrency=2,
                collectors=collectors,
                options=options,
            ) as runtime:
                first = asyncio.create_task(
                    work(app, runtime, platforms=PLATFORMS, burst=False, signals=True)
                )
                while len(log.started.get("toutiao", [])) < 2:
                    await asyncio.sleep(0.02)
                signalled = time.monotonic()
                os.kill(os.getpid(), signal.SIGTERM)  # procrastinate's handler is installed by now
                await asyncio.wait_for(first, 30)
                pg = PgStore(database, sweep_id(out), create=False)
                seen["stopped_after"] = time.monotonic() - signalled
                seen["started"] = len(log.started["toutiao"])
                seen["results"] = pg.results_count()
                seen["live"] = sorted((await live_jobs(app, sweep_id(out))).values())
                with pg._db() as db:
                    rows = db.execute(
                        "SELECT status FROM newmedia_visits WHERE status = 'released'"
                    ).fetchall()
                seen["released"] = len(rows)
                second = asyncio.create_task(work(app, runtime, platforms=PLATFORMS, burst=False))
                try:
                    await asyncio.wait_for(sweeper, 60)
                finally:
                    second.cancel()
                    await asyncio.gather(second, return_exceptions=True)
                seen["finished_visits"] = pg.finished_visit_counts()
                pg.close()
        seen["statuses"] = {o.status for o in store.observations().values()}
        seen["accounts"] = len(store.observations())
        store.close()
    return seen


def test_sigterm_lets_running_visits_finish_within_the_grace(database: str, tmp_path: Path) -> None:
    seen = asyncio.run(sigterm_mid_visit(database, tmp_path, grace=10.0))
    assert seen["results"] == 2 and seen["released"] == 0  # both visits were committed
    assert seen["started"] == 2  # and no visit started after the signal
    assert seen["live"] == ["todo"] * (N - 2)
    assert seen["stopped_after"] < 10.0
    assert seen["accounts"] == N and seen["statuses"] == {Status.ok}
    assert set(seen["finished_visits"].values()) == {1}


def test_sigterm_releases_visits_still_running_after_the_grace(database: str, tmp_path: Path) -> None:
    # One try allowed: were a release counted as a try, the released accounts would end as error.
    seen = asyncio.run(sigterm_mid_visit(database, tmp_path, grace=0.2, max_attempts=1))
    assert seen["stopped_after"] < 3.0  # released at the end of the grace, not at the visits' end
    assert seen["results"] == 0 and seen["released"] == 2
    assert seen["live"] == ["todo"] * N  # the released visits are back in the queue
    # Another worker visits them; a release is not a failed try (the account is read, not an error).
    assert seen["accounts"] == N and seen["statuses"] == {Status.ok}
    assert set(seen["finished_visits"].values()) == {1}
