"""One worker process of the scale bench: a worker of the national sweep against the local server.

``python -m newmedia_audit.bench.scale_worker --database URL --server BASE --settings FILE
--egress NAME --out DIR --ready FILE [--platform P ...] [--concurrency N] [--parent PID]``

What ``newmedia-audit worker`` does (``scale.worker.serve``), with ``LocalCollector``s pointed at the bench process's latency server (``BASE``)
and the bench's settings (``Settings.model_dump_json``, the ``[scale]`` options included).
It touches READY once it can take jobs and works until SIGTERM or SIGINT: running visits
finish within ``[scale] shutdown_grace``, then it exits. The bench process starts and stops
it (``bench/scale.py``); should that process die first, Linux sends this one SIGTERM.
"""

from __future__ import annotations

import argparse
import asyncio
import ctypes
import os
import signal
import sys
from pathlib import Path

from ..collect.sweep import default_collectors
from ..scale.queue import PLATFORMS
from ..scale.worker import serve
from ..settings import Settings
from .live import LocalCollector

_PR_SET_PDEATHSIG = 1


def die_with(parent: int | None) -> None:
    """SIGTERM this process when ``parent`` ends (Linux; elsewhere nothing), or now if it has."""
    if parent is None:
        return
    if sys.platform.startswith("linux"):
        ctypes.CDLL(None, use_errno=True).prctl(_PR_SET_PDEATHSIG, signal.SIGTERM)
    if os.getppid() != parent:  # it ended before the line above
        raise SystemExit(f"scale worker: the bench process {parent} is gone")


async def run(args: argparse.Namespace) -> None:
    settings = Settings.model_validate_json(args.settings.read_text("utf-8"))
    collectors = {p: LocalCollector(c, args.server) for p, c in default_collectors().items()}
    await serve(
        args.database,
        settings,
        list(dict.fromkeys(args.platform)) or list(PLATFORMS),
        egress=args.egress,
        out_dir=args.out,
        concurrency=args.concurrency,
        collectors=collectors,
        ready=args.ready.touch,
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newmedia_audit.bench.scale_worker", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--database", required=True, help="PostgreSQL URL of the sweep")
    parser.add_argument("--server", required=True, help="base URL of the latency server")
    parser.add_argument("--settings", type=Path, required=True, help="the bench's settings as JSON")
    parser.add_argument("--egress", required=True)
    parser.add_argument("--out", type=Path, required=True, help="evidence root")
    parser.add_argument("--ready", type=Path, required=True, help="touched once jobs can be taken")
    parser.add_argument("--platform", action="append", default=[], choices=PLATFORMS)
    parser.add_argument("--concurrency", type=int, default=None)
    parser.add_argument("--parent", type=int, default=None, help="exit with this process")
    args = parser.parse_args(argv)
    die_with(args.parent)
    asyncio.run(run(args))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
