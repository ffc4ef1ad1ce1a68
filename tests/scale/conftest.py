"""A throwaway PostgreSQL cluster for the national-sweep tests, one fresh database per test.

The cluster runs on 127.0.0.1 in a temporary directory (as the ``postgres``
user when the tests run as root) and is stopped afterwards. The tests are
skipped only when no PostgreSQL server is installed (``make test`` installs
Debian's ``postgresql``).
"""

from __future__ import annotations

import asyncio
import itertools
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from newmedia_audit.collect.visit import SweepStats
from newmedia_audit.models import Account
from newmedia_audit.scale.cluster import TempCluster, create_database, server_bin
from newmedia_audit.scale.sweep import run_on_postgres
from newmedia_audit.settings import ScaleSettings, Settings
from newmedia_audit.store import Store
from tests.reliability.conftest import AS_OF, ROOT

_numbers = itertools.count()

# Worker processes in the tests: httpx everywhere (no browser), a quick heartbeat and stall timeout.
WORKER_ENV = {
    **{f"NEWMEDIA_AUDIT_{p}__USE_HTTPX": "true" for p in ("WECHAT", "WEIBO", "DOUYIN", "TOUTIAO")},
    "NEWMEDIA_AUDIT_SCALE__HEARTBEAT": "0.5",
    "NEWMEDIA_AUDIT_SCALE__STALL_TIMEOUT": "2",
}


def worker_process(
    args: list[str], env: Mapping[str, str], module: str = "newmedia_audit.cli"
) -> subprocess.Popen[bytes]:
    """``python -m module ARGS`` (the CLI's worker, or a test's variant of it) in its own session."""
    return subprocess.Popen(
        [sys.executable, "-m", module, *args],
        cwd=ROOT,
        env=dict(os.environ, PYTHONPATH=str(ROOT), **env),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[TempCluster]:
    if server_bin() is None:
        pytest.skip(
            "PostgreSQL 未安装（/usr/lib/postgresql/*/bin/initdb 不存在），make test 会用 apt-get 安装"
        )
    with TempCluster() as cluster:
        yield cluster


@pytest.fixture
def database(pg_cluster: TempCluster) -> str:
    """The URL of a fresh, empty database."""
    return create_database(pg_cluster.url, f"t{next(_numbers)}")


async def enqueue_and_wait(
    database: str,
    accounts: list[Account],
    store: Store,
    settings: Settings,
    out: Path,
    options: ScaleSettings | None = None,
) -> SweepStats:
    """The sweep command with ``--no-work``: enqueue, wait for the workers, mirror into ``store``."""
    return await run_on_postgres(
        accounts,
        store,
        settings,
        out,
        url=database,
        work_here=False,
        as_of=AS_OF,
        options=options or settings.scale,
        poll=0.1,
    )


class SweepThread(threading.Thread):
    """``enqueue_and_wait`` in a thread while worker processes do the work; its failure is kept."""

    def __init__(self, database: str, accounts: list[Account], store: Store, settings: Settings, out: Path):
        super().__init__(daemon=True)
        self.args_ = (database, accounts, store, settings, out)
        self.out = out
        self.failure: BaseException | None = None

    def run(self) -> None:
        try:
            asyncio.run(enqueue_and_wait(*self.args_))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.failure = exc

    def wait_enqueued(self, timeout: float = 60) -> None:
        """Until the sweep is in the queue (the out dir remembers the database)."""
        deadline = time.monotonic() + timeout
        while not (self.out / "database.json").exists():
            assert time.monotonic() < deadline and self.is_alive(), (
                self.failure or "the sweep was not enqueued"
            )
            time.sleep(0.05)
