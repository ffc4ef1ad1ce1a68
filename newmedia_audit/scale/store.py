"""The national sweep's results in PostgreSQL: one row per (sweep, platform, account), written once.

Every worker commits its visits here (``PgStore`` is a result sink, like the
SQLite ``Store``): a visit is leased, then its observation is inserted with
``ON CONFLICT DO NOTHING``, so a job that runs twice (a killed worker's job
retried) is counted once. Evidence files stay on the worker's disk (its
``--out`` or the shared folder ``[scale] evidence_dir``); each result records
that root. The rules and reports read the results through the sweep's own
SQLite file (``mirror_into``), exactly as after a single-machine sweep.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import psycopg

from ..errors import OutputError
from ..models import Account, Observation
from ..store import Store

SCHEMA = """
CREATE TABLE IF NOT EXISTS newmedia_sweeps (
    sweep TEXT PRIMARY KEY, out_dir TEXT NOT NULL, as_of TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now());
CREATE TABLE IF NOT EXISTS newmedia_accounts (
    sweep TEXT NOT NULL, key TEXT NOT NULL, position INTEGER NOT NULL, platform TEXT NOT NULL,
    data TEXT NOT NULL, walls INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (sweep, key));
CREATE TABLE IF NOT EXISTS newmedia_results (
    sweep TEXT NOT NULL, platform TEXT NOT NULL, account TEXT NOT NULL, key TEXT NOT NULL,
    status TEXT NOT NULL, data TEXT NOT NULL, evidence_root TEXT NOT NULL, worker TEXT NOT NULL,
    committed_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    PRIMARY KEY (sweep, platform, account));
CREATE TABLE IF NOT EXISTS newmedia_visits (
    id BIGSERIAL PRIMARY KEY, sweep TEXT NOT NULL, key TEXT NOT NULL, platform TEXT NOT NULL,
    worker TEXT NOT NULL, started_at TIMESTAMPTZ NOT NULL DEFAULT clock_timestamp(),
    finished_at TIMESTAMPTZ, status TEXT, kept BOOLEAN);
CREATE INDEX IF NOT EXISTS newmedia_visits_key ON newmedia_visits (sweep, key);
CREATE TABLE IF NOT EXISTS newmedia_events (
    sweep TEXT NOT NULL, platform TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,
    count INTEGER NOT NULL, PRIMARY KEY (sweep, platform, kind, reason));
CREATE TABLE IF NOT EXISTS newmedia_meta (
    sweep TEXT NOT NULL, key TEXT NOT NULL, value TEXT NOT NULL, PRIMARY KEY (sweep, key));
CREATE TABLE IF NOT EXISTS newmedia_politeness (
    platform TEXT NOT NULL, egress TEXT NOT NULL, last_start TIMESTAMPTZ NOT NULL,
    next_start TIMESTAMPTZ NOT NULL, paused_until TIMESTAMPTZ NOT NULL DEFAULT '-infinity',
    phase DOUBLE PRECISION, walls_in_row INTEGER NOT NULL DEFAULT 0, PRIMARY KEY (platform, egress));
ALTER TABLE newmedia_politeness ADD COLUMN IF NOT EXISTS walls_total BIGINT NOT NULL DEFAULT 0;
ALTER TABLE newmedia_accounts ADD COLUMN IF NOT EXISTS released INTEGER NOT NULL DEFAULT 0;
CREATE INDEX IF NOT EXISTS newmedia_results_key ON newmedia_results (sweep, key);
"""
# Accounts and results per platform of one sweep (the sweep's progress bars and ``status``).
PLATFORM_COUNTS = (
    "SELECT a.platform, count(*), count(r.key) FROM newmedia_accounts a "
    "LEFT JOIN newmedia_results r ON r.sweep = a.sweep AND r.key = a.key "
    "WHERE a.sweep = %s GROUP BY 1 ORDER BY 1"
)
_SCHEMA_LOCK = 7_241_017  # pg_advisory_xact_lock: workers starting together create the tables once


def account_part(account: Account) -> str:
    """The account part of the result key: the id, or the name where no id exists."""
    return account.key.split("|", 1)[1]


def connect(url: str) -> psycopg.Connection[Any]:
    """An autocommit connection; a refused connection is the user's to fix (Chinese message)."""
    try:
        return psycopg.connect(url, autocommit=True)
    except psycopg.Error as exc:
        raise OutputError(f"无法连接 PostgreSQL（{redact(url)}）：{exc}") from exc


