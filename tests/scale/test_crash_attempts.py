"""An account whose visit keeps killing its worker ends as error after ``max_attempts``, not forever.

The doomed account's platform has a worker of its own (one visit at a time),
restarted as a service manager would (systemd ``Restart=always``);
each visit of the doomed account kills its worker, the periodic stalled-job
task puts the visit back, and after ``[scale] max_attempts`` interrupted tries
the account is committed as error (待复核) with the reason. The other
accounts are read normally and nothing committed is visited twice.
"""

from __future__ import annotations

import signal
import time
from pathlib import Path

import pytest

from newmedia_audit.models import Status
from newmedia_audit.scale.store import PgStore
from newmedia_audit.scale.sweep import sweep_id
from newmedia_audit.settings import load_settings
from newmedia_audit.store import Store
from tests.reliability.conftest import synthetic
from tests.scale.conftest import WORKER_ENV, SweepThread, worker_process

MAX_ATTEMPTS = 2
ENV = {**WORKER_ENV, "NEWMEDIA_AUDIT_SCALE__MAX_ATTEMPTS": str(MAX_ATTEMPTS)}


def test_an_account_that_keeps_killing_its_worker_ends_as_error(
    database: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name, value in ENV.items():
        monkeypatch.setenv(name, value)
    settings = load_settings()
    accounts, _, corpus = synthetic(12, 23, tmp_path / "in")
    doomed = next(a for a in accounts if a.platform == "toutiao")
    out = tmp_path / "out"
    store = Store(out / "state.sqlite")
    waiter = SweepThread(database, accounts, store, settings, out)
    waiter.start()
    common = ["--database", database, "--replay", str(corpus), "--out", str(out), "--egress", "e"]
    # The doomed account's platform on a worker of its own, one visit at a time: a crash also
    # interrupts whatever else its worker was visiting, which would count a try for those too.
    others = [arg for p in ("wechat", "weibo", "douyin") for arg in ("--platform", p)]
    steady = worker_process(["worker", *common, *others], ENV)
    doomed_worker = [doomed.account_id, "worker", *common, "--platform", "toutiao", "--concurrency", "1"]
    deaths = 0
    deadline = time.monotonic() + 120
    while waiter.is_alive():
        assert time.monotonic() < deadline, "the sweep did not finish"
        process = worker_process(doomed_worker, ENV, module="tests.scale.crashing_worker")
        while process.poll() is None and waiter.is_alive():
            time.sleep(0.1)
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
            assert process.wait(timeout=30) == 0
        elif process.returncode == -signal.SIGKILL:
            deaths += 1
        else:
            raise AssertionError(process.stderr.read() if process.stderr else process.returncode)
    waiter.join()
    assert waiter.failure is None, waiter.failure
    steady.send_signal(signal.SIGTERM)
    assert steady.wait(timeout=30) == 0, steady.stderr.read() if steady.stderr else ""

    assert deaths == MAX_ATTEMPTS  # each try killed its worker; then the cap, not another try
    observations = store.observations()
    assert len(observations) == len(accounts)
    ended = observations[doomed.key]
    assert ended.status is Status.error and "多次访问均未完成" in ended.detail
    assert all(o.status is not Status.error for k, o in observations.items() if k != doomed.key)
    pg = PgStore(database, sweep_id(out), create=False)
    assert set(pg.finished_visit_counts().values()) == {1}
    pg.close()
    store.close()
