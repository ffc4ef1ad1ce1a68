"""Faults injected through the replay router: transient ones end right, persistent
ones end in review with the reason kept, walls open one platform's breaker only."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from newmedia_audit.collect import sweep as sweep_module
from newmedia_audit.collect.faults import (
    ALL_KINDS,
    FaultKind,
    FaultPlan,
    WallRun,
    inject,
)
from newmedia_audit.collect.politeness import Slot
from newmedia_audit.models import Account, Platform, Status

from .conftest import fresh_accounts, httpx_settings, run_sweep, verdicts

WEIBO_POSTS = "https://m.weibo.cn/api/container/getIndex?type=uid&value=1&containerid=1076031"
TOUTIAO_FEED = "https://www.toutiao.com/api/pc/list/user/feed?category=profile_all&token=abc&max_behot_time=0"


def comparable(store) -> dict[str, tuple]:  # type: ignore[no-untyped-def]
    """What a fault must not change: status, name, latest post, posts."""
    return {
        k: (o.status.value, o.live_name, o.latest_post_at, [(p.id, p.published_at) for p in o.posts])
        for k, o in store.observations().items()
    }


@pytest.fixture(scope="module")
def fresh(tmp_path_factory: pytest.TempPathFactory) -> tuple[list[Account], Path, dict[str, tuple]]:
    root = tmp_path_factory.mktemp("fresh")
    accounts, corpus = fresh_accounts(root)
    _, store = run_sweep(accounts, corpus, root / "control")
    control = comparable(store)
    assert {v[0] for v in control.values()} == {"ok"}
    store.close()
    return accounts, corpus, control


# -- the plan ---------------------------------------------------------------------------


def test_the_same_plan_gives_the_same_faults_and_about_its_rate() -> None:
    plan = FaultPlan(rate=0.1, seed=5)
    urls = [f"https://www.douyin.com/user/MS4wLjABAAAA{i}" for i in range(4000)]
    first = [plan.draw("GET", u, 0, 0) for u in urls]
    assert first == [plan.draw("GET", u, 0, 0) for u in urls]
    rate = sum(k is not None for k in first) / len(urls)
    assert 0.08 < rate < 0.12
    assert first != [FaultPlan(rate=0.1, seed=6).draw("GET", u, 0, 0) for u in urls]
    # Each retry of the same request draws again.
    again = [plan.draw("GET", u, 1, 0) for u in urls]
    assert (
        sum(a is not None and b is not None for a, b in zip(first, again, strict=True)) < 80
    )  # ~1% of 4000 when independent


def test_empty_feeds_are_drawn_only_for_post_lists() -> None:
    plan = FaultPlan(rate=1.0, seed=1, kinds=(FaultKind.empty_feed,))
    assert plan.draw("GET", WEIBO_POSTS, 0, 0) is FaultKind.empty_feed
    assert plan.draw("GET", TOUTIAO_FEED, 0, 0) is FaultKind.empty_feed
    assert plan.draw("GET", "https://m.weibo.cn/api/container/getIndex?containerid=1005051", 0, 0) is None
    assert plan.draw("GET", "https://www.toutiao.com/c/user/token/abc/", 0, 0) is None


def test_persistent_faults_and_wall_runs_win_over_the_rate() -> None:
    plan = FaultPlan(persistent={"abc": FaultKind.reset}, walls=(WallRun("m.weibo.cn", 2, 3),))
    assert plan.draw("GET", TOUTIAO_FEED, 7, 0) is FaultKind.reset
    assert [plan.draw("GET", WEIBO_POSTS, 0, n) for n in range(6)] == [
        None,
        None,
        FaultKind.wall,
        FaultKind.wall,
        FaultKind.wall,
        None,
    ]


# -- through a sweep ------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ALL_KINDS)
def test_a_fault_on_every_first_request_is_retried_and_ends_as_without_it(
    kind: FaultKind, fresh: tuple[list[Account], Path, dict[str, tuple]], tmp_path: Path
) -> None:
    accounts, corpus, control = fresh
    plan = FaultPlan(rate=1.0, seed=2, kinds=(kind,), first=1)
    with inject(plan) as injector:
        stats, store = run_sweep(accounts, corpus, tmp_path)
    assert injector.injected, "the plan injected nothing"
    assert comparable(store) == control
    assert stats.retries > 0
    kinds = {kind for _, kind, _, _ in store.events()}
    assert kinds == _event_kinds(kind)


def _event_kinds(kind: FaultKind) -> set[str]:
    """How a sweep counts a fault of ``kind`` injected once into every platform's requests."""
    if kind in (FaultKind.wall, FaultKind.http_429):
        return {"wall"}
    if kind is FaultKind.empty_feed:
        # Douyin's empty aweme_list next to a profile counting videos is risk control, a wall
        # (platforms.md, real); the other platforms' empty feeds are retried as faults.
        return {"fault", "wall"}
    if kind is FaultKind.html_for_json:
        return {"unrecognized"}  # HTML where JSON was expected: counted apart (platforms.md, rule 3)
    return {"fault"}


