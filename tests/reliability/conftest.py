"""Shared pieces of the reliability tests: synthetic corpora, httpx settings, verdicts.

Everything runs on replayed corpora from newmedia_audit.synth (no network);
faults come from collect/faults.py, in front of the same HAR matcher.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

from newmedia_audit.collect.sweep import SweepStats, sweep
from newmedia_audit.models import Account, Filing, Platform
from newmedia_audit.rules.assess import assess
from newmedia_audit.settings import Settings
from newmedia_audit.store import Store
from newmedia_audit.synth import ids as synth_ids
from newmedia_audit.synth.corpus import make_posts, synthetic_accounts, write_corpus
from newmedia_audit.synth.platforms import CST, Scenario, page_url

AS_OF = date(2022, 6, 20)
ROOT = Path(__file__).resolve().parents[2]


def httpx_settings(*, retries: int = 3, wall_retries: int = 2) -> Settings:
    """Replay settings with every platform on the httpx path (fast, no browser)."""
    settings = Settings()
    settings.retries = retries
    for platform in Platform:
        psettings = settings.platform(platform.value)
        psettings.use_httpx = True
        psettings.wall_retries = wall_retries
    return settings


def synthetic(n: int, seed: int, out: Path) -> tuple[list[Account], list[Filing], Path]:
    """N synthetic accounts, their filings and the corpus serving them."""
    accounts, filings, scenarios = synthetic_accounts(n, seed, AS_OF)
    corpus = write_corpus(scenarios, out / "corpus.har")
    return accounts, filings, corpus


def fresh_accounts(
    out: Path, tag: str = "r", per_platform: int = 1, platforms: tuple[Platform, ...] = tuple(Platform)
) -> tuple[list[Account], Path]:
    """``per_platform`` ok, fresh accounts (posts a few hours old) per platform, and their corpus."""
    received = datetime.combine(AS_OF, time(9, 0), CST)
    accounts: list[Account] = []
    scenarios: list[Scenario] = []
    index = 0
    for platform in platforms:
        for k in range(per_platform):
            index += 1
            account_id = synth_ids.account_id(platform, f"reliability|{tag}|{platform.value}|{k}")
            name = f"可靠{platform.value}{tag}{k}"
            posts = make_posts(platform, name, "某单位", received - timedelta(hours=5), index, count=3)
            scenarios.append(
                Scenario(
                    platform=platform,
                    account_id=account_id,
                    live_name=name,
                    received_at=received,
                    subject="某单位",
                    posts=posts,
                )
            )
            accounts.append(
                Account(
                    district="市直",
                    unit="某单位",
                    name=name,
                    platform=platform.value,
                    account_id=account_id,
                    url=page_url(platform, account_id) if platform is not Platform.wechat else "",
                )
            )
    return accounts, write_corpus(scenarios, out / f"fresh-{tag}.har")


def run_sweep(
    accounts: list[Account], corpus: Path, out: Path, settings: Settings | None = None, **kw: Any
) -> tuple[SweepStats, Store]:
    """Sweep replayed accounts into ``out`` (the store stays open for the test)."""
    store = Store(out / "state.sqlite")
    stats = sweep(accounts, store, settings or httpx_settings(), out, replay=[corpus], **kw)
    return stats, store


def verdicts(store: Store, filings: list[Filing], settings: Settings | None = None) -> dict[str, tuple]:
    """Account key -> (verdict, reasons, status) as the rules assess the stored observations."""
    result = assess(store.accounts(), store.observations(), filings, settings or httpx_settings(), AS_OF)
    return {
        v.account.key: (v.verdict.value, tuple(r.value for r in v.reasons), v.status.value)
        for v in result.verdicts
    }
