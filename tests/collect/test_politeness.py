"""Pacing per platform with a fake clock: interval, jitter, walls, breaker, Retry-After."""

from __future__ import annotations

import asyncio
import random

from hypothesis import given, settings
from hypothesis import strategies as st

from newmedia_audit.collect.politeness import Pace, Slot, parse_retry_after
from newmedia_audit.settings import PlatformSettings


class FakeClock:
    """A clock that only moves when every sleeper waits: the earliest wakes first."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self._targets: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        target = self.now + seconds
        self._targets.append(target)
        while True:
            await asyncio.sleep(0)
            if target <= min(self._targets):
                self._targets.remove(target)
                self.now = max(self.now, target)
                return


def make_slot(clock: FakeClock, **kw: object) -> Slot:
    params: dict[str, object] = {"delay": 2.0, "jitter": 0.0, "cooldown": 60.0, "breaker_threshold": 3}
    params.update(kw)
    return Slot("weibo", Pace(**params), clock=clock, sleep=clock.sleep, rng=random.Random(1))  # type: ignore[arg-type]


async def starts(slot: Slot, clock: FakeClock, n: int) -> list[float]:
    times = []
    for _ in range(n):
        async with slot.visit():
            times.append(clock())
    return times


def test_visits_start_at_least_the_delay_apart() -> None:
    clock = FakeClock()
    slot = make_slot(clock)
    assert asyncio.run(starts(slot, clock, 4)) == [0.0, 2.0, 4.0, 6.0]


def test_replay_slot_never_sleeps() -> None:
    clock = FakeClock()
    slot = Slot.from_settings(
        "weibo", PlatformSettings(delay=5, cooldown=60), replay=True, clock=clock, sleep=clock.sleep
    )
    slot.record_wall(retry_after=120)
    asyncio.run(starts(slot, clock, 5))
    assert clock.sleeps == []
    assert slot.requeue_at() == clock()


@settings(max_examples=40, deadline=None)
@given(
    delay=st.floats(min_value=0.1, max_value=30),
    jitter=st.floats(min_value=0, max_value=1),
    seed=st.integers(0, 1000),
)
def test_jittered_interval_stays_within_bounds(delay: float, jitter: float, seed: int) -> None:
    slot = Slot("weibo", Pace(delay=delay, jitter=jitter), rng=random.Random(seed))
    for _ in range(20):
        value = slot.next_interval()
        assert delay * (1 - jitter) - 1e-9 <= value <= delay * (1 + jitter) + 1e-9


@settings(max_examples=40, deadline=None)
@given(
    delay=st.floats(min_value=0.1, max_value=30),
    jitter=st.floats(min_value=0, max_value=1),
    seed=st.integers(0, 1000),
    n=st.integers(1, 60),
)
def test_jitter_does_not_drift_any_run_of_intervals_sums_to_n_delays_give_or_take_one_jitter(
    delay: float, jitter: float, seed: int, n: int
) -> None:
    slot = Slot("weibo", Pace(delay=delay, jitter=jitter), rng=random.Random(seed))
    values = [slot.next_interval() for _ in range(n + 5)]
    for start in range(5):
        total = sum(values[start : start + n])
        assert abs(total - n * delay) <= delay * jitter + 1e-6


def test_jittered_intervals_stay_random_with_the_delay_as_mean() -> None:
    slot = Slot("weibo", Pace(delay=3.0, jitter=0.5), rng=random.Random(5))
    values = [slot.next_interval() for _ in range(2000)]
    assert len({round(v, 6) for v in values}) > 1900  # no fixed pace
    assert min(values) < 3.0 * 0.6 and max(values) > 3.0 * 1.4  # the whole spread is used
    assert abs(sum(values) / len(values) - 3.0) < 0.01
    other = Slot("weibo", Pace(delay=3.0, jitter=0.5), rng=random.Random(6))
    assert [other.next_interval() for _ in range(5)] != values[:5]


def test_twenty_jittered_visits_start_twenty_delays_apart_give_or_take_one_jitter() -> None:
    for seed in range(20):
        clock = FakeClock()
        slot = Slot(
            "weibo", Pace(delay=3.0, jitter=0.5), clock=clock, sleep=clock.sleep, rng=random.Random(seed)
        )
        times = asyncio.run(starts(slot, clock, 21))
        gaps = [b - a for a, b in zip(times, times[1:], strict=False)]
        assert all(1.5 - 1e-9 <= g <= 4.5 + 1e-9 for g in gaps)
        assert abs(times[-1] - 20 * 3.0) <= 1.5 + 1e-9


def test_a_visit_longer_than_the_interval_delays_the_next_start_to_its_end() -> None:
    clock = FakeClock()
    slot = make_slot(clock, delay=2.0)
    times: list[float] = []

    async def main() -> None:
        async def one(hold: float) -> None:
            async with slot.visit():
                times.append(clock())
                await clock.sleep(hold)

        await asyncio.gather(one(5.0), one(0.5), one(0.5))

    asyncio.run(main())
    assert times == [0.0, 5.0, 7.0]  # max(previous start + interval, previous end)


def test_concurrency_workers_share_the_pace_concurrency_visits_per_delay() -> None:
    clock = FakeClock()
    slot = make_slot(clock, delay=2.0, concurrency=2)

    async def main() -> list[float]:
        both = await asyncio.gather(starts(slot, clock, 3), starts(slot, clock, 3))
        return sorted(both[0] + both[1])

    assert asyncio.run(main()) == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]  # N accounts: N * delay / concurrency


def test_concurrency_limits_visits_at_once() -> None:
    clock = FakeClock()
    slot = make_slot(clock, delay=0.0, concurrency=2)
    inside = 0
    peak = 0

    async def one() -> None:
        nonlocal inside, peak
        async with slot.visit():
            inside += 1
            peak = max(peak, inside)
            for _ in range(3):
                await asyncio.sleep(0)
            inside -= 1

    async def main() -> None:
        await asyncio.gather(*(one() for _ in range(6)))

    asyncio.run(main())
    assert peak == 2


def test_breaker_opens_after_threshold_walls_and_pauses_for_the_cooldown() -> None:
    clock = FakeClock()
    slot = make_slot(clock, delay=1.0, cooldown=60.0, breaker_threshold=3)
    slot.record_wall()
    slot.record_wall()
    assert not slot.breaker_open
    slot.record_wall()
    assert slot.breaker_open
    assert slot.stats.breaker_opened == 1
    started = asyncio.run(starts(slot, clock, 1))
    assert started == [60.0]
    assert not slot.breaker_open


def test_breaker_on_one_platform_leaves_the_others_going() -> None:
    clock = FakeClock()
    walled = make_slot(clock, delay=1.0, cooldown=600.0, breaker_threshold=2)
    other = make_slot(clock, delay=1.0)
    walled.record_wall()
    walled.record_wall()
    order: list[tuple[str, float]] = []

    async def run(name: str, slot: Slot, n: int) -> None:
        for _ in range(n):
            async with slot.visit():
                order.append((name, clock()))

    async def main() -> None:
        await asyncio.gather(run("walled", walled, 1), run("other", other, 3))

    asyncio.run(main())
    other_times = [t for n, t in order if n == "other"]
    assert other_times[-1] < 600.0  # the other platform finished before the pause ended
    assert [t for n, t in order if n == "walled"] == [600.0]


def test_success_closes_the_wall_streak() -> None:
    clock = FakeClock()
    slot = make_slot(clock, breaker_threshold=2)
    slot.record_wall()
    slot.record_success()
    slot.record_wall()
    assert not slot.breaker_open
    assert slot.stats.breaker_opened == 0


def test_a_wall_backs_off_before_the_next_visit() -> None:
    clock = FakeClock()
    slot = make_slot(clock, delay=2.0, cooldown=60.0, breaker_threshold=5)
    asyncio.run(starts(slot, clock, 1))
    slot.record_wall()  # backoff delay * 2**1 = 4 s
    assert asyncio.run(starts(slot, clock, 1)) == [4.0]


def test_retry_after_is_respected_live() -> None:
    clock = FakeClock()
    slot = make_slot(clock, delay=1.0, cooldown=10.0, breaker_threshold=5)
    slot.record_wall(retry_after=45.0)
    assert asyncio.run(starts(slot, clock, 1)) == [45.0]


def test_retry_after_header_forms() -> None:
    assert parse_retry_after("120") == 120.0
    assert parse_retry_after(None) is None
    assert parse_retry_after("soon") is None
    assert parse_retry_after("Wed, 21 Oct 2015 07:28:00 GMT") == 0.0  # a past date: no wait
