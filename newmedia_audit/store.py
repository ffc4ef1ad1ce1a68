"""SQLite (WAL) state of one sweep: accounts, visits, observations, verdicts.

Each visit is leased (``begin_visit``) then committed with its observation in
one transaction (``finish_visit``), so a sweep killed at any point (even
kill -9) resumes with the same command: finished accounts are not fetched
again, leased-but-unfinished ones are redone, nothing is counted twice.
The national step swaps this class for a PostgreSQL one with the same methods.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from pydantic import BaseModel

from .errors import NewmediaAuditError, OutputError
from .models import Account, Observation, Verdict

MIGRATIONS: list[str] = [
    # 1: the sweep
    """
    CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
    CREATE TABLE accounts (
        key TEXT PRIMARY KEY, platform TEXT NOT NULL, account_id TEXT NOT NULL,
        name TEXT NOT NULL, data TEXT NOT NULL);
    CREATE TABLE visits (
        id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, platform TEXT NOT NULL,
        started_at TEXT NOT NULL, finished_at TEXT, status TEXT, detail TEXT);
    CREATE INDEX visits_key ON visits(key);
    CREATE TABLE observations (
        key TEXT PRIMARY KEY, status TEXT NOT NULL, fetched_at TEXT, data TEXT NOT NULL);
    CREATE TABLE verdicts (key TEXT PRIMARY KEY, data TEXT NOT NULL);
    CREATE TABLE events (
        platform TEXT NOT NULL, kind TEXT NOT NULL, reason TEXT NOT NULL,
        count INTEGER NOT NULL, PRIMARY KEY (platform, kind, reason));
    """,
    # 2: the officers' decisions (review page), append-only: a change or an undo is a
    # new row, the newest per account and subject wins, so every decision stays traceable.
    """
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, platform TEXT NOT NULL,
        account_id TEXT NOT NULL, subject TEXT NOT NULL, value TEXT NOT NULL,
        reason TEXT NOT NULL, note TEXT NOT NULL, officer TEXT NOT NULL,
        decided_at TEXT NOT NULL, before TEXT NOT NULL);
    CREATE INDEX decisions_key ON decisions(key, id);
    """,
]


def _now() -> str:
    return datetime.now(UTC).isoformat()


_DECISION_COLUMNS = "id, key, platform, account_id, subject, value, reason, note, officer, decided_at, before"


class Decision(BaseModel):
    """One officer decision on one account (the review page), as the store keeps it.

    ``subject`` is what was decided: "verdict" (value pass/fail/review, review
    meaning "no officer verdict": the assessment stands) or "wording" (value
    confirm/dismiss/pending for the account's lexicon hits). ``account_id`` is
    what an overrides row names: the id, or the name for an account without one.
    ``before`` says what it was when the officer decided.
    """

    id: int = 0
    key: str
    platform: str
    account_id: str
    subject: str
    value: str
    reason: str = ""
    note: str = ""
    officer: str
    decided_at: str = ""
    before: str = ""


class StaleDecision(NewmediaAuditError):
    """Someone decided the account after the officer's page was drawn: the decision is refused."""

    def __init__(self, newer: Decision) -> None:
        self.newer = newer
        super().__init__(
            f"该账号已由 {newer.officer} 于 {newer.decided_at} 复核，你的页面已过期；请刷新页面查看后再决定。"
        )


class Store:
    """The state of a sweep in one SQLite file."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self.db = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            self.db.execute("PRAGMA journal_mode=WAL")
            self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA busy_timeout=10000")
            self._migrate()
        except (sqlite3.Error, OSError) as exc:
            raise OutputError(f"无法打开状态库 {self.path}：{exc}") from exc

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.atomic():
                for statement in script.split(";"):
                    if statement.strip():
                        self.db.execute(statement)
                self.db.execute(f"PRAGMA user_version={number}")

    @contextmanager
    def atomic(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all or nothing.

        Raises:
            OutputError: the database cannot be written (disk full, read-only);
                the transaction is rolled back, so a rerun resumes cleanly.
        """
        self._write("BEGIN IMMEDIATE")
        try:
            yield self.db
        except sqlite3.Error as exc:
            self._rollback()
            raise self._write_error(exc) from exc
        except BaseException:
            self._rollback()
            raise
        else:
            try:
                self.db.execute("COMMIT")
            except sqlite3.Error as exc:
                self._rollback()
                raise self._write_error(exc) from exc

    def _rollback(self) -> None:
        # SQLite may already have rolled back (e.g. after SQLITE_FULL): a second
        # ROLLBACK would raise and hide the real error.
        if self.db.in_transaction:
            try:
                self.db.execute("ROLLBACK")
            except sqlite3.Error:
                pass

    def _write_error(self, exc: sqlite3.Error) -> OutputError:
        return OutputError(
            f"无法写入状态库 {self.path}：{exc}。请腾出磁盘空间或检查目录权限后重新执行同一命令，已完成的访问不会丢失。"
        )

    def _write(self, sql: str, params: tuple[object, ...] = ()) -> sqlite3.Cursor:
        """One write statement outside a transaction; sqlite errors become OutputError."""
        try:
            return self.db.execute(sql, params)
        except sqlite3.Error as exc:
            raise self._write_error(exc) from exc

    def close(self) -> None:
        self.db.close()

    # -- meta ---------------------------------------------------------------
    def set_meta(self, key: str, value: str) -> None:
        self._write("INSERT OR REPLACE INTO meta VALUES (?, ?)", (key, value))

    def get_meta(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM meta WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    # -- accounts -----------------------------------------------------------
    def upsert_accounts(self, accounts: Iterable[Account]) -> None:
        with self.atomic():
            self.db.executemany(
                "INSERT OR REPLACE INTO accounts VALUES (?, ?, ?, ?, ?)",
                [(a.key, a.platform, a.account_id, a.name, a.model_dump_json()) for a in accounts],
            )

    def accounts(self) -> list[Account]:
        rows = self.db.execute("SELECT data FROM accounts ORDER BY rowid")
        return [Account.model_validate_json(r[0]) for r in rows]

    # -- visits -------------------------------------------------------------
    def finished_keys(self) -> set[str]:
        """Accounts with a committed observation: not fetched again on resume."""
        return {r[0] for r in self.db.execute("SELECT key FROM observations")}

    def pending(self, accounts: Iterable[Account]) -> list[Account]:
        """Accounts still to visit, in the given order."""
        done = self.finished_keys()
        return [a for a in accounts if a.key not in done]

    def begin_visit(self, account: Account) -> int:
        """Lease an account for a visit; an unfinished lease is simply redone on resume."""
        cur = self._write(
            "INSERT INTO visits (key, platform, started_at) VALUES (?, ?, ?)",
            (account.key, account.platform, _now()),
        )
        return int(cur.lastrowid or 0)

    def finish_visit(self, visit_id: int, account: Account, observation: Observation) -> None:
        """Commit a visit's outcome and its observation in one transaction."""
        with self.atomic():
            self.db.execute(
                "UPDATE visits SET finished_at = ?, status = ?, detail = ? WHERE id = ?",
                (_now(), observation.status.value, observation.detail, visit_id),
            )
            self.db.execute(
                "INSERT OR REPLACE INTO observations VALUES (?, ?, ?, ?)",
                (
                    account.key,
                    observation.status.value,
                    observation.fetched_at.isoformat() if observation.fetched_at else None,
                    observation.model_dump_json(),
                ),
            )

    def reopen(self, keys: Iterable[str]) -> None:
        """Forget the observations of these accounts: the next run visits them again
        (a platform paused by the drift alarm keeps its accounts pending)."""
        with self.atomic():
            self.db.executemany("DELETE FROM observations WHERE key = ?", [(k,) for k in keys])

    def carry_observations(self, items: Iterable[tuple[str, Observation]]) -> int:
        """Take over observations of an earlier sweep without visiting (``--since``), in one
        transaction; an account that already has an observation keeps it. Returns how many
        were added. No visit is recorded: the accounts simply are not pending."""
        rows = [
            (key, o.status.value, o.fetched_at.isoformat() if o.fetched_at else None, o.model_dump_json())
            for key, o in items
        ]
        with self.atomic():
            before = self.db.total_changes
            self.db.executemany("INSERT OR IGNORE INTO observations VALUES (?, ?, ?, ?)", rows)
            return self.db.total_changes - before

    def observations(self) -> dict[str, Observation]:
        rows = self.db.execute("SELECT key, data FROM observations")
        return {k: Observation.model_validate_json(d) for k, d in rows}

    def finished_visit_counts(self) -> dict[str, int]:
        """Finished visits per account (a resumed sweep must keep each at 1)."""
        rows = self.db.execute("SELECT key, COUNT(*) FROM visits WHERE finished_at IS NOT NULL GROUP BY key")
        return {k: n for k, n in rows}

    # -- events (walls and transient faults per platform and reason) ---------
    def count_event(self, platform: str, kind: str, reason: str) -> None:
        self._write(
            "INSERT INTO events VALUES (?, ?, ?, 1) ON CONFLICT(platform, kind, reason) "
            "DO UPDATE SET count = count + 1",
            (platform, kind, reason),
        )

    def events(self) -> list[tuple[str, str, str, int]]:
        return list(self.db.execute("SELECT * FROM events ORDER BY platform, kind, reason"))

    # -- verdicts -----------------------------------------------------------
    def save_verdicts(self, verdicts: Iterable[Verdict]) -> None:
        with self.atomic():
            self.db.execute("DELETE FROM verdicts")
            self.db.executemany(
                "INSERT INTO verdicts VALUES (?, ?)",
                [(v.account.key, v.model_dump_json()) for v in verdicts],
            )

    def verdicts(self) -> list[Verdict]:
        rows = self.db.execute("SELECT data FROM verdicts ORDER BY rowid")
        return [Verdict.model_validate_json(r[0]) for r in rows]

    def meta_json(self, key: str) -> object:
        raw = self.get_meta(key)
        return json.loads(raw) if raw else None

    # -- one account (the review page reads single accounts of a large sweep) --
    def account(self, key: str) -> Account | None:
        row = self.db.execute("SELECT data FROM accounts WHERE key = ?", (key,)).fetchone()
        return Account.model_validate_json(row[0]) if row else None

    def observation(self, key: str) -> Observation | None:
        row = self.db.execute("SELECT data FROM observations WHERE key = ?", (key,)).fetchone()
        return Observation.model_validate_json(row[0]) if row else None

    def verdict(self, key: str) -> Verdict | None:
        row = self.db.execute("SELECT data FROM verdicts WHERE key = ?", (key,)).fetchone()
        return Verdict.model_validate_json(row[0]) if row else None

    # -- decisions (append-only) ----------------------------------------------
    def add_decision(self, decision: Decision, *, expected_last: int | None = None) -> Decision:
        """Append a decision in its own transaction and return it with its id and time.

        Args:
            decision: the decision (its id and decided_at are assigned here when empty).
            expected_last: the id of the account's newest decision when the officer's
                page was drawn (0: none); None skips the check.

        Raises:
            StaleDecision: another decision on the account came in after that one.
            OutputError: the database cannot be written.
        """
        with self.atomic():
            newest = self._last_decision(decision.key)
            if expected_last is not None and (newest.id if newest else 0) != expected_last:
                assert newest is not None
                raise StaleDecision(newest)
            moment = decision.decided_at or datetime.now(UTC).astimezone(_CST).isoformat(timespec="seconds")
            values = decision.model_dump(exclude={"id"}) | {"decided_at": moment}
            cur = self.db.execute(
                f"INSERT INTO decisions ({_DECISION_COLUMNS.removeprefix('id, ')}) "
                "VALUES (:key, :platform, :account_id, :subject, :value, :reason, :note, :officer, "
                ":decided_at, :before)",
                values,
            )
        return decision.model_copy(update={"id": int(cur.lastrowid or 0), "decided_at": moment})

    def _last_decision(self, key: str) -> Decision | None:
        row = self.db.execute(
            f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE key = ? ORDER BY id DESC LIMIT 1", (key,)
        ).fetchone()
        return _decision(row) if row else None

    def last_decision_id(self, key: str) -> int:
        """The id of the account's newest decision, 0 when it has none (the stale-page check)."""
        row = self.db.execute("SELECT MAX(id) FROM decisions WHERE key = ?", (key,)).fetchone()
        return int(row[0] or 0)

    def decisions(self, key: str | None = None) -> list[Decision]:
        """Every decision (of one account when ``key`` is given), oldest first."""
        if key is None:
            rows = self.db.execute(f"SELECT {_DECISION_COLUMNS} FROM decisions ORDER BY id")
        else:
            rows = self.db.execute(
                f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE key = ? ORDER BY id", (key,)
            )
        return [_decision(r) for r in rows]

    def latest_decisions(self, keys: Sequence[str] | None = None) -> list[Decision]:
        """The newest decision per account and subject (the ones in force), oldest first;
        only those of ``keys`` when given (a page of a list)."""
        where, params = "", list(keys or ())
        if keys is not None:
            where = f"WHERE key IN ({','.join('?' * len(params))}) "
        rows = self.db.execute(
            f"SELECT {_DECISION_COLUMNS} FROM decisions WHERE id IN "
            f"(SELECT MAX(id) FROM decisions {where}GROUP BY key, subject) ORDER BY id",
            params,
        )
        return [_decision(r) for r in rows]


_CST = timezone(timedelta(hours=8))


def _decision(row: tuple[object, ...]) -> Decision:
    return Decision(**dict(zip(_DECISION_COLUMNS.split(", "), row, strict=True)))  # type: ignore[arg-type]


def committed_count(path: Path | str) -> int:
    """Accounts with a committed observation, read without writing (another process
    may be sweeping into the file); 0 when the file or its tables do not exist yet."""
    db = Path(path)
    if not db.exists():
        return 0
    try:
        with sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5) as conn:
            return int(conn.execute("SELECT COUNT(*) FROM observations").fetchone()[0])
    except sqlite3.Error:
        return 0
