"""Scale stage: a politeness-bound sweep shared by 1, 2 and 4 workers of distinct egresses.

``python -m newmedia_audit.bench.scale``. A local server answers from a
synthetic corpus after 100-300 ms; every platform is on the httpx path with
a short delay; N in-process workers (each its own egress, so its own
politeness rows in PostgreSQL) share one sweep through a throwaway
PostgreSQL cluster. Throughput should grow with N (goal: at least 0.9 × N
times the one-worker figure). Then the projected days for 150,000 accounts
at the default delays of rules.toml, per number of egresses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import time
from datetime import date
from pathlib import Path
from typing import Any

from ..collect.replay import HarCorpus
from ..collect.sweep import default_collectors
from ..settings import ScaleSettings, Settings, load_settings
from ..store import Store
from ..synth.corpus import synthetic_accounts, write_corpus
from .live import PLATFORMS, LatencyServer, LocalCollector, VisitLog, polite_settings, select_accounts

AS_OF = date(2022, 6, 20)
NATIONAL = 150_000


def projected_days(settings: Settings, accounts: int = NATIONAL, egresses: int = 1) -> float:
    """Days for ``accounts`` (a quarter per platform) at the configured delays with ``egresses``."""
    per_platform = accounts / len(PLATFORMS)
    seconds = max(
        per_platform * settings.platform(p).delay / settings.platform(p).concurrency for p in PLATFORMS
    )
    return seconds / egresses / 86_400


async def shared_sweep(
    url: str,
    accounts: list[Any],
    corpus: Path,
    settings: Settings,
    out: Path,
    *,
    workers: int,
    egresses: list[str],
    latency: tuple[float, float] = (0.1, 0.3),
    seed: int = 7,
    walls: dict[str, int] | None = None,
) -> tuple[float, VisitLog]:
    """Sweep ``accounts`` with ``workers`` in-process workers against the latency server; seconds taken.

    ``walls``: the first n requests to a host are walls (``VisitLog.walled`` notes when)."""
    from ..scale.queue import PLATFORMS as QUEUES
    from ..scale.queue import make_app
    from ..scale.runtime import open_runtime
    from ..scale.sweep import run_on_postgres
    from ..scale.worker import work

    log = VisitLog()
    with LatencyServer(HarCorpus.load([corpus]), latency[0], latency[1], seed, walls) as server:
        log.walled = server.walled
        base = f"http://127.0.0.1:{server.port}"
        collectors = {p: LocalCollector(c, base, log) for p, c in default_collectors().items()}
        store = Store(out / "state.sqlite")
        options = ScaleSettings(heartbeat=1.0, stall_timeout=10.0, shutdown_grace=5.0)
        app = make_app(url)
        started = time.monotonic()
        async with app.open_async():
            sweeper = asyncio.create_task(
                run_on_postgres(
                    accounts,
                    store,
                    settings,
                    out,
                    url=url,
                    work_here=False,
                    as_of=AS_OF,
                    options=options,
                    poll=0.2,
                )
            )
            while not (out / "database.json").exists():
                await asyncio.sleep(0.05)
            tasks = []
            runtimes = []
            for index in range(workers):
                runtime = open_runtime(
                    url,
                    settings,
                    platforms=sorted({a.platform for a in accounts}),
                    egress=egresses[index],
                    out_dir=out,
                    concurrency=2,
                    collectors=collectors,
                    options=options,
                )
                runtimes.append(runtime)
                entered = await runtime.__aenter__()
                tasks.append(asyncio.create_task(work(app, entered, platforms=QUEUES, burst=False)))
            try:
                await sweeper
            finally:
                for task in tasks:
                    task.cancel()
                await asyncio.gather(*tasks, return_exceptions=True)
                for runtime in runtimes:
                    await runtime.__aexit__(None, None, None)
        elapsed = time.monotonic() - started
        store.close()
    # The visits' own span (first start to last answer): worker start-up is not the sweep's pace.
    starts = [t for visits in log.started.values() for _, t in visits]
    if starts and log.fetched:
        elapsed = max(log.fetched.values()) - min(starts)
    return elapsed, log


def scale_stage(
    out: Path, *, sizes: tuple[int, ...] = (1, 2, 4), delay: float = 0.5, seconds: float = 10.0
) -> dict[str, Any]:
    """Throughput with 1, 2, 4 workers of distinct egresses; projected national days."""
    from ..scale.cluster import TempCluster, create_database

    base = load_settings()
    settings = polite_settings(base, delay, 1)
    pool, _, scenarios = synthetic_accounts(4_000, 11, AS_OF)
    corpus = write_corpus(scenarios, out / "scale-corpus.har")
    figures: dict[str, Any] = {"delay_s": delay, "runs": {}}
    with TempCluster() as cluster:
        for n in sizes:
            per_platform = max(2, round(seconds / delay) * n)
            accounts, _ = select_accounts(pool, scenarios, {p: per_platform for p in PLATFORMS})
            url = create_database(cluster.url, f"scale{n}")
            elapsed, _ = asyncio.run(
                shared_sweep(
                    url,
                    accounts,
                    corpus,
                    settings,
                    out / f"w{n}",
                    workers=n,
                    egresses=[f"e{i}" for i in range(n)],
                )
            )
            figures["runs"][str(n)] = {
                "accounts": len(accounts),
                "elapsed_s": round(elapsed, 2),
                "per_min": round(len(accounts) / elapsed * 60, 1),
            }
    one = figures["runs"][str(sizes[0])]["per_min"]
    for n in sizes:
        run = figures["runs"][str(n)]
        run["speedup"] = round(run["per_min"] / one, 2)
        run["goal"] = "PASS" if run["speedup"] >= 0.9 * n / sizes[0] else "MISS"
    figures["projected_days_150000"] = {
        str(e): round(projected_days(base, egresses=e), 2) for e in (1, 2, 4, 8)
    }
    return figures


def print_figures(figures: dict[str, Any]) -> None:
    print(f"[scale] politeness-bound sweep, delay {figures['delay_s']} s per platform and egress")
    for n, run in figures["runs"].items():
        print(
            f"  {n} worker(s): {run['accounts']} accounts in {run['elapsed_s']} s = {run['per_min']}/min, "
            f"x{run['speedup']} ({run['goal']}: >= 0.9 x N)"
        )
    days = ", ".join(f"{e} egress(es): {d} d" for e, d in figures["projected_days_150000"].items())
    print(f"  150,000 accounts at the default delays: {days}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newmedia_audit.bench.scale", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--out", type=Path, default=Path("outputs/bench"))
    parser.add_argument("--delay", type=float, default=0.5)
    parser.add_argument("--seconds", type=float, default=10.0, help="politeness floor of each run")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    figures = scale_stage(args.out, delay=args.delay, seconds=args.seconds)
    print_figures(figures)
    (args.out / "scale.json").write_text(json.dumps(figures, indent=2), "utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