def redact(url: str) -> str:
    """The URL without its password (what an out dir remembers and messages show)."""
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(url)
    if parts.password is None:
        return url
    host = parts.hostname or ""
    if parts.port:
        host = f"{host}:{parts.port}"
    user = f"{parts.username}@" if parts.username else ""
    return urlunsplit(parts._replace(netloc=user + host))


SCHEMA_VERSION = 3  # raise it whenever SCHEMA changes


def schema_version(conn: psycopg.Connection[Any]) -> int:
    row = conn.execute("SELECT to_regclass('newmedia_schema') IS NOT NULL").fetchone()
    if not row or not row[0]:
        return 0
    found = conn.execute("SELECT max(version) FROM newmedia_schema").fetchone()
    return int(found[0]) if found and found[0] is not None else 0


def migrate(conn: psycopg.Connection[Any]) -> None:
    """Create or upgrade the tables, once per schema version.

    A current schema is left alone: its DDL would lock the tables in use (CREATE INDEX
    IF NOT EXISTS takes a share lock even when the index exists), and a worker starting
    beside busy ones deadlocked with their commits."""
    if schema_version(conn) >= SCHEMA_VERSION:
        return
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_SCHEMA_LOCK,))
        if schema_version(conn) >= SCHEMA_VERSION:
            return  # another worker migrated while this one waited
        for statement in SCHEMA.split(";"):
            if statement.strip():
                conn.execute(statement)  # type: ignore[arg-type]
        conn.execute("CREATE TABLE IF NOT EXISTS newmedia_schema (version INTEGER NOT NULL)")
        conn.execute("DELETE FROM newmedia_schema")
        conn.execute("INSERT INTO newmedia_schema VALUES (%s)", (SCHEMA_VERSION,))


@dataclass(frozen=True)
class JobRow:
    """What a job needs before its visit, read in one statement."""

    account: Account
    walls: int  # walls its visits met so far (requeues, not failed tries)
    released: int  # visits given up at SIGTERM (not failed tries either)
    done: bool  # a result is committed: a retried job of a killed worker visits nothing
    meta: object  # the sweep's meta value asked for (JSON), None when unset


