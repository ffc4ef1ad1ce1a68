"""The time left that ``newmedia-audit status`` prints."""

from __future__ import annotations

import pytest

from newmedia_audit.scale.status import RECENT_MINUTES, SweepStatus, duration_text


def _sweep(done: int, recent: int, recent_s: float) -> SweepStatus:
    return SweepStatus("s", "/out", 20_000, done, [], {}, recent, recent_s, {}, [])


def test_the_time_left_is_at_the_pace_of_the_time_the_recent_results_took() -> None:
    # 45 s into a sweep, 4,600 done: about 2.5 more minutes, not the 0.6 hours that
    # spreading them over the whole ten-minute window gave.
    assert _sweep(4_600, 4_600, 45.0).hours_left == pytest.approx(15_400 / (4_600 / 45) / 3600)
    assert _sweep(4_600, 1_200, RECENT_MINUTES * 60).hours_left == pytest.approx(15_400 / 2 / 3600)
    assert _sweep(20_000, 0, 0).hours_left == 0
    assert _sweep(4_600, 0, 0).hours_left is None  # nothing lately: no estimate


def test_the_time_left_is_said_in_minutes_hours_or_days() -> None:
    assert [duration_text(h) for h in (0.001, 0.042, 5.54, 52.8)] == [
        "约 1 分钟",
        "约 3 分钟",
        "约 5.5 小时",
        "约 2.2 天",
    ]
