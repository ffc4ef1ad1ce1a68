from datetime import UTC, datetime

import pytest

from newmedia_audit.models import Status
from newmedia_audit.rules.freshness import Freshness, assess_freshness

from .factories import D, account, days_before, post, seen

ACC = account()


def state(*posts, **extra):
    return assess_freshness(seen(ACC, *posts, **extra), D, 14).state


def test_half_past_midnight_local_on_d_minus_14_is_fresh():
    assert state(post(days_before(14, 0, 30))) is Freshness.fresh


def test_half_past_eleven_pm_local_on_d_minus_15_is_not_fresh():
    assert state(post(days_before(15, 23, 30))) is Freshness.not_updated


def test_utc_inputs_are_compared_by_local_date():
    # 2022-06-05 16:30 UTC is 2022-06-06 00:30 +08:00: D-14, fresh.
    assert state(post(datetime(2022, 6, 5, 16, 30, tzinfo=UTC))) is Freshness.fresh
    # 2022-06-05 15:30 UTC is 2022-06-05 23:30 +08:00: D-15, stale.
    assert state(post(datetime(2022, 6, 5, 15, 30, tzinfo=UTC))) is Freshness.not_updated


def test_post_on_the_monitoring_day_itself_is_fresh():
    assert state(post(days_before(0, 23, 59))) is Freshness.fresh


def test_pinned_old_post_first_does_not_hide_newer_posts():
    pinned = post(days_before(400), pinned=True)
    result = assess_freshness(seen(ACC, pinned, post(days_before(3)), post(days_before(20))), D, 14)
    assert result.state is Freshness.fresh
    assert result.latest == days_before(3)


def test_pinned_post_alone_counts_with_its_own_date():
    assert state(post(days_before(2), pinned=True), post(days_before(60))) is Freshness.fresh


def test_repost_counts_as_an_update_at_the_time_of_the_repost():
    assert state(post(days_before(1), repost=True), post(days_before(90))) is Freshness.fresh


def test_posts_after_the_monitoring_point_are_ignored():
    result = assess_freshness(seen(ACC, post(days_before(-3)), post(days_before(30))), D, 14)
    assert result.state is Freshness.not_updated
    assert result.latest == days_before(30)
    assert result.days_silent == 30


def test_only_posts_after_the_monitoring_point_is_review():
    result = assess_freshness(seen(ACC, post(days_before(-2))), D, 14)
    assert result.state is Freshness.unknown
    assert "监测时间点之后" in result.review_reason


def test_latest_article_time_alone_is_enough():
    # WeChat via Sogou: only the latest article's time, no post list.
    assert state(latest_post_at=days_before(5)) is Freshness.fresh
    assert state(latest_post_at=days_before(40)) is Freshness.not_updated


def test_never_updated_needs_positive_evidence():
    assert state(confirmed_empty=True) is Freshness.never_updated
    assert state(post_count=0) is Freshness.never_updated
    assert state() is Freshness.unknown
    assert state(post_count=12) is Freshness.unknown


def test_a_post_seen_beats_a_claim_of_emptiness():
    assert state(post(days_before(3)), confirmed_empty=True, post_count=0) is Freshness.fresh


@pytest.mark.parametrize("status", [Status.blocked, Status.not_found, Status.unsupported])
def test_never_updated_only_from_a_reachable_profile(status):
    result = assess_freshness(seen(ACC, status=status, confirmed_empty=True), D, 14)
    assert result.state is not Freshness.never_updated