class PgStore:
    """One sweep's accounts and results in PostgreSQL (a result sink for the visit)."""

    def __init__(
        self, url: str, sweep: str, *, worker: str = "", evidence_root: str = "", create: bool = True
    ) -> None:
        self.url = url
        self.sweep = sweep
        self.worker = worker
        self.evidence_root = evidence_root
        self.conn = connect(url)
        self._lock = threading.Lock()
        if create:
            migrate(self.conn)

    def close(self) -> None:
        self.conn.close()

    @contextmanager
    def _db(self) -> Iterator[psycopg.Connection[Any]]:
        with self._lock:
            try:
                yield self.conn
            except psycopg.Error as exc:
                raise OutputError(f"无法写入 PostgreSQL（{redact(self.url)}）：{exc}") from exc

    # -- the sweep ------------------------------------------------------------
    def register(self, out_dir: str, as_of: str | None) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO newmedia_sweeps (sweep, out_dir, as_of) VALUES (%s, %s, %s) "
                "ON CONFLICT (sweep) DO UPDATE SET out_dir = EXCLUDED.out_dir, as_of = EXCLUDED.as_of",
                (self.sweep, out_dir, as_of),
            )

    def sweep_row(self) -> tuple[str, str | None] | None:
        """(out_dir, as_of) of the sweep, None when it was never enqueued."""
        with self._db() as db:
            row = db.execute(
                "SELECT out_dir, as_of FROM newmedia_sweeps WHERE sweep = %s", (self.sweep,)
            ).fetchone()
        return (row[0], row[1]) if row else None

    def set_meta(self, key: str, value: str) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO newmedia_meta VALUES (%s, %s, %s) "
                "ON CONFLICT (sweep, key) DO UPDATE SET value = EXCLUDED.value",
                (self.sweep, key, value),
            )

    def get_meta(self, key: str) -> str | None:
        with self._db() as db:
            row = db.execute(
                "SELECT value FROM newmedia_meta WHERE sweep = %s AND key = %s", (self.sweep, key)
            ).fetchone()
        return row[0] if row else None

    def meta_json(self, key: str) -> object:
        raw = self.get_meta(key)
        return json.loads(raw) if raw else None

    # -- accounts -------------------------------------------------------------
    def upsert_accounts(self, accounts: Iterable[Account]) -> None:
        rows = [(self.sweep, a.key, i, a.platform, a.model_dump_json()) for i, a in enumerate(accounts)]
        with self._db() as db, db.transaction(), db.cursor() as cur:
            cur.executemany(
                "INSERT INTO newmedia_accounts (sweep, key, position, platform, data) "
                "VALUES (%s, %s, %s, %s, %s) ON CONFLICT (sweep, key) DO UPDATE SET data = EXCLUDED.data",
                rows,
            )

    def accounts(self) -> list[Account]:
        with self._db() as db:
            rows = db.execute(
                "SELECT data FROM newmedia_accounts WHERE sweep = %s ORDER BY position", (self.sweep,)
            ).fetchall()
        return [Account.model_validate_json(r[0]) for r in rows]

    def job(self, key: str, meta_key: str) -> JobRow | None:
        """The account of a job with its counters, whether it is done, and one meta value."""
        with self._db() as db:
            row = db.execute(
                "SELECT a.data, a.walls, a.released, "
                "EXISTS (SELECT 1 FROM newmedia_results r WHERE r.sweep = a.sweep AND r.key = a.key), "
                "(SELECT m.value FROM newmedia_meta m WHERE m.sweep = a.sweep AND m.key = %s) "
                "FROM newmedia_accounts a WHERE a.sweep = %s AND a.key = %s",
                (meta_key, self.sweep, key),
            ).fetchone()
        if row is None:
            return None
        return JobRow(
            account=Account.model_validate_json(row[0]),
            walls=int(row[1]),
            released=int(row[2]),
            done=bool(row[3]),
            meta=json.loads(row[4]) if row[4] else None,
        )

    def add_wall(self, key: str) -> None:
        with self._db() as db:
            db.execute(
                "UPDATE newmedia_accounts SET walls = walls + 1 WHERE sweep = %s AND key = %s",
                (self.sweep, key),
            )

    # -- results ----------------------------------------------------------------
    def finished_keys(self) -> set[str]:
        with self._db() as db:
            rows = db.execute("SELECT key FROM newmedia_results WHERE sweep = %s", (self.sweep,)).fetchall()
        return {r[0] for r in rows}

    def pending(self, accounts: Iterable[Account]) -> list[Account]:
        done = self.finished_keys()
        return [a for a in accounts if a.key not in done]

    def platform_counts(self) -> dict[str, tuple[int, int]]:
        """Platform -> (accounts, results) of the sweep."""
        with self._db() as db:
            rows = db.execute(PLATFORM_COUNTS, (self.sweep,)).fetchall()  # type: ignore[arg-type]
        return {p: (int(n), int(d)) for p, n, d in rows}

    def results_count(self) -> int:
        """Results committed for the sweep."""
        return sum(done for _, done in self.platform_counts().values())

    def begin_visit(self, account: Account) -> int:
        with self._db() as db:
            row = db.execute(
                "INSERT INTO newmedia_visits (sweep, key, platform, worker) VALUES (%s, %s, %s, %s) RETURNING id",
                (self.sweep, account.key, account.platform, self.worker),
            ).fetchone()
        assert row is not None
        return int(row[0])

    def finish_visit(self, visit_id: int, account: Account, observation: Observation) -> None:
        """Insert the result once; a second commit of the same account keeps the first."""
        with self._db() as db, db.transaction():
            row = db.execute(
                "INSERT INTO newmedia_results (sweep, platform, account, key, status, data, evidence_root, worker) "
                "VALUES (%s, %s, %s, %s, %s, %s, %s, %s) ON CONFLICT DO NOTHING RETURNING 1",
                (
                    self.sweep,
                    account.platform,
                    account_part(account),
                    account.key,
                    observation.status.value,
                    observation.model_dump_json(),
                    self.evidence_root,
                    self.worker,
                ),
            ).fetchone()
            db.execute(
                "UPDATE newmedia_visits SET finished_at = clock_timestamp(), status = %s, kept = %s WHERE id = %s",
                (observation.status.value, row is not None, visit_id),
            )

    def release_visits(self, key: str) -> None:
        """This worker's unfinished visits of an account were given up (SIGTERM): marked released,
        and not counted against the account's attempts."""
        with self._db() as db, db.transaction():
            db.execute(
                "UPDATE newmedia_accounts SET released = released + 1 WHERE sweep = %s AND key = %s",
                (self.sweep, key),
            )
            db.execute(
                "UPDATE newmedia_visits SET status = 'released' "
                "WHERE sweep = %s AND key = %s AND worker = %s AND finished_at IS NULL",
                (self.sweep, key, self.worker),
            )

    def reopen(self, keys: Iterable[str]) -> None:
        with self._db() as db, db.transaction(), db.cursor() as cur:
            cur.executemany(
                "DELETE FROM newmedia_results WHERE sweep = %s AND key = %s", [(self.sweep, k) for k in keys]
            )

    def observations(self) -> dict[str, Observation]:
        with self._db() as db:
            rows = db.execute(
                "SELECT key, data FROM newmedia_results WHERE sweep = %s", (self.sweep,)
            ).fetchall()
        return {k: Observation.model_validate_json(d) for k, d in rows}

    def finished_visit_counts(self) -> dict[str, int]:
        """Finished visits per account whose result was kept or not (a rerun must keep each at 1)."""
        with self._db() as db:
            rows = db.execute(
                "SELECT key, COUNT(*) FROM newmedia_visits WHERE sweep = %s AND finished_at IS NOT NULL "
                "GROUP BY key",
                (self.sweep,),
            ).fetchall()
        return {k: int(n) for k, n in rows}

    # -- events ------------------------------------------------------------------
    def count_event(self, platform: str, kind: str, reason: str) -> None:
        with self._db() as db:
            db.execute(
                "INSERT INTO newmedia_events VALUES (%s, %s, %s, %s, 1) "
                "ON CONFLICT (sweep, platform, kind, reason) DO UPDATE SET count = newmedia_events.count + 1",
                (self.sweep, platform, kind, reason),
            )

    def events(self) -> list[tuple[str, str, str, int]]:
        with self._db() as db:
            rows = db.execute(
                "SELECT platform, kind, reason, count FROM newmedia_events WHERE sweep = %s "
                "ORDER BY platform, kind, reason",
                (self.sweep,),
            ).fetchall()
        return [(p, k, r, int(n)) for p, k, r, n in rows]


def mirror_into(pg: PgStore, store: Store) -> int:
    """Copy the sweep's accounts, results and wall/fault counts into the out dir's SQLite store,
    so the rules, reports and review page read them exactly as after a single-machine sweep.
    Returns the number of results copied (each once: a rerun copies only what is new)."""
    store.upsert_accounts(pg.accounts())
    have = store.finished_keys()
    accounts = {a.key: a for a in store.accounts()}
    copied = 0
    for key, observation in pg.observations().items():
        if key in have or key not in accounts:
            continue
        store.finish_visit(store.begin_visit(accounts[key]), accounts[key], observation)
        copied += 1
    with store.atomic():
        store.db.execute("DELETE FROM events")
        store.db.executemany("INSERT INTO events VALUES (?, ?, ?, ?)", pg.events())
    return copied
