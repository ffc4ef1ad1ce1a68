"""预警 arithmetic: deadline = local date of the latest post + limit + 1, days_left = deadline - D."""

from datetime import UTC, date, datetime, timedelta, timezone

from hypothesis import given
from hypothesis import settings as hsettings
from hypothesis import strategies as st

from newmedia_audit.models import AtRisk, Observation, Status, VerdictCode
from newmedia_audit.rules.assess import assess
from newmedia_audit.rules.warnings import (
    RED,
    YELLOW,
    days_left,
    deadline,
    find_warnings,
    needs_visit,
    warning_level,
)
from newmedia_audit.settings import Settings

from .factories import D, account, at, days_before, filing, post, seen

SETTINGS = Settings(warn_days=5)
ACC = account()


def warned(*posts, settings: Settings = SETTINGS, acc=ACC, as_of: date = D, **extra) -> list[AtRisk]:
    result = assess([acc], {acc.key: seen(acc, *posts, **extra)}, [filing(acc)], settings, as_of)
    return find_warnings(result.verdicts, settings, as_of)


def kinds(entries: list[AtRisk]) -> dict[str, AtRisk]:
    return {e.kind: e for e in entries}


def test_deadline_is_the_day_after_the_window_ends():
    assert deadline(date(2022, 6, 6), 14) == date(2022, 6, 21)
    assert days_left(date(2022, 6, 6), D, 14) == 1
    assert days_left(date(2022, 6, 5), D, 14) == 0


def test_level_is_red_at_two_days_or_fewer():
    assert [warning_level(n) for n in (1, 2, 3, 5)] == [RED, RED, YELLOW, YELLOW]


def test_latest_post_exactly_d_minus_14_has_one_day_left_in_red():
    [entry] = warned(post(days_before(14)))
    assert (entry.kind, entry.days_left, entry.level) == ("window", 1, RED)
    assert entry.deadline == D + timedelta(days=1)
    assert entry.limit_days == 14


def test_d_minus_14_plus_k_is_one_day_beyond_the_horizon():
    k = SETTINGS.warn_days
    assert warned(post(days_before(14 - k))) == []
    [entry] = warned(post(days_before(15 - k)))
    assert (entry.days_left, entry.level) == (k, YELLOW)


def test_warn_days_zero_lists_nothing():
    assert warned(post(days_before(14)), settings=Settings(warn_days=0)) == []


def test_posts_after_d_are_ignored_for_the_deadline():
    [entry] = warned(post(days_before(-3)), post(days_before(12)))
    assert entry.last_post_at == days_before(12)
    assert entry.days_left == 3


def test_only_posts_after_d_is_review_and_never_warned():
    assert warned(post(days_before(-1))) == []


def test_pinned_old_post_listed_first_does_not_set_the_deadline():
    [entry] = warned(post(days_before(400), pinned=True), post(days_before(13)), post(days_before(30)))
    assert entry.days_left == 2 and entry.last_post_at == days_before(13)


def test_repost_counts_at_the_time_of_the_repost():
    [entry] = warned(post(days_before(11), repost=True), post(days_before(60)))
    assert entry.days_left == 4


def test_local_midnight_belongs_to_its_local_date():
    # 2022-06-05 16:00 UTC is 2022-06-06 00:00 +08:00: D - 14, one day left.
    [entry] = warned(post(datetime(2022, 6, 5, 16, 0, tzinfo=UTC)))
    assert entry.days_left == 1 and entry.deadline == date(2022, 6, 21)
    # One second earlier is 2022-06-05 23:59:59 local: D - 15, not updated already (a fail, no warning).
    assert warned(post(datetime(2022, 6, 5, 15, 59, 59, tzinfo=UTC))) == []


def test_window_warning_needs_a_pass_not_another_veto():
    acc = account(account_id="unfiled")
    result = assess([acc], {acc.key: seen(acc, post(days_before(13)))}, [], SETTINGS, D)
    assert result.verdicts[0].verdict is VerdictCode.failed
    assert find_warnings(result.verdicts, SETTINGS, D) == []


