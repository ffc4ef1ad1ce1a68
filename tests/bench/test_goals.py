"""The bench's goal checks and the ceiling's page arrangement (pure pieces, no browser)."""

from __future__ import annotations

from datetime import date

from newmedia_audit.bench.ceiling import page_urls, platform_page_urls
from newmedia_audit.bench.goals import check_goals
from newmedia_audit.synth.corpus import synthetic_accounts


def _memory(pss_small: float, pss_large: float, rss: float) -> dict:
    return {
        "browser_sweep": {"per_min": 1100.0, "peak_pss_mb": pss_small, "peak_rss_mb": rss},
        "end_to_end": {"elapsed_s": 250.0, "accounts": 5000, "peak_pss_mb": pss_large, "peak_rss_mb": rss},
        "pss_growth": (pss_large - pss_small) / pss_small,
        "rss_growth": 0.0,
    }


def _check(figures: dict, start: str) -> bool | None:
    return next(c.passed for c in check_goals(figures) if c.goal.startswith(start))


def test_memory_goal_is_judged_on_the_tree_pss_with_the_rss_sum_shown() -> None:
    checks = {c.goal: c for c in check_goals(_memory(900, 950, 2600))}
    memory = checks["peak memory of the tree ≤ 1.5 GB"]
    assert memory.passed is True and "2,600" in memory.value
    assert _check(_memory(900, 1600, 2600), "peak memory") is False
    assert _check(_memory(900, 950, 2600), "memory growth") is True  # +5.6%
    assert _check(_memory(900, 1000, 2600), "memory growth") is False  # +11.1%


def test_unmeasured_goals_are_not_passed() -> None:
    assert all(c.passed is None for c in check_goals({}))


def test_ceiling_groups_pages_by_platform_in_ledger_order() -> None:
    accounts, _, _ = synthetic_accounts(40, 3, date(2022, 6, 20))
    groups = platform_page_urls(accounts)
    assert set(groups) <= {"wechat", "weibo", "douyin", "toutiao"} and len(groups) >= 3
    assert sorted(u for urls in groups.values() for u in urls) == sorted(page_urls(accounts))
    visitable = [a for a in accounts if a.platform in groups and a.account_id]
    assert len(page_urls(accounts)) == len(visitable)
