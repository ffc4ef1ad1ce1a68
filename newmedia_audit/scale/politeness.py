"""Pacing shared by every worker of one egress: one PostgreSQL row per (platform, egress).

The same ``Pace`` as collect/politeness.py (delay, jitter, concurrency,
cool-down, circuit breaker), kept in the database instead of in memory:

- at most ``concurrency`` visits of a platform run at once across all the
  workers of an egress: a visit holds one of ``concurrency`` session-level
  advisory locks of the (platform, egress) on the worker's pacing
  connection; a worker that dies drops its connection and with it its
  leases, so a killed worker never keeps a place;
- a visit reserves its start in one ``INSERT ... ON CONFLICT DO UPDATE ...
  RETURNING`` on the database clock (machines' clocks may differ): its start
  is ``max(next_start, paused_until, now())``, and ``next_start`` moves on by
  ``delay / concurrency * (1 + jitter * (u_i - u_{i-1}))`` (the same
  non-drifting jitter as ``Slot.next_interval``); the worker then sleeps
  until that start, and reserves again if a wall was recorded meanwhile (as
  ``Slot`` looks at its pause again after sleeping);
- a wall pushes ``next_start`` back (``delay * 2**walls_in_row``, capped at
  the cool-down) and honours Retry-After; ``breaker_threshold`` walls in a
  row set ``paused_until`` a cool-down ahead: every worker of the egress waits;
- a success ends the wall streak.

Replay builds the same slot with delay and cool-down zero (same path).
The pacing calls are short synchronous statements on the worker's own
connection: a few milliseconds per visit, against delays of seconds.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

from ..collect.politeness import Pace
from ..settings import PlatformSettings
from .store import PgStore

_RESERVE = """
INSERT INTO newmedia_politeness AS p (platform, egress, last_start, next_start, phase)
VALUES (%(platform)s, %(egress)s, now(), now() + make_interval(secs => %(step)s), %(u)s)
ON CONFLICT (platform, egress) DO UPDATE SET
    last_start = GREATEST(p.next_start, p.paused_until, now()),
    next_start = GREATEST(p.next_start, p.paused_until, now())
        + make_interval(secs => %(step)s * (1 + %(jitter)s * (%(u)s - COALESCE(p.phase, %(u)s)))),
    phase = %(u)s
RETURNING EXTRACT(EPOCH FROM (p.last_start - now()))::float8, p.walls_total
"""

_WALL = """
UPDATE newmedia_politeness SET
    walls_in_row = walls_in_row + 1,
    walls_total = walls_total + 1,
    next_start = GREATEST(next_start,
        now() + make_interval(secs => LEAST(%(cooldown)s, %(delay)s * power(2, walls_in_row + 1)))),
    paused_until = GREATEST(paused_until,
        now() + make_interval(secs => %(retry_after)s),
        CASE WHEN walls_in_row + 1 >= %(threshold)s
             THEN now() + make_interval(secs => %(cooldown)s) ELSE '-infinity'::timestamptz END)
