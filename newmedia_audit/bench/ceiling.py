"""The raw ceiling: the least Playwright can do to load the same replayed pages.

Same Chromium, same flags (``BrowserSettings.args`` plus the replay
``--host-resolver-rules``), same route handler over the same corpus, the
collectors' own ``page_url``; then nothing else: a reused page per worker,
``goto(url, wait_until="load")``, next. No capture, no parsing, no
screenshot, no store. A sweep through the browser cannot beat this.

The pages come grouped by platform, as the sweep's workers take them: a page
hopping from site to site in ledger order pays a renderer swap on every
navigation (measured 1,230 pages/min in ledger order against 1,900 grouped,
one page, same machine), which would make the ceiling easy to approach.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Sequence
from pathlib import Path

from playwright.async_api import Error as PlaywrightError
from playwright.async_api import async_playwright

from ..collect.replay import HarCorpus, ReplayRouteHandler, replay_resolver_args
from ..collect.sweep import default_collectors
from ..models import Account
from ..settings import BrowserSettings
from .rss import TreeSampler

PER_PLATFORM = 0
"""``workers`` value for the sweep's own arrangement: one page per platform, side by side."""


def page_urls(accounts: Sequence[Account]) -> list[str]:
    """The profile page of each visitable account, as the collectors build it."""
    return [url for urls in platform_page_urls(accounts).values() for url in urls]


def platform_page_urls(accounts: Sequence[Account]) -> dict[str, list[str]]:
    """``page_urls`` by platform, in ledger order within each."""
    collectors = default_collectors()
    urls: dict[str, list[str]] = {}
    for a in accounts:
        if a.platform in collectors and a.account_id:
            urls.setdefault(a.platform, []).append(collectors[a.platform].page_url(a.account_id))
    return urls


async def load_pages(
    accounts: Sequence[Account], corpus_path: Path, settings: BrowserSettings, workers: int
) -> dict:
    """Load every profile page with ``workers`` reused pages sharing one queue, or
    (``PER_PLATFORM``) one reused page per platform as the sweep arranges its
    workers; returns counts and the elapsed seconds."""
    corpus = HarCorpus.load([corpus_path])
    per_platform = workers == PER_PLATFORM
    groups = list(platform_page_urls(accounts).values()) if per_platform else [page_urls(accounts)]
    queues: list[asyncio.Queue[str]] = []
    for urls in groups:
        queues.append(asyncio.Queue())
        for url in urls:
            queues[-1].put_nowait(url)
    if not per_platform:
        queues = queues * max(1, workers)  # the workers share one queue
    failed = 0
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=settings.resolved_executable(),
            args=[*settings.args, *replay_resolver_args()],
            headless=settings.headless,
        )
        started = time.monotonic()

        async def worker(queue: asyncio.Queue[str]) -> None:
            nonlocal failed
            context = await browser.new_context()
            await context.route("**/*", ReplayRouteHandler(corpus))
            page = await context.new_page()
            while not queue.empty():
                url = queue.get_nowait()
                try:
                    await page.goto(url, wait_until="load", timeout=settings.page_timeout * 1000)
                except PlaywrightError:
                    failed += 1
            await context.close()

        await asyncio.gather(*(worker(queue) for queue in queues))
        elapsed = time.monotonic() - started
        await browser.close()
    return {
        "pages": sum(map(len, groups)),
        "failed": failed,
        "elapsed": elapsed,
        "workers": "per platform" if workers == PER_PLATFORM else workers,
    }


def ceiling(accounts: Sequence[Account], corpus_path: Path, settings: BrowserSettings, workers: int) -> dict:
    """accounts/min of the raw page loads (see ``load_pages``), and CPU per page over the process tree."""
    with TreeSampler() as sampler:
        result = asyncio.run(load_pages(accounts, corpus_path, settings, workers))
    result["per_min"] = result["pages"] / result["elapsed"] * 60 if result["elapsed"] > 0 else 0.0
    cpu = sum(sampler.peak.cpu.values())
    result["cpu_ms_per_account"] = round(cpu / result["pages"] * 1000, 1) if result["pages"] else None
    result["cpu_s"] = sampler.peak.cpu
    result["peak_rss_mb"] = round(sampler.peak.rss_mb, 1)
    return result
