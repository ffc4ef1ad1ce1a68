"""Two worker processes share a 300-account sweep; one is SIGKILLed mid-sweep and replaced.

The verdicts equal, account by account, those of the single-machine SQLite
sweep of the same corpus and settings, and no account with a committed
result was visited again (the killed worker's visits are put back by the
periodic stalled-job task; a retried job whose account is done does nothing).
"""

from __future__ import annotations

import os
import signal
import subprocess
import time
from pathlib import Path

import pytest

from newmedia_audit.scale.store import PgStore
from newmedia_audit.scale.sweep import sweep_id
from newmedia_audit.settings import load_settings
from newmedia_audit.store import Store
from tests.reliability.conftest import run_sweep, synthetic, verdicts
from tests.scale.conftest import WORKER_ENV, SweepThread, worker_process

N = 300
ENV = WORKER_ENV


def worker(database: str, corpus: Path, out: Path, egress: str) -> subprocess.Popen[bytes]:
    args = ["worker", "--database", database, "--replay", str(corpus), "--egress", egress]
    return worker_process([*args, "--out", str(out), "--concurrency", "2"], ENV)


def test_a_worker_killed_mid_sweep_loses_and_repeats_nothing(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    accounts, filings, corpus = synthetic(N, 17, tmp_path / "in")
    _, control = run_sweep(accounts, corpus, tmp_path / "control", settings)
    expected = verdicts(control, filings, settings)
    control.close()

    out = tmp_path / "out"
    store = Store(out / "state.sqlite")
    waiter = SweepThread(database, accounts, store, settings, out)
    waiter.start()
    waiter.wait_enqueued()
    pg = PgStore(database, sweep_id(out), create=False)
    workers = [
        worker(database, corpus, out, "egress-a"),
        worker(database, corpus, out, "egress-b"),
    ]
    deadline = time.monotonic() + 60
    while pg.results_count() < N // 3:
        assert time.monotonic() < deadline, "the workers made no progress"
        time.sleep(0.05)
    os.killpg(workers[0].pid, signal.SIGKILL)
    workers[0].wait(timeout=10)
    workers.append(worker(database, corpus, out, "egress-c"))
    waiter.join(timeout=120)
    assert not waiter.is_alive() and waiter.failure is None, waiter.failure
    for process in workers[1:]:
        process.send_signal(signal.SIGTERM)
    for process in workers[1:]:
        assert process.wait(timeout=30) == 0, process.stderr.read() if process.stderr else ""

    assert verdicts(store, filings, settings) == expected
    counts = pg.finished_visit_counts()
    assert len(counts) == N and set(counts.values()) == {1}  # nothing committed was visited again
    store.close()
    pg.close()
