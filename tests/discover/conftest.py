"""Shared pieces of the discovery tests: responses, a region, hand-made corpora."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.discover.lists import OrganLists, load_organ_lists
from newmedia_audit.discover.regions import Region, make_regions
from newmedia_audit.models import Account, Filing
from newmedia_audit.settings import Settings
from newmedia_audit.synth.tables import write_ledger, write_registry

CST = timezone(timedelta(hours=8))
T0 = datetime(2022, 6, 20, 10, 0, tzinfo=CST)
CITY = "东川市"
DISTRICTS = ["东湖区", "西山县", "南河县", "北岭市"]


def fetched(body: str | dict[str, Any] | bytes, url: str = "https://x.test/", *, status: int = 200,
            redirects: tuple[str, ...] = ()) -> Fetched:  # fmt: skip
    """A response as the fetchers hand it over."""
    if isinstance(body, dict):
        data = json.dumps(body, ensure_ascii=False).encode("utf-8")
    elif isinstance(body, str):
        data = body.encode("utf-8")
    else:
        data = body
    return Fetched(url=url, status=status, headers={}, body=data, received_at=T0, redirects=redirects)


@pytest.fixture(scope="session")
def lists() -> OrganLists:
    return load_organ_lists()


@pytest.fixture(scope="session")
def regions() -> list[Region]:
    return make_regions([CITY, "市直", *DISTRICTS], ["市直", *DISTRICTS])


def replay_settings(*, browser: tuple[str, ...] = ()) -> Settings:
    """Replayed discovery: httpx everywhere unless named, walls requeued once."""
    settings = Settings()
    settings.discovery.browser = list(browser)  # type: ignore[assignment]
    for name in ("weibo", "wechat", "douyin"):
        settings.platform(name).wall_retries = 1
    settings.retries = 2
    settings.browser.page_timeout = 10.0
    return settings


def write_inputs(folder: Path, ledger: list[Account], filings: list[Filing]) -> tuple[Path, Path]:
    """ledger.csv (with a row per district, so the default regions come from it) and registry.csv."""
    rows = [
        Account(district=d, unit=f"{d}人民政府办公室", name=f"{d[:2]}头条", platform="toutiao",
                account_id=f"MS4wLjABAAAAtoutiao{i}")
        for i, d in enumerate(DISTRICTS)
    ]  # fmt: skip
    return write_ledger([*rows, *ledger], folder / "ledger.csv"), write_registry(
        filings, folder / "registry.csv"
    )
