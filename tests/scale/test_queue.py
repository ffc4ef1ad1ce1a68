"""Enqueuing a sweep: a batch at a time, never an account twice, the same jobs as ``defer_async``."""

from __future__ import annotations

import asyncio

import pytest

from newmedia_audit.models import Account
from newmedia_audit.scale import queue
from newmedia_audit.scale.queue import (
    VISIT_TASK,
    enqueue,
    ensure_schema,
    has_live_jobs,
    live_jobs,
    make_app,
    queue_of,
    queueing_lock,
)

ACCOUNTS = [
    Account(district="市直", unit="某局", name=f"账号{i}", platform=p, account_id=str(i))
    for i, p in enumerate(["weibo", "douyin", "toutiao", "wechat"] * 6)
]

_COLUMNS = "queue_name, lock, queueing_lock, task_name, args, priority, status, scheduled_at"


async def _jobs(app, sweep: str) -> list[tuple]:
    rows = await app.connector.execute_query_all_async(
        f"SELECT {_COLUMNS} FROM procrastinate_jobs WHERE args->>'sweep' = %(sweep)s ORDER BY args->>'key'",
        sweep=sweep,
    )
    return [tuple(r.values()) for r in rows]


def test_batches_defer_each_account_once_as_defer_async_would(database: str, monkeypatch) -> None:
    async def run() -> None:
        app = make_app(database)
        async with app.open_async():
            await ensure_schema(app, database)
            assert not await has_live_jobs(app, "s")
            monkeypatch.setattr(queue, "ENQUEUE_BATCH", 5)
            finished = {ACCOUNTS[0].key}
            assert await enqueue(app, "s", ACCOUNTS, finished) == len(ACCOUNTS) - 1
            assert await enqueue(app, "s", ACCOUNTS, finished) == 0  # a rerun enqueues nothing
            assert set(await live_jobs(app, "s")) == {a.key for a in ACCOUNTS[1:]}
            assert await has_live_jobs(app, "s") and not await has_live_jobs(app, "other")
            # The same rows as the task's own deferrer makes them, one by one.
            for account in ACCOUNTS[1:]:
                deferrer = app.tasks[VISIT_TASK].configure(
                    queue=queue_of(account.platform), queueing_lock=queueing_lock("t", account.key)
                )
                await deferrer.defer_async(sweep="t", key=account.key)
            batch, single = await _jobs(app, "s"), await _jobs(app, "t")
            strip = [(q, lk, ql.split("|", 1)[1], t, a["key"], p, st) for q, lk, ql, t, a, p, st, _ in batch]
            want = [(q, lk, ql.split("|", 1)[1], t, a["key"], p, st) for q, lk, ql, t, a, p, st, _ in single]
            assert strip == want and len(strip) == len(ACCOUNTS) - 1

    asyncio.run(run())


def test_a_batch_that_meets_a_job_queued_meanwhile_still_queues_the_others(
    database: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Another command enqueued account 3 between our look at the queue and our batch."""

    async def run() -> None:
        app = make_app(database)
        async with app.open_async():
            await ensure_schema(app, database)
            await app.job_manager.defer_job_async(queue.visit_job("s", ACCOUNTS[3]))

            async def nothing_yet(app, sweep):  # the look at the queue came before that job
                return {}

            monkeypatch.setattr(queue, "live_jobs", nothing_yet)
            monkeypatch.setattr(queue, "ENQUEUE_BATCH", 10)
            assert await enqueue(app, "s", ACCOUNTS, set()) == len(ACCOUNTS) - 1
            keys = [row[4]["key"] for row in await _jobs(app, "s")]
            assert sorted(keys) == sorted(a.key for a in ACCOUNTS)  # each exactly once

    asyncio.run(run())
