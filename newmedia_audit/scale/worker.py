"""``newmedia-audit worker``: work on every open sweep of a PostgreSQL queue.

A worker takes visit jobs of its platforms (all four unless ``--platform``),
``--concurrency`` at a time, with its own fetchers and the shared politeness
of its ``--egress``. It runs until SIGTERM or SIGINT (running visits finish,
or are released after the grace period and retried by another worker), or,
with ``--burst``, until no job is ready.
"""

from __future__ import annotations

import argparse
import asyncio
import socket
from collections.abc import Sequence
from typing import Any

from ..settings import load_settings
from .queue import MAINTENANCE_QUEUE, PLATFORMS, ensure_schema, make_app, queue_of
from .runtime import WorkerRuntime, open_runtime


async def work(
    app: Any,
    runtime: WorkerRuntime,
    *,
    platforms: Sequence[str],
    concurrency: int,
    burst: bool,
    signals: bool = False,
) -> None:
    """Run a procrastinate worker over the platforms' queues with this runtime."""
    options = runtime.options
    await app.run_worker_async(
        queues=[queue_of(p) for p in platforms] + [MAINTENANCE_QUEUE],
        concurrency=concurrency,
        wait=not burst,
        name=runtime.name,
        additional_context={"runtime": runtime},
        install_signal_handlers=signals,
        update_heartbeat_interval=options.heartbeat,
        stalled_worker_timeout=options.stall_timeout,
        shutdown_graceful_timeout=options.shutdown_grace,
        fetch_job_polling_interval=1.0,
        abort_job_polling_interval=5.0,
    )


async def run_worker(args: argparse.Namespace) -> None:
    settings = load_settings(args.config)
    platforms = list(dict.fromkeys(args.platform)) or list(PLATFORMS)
    app = make_app(args.database)
    async with app.open_async():
        await ensure_schema(app, args.database)
        async with open_runtime(
            args.database,
            settings,
            platforms=platforms,
            egress=args.egress or socket.gethostname(),
            replay=list(args.replay),
            out_dir=args.out,
            concurrency=args.concurrency,
            browsers_dir=args.browsers_dir,
        ) as runtime:
            await work(
                app,
                runtime,
                platforms=platforms,
                concurrency=args.concurrency,
                burst=args.burst,
                signals=True,
            )


def worker_command(args: argparse.Namespace) -> int:
    """The CLI's worker command; returns the exit status."""
    asyncio.run(run_worker(args))
    return 0
