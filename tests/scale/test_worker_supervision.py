"""One worker process runs a procrastinate worker per platform queue: when one of them fails,
the process stops the others and ends with the error (a supervisor restarts it), rather than
serving the other queues while that platform's accounts wait unseen."""

from __future__ import annotations

import asyncio
from types import SimpleNamespace

import pytest

from newmedia_audit.scale import worker as worker_module
from newmedia_audit.settings import ScaleSettings


class _QueueWorker:
    """Stands in for procrastinate's Worker: runs until stopped; the douyin queue's fails."""

    made: list[_QueueWorker] = []

    def __init__(self, *, queues: list[str], **_: object) -> None:
        self.queue = queues[0]
        self.stopped = asyncio.Event()
        _QueueWorker.made.append(self)

    async def run(self) -> None:
        if self.queue == "newmedia-douyin":
            await asyncio.sleep(0.05)
            raise RuntimeError("deadlock detected")
        await self.stopped.wait()

    def stop(self) -> None:
        self.stopped.set()


def test_a_failed_queue_worker_stops_the_others_and_the_process_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(worker_module, "Worker", _QueueWorker)
    runtime = SimpleNamespace(options=ScaleSettings(), name="w", slots=lambda platform: 1)

    async def run() -> None:
        await asyncio.wait_for(
            worker_module.work(None, runtime, platforms=["weibo", "douyin"], burst=False), timeout=10
        )

    with pytest.raises(RuntimeError, match="deadlock"):
        asyncio.run(run())
    others = [w for w in _QueueWorker.made if w.queue != "newmedia-douyin"]
    assert len(others) == 2 and all(w.stopped.is_set() for w in others)  # weibo and maintenance