def test_account_approaching_the_zombie_threshold_is_listed_against_zombie_days():
    entry = kinds(warned(post(days_before(88))))["zombie"]
    assert (entry.days_left, entry.level, entry.limit_days) == (3, YELLOW, 90)
    assert entry.deadline == D + timedelta(days=3)
    assert kinds(warned(post(days_before(90))))["zombie"].level == RED
    assert warned(post(days_before(91))) == []  # a zombie already


def test_unreachable_or_walled_accounts_are_never_warned():
    gone = Observation(platform="wechat", account_id=ACC.account_id, status=Status.not_found)
    walled = Observation(platform="wechat", account_id=ACC.account_id, status=Status.blocked)
    for observation in (gone, walled):
        result = assess([ACC], {ACC.key: observation}, [filing(ACC)], SETTINGS, D)
        assert find_warnings(result.verdicts, SETTINGS, D) == []


def test_level_frequency_rule_sets_the_window():
    acc = account(level="部门")
    settings = Settings(warn_days=5, frequency_days={"部门": 30})
    [entry] = warned(post(days_before(28)), settings=settings, acc=acc)
    assert (entry.days_left, entry.limit_days) == (3, 30)


def test_most_urgent_first_then_ledger_order():
    accounts = [account(account_id=f"a{i}", name=f"号{i}") for i in range(3)]
    ages = [10, 14, 12]
    observations = {a.key: seen(a, post(days_before(age))) for a, age in zip(accounts, ages, strict=True)}
    result = assess(accounts, observations, [filing(a) for a in accounts], SETTINGS, D)
    assert [w.account.account_id for w in find_warnings(result.verdicts, SETTINGS, D)] == ["a1", "a2", "a0"]


@hsettings(max_examples=60)
@given(
    age=st.integers(min_value=0, max_value=120),
    hour=st.integers(min_value=0, max_value=23),
    minute=st.integers(min_value=0, max_value=59),
    offset=st.integers(min_value=-12, max_value=12),
    warn=st.integers(min_value=0, max_value=10),
)
def test_listed_exactly_when_the_deadline_is_within_warn_days(age, hour, minute, offset, warn):
    # The same local instant written in any offset: only its +08:00 date counts.
    local = days_before(age, hour, minute)
    moment = local.astimezone(timezone(timedelta(hours=offset)))
    found = kinds(warned(post(moment), settings=Settings(warn_days=warn)))
    window_left, zombie_left = 15 - age, 91 - age
    assert ("window" in found) == (1 <= window_left <= warn)
    assert ("zombie" in found) == (1 <= zombie_left <= warn)
    for kind, left in (("window", window_left), ("zombie", zombie_left)):
        if kind in found:
            assert found[kind].days_left == left
            assert found[kind].deadline == D + timedelta(days=left)
            assert found[kind].level == (RED if left <= 2 else YELLOW)


@hsettings(max_examples=60)
@given(
    age=st.integers(min_value=0, max_value=60),
    later=st.integers(min_value=0, max_value=21),
    warn=st.integers(min_value=0, max_value=10),
)
def test_needs_visit_exactly_when_a_full_sweep_could_see_a_change(age, later, warn):
    settings = Settings(warn_days=warn)
    observation = seen(ACC, post(days_before(age)))
    new_d = D + timedelta(days=later)
    left = 15 - age - later
    assert needs_visit(ACC, observation, settings, new_d) == (left <= warn)


def test_needs_visit_for_anything_but_a_reachable_profile():
    for status in (Status.not_found, Status.blocked, Status.error):
        observation = Observation(platform="wechat", account_id="x", status=status)
        assert needs_visit(ACC, observation, SETTINGS, D)
    assert needs_visit(ACC, seen(ACC, confirmed_empty=True), SETTINGS, D)  # never updated
    assert not needs_visit(ACC, seen(ACC, post(at(D))), SETTINGS, D)
