"""The work queue on procrastinate: one job per account, a queueing lock per sweep and account.

Jobs live in one procrastinate queue per platform (``newmedia-weibo`` ...), so
a worker can take some platforms only. A job's arguments name the sweep and
the account key; the worker's runtime (scale/runtime.py) does the visit.

procrastinate does not retry the jobs of a killed worker by itself: the
periodic task ``retry_stalled`` (every few seconds, on any live worker) puts
back the running jobs of workers whose heartbeat stopped. Attempts are
capped in the runtime: a job that keeps killing its worker (a page that
crashes Chromium) ends as ``error`` instead of running forever.
"""

from __future__ import annotations

import asyncio
from typing import Any

import procrastinate
from procrastinate import exceptions as pexc
from procrastinate.jobs import Job
from procrastinate.retry import BaseRetryStrategy, RetryDecision

from ..models import VISITED_PLATFORMS

VISIT_TASK = "newmedia_audit.visit"
STALLED_TASK = "newmedia_audit.retry_stalled"
MAINTENANCE_QUEUE = "newmedia-maintenance"
STALL_CRON = "* * * * * */5"  # every 5 seconds (6th column: seconds)
PLATFORMS = VISITED_PLATFORMS
RETRY_OTHER_AFTER = 10.0  # seconds: a job that failed in our own code (disk full ...) is tried again


def queue_of(platform: str) -> str:
    return f"newmedia-{platform}"


def queueing_lock(sweep: str, key: str) -> str:
    """At most one waiting job per sweep and account."""
    return f"{sweep}|{key}"


class WallRequeue(Exception):  # noqa: N818 - a signal to the retry strategy, not an error
    """A wall with tries left: the job is tried again after the platform's cool-down."""

    def __init__(self, delay: float) -> None:
        super().__init__(f"wall: again in {delay:.1f}s")
        self.delay = delay


class VisitRetry(BaseRetryStrategy):
    """Walls come back after the cool-down; a visit stopped by SIGTERM is released at once;
    anything else is tried again shortly (the runtime caps the attempts)."""

    def get_retry_decision(self, *, exception: BaseException, job: Job) -> RetryDecision | None:
        if isinstance(exception, WallRequeue):
            return RetryDecision(retry_in={"seconds": max(0.0, exception.delay)})
        if isinstance(exception, (asyncio.CancelledError, pexc.JobAborted)):
            return RetryDecision(retry_in={"seconds": 0})
        return RetryDecision(retry_in={"seconds": RETRY_OTHER_AFTER})


async def visit_account(context: procrastinate.JobContext, sweep: str, key: str) -> str:
    """Visit one account of one sweep (the worker's runtime does the work)."""
    runtime = context.additional_context["runtime"]
    return str(await runtime.run_job(context.job, sweep, key))


async def retry_stalled(context: procrastinate.JobContext, timestamp: int) -> int:
    """Put back the running visits of workers whose heartbeat stopped (killed, frozen)."""
    runtime = context.additional_context["runtime"]
    manager = context.app.job_manager
    stalled = await manager.get_stalled_jobs(
        task_name=VISIT_TASK, seconds_since_heartbeat=runtime.options.stall_timeout
    )
    count = 0
    for job in stalled:
        await manager.retry_job(job)
        count += 1
    return count


def make_app(url: str) -> procrastinate.App:
    """A procrastinate app on the database of ``url`` with our tasks."""
    app = procrastinate.App(connector=procrastinate.PsycopgConnector(conninfo=url))
    app.task(name=VISIT_TASK, pass_context=True, retry=VisitRetry())(visit_account)
    stalled = app.task(
        name=STALLED_TASK, queue=MAINTENANCE_QUEUE, queueing_lock=STALLED_TASK, pass_context=True
    )(retry_stalled)
    app.periodic(cron=STALL_CRON, periodic_id="stalled")(stalled)
    return app


async def ensure_schema(app: procrastinate.App, url: str) -> None:
    """Install procrastinate's tables once (concurrent starters wait for each other)."""
    import psycopg

    async with await psycopg.AsyncConnection.connect(url, autocommit=True) as conn:
        await conn.execute("SELECT pg_advisory_lock(7241018)")
        try:
            row = await (
                await conn.execute("SELECT to_regclass('procrastinate_jobs') IS NOT NULL")
            ).fetchone()
            if not (row and row[0]):
                await app.schema_manager.apply_schema_async()
        finally:
            await conn.execute("SELECT pg_advisory_unlock(7241018)")


async def live_jobs(app: procrastinate.App, sweep: str) -> dict[str, str]:
    """Account key -> status of the sweep's jobs still waiting or running."""
    rows = await app.connector.execute_query_all_async(
        "SELECT args->>'key' AS key, status::text AS status FROM procrastinate_jobs "
        "WHERE task_name = %(task)s AND args->>'sweep' = %(sweep)s AND status IN ('todo', 'doing')",
        task=VISIT_TASK,
        sweep=sweep,
    )
    return {r["key"]: r["status"] for r in rows}


async def has_live_jobs(app: procrastinate.App, sweep: str) -> bool:
    """Whether a job of the sweep still waits or runs (the sweep's wait asks this every second:
    listing 150,000 live jobs took about a second each time)."""
    rows = await app.connector.execute_query_all_async(
        "SELECT 1 AS live FROM procrastinate_jobs WHERE task_name = %(task)s "
        "AND args->>'sweep' = %(sweep)s AND status IN ('todo', 'doing') LIMIT 1",
        task=VISIT_TASK,
        sweep=sweep,
    )
    return bool(rows)


ENQUEUE_BATCH = 1_000  # jobs deferred in one statement


def visit_job(sweep: str, account: Any) -> Job:
    """The job of one account, as ``defer_async`` of the visit task configured for it makes it."""
    return Job(
        id=None,
        queue=queue_of(account.platform),
        lock=None,
        queueing_lock=queueing_lock(sweep, account.key),
        task_name=VISIT_TASK,
        task_kwargs={"sweep": sweep, "key": account.key},
    )


async def enqueue(app: procrastinate.App, sweep: str, accounts: list[Any], finished: set[str]) -> int:
    """One job per account without a result and without a live job; returns how many were deferred.

    Jobs are deferred a batch at a time (one at a time, 150,000 accounts took about 6 minutes).
    A batch that meets a job queued meanwhile (another command enqueuing the same sweep) is
    deferred one job at a time, skipping the ones already queued."""
    live = await live_jobs(app, sweep)
    todo = [a for a in accounts if a.key not in finished and a.key not in live]
    count = 0
    for start in range(0, len(todo), ENQUEUE_BATCH):
        batch = todo[start : start + ENQUEUE_BATCH]
        try:
            await app.job_manager.batch_defer_jobs_async([visit_job(sweep, a) for a in batch])
        except pexc.AlreadyEnqueued:
            count += await _enqueue_each(app, sweep, batch)
        else:
            count += len(batch)
    return count


async def _enqueue_each(app: procrastinate.App, sweep: str, accounts: list[Any]) -> int:
    count = 0
    for account in accounts:
        try:
            await app.job_manager.defer_job_async(visit_job(sweep, account))
        except pexc.AlreadyEnqueued:
            continue
        count += 1
    return count
