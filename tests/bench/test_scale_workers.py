"""The scale bench's worker processes: the server notes the visits, workers start and stop cleanly."""

from __future__ import annotations

import asyncio
import os
import time
from datetime import date
from pathlib import Path

import httpx
import pytest

from newmedia_audit.bench.live import LatencyServer, LocalCollector, VisitLog, polite_settings, visit_urls
from newmedia_audit.bench.scale import WorkerProcesses, scale_stage
from newmedia_audit.collect.replay import HarCorpus
from newmedia_audit.collect.sweep import default_collectors
from newmedia_audit.scale.cluster import server_bin
from newmedia_audit.settings import Settings
from newmedia_audit.synth.corpus import synthetic_accounts, write_corpus

AS_OF = date(2022, 6, 20)


def _scale_workers_of_this_process() -> list[int]:
    """Live ``scale_worker`` processes whose ``--parent`` is this process."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            argv = (entry / "cmdline").read_bytes().split(b"\0")
        except OSError:
            continue
        if b"newmedia_audit.bench.scale_worker" in argv and str(os.getpid()).encode() in argv:
            found.append(int(entry.name))
    return found


def test_the_server_notes_each_visit_of_an_account_from_its_requests(tmp_path: Path) -> None:
    accounts, _, scenarios = synthetic_accounts(20, 7, AS_OF)
    corpus = write_corpus(scenarios, tmp_path / "corpus.har")
    account = next(a for a in accounts if a.platform == "toutiao")
    collectors = default_collectors()
    log = VisitLog()
    visits = visit_urls(accounts, collectors)
    with LatencyServer(HarCorpus.load([corpus]), 0.05, 0.05, 1, log=log, visits=visits) as server:
        local = LocalCollector(collectors["toutiao"], server.base)
        urls = [*local.api_urls(account.account_id).values(), local.page_url(account.account_id)]

        async def visit() -> None:
            async with httpx.AsyncClient() as client:
                # A URL asked for again may be a miss (the corpus answers it once): still an answer.
                await asyncio.gather(*(client.get(url) for url in urls), return_exceptions=True)

        asyncio.run(visit())
        asyncio.run(visit())  # the account again: a second visit
        with pytest.raises(httpx.HTTPError):  # nobody's URL (a miss): in the span only
            httpx.get(f"{server.base}/example.com/elsewhere")
    starts = log.started["toutiao"]
    assert [a for a, _ in starts] == [account.account_id] * 2
    assert starts[0][1] < starts[1][1] <= log.fetched[("toutiao", account.account_id)]
    assert set(log.started) == {"toutiao"} and len(log.fetched) == 1
    assert server.first_at == starts[0][1] and server.last_at is not None
    assert server.last_at > log.fetched[("toutiao", account.account_id)]


def test_a_worker_that_dies_at_start_is_reported_with_its_log_and_none_is_left(tmp_path: Path) -> None:
    processes = WorkerProcesses(
        "postgresql://nobody@127.0.0.1:1/none",  # nothing listens: the runtime cannot open
        "http://127.0.0.1:9",
        polite_settings(Settings(), 0.1, 1),
        tmp_path,
        egresses=["a", "b"],
        platforms=["toutiao"],
        concurrency=1,
        grace=5.0,
    )
    with pytest.raises(RuntimeError, match="scale worker . exited with 1"), processes:
        asyncio.run(processes.wait_ready(timeout=60))
    assert all(code is not None for code in processes.returncodes)
    assert _scale_workers_of_this_process() == []


@pytest.mark.skipif(server_bin() is None, reason="PostgreSQL 未安装")
def test_the_scale_stage_runs_worker_processes_and_stops_them(tmp_path: Path) -> None:
    started = time.monotonic()
    figures = scale_stage(tmp_path, sizes=(1, 2), delay=0.1, seconds=0.4)
    assert time.monotonic() - started < 120
    for n, run in figures["runs"].items():
        assert run["accounts"] == 4 * 4 * int(n)  # four per platform and worker
        assert run["elapsed_s"] > 0 and run["workers_cpu_s"] > 0
        assert set(run["load_avg_1m"]) == {"start", "end"}
        assert (tmp_path / f"w{n}" / f"worker-{int(n) - 1}.ready").exists()
    assert _scale_workers_of_this_process() == []
