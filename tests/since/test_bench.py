"""Smoke test of the --since benchmark (no timings asserted: speed lives in `make bench`)."""

from __future__ import annotations

from pathlib import Path

from newmedia_audit.bench.since import AS_OF, later_scenarios, since_bench
from newmedia_audit.synth.corpus import synthetic_accounts
from newmedia_audit.synth.platforms import State


def test_a_week_later_some_reachable_accounts_posted_and_every_visit_moved_on() -> None:
    scenarios = synthetic_accounts(60, 4, AS_OF)[2]
    later, posted = later_scenarios(scenarios, 7, 0.5, 5)
    assert [s.account_id for s in later] == [s.account_id for s in scenarios]
    assert all((b.received_at - a.received_at).days == 7 for a, b in zip(scenarios, later, strict=True))
    assert posted and all(s.state is State.ok for s in scenarios if s.account_id in posted)
    for before, after in zip(scenarios, later, strict=True):
        if after.account_id in posted:
            newest = max(p.published_at for p in after.posts)
            assert newest > max(p.published_at for p in before.posts)
            assert newest < after.received_at


def test_since_bench_prints_a_visited_fraction_below_one(tmp_path: Path) -> None:
    figures = since_bench(60, 4, tmp_path, use_httpx=True)
    assert figures["full"]["visited"] == 60
    assert figures["since"]["visited"] + figures["since"]["carried"] == 60
    assert 0 < figures["visited_fraction"] < 1
    assert figures["time_fraction"] is not None
