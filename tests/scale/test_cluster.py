"""The throwaway cluster the national-sweep tests run on."""

from __future__ import annotations

import subprocess
import sys

import psycopg
import pytest

from newmedia_audit.scale.cluster import OWNER, TempCluster, reap_orphans


def test_a_fresh_database_answers_with_the_servers_clock(database: str) -> None:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT current_database(), clock_timestamp() IS NOT NULL").fetchone()
    assert row is not None and row[0].startswith("t") and row[1] is True


def test_a_cluster_whose_owner_died_is_stopped_and_removed_by_the_next(pg_cluster: TempCluster) -> None:
    """A test run killed with SIGKILL cannot stop its cluster; the next start does."""
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()
    orphan = TempCluster(pg_cluster.bin).start()
    (orphan.root / OWNER).write_text(str(dead.pid), "ascii")
    live = pg_cluster.root  # owned by this process: left alone
    assert orphan.root in reap_orphans(pg_cluster.bin)
    assert not orphan.root.exists() and live.exists()
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(orphan.url, connect_timeout=2)
    with psycopg.connect(pg_cluster.url) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
