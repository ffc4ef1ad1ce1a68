"""Freshness: is the account updated inside the monitoring window (domain.md, "Time")?"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from enum import StrEnum
from functools import cache

from ..models import Observation, Post, Status
from .localtime import in_window, to_local


class Freshness(StrEnum):
    """What the posts seen say about updates before the monitoring point D."""

    fresh = "fresh"
    not_updated = "not_updated"
    never_updated = "never_updated"
    unknown = "unknown"


@dataclass(frozen=True)
class FreshnessResult:
    """The freshness of one account.

    Attributes:
        state: fresh, not_updated, never_updated or unknown (review).
        latest: latest publish time on or before D (+08:00), else the latest
            seen at all (only posts after D were seen), else None.
        days_silent: days from the local date of the latest post up to D, when
            a post on or before D was seen.
        review_reason: why the state is unknown (Simplified Chinese).
    """

    state: Freshness
    latest: datetime | None = None
    days_silent: int | None = None
    review_reason: str = ""


def local_posts(observation: Observation) -> list[tuple[datetime, Post]]:
    """The posts that carry a publish time, each with that time in +08:00, in the given order.

    Worked out once per account: freshness, the window and the hits' order all read it.
    """
    return [(to_local(p.published_at), p) for p in observation.posts if p.published_at is not None]


def publish_times(observation: Observation, posted: list[tuple[datetime, Post]]) -> list[datetime]:
    """Every local publish time seen: the posts' (``local_posts``) and the latest-post time."""
    # Pinned posts keep their original date and reposts carry the repost's own
    # time (platforms.md, Weibo), so the maximum over everything seen is right.
    times = [t for t, _ in posted]
    if observation.latest_post_at is not None:
        # WeChat (Sogou) shows only the latest article's time, without a post list.
        times.append(to_local(observation.latest_post_at))
    return times


def _publish_times(observation: Observation) -> list[datetime]:
    return publish_times(observation, local_posts(observation))


def _latest_on_or_before(times: list[datetime], as_of: date) -> datetime | None:
    # ``times`` are local already (_publish_times).
    if not times:
        return None
    latest = max(times)
    if latest.date() <= as_of:  # the usual case, nothing seen after D: the same first maximum
        return latest
    return max((t for t in times if t.date() <= as_of), default=None)


def latest_before(observation: Observation, as_of: date) -> datetime | None:
    """Latest publish time whose local date is on or before D, or None."""
    return _latest_on_or_before(_publish_times(observation), as_of)


def _no_posts(observation: Observation, times: list[datetime]) -> bool:
    if observation.status is not Status.ok:
        return False
    if times or observation.posts:
        return False
    return observation.confirmed_empty or observation.post_count == 0


def has_no_posts(observation: Observation) -> bool:
    """Positive evidence that a reachable profile has never posted."""
    return _no_posts(observation, _publish_times(observation))


def assess_freshness(observation: Observation, as_of: date, window_days: int) -> FreshnessResult:
    """Freshness of a reachable account (status ok) against [D - window_days, D].

    never_updated needs positive evidence (``confirmed_empty``, or a profile
    count of zero with no post seen); posts after D are ignored for the window.
    """
    return freshness_of(observation, _publish_times(observation), as_of, window_days)


def freshness_of(
    observation: Observation, times: list[datetime], as_of: date, window_days: int
) -> FreshnessResult:
    """``assess_freshness`` on the observation's local publish times (``publish_times``)."""
    if _no_posts(observation, times):
        return FreshnessResult(Freshness.never_updated)
    latest = _latest_on_or_before(times, as_of)
    if latest is not None:
        day = latest.date()  # local already
        silent = (as_of - day).days
        fresh = window_start(as_of, window_days) <= day <= as_of  # localtime.in_window
        state = Freshness.fresh if fresh else Freshness.not_updated
        return FreshnessResult(state, latest, silent)
    if times:
        return FreshnessResult(
            Freshness.unknown,
            max(times),
            review_reason="只看到监测时间点之后的发文，无法判断监测时间点前是否更新",
        )
    if observation.posts:
        return FreshnessResult(Freshness.unknown, review_reason="取得的发文缺少发布时间，无法判断是否更新")
    return FreshnessResult(Freshness.unknown, review_reason="主页可访问，但未取得发文记录，无法判断是否更新")


def posts_in_window(posts: list[Post], as_of: date, window_days: int) -> list[Post]:
    """Posts whose local publish date falls in [D - window_days, D], in the given order."""
    return [p for p in posts if p.published_at is not None and in_window(p.published_at, as_of, window_days)]


@cache  # asked once or twice per account, with one D and a few windows per run
def window_start(as_of: date, window_days: int) -> date:
    """First local date inside the window."""
    return as_of - timedelta(days=window_days)
