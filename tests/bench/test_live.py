"""Live schedule check: sample sizes, the floor arithmetic, clean-account selection, visit figures."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from newmedia_audit.bench.live import (
    VisitLog,
    live_check,
    live_settings,
    politeness_floor,
    sample_sizes,
    select_accounts,
    visit_figures,
)
from newmedia_audit.models import Account, Platform
from newmedia_audit.settings import Settings, load_settings
from newmedia_audit.synth.corpus import generate, synthetic_accounts
from newmedia_audit.synth.platforms import Flaky, Scenario, State, SynthPost

CST = timezone(timedelta(hours=8))
NOW = datetime(2022, 6, 20, 9, 0, tzinfo=CST)
RULES = Path(__file__).resolve().parents[2] / "registry" / "rules.toml"


def _account(platform: str, i: int) -> Account:
    return Account(
        district="市直", unit="单位", name=f"号{i}", platform=platform, account_type="", account_id=f"id{i}"
    )


def _scenario(platform: str, i: int, state: State = State.ok, flaky: Flaky = Flaky.none) -> Scenario:
    posts = (SynthPost(id=str(i), published_at=NOW, text="动态"),) if state is State.ok else ()
    return Scenario(
        platform=Platform(platform),
        account_id=f"id{i}",
        live_name=f"号{i}",
        received_at=NOW,
        state=state,
        posts=posts,
        flaky=flaky,
    )


def test_sizes_give_each_platform_a_floor_of_about_the_target_with_the_shipped_rules() -> None:
    settings = live_settings(load_settings(RULES))
    sizes = sample_sizes(settings, 60.0)
    assert sizes == {
        "wechat": 12,
        "weibo": 20,
        "douyin": 20,
        "toutiao": 20,
    }  # delays 5 s and 3 s, one at a time
    floors = politeness_floor(sizes, settings)
    assert floors == {"wechat": 60.0, "weibo": 60.0, "douyin": 60.0, "toutiao": 60.0}


def test_sizes_grow_with_concurrency_and_never_drop_to_zero() -> None:
    base = Settings()
    settings = base.model_copy(update={"douyin": base.douyin.model_copy(update={"concurrency": 2})})
    assert sample_sizes(settings, 60.0, ["douyin"]) == {"douyin": 40}
    assert sample_sizes(settings, 0.1) == {"wechat": 1, "weibo": 1, "douyin": 1, "toutiao": 1}


def test_a_platform_without_delay_has_no_floor_to_check() -> None:
    base = Settings()
    settings = base.model_copy(update={"weibo": base.weibo.model_copy(update={"delay": 0.0})})
    with pytest.raises(ValueError, match="weibo"):
        sample_sizes(settings, 60.0)


def test_the_floor_is_accounts_times_the_mean_interval_over_concurrency() -> None:
    base = Settings()
    settings = base.model_copy(update={"toutiao": base.toutiao.model_copy(update={"concurrency": 3})})
    floors = politeness_floor({"wechat": 10, "toutiao": 30}, settings)
    assert floors == {"wechat": 10 * 5.0, "toutiao": 30 * 3.0 / 3}  # jitter does not enter: it does not drift


def test_live_settings_switch_on_httpx_and_keep_every_platforms_politeness() -> None:
    base = load_settings(RULES)
    settings = live_settings(base)
    for platform in ("wechat", "weibo", "douyin", "toutiao"):
        before, after = base.platform(platform), settings.platform(platform)
        assert after.use_httpx
        local = {"use_httpx", "visitor_url"}  # the local server needs no visitor cookies
        assert after.model_dump(exclude=local) == before.model_dump(exclude=local)
    assert settings.weibo.visitor_url == "" and base.weibo.visitor_url


def test_selection_takes_the_first_clean_accounts_and_counts_the_troubled_ones_passed_over() -> None:
    rows = [
        ("weibo", State.ok, Flaky.none),
        ("weibo", State.wall_418, Flaky.none),
        ("weibo", State.ok, Flaky.http_503),
        ("toutiao", State.empty, Flaky.none),
        ("weibo", State.not_found, Flaky.none),  # clean: the answer is final at once
        ("toutiao", State.ok, Flaky.none),
        ("weibo", State.wall_visitor, Flaky.none),  # after weibo's quota: not counted
        ("weibo", State.ok, Flaky.none),
    ]
    accounts = [_account(p, i) for i, (p, _, _) in enumerate(rows)]
    scenarios = [_scenario(p, i, s, f) for i, (p, s, f) in enumerate(rows)]
    chosen, excluded = select_accounts(accounts, scenarios, {"weibo": 2, "toutiao": 1})
    assert [a.account_id for a in chosen] == ["id0", "id4", "id5"]
    assert excluded == {"wall": 1, "fault": 1, "unconfirmed": 1}


def test_selection_without_scenarios_takes_every_account_and_refuses_a_mismatch() -> None:
    accounts = [_account("weibo", i) for i in range(3)]
    chosen, excluded = select_accounts(accounts, None, {"weibo": 5})
    assert len(chosen) == 3 and not excluded
    with pytest.raises(ValueError):
        select_accounts(accounts, [_scenario("weibo", 0)], {"weibo": 5})


def test_a_synthetic_province_has_enough_clean_accounts_for_a_minute_per_platform() -> None:
    accounts, _, scenarios = synthetic_accounts(400, 7, date(2022, 6, 20))
    sizes = sample_sizes(live_settings(Settings()), 60.0)
    chosen, excluded = select_accounts(accounts, scenarios, sizes)
    assert {p: sum(a.platform == p for a in chosen) for p in sizes} == sizes
    assert sum(excluded.values()) < len(chosen)


def test_visit_figures_read_gaps_turns_and_the_turns_that_could_hold_the_next_start_back() -> None:
    log = VisitLog()
    log.started["weibo"] = [("a", 0.0), ("b", 3.0), ("c", 5.0)]
    log.fetched.update({("weibo", "a"): 0.5, ("weibo", "b"): 4.8, ("weibo", "c"): 5.4})
    log.committed["weibo"] = [0.6, 5.0, 5.5]
    figures = visit_figures(log, Settings())["weibo"]
    assert figures["mean_gap_s"] == 2.5 and figures["min_gap_s"] == 2.0
    assert figures["max_visit_s"] == 1.8
    assert figures["max_cycle_s"] == 2.0
    assert figures["min_interval_s"] == 1.5
    assert figures["over_min_interval"] == 1  # b's turn (2.0 s) outlasted the shortest interval
    assert figures["ideal_s"] == pytest.approx(2 * 3.0 + (0.6 + 2.0 + 0.5) / 3, abs=1e-3)


def test_live_check_at_a_tiny_pace_reports_wall_floor_and_exclusions(tmp_path: Path) -> None:
    _, _, corpus = generate(60, 7, tmp_path / "corpus", date(2022, 6, 20))
    accounts, _, scenarios = synthetic_accounts(60, 7, date(2022, 6, 20))
    figures = live_check(
        accounts,
        corpus,
        Settings(),
        tmp_path / "live",
        scenarios=scenarios,
        target_seconds=0.1,
        latency=(0.0, 0.005),
        delay=0.05,
        concurrency=1,
    )
    assert figures["per_platform"] == {"douyin": 2, "toutiao": 2, "wechat": 2, "weibo": 2}
    assert figures["floor_s"] == pytest.approx(0.1)
    assert figures["walls"] == figures["retries"] == 0
    assert set(figures["statuses"]) <= {"ok", "not_found", "banned", "private"}
    for key in ("wall_s", "ratio", "latency_bound_s", "platform_wall_s", "mean_latency_s"):
        assert figures[key] is not None
    assert figures["excluded"] == sum(figures["excluded_reasons"].values())
