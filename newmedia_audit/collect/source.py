"""Work sources: where a sweep's workers take the next account from.

A work source hands out (account, walls seen so far) pairs and takes them
back, finished or requeued after a wall. The single-machine sweep uses
``LocalQueue`` (one per platform, in memory); the national sweep takes its
work from procrastinate jobs in PostgreSQL (newmedia_audit/scale/) and
feeds the same visit (collect/visit.py).
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
from collections.abc import Callable, Iterable, Sequence
from typing import Generic, Protocol, TypeVar

from ..models import Account

T = TypeVar("T")

Requeued = tuple[Account, int, float]
"""(account, walls seen so far, ready-at on the source's clock)."""


class WorkSource(Protocol):
    """Hands out accounts to visit and takes them back."""

    async def get(self) -> tuple[Account, int] | None:
        """The next account and its wall count, or None when nothing is left."""
        ...

    async def done(self, requeue: Requeued | None = None) -> None:
        """The account handed out last by this worker is finished, or to be tried again later."""
        ...

    async def close(self) -> None:
        """Hand out nothing more; what is left stays pending."""
        ...


class TimedQueue(Generic[T]):
    """Items handed out in order once ready: now, or put back for a later moment.

    ``get`` waits for the first ready item and returns None when nothing is
    left, neither queued nor handed out (an item in hand may still be put back).
    """

    def __init__(self, items: Iterable[T], clock: Callable[[], float]) -> None:
        self.clock = clock
        self._seq = itertools.count()
        # The sequence number keeps equal times in order and items from ever being compared.
        self._heap: list[tuple[float, int, T]] = [(0.0, next(self._seq), item) for item in items]
        self._busy = 0
        self._closed = False
        self._changed = asyncio.Condition()

    async def close(self) -> None:
        """Hand out nothing more: what is left stays where it is."""
        async with self._changed:
            self._closed = True
            self._changed.notify_all()

    async def get(self) -> T | None:
        async with self._changed:
            while True:
                if self._closed:
                    return None
                if self._heap and self._heap[0][0] <= self.clock():
                    self._busy += 1
                    return heapq.heappop(self._heap)[2]
                if not self._heap and self._busy == 0:
                    return None
                timeout = self._heap[0][0] - self.clock() if self._heap else None
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout)
                except TimeoutError:
                    pass

    async def done(self, later: Iterable[tuple[float, T]] = ()) -> None:
        """The item handed out last to this worker is finished; ``later`` are (ready-at, item) to queue."""
        async with self._changed:
            self._busy -= 1
            for ready_at, item in later:
                heapq.heappush(self._heap, (ready_at, next(self._seq), item))
            self._changed.notify_all()


class LocalQueue(TimedQueue[tuple[Account, int]]):
    """A platform's accounts in memory: ready now, or requeued for later (after a wall)."""

    def __init__(self, accounts: Sequence[Account], clock: Callable[[], float]) -> None:
        super().__init__(((a, 0) for a in accounts), clock)

    async def done(self, requeue: Requeued | None = None) -> None:  # type: ignore[override]
        if requeue is None:
            await super().done()
        else:
            account, walls, ready_at = requeue
            await super().done([(ready_at, (account, walls))])
