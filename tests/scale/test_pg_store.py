"""The PostgreSQL result store and the politeness rows shared by workers."""

from __future__ import annotations

import time

import psycopg

from newmedia_audit.collect.politeness import Pace
from newmedia_audit.models import Account, Observation, Status
from newmedia_audit.scale.politeness import PgSlot
from newmedia_audit.scale.store import PgStore, mirror_into, redact
from newmedia_audit.store import Store

ACCOUNT = Account(district="市直", unit="某局", name="某局发布", platform="weibo", account_id="123")


def test_a_result_committed_twice_is_kept_once_the_first_time(database: str) -> None:
    store = PgStore(database, "s1", worker="a")
    store.upsert_accounts([ACCOUNT])
    first = store.begin_visit(ACCOUNT)
    store.finish_visit(first, ACCOUNT, Observation(platform="weibo", account_id="123", status=Status.ok))
    again = store.begin_visit(ACCOUNT)
    store.finish_visit(again, ACCOUNT, Observation(platform="weibo", account_id="123", status=Status.error))
    assert store.observations()[ACCOUNT.key].status is Status.ok
    assert store.finished_visit_counts() == {ACCOUNT.key: 2}
    assert PgStore(database, "s2").observations() == {}  # another sweep sees nothing
    store.close()


def test_a_job_reads_its_account_counters_result_and_pause_in_one_row(database: str) -> None:
    store = PgStore(database, "s1", worker="a")
    assert store.job(ACCOUNT.key, "paused") is None  # not enqueued
    store.upsert_accounts([ACCOUNT])
    store.add_wall(ACCOUNT.key)
    first = store.job(ACCOUNT.key, "paused")
    assert first is not None
    assert (first.account, first.walls, first.released, first.done, first.meta) == (
        ACCOUNT,
        1,
        0,
        False,
        None,
    )
    store.set_meta("paused", '{"weibo": {"seen": 20}}')
    store.finish_visit(
        store.begin_visit(ACCOUNT), ACCOUNT, Observation(platform="weibo", account_id="123", status=Status.ok)
    )
    done = store.job(ACCOUNT.key, "paused")
    assert done is not None and done.done and done.meta == {"weibo": {"seen": 20}}
    assert PgStore(database, "s2").job(ACCOUNT.key, "paused") is None  # another sweep's account
    store.close()


def test_results_are_found_by_key_through_an_index(database: str) -> None:
    """Each job asks whether its account already has a result: a scan would grow with the sweep."""
    store = PgStore(database, "s1")
    store.conn.execute("SET enable_seqscan = off")
    query = "EXPLAIN SELECT 1 FROM newmedia_results WHERE sweep = 's1' AND key = 'k'"
    plan = "\n".join(row[0] for row in store.conn.execute(query).fetchall())
    assert "newmedia_results_key" in plan
    store.close()


def test_the_out_dirs_sqlite_mirror_holds_the_same_accounts_and_results(database: str, tmp_path) -> None:
    pg = PgStore(database, "s1")
    pg.upsert_accounts([ACCOUNT])
    pg.finish_visit(
        pg.begin_visit(ACCOUNT), ACCOUNT, Observation(platform="weibo", account_id="123", status=Status.ok)
    )
    pg.count_event("weibo", "wall", "captcha")
    local = Store(tmp_path / "state.sqlite")
    assert mirror_into(pg, local) == 1
    assert mirror_into(pg, local) == 0
    assert local.accounts() == [ACCOUNT] and set(local.observations()) == {ACCOUNT.key}
    assert local.events() == [("weibo", "wall", "captcha", 1)]
    local.close()
    pg.close()


def test_a_url_is_remembered_without_its_password() -> None:
    assert (
        redact("postgresql://audit:s3cret@db.example:5432/audit")
        == "postgresql://audit@db.example:5432/audit"
    )
    assert redact("postgresql://audit@db/audit") == "postgresql://audit@db/audit"


def test_starts_reserved_by_two_workers_keep_the_interval(database: str) -> None:
    delay, jitter = 0.2, 0.5
    slots = [
        PgSlot(PgStore(database, "s", worker=w), "weibo", "egress-1", Pace(delay=delay, jitter=jitter))
        for w in ("a", "b")
    ]
    starts = []
    for i in range(8):
        wait, _ = slots[i % 2].reserve()
        starts.append(time.monotonic() + wait)
    gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
    assert min(gaps) >= delay * (1 - jitter) - 0.05
    assert abs((starts[-1] - starts[0]) - 7 * delay) <= delay * jitter + 0.05  # no drift
    other = PgSlot(PgStore(database, "s"), "weibo", "egress-2", Pace(delay=delay))
    assert other.reserve()[0] == 0.0  # another egress has its own row


def test_a_wall_seen_by_one_worker_pauses_the_platform_for_the_others(database: str) -> None:
    a, b = (
        PgSlot(PgStore(database, "s"), "douyin", "e", Pace(delay=0.01, cooldown=2.0, breaker_threshold=1))
        for _ in range(2)
    )
    a.reserve()
    walls = b.walls_total()
    a.record_wall()
    assert b.reserve()[0] >= 1.9
    assert b.walls_total() == walls + 1  # a visit that waited sees the wall and reserves again
    a.record_success()


def test_visits_in_flight_of_one_egress_are_capped_across_workers(database: str) -> None:
    a_store, b_store = PgStore(database, "s"), PgStore(database, "s")
    a, b = (PgSlot(store, "wechat", "e", Pace(delay=1.0, concurrency=2)) for store in (a_store, b_store))
    other_egress = PgSlot(PgStore(database, "s"), "wechat", "f", Pace(delay=1.0, concurrency=2))
    assert a.try_lease() == 0 and b.try_lease() == 1
    assert a.try_lease() is None and b.try_lease() is None  # both places of the egress are taken
    assert other_egress.try_lease() == 0  # another egress has its own places
    b.drop_lease(1)
    assert a.try_lease() == 1
    a_store.close()  # a worker that dies drops its connection, and its leases with it
    deadline = time.monotonic() + 10  # once its server process has ended, which takes a moment
    while (got := b.try_lease()) is None and time.monotonic() < deadline:
        time.sleep(0.02)
    assert got == 0 and b.try_lease() == 1


def test_a_store_opened_on_a_current_schema_locks_no_table(database: str, monkeypatch) -> None:
    """Workers start beside busy ones: DDL on tables in use deadlocked with their commits."""
    PgStore(database, "s").close()  # creates the schema
    monkeypatch.setenv("PGOPTIONS", "-c lock_timeout=3s")  # a wait for a lock fails the test
    busy = psycopg.connect(database)
    busy.execute("LOCK TABLE newmedia_results, newmedia_visits IN ACCESS EXCLUSIVE MODE")
    try:
        opened = PgStore(database, "s", worker="late")  # would wait for the lock (and time out)
        opened.conn.close()
    finally:
        busy.rollback()
        busy.close()
