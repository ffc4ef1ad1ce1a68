"""Workers sharing an egress against a local server with latency: one pace, one pause, one cap.

Two worker processes of the same egress sweep accounts served after
100-300 ms by a local server. Their visit starts keep the configured gap,
their visits of a platform never overlap with concurrency 1, and a wall
one of them meets pauses the platform for both for the cool-down.
"""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Any

from newmedia_audit.bench.live import PLATFORMS, VisitLog, polite_settings, select_accounts
from newmedia_audit.bench.scale import AS_OF, shared_sweep
from newmedia_audit.settings import Settings, load_settings
from newmedia_audit.synth.corpus import synthetic_accounts, write_corpus

JITTER = 0.5


def sweep_two_workers(
    database: str, tmp_path: Path, settings: Settings, sizes: dict[str, int], **kwargs: Any
) -> VisitLog:
    pool, _, scenarios = synthetic_accounts(200, 11, AS_OF)
    accounts, _ = select_accounts(pool, scenarios, sizes)
    corpus = write_corpus(scenarios, tmp_path / "corpus.har")
    _, log = asyncio.run(
        shared_sweep(
            database,
            accounts,
            corpus,
            settings,
            tmp_path / "out",
            workers=2,
            egresses=["same", "same"],
            **kwargs,
        )
    )
    return log


def pace(delay: float, **update: Any) -> Settings:
    settings = polite_settings(load_settings(), delay, 1)
    for platform in PLATFORMS:
        psettings = settings.platform(platform)
        psettings.jitter = JITTER
        for name, value in update.items():
            setattr(psettings, name, value)
    return settings


def test_visit_starts_of_two_workers_sharing_an_egress_keep_the_gap(database: str, tmp_path: Path) -> None:
    delay = 0.4
    log = sweep_two_workers(database, tmp_path, pace(delay), {"toutiao": 8, "douyin": 8})
    for platform in ("toutiao", "douyin"):
        starts = sorted(t for _, t in log.started[platform])
        assert len(starts) >= 8
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        assert min(gaps) >= delay * (1 - JITTER) - 0.05, (platform, gaps)


def test_with_concurrency_one_the_visits_of_two_workers_never_overlap(database: str, tmp_path: Path) -> None:
    # A delay shorter than the server's latency: only the shared cap keeps visits apart.
    log = sweep_two_workers(database, tmp_path, pace(0.05), {"toutiao": 8, "douyin": 8})
    for platform in ("toutiao", "douyin"):
        spans = sorted((start, log.fetched[(platform, account)]) for account, start in log.started[platform])
        assert len(spans) == 8
        for (_, end), (start, _) in zip(spans, spans[1:], strict=False):
            assert start >= end - 0.01, (platform, spans)  # one visit at a time on the egress


def test_a_wall_seen_by_one_worker_pauses_the_platform_for_both(database: str, tmp_path: Path) -> None:
    cooldown = 2.0
    settings = pace(0.2, breaker_threshold=1, cooldown=cooldown, wall_retries=2)
    log = sweep_two_workers(database, tmp_path, settings, {"toutiao": 8}, walls={"www.toutiao.com": 1})
    assert len(log.walled) == 1
    walled_at = log.walled[0][1]
    starts = sorted(t for _, t in log.started["toutiao"])
    assert len(starts) >= 9  # eight accounts and the walled one again
    after = [t for t in starts if t > walled_at]
    # The first wall opens the breaker: no worker starts a visit until the cool-down is over,
    # while without the shared pause the other worker would go on every 0.1-0.3 s.
    assert after and min(after) >= walled_at + cooldown - 0.05, (walled_at, starts)
    assert {account for account, _ in log.started["toutiao"]} == {
        a for (p, a) in log.fetched if p == "toutiao"
    }


def test_platforms_go_side_by_side_when_the_ledger_is_sorted_by_platform(
    database: str, tmp_path: Path
) -> None:
    pool, _, scenarios = synthetic_accounts(200, 11, AS_OF)
    accounts, _ = select_accounts(pool, scenarios, {"toutiao": 6, "douyin": 6})
    accounts.sort(key=lambda a: a.platform != "toutiao")  # every Toutiao account first
    corpus = write_corpus(scenarios, tmp_path / "corpus.har")
    _, log = asyncio.run(
        shared_sweep(database, accounts, corpus, pace(0.3), tmp_path / "out", workers=1, egresses=["e"])
    )
    toutiao = sorted(t for _, t in log.started["toutiao"])
    douyin = sorted(t for _, t in log.started["douyin"])
    # Each platform has its own job places: Douyin does not wait for Toutiao's queue to drain.
    assert douyin[0] < toutiao[2], (toutiao, douyin)
