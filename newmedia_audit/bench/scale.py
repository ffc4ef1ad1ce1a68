"""Scale stage: a politeness-bound sweep shared by 1, 2 and 4 workers of distinct egresses.

``python -m newmedia_audit.bench.scale``. A local server answers from a
synthetic corpus after 100-300 ms; every platform is on the httpx path with
a short delay; N worker processes (``bench/scale_worker.py``, each its own
egress, so its own politeness rows in PostgreSQL) share one sweep through a
throwaway PostgreSQL cluster, as worker machines would. The server runs in a
thread of this process, which otherwise only enqueues and waits; it times
the sweep itself (first request to last answer). Throughput should grow with
N (goal: at least 0.9 × N times the one-worker figure). Then the projected
days for 150,000 accounts at the default delays of rules.toml, per number of
egresses.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import signal
import subprocess
import sys
import time
from datetime import date
from pathlib import Path
from typing import Any

from ..collect.replay import HarCorpus
from ..collect.sweep import default_collectors
from ..settings import ScaleSettings, Settings, load_settings
from ..store import Store
from ..synth.corpus import synthetic_accounts, write_corpus
from .live import PLATFORMS, LatencyServer, VisitLog, polite_settings, select_accounts, visit_urls
from .sweeps import load_average

AS_OF = date(2022, 6, 20)
NATIONAL = 150_000
ROOT = Path(__file__).resolve().parents[2]  # where ``python -m newmedia_audit...`` runs


def projected_days(settings: Settings, accounts: int = NATIONAL, egresses: int = 1) -> float:
    """Days for ``accounts`` (a quarter per platform) at the configured delays with ``egresses``."""
    per_platform = accounts / len(PLATFORMS)
    seconds = max(
        per_platform * settings.platform(p).delay / settings.platform(p).concurrency for p in PLATFORMS
    )
    return seconds / egresses / 86_400


class WorkerProcesses:
    """``scale_worker`` processes, one per egress: started, ready, then stopped (SIGTERM, wait).

    Each runs in its own session (a Ctrl-C reaches the bench, which stops them) and ends with
    the bench process should that one die. Leaving the block stops every one still running:
    SIGTERM, ``grace`` seconds, then SIGKILL. Their stderr goes to ``out/worker-N.log``.
    """

    def __init__(
        self,
        url: str,
        server: str,
        settings: Settings,
        out: Path,
        *,
        egresses: list[str],
        platforms: list[str],
        concurrency: int,
        grace: float,
    ) -> None:
        self.url, self.server, self.settings, self.out = url, server, settings, out
        self.egresses, self.platforms, self.concurrency = egresses, platforms, concurrency
        self.grace = grace
        self.processes: list[subprocess.Popen[bytes]] = []
        self.returncodes: list[int] = []

    def _log(self, index: int) -> Path:
        return self.out / f"worker-{index}.log"

    def _ready(self, index: int) -> Path:
        return self.out / f"worker-{index}.ready"

    def start(self) -> None:
        self.out.mkdir(parents=True, exist_ok=True)
        settings_file = self.out / "worker-settings.json"
        settings_file.write_text(self.settings.model_dump_json(), "utf-8")
        # The settings are the file's alone: an environment override would undo the bench's pace.
        env = {k: v for k, v in os.environ.items() if not k.startswith("NEWMEDIA_AUDIT_")}
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        for index, egress in enumerate(self.egresses):
            self._ready(index).unlink(missing_ok=True)
            command = [
                sys.executable,
                "-m",
                "newmedia_audit.bench.scale_worker",
                *("--database", self.url, "--server", self.server, "--settings", str(settings_file)),
                *("--egress", egress, "--out", str(self.out), "--ready", str(self._ready(index))),
                *(f"--platform={p}" for p in self.platforms),
                *("--concurrency", str(self.concurrency), "--parent", str(os.getpid())),
            ]
            with self._log(index).open("wb") as log:
                self.processes.append(
                    subprocess.Popen(
                        command,
                        cwd=ROOT,
                        env=env,
                        stdin=subprocess.DEVNULL,
                        stdout=log,
                        stderr=subprocess.STDOUT,
                        start_new_session=True,
                    )
                )

    def check(self) -> None:
        """Raises RuntimeError when a worker has exited (none should before it is stopped)."""
        for index, process in enumerate(self.processes):
            if process.poll() is not None:
                tail = self._log(index).read_text("utf-8", errors="replace")[-2000:]
                raise RuntimeError(f"scale worker {index} exited with {process.returncode}:\n{tail}")

    async def wait_ready(self, timeout: float = 120.0) -> None:
        """Until every worker can take jobs."""
        deadline = time.monotonic() + timeout
        while not all(self._ready(i).exists() for i in range(len(self.processes))):
            self.check()
            if time.monotonic() > deadline:
                raise RuntimeError(f"scale workers not ready after {timeout:g} s")
            await asyncio.sleep(0.05)

    def stop(self) -> None:
        """SIGTERM every worker still running, wait for them (SIGKILL after the grace)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        deadline = time.monotonic() + self.grace
        for process in self.processes:
            try:
                process.wait(timeout=max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        self.returncodes = [process.returncode for process in self.processes]

    def __enter__(self) -> WorkerProcesses:
        try:
            self.start()
        except BaseException:
            self.stop()
            raise
        return self

    def __exit__(self, kind: type[BaseException] | None, *exc: object) -> None:
        self.stop()
        for index, code in enumerate(self.returncodes):
            if code != 0 and kind is None:  # the figures stand; a shutdown that was not clean is told
                print(f"[scale] worker {index} ended with {code}, see {self._log(index)}", file=sys.stderr)


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
    concurrency: int = 2,
) -> tuple[float, VisitLog]:
    """Sweep ``accounts`` with ``workers`` worker processes against the latency server; seconds taken.

    The seconds are the visits' own span, first request to last answer as the server saw them
    (a worker's start-up is not the sweep's pace). The server notes the visits in the log
    (``LatencyServer``'s ``visits``). ``walls``: the first n requests to a host are walls
    (``VisitLog.walled`` notes when)."""
    from ..scale.queue import ensure_schema, make_app
    from ..scale.sweep import run_on_postgres

    options = ScaleSettings(heartbeat=1.0, stall_timeout=10.0, shutdown_grace=5.0)
    log = VisitLog()
    visits = visit_urls(accounts, default_collectors())
    server = LatencyServer(
        HarCorpus.load([corpus]), latency[0], latency[1], seed, walls, log=log, visits=visits
    )
    with server:
        log.walled = server.walled
        app = make_app(url)
        async with app.open_async():
            await ensure_schema(app, url)  # before the workers listen to the queue
        processes = WorkerProcesses(
            url,
            server.base,
            settings.model_copy(update={"scale": options}),
            out,
            egresses=egresses[:workers],
            platforms=sorted({a.platform for a in accounts}),
            concurrency=concurrency,
            grace=options.shutdown_grace + 15.0,
        )
        store = Store(out / "state.sqlite")
        try:
            with processes:
                await processes.wait_ready()
                started = time.monotonic()
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
                try:
                    while not sweeper.done():
                        await asyncio.wait({sweeper}, timeout=0.5)
                        processes.check()
                    sweeper.result()
                finally:
                    sweeper.cancel()
                    await asyncio.gather(sweeper, return_exceptions=True)
                elapsed = time.monotonic() - started
        finally:
            store.close()
    if server.first_at is not None and server.last_at is not None:
        elapsed = server.last_at - server.first_at
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
            load_start, cpu_start = load_average(), time.process_time()
            children_start = resource.getrusage(resource.RUSAGE_CHILDREN)
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
            children = resource.getrusage(resource.RUSAGE_CHILDREN)
            figures["runs"][str(n)] = {
                "accounts": len(accounts),
                "elapsed_s": round(elapsed, 2),
                "per_min": round(len(accounts) / elapsed * 60, 1),
                # Other work on the machine (a MISS under load says little about the workers).
                "load_avg_1m": {"start": load_start, "end": load_average()},
                # CPU of the worker processes together, and of this one (server, enqueue, wait).
                "workers_cpu_s": round(
                    children.ru_utime + children.ru_stime - children_start.ru_utime - children_start.ru_stime,
                    2,
                ),
                "bench_cpu_s": round(time.process_time() - cpu_start, 2),
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
            + (
                f"; load {run['load_avg_1m']['start']} -> {run['load_avg_1m']['end']}, "
                f"CPU {run['workers_cpu_s']} s in the workers"
                if "load_avg_1m" in run
                else ""
            )
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
