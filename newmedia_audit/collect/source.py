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
from collections.abc import Callable, Sequence
from typing import Protocol

from ..models import Account

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


class LocalQueue:
    """A platform's accounts in memory: ready now, or requeued for later (after a wall)."""

    def __init__(self, accounts: Sequence[Account], clock: Callable[[], float]) -> None:
        self.clock = clock
        self._seq = itertools.count()
        self._heap: list[tuple[float, int, Account, int]] = [(0.0, next(self._seq), a, 0) for a in accounts]
        self._busy = 0
        self._closed = False
        self._changed = asyncio.Condition()

    async def close(self) -> None:
        """Hand out nothing more (the drift alarm): what is left stays pending."""
        async with self._changed:
            self._closed = True
            self._changed.notify_all()

    async def get(self) -> tuple[Account, int] | None:
        async with self._changed:
            while True:
                if self._closed:
                    return None
                if self._heap and self._heap[0][0] <= self.clock():
                    _, _, account, walls = heapq.heappop(self._heap)
                    self._busy += 1
                    return account, walls
                if not self._heap and self._busy == 0:
                    return None
                timeout = self._heap[0][0] - self.clock() if self._heap else None
                try:
                    await asyncio.wait_for(self._changed.wait(), timeout)
                except TimeoutError:
                    pass

    async def done(self, requeue: Requeued | None = None) -> None:
        async with self._changed:
            self._busy -= 1
            if requeue is not None:
                account, walls, ready_at = requeue
                heapq.heappush(self._heap, (ready_at, next(self._seq), account, walls))
            self._changed.notify_all()
