"""Pacing shared by every worker of one egress: one PostgreSQL row per (platform, egress).

The same settings as collect/politeness.py (delay, jitter, concurrency,
cool-down, circuit breaker), kept in the database instead of in memory:

- a visit reserves its start in one ``INSERT ... ON CONFLICT DO UPDATE ...
  RETURNING`` on the database clock (machines' clocks may differ): its start
  is ``max(next_start, paused_until, now())``, and ``next_start`` moves on by
  ``delay / concurrency * (1 + jitter * (u_i - u_{i-1}))`` (the same
  non-drifting jitter as ``Slot.next_interval``); the worker then sleeps
  until that start;
- a wall pushes ``next_start`` back (``delay * 2**walls_in_row``, capped at
  the cool-down) and honours Retry-After; ``breaker_threshold`` walls in a
  row set ``paused_until`` a cool-down ahead: every worker of the egress waits;
- a success ends the wall streak.

Within one worker at most ``concurrency`` visits of a platform run at once
(a local semaphore); across workers of one egress, the spacing of starts is
what the platform sees. Replay builds the same slot with delay and cool-down
zero (same path, one statement per visit).
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from typing import Any

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
RETURNING EXTRACT(EPOCH FROM (p.last_start - now()))::float8
"""

_WALL = """
UPDATE newmedia_politeness SET
    walls_in_row = walls_in_row + 1,
    next_start = GREATEST(next_start,
        now() + make_interval(secs => LEAST(%(cooldown)s, %(delay)s * power(2, walls_in_row + 1)))),
    paused_until = GREATEST(paused_until,
        now() + make_interval(secs => %(retry_after)s),
        CASE WHEN walls_in_row + 1 >= %(threshold)s
             THEN now() + make_interval(secs => %(cooldown)s) ELSE '-infinity'::timestamptz END)
WHERE platform = %(platform)s AND egress = %(egress)s
"""

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
        *,
        delay: float,
        jitter: float = 0.5,
        concurrency: int = 1,
        cooldown: float = 60.0,
        breaker_threshold: int = 3,
        respect_retry_after: bool = True,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.store = store
        self.platform = platform
        self.egress = egress
        self.delay = max(0.0, delay)
        self.jitter = min(max(0.0, jitter), 1.0)
        self.concurrency = max(1, concurrency)
        self.cooldown = max(0.0, cooldown)
        self.breaker_threshold = max(1, breaker_threshold)
        self.respect_retry_after = respect_retry_after
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self._semaphore = asyncio.Semaphore(self.concurrency)
        self.waited = 0.0

    @classmethod
    def from_settings(
        cls, store: PgStore, platform: str, egress: str, settings: PlatformSettings, *, replay: bool = False
    ) -> PgSlot:
        """The shared slot of a platform; in replay no delay, no cool-down (same code path)."""
        return cls(
            store,
            platform,
            egress,
            delay=0.0 if replay else settings.delay,
            jitter=settings.jitter,
            concurrency=settings.concurrency,
            cooldown=0.0 if replay else settings.cooldown,
            breaker_threshold=settings.breaker_threshold,
            respect_retry_after=not replay,
        )

    def _key(self) -> dict[str, object]:
        return {"platform": self.platform, "egress": self.egress}

    def reserve(self) -> float:
        """Reserve the next start; returns the seconds to wait for it (database clock)."""
        params = self._key() | {
            "step": self.delay / self.concurrency,
            "jitter": self.jitter,
            "u": self.rng.random(),
        }
        with self.store._db() as db:
            row = db.execute(_RESERVE, params).fetchone()
        return max(0.0, float(row[0])) if row else 0.0

    @asynccontextmanager
    async def visit(self) -> AsyncIterator[None]:
        """Hold a place for one visit: the local concurrency, then the shared start slot."""
        async with self._semaphore:
            wait = self.reserve()
            if wait > 0:
                self.waited += wait
                await self.sleep(wait)
            try:
                yield
            finally:
                if self.concurrency == 1 and self.delay > 0:
                    # As Slot: with concurrency 1 the next start is no earlier than this visit's end.
                    with self.store._db() as db:
                        db.execute(_RELEASE, self._key())

    def record_success(self) -> None:
        with self.store._db() as db:
            db.execute(
                "UPDATE newmedia_politeness SET walls_in_row = 0 "
                "WHERE platform = %(platform)s AND egress = %(egress)s AND walls_in_row <> 0",
                self._key(),
            )

    def record_wall(self, retry_after: float | None = None) -> None:
        """A wall: every worker of this egress backs off; the breaker pauses them all for the cool-down."""
        honoured = retry_after if retry_after and retry_after > 0 and self.respect_retry_after else 0.0
        params = self._key() | {
            "cooldown": self.cooldown,
            "delay": self.delay,
            "retry_after": honoured,
            "threshold": self.breaker_threshold,
        }
        with self.store._db() as db:
            db.execute(_WALL, params)

    def requeue_at(self) -> float:
        """Clock time at which an account that met a wall may be tried again."""
        return self.clock() + self.cooldown
