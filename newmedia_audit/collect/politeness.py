"""Pacing: one Slot per platform (concurrency, interval with jitter, walls).

A Slot is what a platform worker passes through before each visit:
- at most ``concurrency`` visits at once;
- consecutive visit starts are ``delay / concurrency`` seconds apart on
  average (each of ``concurrency`` workers keeps the pace of ``delay``): each
  interval is ``delay * (1 + jitter * (u_i - u_{i-1}))`` with ``u`` uniform in
  [0, 1], so it lies within ``delay * [1 - jitter, 1 + jitter]`` and k intervals
  sum to ``k * delay`` give or take one ``delay * jitter`` (independent draws
  would wander by ``delay * jitter * sqrt(k / 3)``: the pace would drift);
  with concurrency 1 a visit holds the slot while it fetches, so the next one
  starts at ``max(previous start + interval, previous end)``;
- after a wall, the platform backs off (``delay * 2**walls_in_row``, capped at
  the cool-down, or the server's Retry-After if longer);
- ``breaker_threshold`` walls in a row open the circuit breaker: the platform
  pauses for its cool-down, the other platforms go on; a success closes it.

Collectors never sleep; replay builds the same Slot with delay and
cool-down zero (``Slot.for_replay``). The clock and sleep are injected, so
tests run instantly.
"""

from __future__ import annotations

import asyncio
import random
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from ..settings import PlatformSettings

Clock = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


@dataclass
class SlotStats:
    """What a slot did (for the sweep's statistics)."""

    visits: int = 0
    walls: int = 0
    breaker_opened: int = 0
    waited: float = 0.0


@dataclass(frozen=True)
class Pace:
    """A platform's politeness parameters, clamped to sane ranges.

    One value for the in-memory ``Slot`` and the PostgreSQL slot of the
    national sweep (scale/politeness.py), so both read the settings alike.
    """

    delay: float
    jitter: float = 0.5
    concurrency: int = 1
    cooldown: float = 60.0
    breaker_threshold: int = 3
    respect_retry_after: bool = True

    def __post_init__(self) -> None:
        object.__setattr__(self, "delay", max(0.0, self.delay))
        object.__setattr__(self, "jitter", min(max(0.0, self.jitter), 1.0))
        object.__setattr__(self, "concurrency", max(1, self.concurrency))
        object.__setattr__(self, "cooldown", max(0.0, self.cooldown))
        object.__setattr__(self, "breaker_threshold", max(1, self.breaker_threshold))

    @classmethod
    def of(cls, settings: PlatformSettings, *, replay: bool = False, concurrency: int | None = None) -> Pace:
        """A platform's pace; in replay no delay, no cool-down, no Retry-After (same code path).

        ``concurrency`` overrides the platform's setting (replay uses more workers).
        """
        return cls(
            delay=0.0 if replay else settings.delay,
            jitter=settings.jitter,
            concurrency=concurrency or settings.concurrency,
            cooldown=0.0 if replay else settings.cooldown,
            breaker_threshold=settings.breaker_threshold,
            respect_retry_after=not replay,
        )


class Slot:
    """The pace of one platform."""

    def __init__(
        self,
        platform: str,
        pace: Pace,
        *,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> None:
        self.platform = platform
        self.pace = pace
        self.clock = clock
        self.sleep = sleep
        self.rng = rng or random.Random()
        self.stats = SlotStats()
        self.walls_in_row = 0
        self._next_start = float("-inf")  # earliest start of the next visit
        self._phase: float | None = None  # u_{i-1} of the jitter (drawn at the first interval)
        self._paused_until = float("-inf")  # breaker / Retry-After
        self._semaphore = asyncio.Semaphore(pace.concurrency)
        self._gate = asyncio.Lock()

    @classmethod
    def from_settings(
        cls,
        platform: str,
        settings: PlatformSettings,
        *,
        replay: bool = False,
        concurrency: int | None = None,
        clock: Clock = time.monotonic,
        sleep: Sleep = asyncio.sleep,
        rng: random.Random | None = None,
    ) -> Slot:
        """The slot of a platform (``Pace.of``)."""
        pace = Pace.of(settings, replay=replay, concurrency=concurrency)
        return cls(platform, pace, clock=clock, sleep=sleep, rng=rng)

    # -- state ---------------------------------------------------------------
    @property
    def breaker_open(self) -> bool:
        """True while the platform is paused after repeated walls."""
        return self.walls_in_row >= self.pace.breaker_threshold and self.clock() < self._paused_until

    def next_interval(self) -> float:
        """The next interval: ``delay * (1 + jitter * (u_i - u_{i-1}))``, ``u`` uniform in [0, 1].

        Within ``delay * [1 - jitter, 1 + jitter]``, mean ``delay``; the sum of
        any run of k intervals is within ``delay * (k +/- jitter)`` (the
        deviations telescope), so the pace stays at ``delay`` per visit.
        """
        if self.pace.delay <= 0:
            return 0.0
        if self._phase is None:
            self._phase = self.rng.random()
        phase = self.rng.random()
        interval = self.pace.delay * (1 + self.pace.jitter * (phase - self._phase))
        self._phase = phase
        return interval

    def ready_at(self) -> float:
        """Clock time at which the next visit may start."""
        return max(self._next_start, self._paused_until)

    # -- use -------------------------------------------------------------------
    @asynccontextmanager
    async def visit(self) -> AsyncIterator[None]:
        """Hold a place for one visit: waits for concurrency, interval and pauses."""
        async with self._semaphore:
            await self._wait_turn()
            yield

    async def _wait_turn(self) -> None:
        async with self._gate:
            while True:
                wait = self.ready_at() - self.clock()
                if wait <= 0:
                    break
                self.stats.waited += wait
                await self.sleep(wait)
            # concurrency workers share the platform's pace: concurrency visits per delay.
            self._next_start = self.clock() + self.next_interval() / self.pace.concurrency
            self.stats.visits += 1

    def record_success(self) -> None:
        """A visit saw the platform answer normally: the wall streak ends."""
        self.walls_in_row = 0

    def record_wall(self, retry_after: float | None = None) -> None:
        """A wall: back off, and open the breaker after ``breaker_threshold`` in a row."""
        now = self.clock()
        self.walls_in_row += 1
        self.stats.walls += 1
        backoff = min(self.pace.cooldown, self.pace.delay * (2**self.walls_in_row))
        self._next_start = max(self._next_start, now + backoff)
        if retry_after is not None and self.pace.respect_retry_after and retry_after > 0:
            self._paused_until = max(self._paused_until, now + retry_after)
        if self.walls_in_row >= self.pace.breaker_threshold:
            if self.walls_in_row == self.pace.breaker_threshold:
                self.stats.breaker_opened += 1
            self._paused_until = max(self._paused_until, now + self.pace.cooldown)

    def requeue_at(self) -> float:
        """Clock time at which an account that met a wall may be tried again."""
        return self.clock() + self.pace.cooldown


def parse_retry_after(value: str | None) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    from email.utils import parsedate_to_datetime

    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if when is None:
        return None
    from datetime import UTC, datetime

    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - datetime.now(UTC)).total_seconds())
