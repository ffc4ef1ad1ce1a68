"""Two workers of one egress against a local server with latency keep the configured interval."""

from __future__ import annotations

import asyncio
from pathlib import Path

from newmedia_audit.bench.live import PLATFORMS, polite_settings, select_accounts
from newmedia_audit.bench.scale import AS_OF, shared_sweep
from newmedia_audit.settings import load_settings
from newmedia_audit.synth.corpus import synthetic_accounts, write_corpus

DELAY, JITTER = 0.4, 0.5


def test_visit_starts_of_two_workers_sharing_an_egress_keep_the_gap(database: str, tmp_path: Path) -> None:
    settings = polite_settings(load_settings(), DELAY, 1)
    for platform in PLATFORMS:
        settings.platform(platform).jitter = JITTER
    pool, _, scenarios = synthetic_accounts(200, 11, AS_OF)
    accounts, _ = select_accounts(pool, scenarios, {"toutiao": 8, "douyin": 8})
    corpus = write_corpus(scenarios, tmp_path / "corpus.har")
    _, log = asyncio.run(
        shared_sweep(
            database, accounts, corpus, settings, tmp_path / "out", workers=2, egresses=["same", "same"]
        )
    )
    for platform in ("toutiao", "douyin"):
        starts = sorted(t for _, t in log.started[platform])
        assert len(starts) >= 8
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        assert min(gaps) >= DELAY * (1 - JITTER) - 0.05, (platform, gaps)