def _expected_status(platform: Platform, kind: FaultKind) -> Status:
    """How an account whose every request gets a fault of ``kind`` ends."""
    if kind in (FaultKind.wall, FaultKind.http_429):
        return Status.blocked
    if kind is FaultKind.empty_feed and platform is Platform.douyin:
        return Status.blocked  # 抖音作品列表为空（疑似风控）
    return Status.error


def test_injected_timeouts_and_resets_reach_the_fetcher_as_such(
    fresh: tuple[list[Account], Path, dict[str, tuple]], tmp_path: Path
) -> None:
    accounts, corpus, _ = fresh
    plan = FaultPlan(rate=1.0, seed=3, kinds=(FaultKind.timeout, FaultKind.reset), first=1)
    with inject(plan) as injector:
        _, store = run_sweep(accounts, corpus, tmp_path)
    reasons = {reason for _, _, reason, _ in store.events()}
    drawn = set(injector.count())
    assert ("timeout" in reasons) == (FaultKind.timeout in drawn)
    assert ("network" in reasons) == (FaultKind.reset in drawn)
    assert drawn == {FaultKind.timeout, FaultKind.reset}


def _persistent_cases() -> list[tuple[Platform, FaultKind]]:
    cases = []
    for platform in Platform:
        for kind in ALL_KINDS:
            if kind is FaultKind.empty_feed and platform in (Platform.toutiao, Platform.wechat):
                continue  # empty on every try is a confirmed empty (toutiao) or not found (Sogou), platforms.md
            cases.append((platform, kind))
    return cases


@pytest.mark.parametrize(("platform", "kind"), _persistent_cases())
def test_a_persistent_fault_ends_in_review_with_the_reason_and_the_others_go_on(
    platform: Platform,
    kind: FaultKind,
    fresh: tuple[list[Account], Path, dict[str, tuple]],
    tmp_path: Path,
) -> None:
    accounts, corpus, control = fresh
    victim = next(a for a in accounts if a.platform == platform.value)
    plan = FaultPlan(persistent={victim.account_id: kind})
    with inject(plan) as injector:
        _, store = run_sweep(accounts, corpus, tmp_path)
    observations = store.observations()
    result = comparable(store)
    for account in accounts:
        if account is not victim:
            assert result[account.key] == control[account.key], account.platform
    if not injector.injected or result[victim.key] == control[victim.key]:
        # The fault did not hide what the response shows (e.g. a page cut after the result).
        return
    seen = observations[victim.key]
    expected = _expected_status(platform, kind)
    assert seen.status is expected, (seen.status, seen.detail)
    assert seen.detail
    assert verdicts(store, [])[victim.key][0] == "review"  # unfiled too, but a wall or fault decides nothing
    events = Counter({(p, k): n for p, k, _, n in store.events()})
    [counted] = _event_kinds(kind) - ({"fault"} if expected is Status.blocked else {"wall"})
    assert events[(platform.value, counted)] > 0
    if kind is FaultKind.html_for_json:
        assert seen.failure == "unrecognized"


