"""``newmedia-audit worker``: work on every open sweep of a PostgreSQL queue.

A worker takes visit jobs of its platforms (all four unless ``--platform``),
``--concurrency`` at a time per platform (default: the platform's own
``concurrency``), with its own fetchers and the shared politeness of its
``--egress``. It runs until SIGTERM or SIGINT (running visits finish,
or are released after the grace period and retried by another worker), or,
with ``--burst``, until no job is ready.
"""

from __future__ import annotations

import argparse
import asyncio
import signal
import socket
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Any

from procrastinate.worker import Worker

from ..collect.base import Collector
from ..settings import Settings, load_settings
from .queue import MAINTENANCE_QUEUE, PLATFORMS, ensure_schema, make_app, queue_of
from .runtime import WorkerRuntime, open_runtime
from .store import connect


async def work(
    app: Any,
    runtime: WorkerRuntime,
    *,
    platforms: Sequence[str],
    burst: bool,
    signals: bool = False,
) -> None:
    """Work on the platforms' queues with this runtime until stopped (or, ``burst``, until empty).

    One procrastinate worker per platform queue, with ``runtime.slots(platform)`` jobs at once:
    a platform paused by walls or slower than the others then holds only its own places
    (one worker over every queue takes jobs in ledger order, and a ledger sorted by platform
    would leave the others idle behind it). A small one runs the maintenance queue (the
    stalled-job task). SIGTERM or SIGINT (``signals``) stops them all gracefully: running
    visits get ``[scale] shutdown_grace`` seconds, then are released.
    """
    options = runtime.options
    groups = [(p, queue_of(p), runtime.slots(p)) for p in dict.fromkeys(platforms)]
    groups.append(("maintenance", MAINTENANCE_QUEUE, 1))
    workers = [
        Worker(
            app=app,
            queues=[queue],
            concurrency=slots,
            wait=not burst,
            name=f"{runtime.name}:{name}",
            additional_context={"runtime": runtime},
            install_signal_handlers=False,
            update_heartbeat_interval=options.heartbeat,
            stalled_worker_timeout=options.stall_timeout,
            shutdown_graceful_timeout=options.shutdown_grace,
            fetch_job_polling_interval=1.0,
            abort_job_polling_interval=5.0,
        )
        for name, queue, slots in groups
    ]
    tasks = [
        asyncio.create_task(worker.run(), name=f"worker {name}")
        for worker, (name, _, _) in zip(workers, groups, strict=True)
    ]
    stop_requested = asyncio.Event()

    async def stopper() -> None:
        # Worker.stop(), again until each has ended: a run that is only starting clears a stop
        # request made before it (and a cancel landing in its first database calls can be lost).
        await stop_requested.wait()
        while not all(task.done() for task in tasks):
            for worker in workers:
                worker.stop()
            await asyncio.wait(tasks, timeout=0.2)

    stopping = asyncio.create_task(stopper(), name="stopper")
    loop = asyncio.get_running_loop()
    if signals:
        for sig in (signal.SIGTERM, signal.SIGINT):
            loop.add_signal_handler(sig, stop_requested.set)
    try:
        await asyncio.wait(tasks, return_when=asyncio.FIRST_EXCEPTION)
        if not all(task.done() for task in tasks):
            # One platform's worker failed (its database calls, say): stop the others too, so the
            # process ends with the error and is restarted, instead of leaving that queue unserved.
            stop_requested.set()
            await asyncio.wait(tasks)
    except asyncio.CancelledError:
        stop_requested.set()  # running visits get the grace period, then are released
        await asyncio.wait(tasks)
        raise
    finally:
        stopping.cancel()
        if signals:
            for sig in (signal.SIGTERM, signal.SIGINT):
                loop.remove_signal_handler(sig)
    for task in tasks:
        if not task.cancelled() and (error := task.exception()) is not None:
            raise error


async def serve(
    database: str,
    settings: Settings,
    platforms: Sequence[str],
    *,
    egress: str,
    out_dir: Path | None,
    concurrency: int | None,
    replay: Sequence[Path] = (),
    collectors: Mapping[str, Collector] | None = None,
    browsers_dir: Path = Path("browsers"),
    burst: bool = False,
    ready: Callable[[], None] | None = None,
) -> None:
    """A worker process's life: connect, open its runtime, work until SIGTERM/SIGINT (or, with
    ``burst``, until the queue is empty). ``ready`` is called once jobs can be taken."""
    connect(database).close()  # a clear message now, not the pool's timeout 30 s later
    app = make_app(database)
    async with app.open_async():
        await ensure_schema(app, database)
        async with open_runtime(
            database,
            settings,
            platforms=platforms,
            egress=egress,
            replay=replay,
            out_dir=out_dir,
            concurrency=concurrency,
            collectors=collectors,
            browsers_dir=browsers_dir,
        ) as runtime:
            if ready is not None:
                ready()
            await work(app, runtime, platforms=platforms, burst=burst, signals=True)


async def run_worker(args: argparse.Namespace) -> None:
    await serve(
        args.database,
        load_settings(args.config),
        list(dict.fromkeys(args.platform)) or list(PLATFORMS),
        egress=args.egress or socket.gethostname(),
        out_dir=args.out,
        concurrency=args.concurrency,
        replay=list(args.replay),
        browsers_dir=args.browsers_dir,
        burst=args.burst,
    )


def worker_command(args: argparse.Namespace) -> int:
    """The CLI's worker command; returns the exit status."""
    asyncio.run(run_worker(args))
    return 0