WHERE platform = %(platform)s AND egress = %(egress)s
"""

_WALLS_TOTAL = """
SELECT walls_total FROM newmedia_politeness WHERE platform = %(platform)s AND egress = %(egress)s
"""

# Lease i of a (platform, egress): the two-int advisory lock space is apart from the bigint one.
_LEASE = "SELECT pg_try_advisory_lock(hashtext(%(platform)s || '|' || %(egress)s), %(slot)s)"
_UNLEASE = "SELECT pg_advisory_unlock(hashtext(%(platform)s || '|' || %(egress)s), %(slot)s)"
LEASE_POLL = 0.05  # seconds between tries for a lease while every place is taken

_RELEASE = """
UPDATE newmedia_politeness SET next_start = GREATEST(next_start, now())
WHERE platform = %(platform)s AND egress = %(egress)s
"""


class PgSlot:
    """The pace of one platform from one egress, shared through PostgreSQL (a ``Pacer``)."""

    def __init__(
        self,
        store: PgStore,
        platform: str,
        egress: str,
        pace: Pace,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.platform = platform
        self.egress = egress
        self.pace = pace
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self._semaphore = asyncio.Semaphore(pace.concurrency)
        self._held: set[int] = set()  # leases of this process (advisory locks are re-entrant per session)
        self.waited = 0.0

    @classmethod
    def from_settings(
        cls,
        store: PgStore,
        platform: str,
        egress: str,
        settings: PlatformSettings,
        *,
        replay: bool = False,
        concurrency: int | None = None,
    ) -> PgSlot:
        """The shared slot of a platform (``Pace.of``)."""
        return cls(store, platform, egress, Pace.of(settings, replay=replay, concurrency=concurrency))

    def _key(self) -> dict[str, object]:
        return {"platform": self.platform, "egress": self.egress}

    def _one(self, statement: str, params: dict[str, object]) -> tuple[Any, ...] | None:
        with self.store._db() as db:
            return db.execute(statement, params).fetchone()  # type: ignore[arg-type]

    def _run(self, statement: str, params: dict[str, object]) -> None:
        with self.store._db() as db:
            db.execute(statement, params)  # type: ignore[arg-type]

    def reserve(self) -> tuple[float, int]:
        """Reserve the next start: (seconds to wait for it on the database clock, walls so far)."""
        params = self._key() | {
            "step": self.pace.delay / self.pace.concurrency,
            "jitter": self.pace.jitter,
            "u": self.rng.random(),
        }
        row = self._one(_RESERVE, params)
        return (max(0.0, float(row[0])), int(row[1])) if row else (0.0, 0)

    def walls_total(self) -> int:
        row = self._one(_WALLS_TOTAL, self._key())
        return int(row[0]) if row else 0

    def try_lease(self) -> int | None:
        """One of the egress's ``concurrency`` places for a visit of the platform, or None."""
        for slot in range(self.pace.concurrency):
            if slot in self._held:
                continue
            row = self._one(_LEASE, self._key() | {"slot": slot})
            if row and row[0]:
                self._held.add(slot)
                return slot
        return None

    def drop_lease(self, slot: int) -> None:
        self._held.discard(slot)
        self._one(_UNLEASE, self._key() | {"slot": slot})

    @asynccontextmanager
    async def _lease(self) -> AsyncIterator[None]:
        while (slot := self.try_lease()) is None:
            self.waited += LEASE_POLL
            await self.sleep(LEASE_POLL)
        try:
            yield
        finally:
            self.drop_lease(slot)

    async def _wait_turn(self) -> None:
        while True:
            wait, walls = self.reserve()
            if wait <= 0:
                return
            self.waited += wait
            await self.sleep(wait)
            if self.walls_total() == walls:
                return
            # A wall while this visit waited: its start moves behind the back-off or pause.

    @asynccontextmanager
    async def visit(self) -> AsyncIterator[None]:
        """Hold a place for one visit: a lease of the egress, then the shared start slot."""
        async with self._semaphore, self._lease():
            await self._wait_turn()
            try:
                yield
            finally:
                if self.pace.concurrency == 1 and self.pace.delay > 0:
                    # As Slot: with concurrency 1 the next start is no earlier than this visit's end.
                    self._run(_RELEASE, self._key())

    def record_success(self) -> None:
        self._run(
            "UPDATE newmedia_politeness SET walls_in_row = 0 "
            "WHERE platform = %(platform)s AND egress = %(egress)s AND walls_in_row <> 0",
            self._key(),
        )

    def record_wall(self, retry_after: float | None = None) -> None:
        """A wall: every worker of this egress backs off; the breaker pauses them all for the cool-down."""
        pace = self.pace
        honoured = retry_after if retry_after and retry_after > 0 and pace.respect_retry_after else 0.0
        params = self._key() | {
            "cooldown": pace.cooldown,
            "delay": pace.delay,
            "retry_after": honoured,
            "threshold": pace.breaker_threshold,
        }
        self._run(_WALL, params)

    def requeue_at(self) -> float:
        """Clock time at which an account that met a wall may be tried again."""
        return self.clock() + self.pace.cooldown