def test_walls_mid_sweep_open_one_platforms_breaker_and_the_others_go_on(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    accounts, corpus = fresh_accounts(tmp_path, "wall", per_platform=8)
    slots: dict[str, Slot] = {}
    original = Slot.from_settings

    def keep(platform: str, *args: object, **kwargs: object) -> Slot:
        slots[platform] = original(platform, *args, **kwargs)  # type: ignore[arg-type]
        return slots[platform]

    monkeypatch.setattr(sweep_module.Slot, "from_settings", keep)
    # Weibo's first 8 requests are walls: 4 accounts (profile + posts each) meet one.
    plan = FaultPlan(walls=(WallRun("m.weibo.cn", 0, 8),))
    with inject(plan):
        _, store = run_sweep(accounts, corpus, tmp_path / "out", httpx_settings(wall_retries=0), workers=1)
    observations = store.observations()
    weibo = [observations[a.key] for a in accounts if a.platform == "weibo"]
    others = [observations[a.key] for a in accounts if a.platform != "weibo"]
    assert slots["weibo"].stats.breaker_opened >= 1
    assert all(s.stats.breaker_opened == 0 for p, s in slots.items() if p != "weibo")
    assert all(o.status is Status.ok for o in others)
    blocked = [o for o in weibo if o.status is Status.blocked]
    assert len(blocked) == 4 and all("拦截" in o.detail for o in blocked)
    assert sum(o.status is Status.ok for o in weibo) == 4  # the breaker closed after the run
    assert ("weibo", "wall", "http_418", 4) in store.events()


@pytest.mark.parametrize("platform", [Platform.toutiao, Platform.wechat])
def test_an_empty_answer_after_other_faults_is_retried_before_it_concludes(
    platform: Platform, fresh: tuple[list[Account], Path, dict[str, tuple]], tmp_path: Path
) -> None:
    """Three 5xx then one empty feed / no-result page: the empty answer was never confirmed by
    a retry, so the account is in review (error), never never_updated or not_found."""
    accounts, corpus, control = fresh
    victim = next(a for a in accounts if a.platform == platform.value)
    needle = f"token={victim.account_id}" if platform is Platform.toutiao else victim.account_id
    script = (FaultKind.http_503, FaultKind.http_503, FaultKind.http_503, FaultKind.empty_feed)
    with inject(FaultPlan(script={needle: script})) as injector:
        _, store = run_sweep(accounts, corpus, tmp_path, httpx_settings(retries=3))
    assert [i.kind for i in injector.injected] == list(script)
    seen = store.observations()[victim.key]
    assert seen.status is Status.error, (seen.status, seen.detail, seen.confirmed_empty)


@pytest.mark.parametrize("platform", [Platform.toutiao, Platform.wechat])
def test_an_empty_answer_confirmed_by_the_retry_concludes(
    platform: Platform, fresh: tuple[list[Account], Path, dict[str, tuple]], tmp_path: Path
) -> None:
    """Control of the test above: empty on every try is concluded as platforms.md says."""
    accounts, corpus, _ = fresh
    victim = next(a for a in accounts if a.platform == platform.value)
    needle = f"token={victim.account_id}" if platform is Platform.toutiao else victim.account_id
    with inject(FaultPlan(script={needle: (FaultKind.empty_feed,) * 4})):
        _, store = run_sweep(accounts, corpus, tmp_path, httpx_settings(retries=3))
    seen = store.observations()[victim.key]
    if platform is Platform.toutiao:
        assert seen.status is Status.ok and seen.confirmed_empty
    else:
        assert seen.status is Status.not_found


def test_fault_reasons_in_the_store_are_codes_not_account_ids(
    fresh: tuple[list[Account], Path, dict[str, tuple]], tmp_path: Path
) -> None:
    accounts, corpus, _ = fresh
    plan = FaultPlan(rate=1.0, seed=4, kinds=(FaultKind.empty_feed, FaultKind.html_for_json), first=1)
    with inject(plan):
        _, store = run_sweep(accounts, corpus, tmp_path)
    reasons = [reason for _, _, reason, _ in store.events()]
    assert reasons
    for account in accounts:
        assert not [r for r in reasons if account.account_id in r], reasons


@pytest.mark.browser
def test_faults_on_the_browser_path_are_retried_and_end_as_without_them(
    fresh: tuple[list[Account], Path, dict[str, tuple]], tmp_path: Path
) -> None:
    """The route handler aborts injected timeouts and resets as Chromium would; every
    account still ends as the (httpx) control saw it, the two paths seeing the same."""
    accounts, corpus, control = fresh
    settings = httpx_settings()
    for platform in Platform:
        settings.platform(platform.value).use_httpx = False
    settings.browser.page_timeout = 5.0
    kinds = (FaultKind.timeout, FaultKind.reset)
    with inject(FaultPlan(rate=1.0, seed=9, kinds=kinds, first=1)) as injector:
        stats, store = run_sweep(accounts, corpus, tmp_path, settings)
    assert injector.injected and set(injector.count()) <= set(kinds)
    assert comparable(store) == control
    assert stats.retries > 0
