"""The raw ceiling: the least Playwright can do to load the same replayed pages.

Same Chromium, same flags (``BrowserSettings.args`` plus the replay
``--host-resolver-rules``), same route handler over the same corpus, the
collectors' own ``page_url``; then nothing else: a reused page per worker,
``goto(url, wait_until="load")``, next. No capture, no parsing, no
screenshot, no store. A sweep through the browser cannot beat this.
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


def page_urls(accounts: Sequence[Account]) -> list[str]:
    """The profile page of each visitable account, as the collectors build it."""
    collectors = default_collectors()
    return [
        collectors[a.platform].page_url(a.account_id)
        for a in accounts
        if a.platform in collectors and a.account_id
    ]


async def load_pages(urls: Sequence[str], corpus_path: Path, settings: BrowserSettings, workers: int) -> dict:
    """Load every URL with ``workers`` reused pages; returns counts and the elapsed seconds."""
    corpus = HarCorpus.load([corpus_path])
    queue: asyncio.Queue[str] = asyncio.Queue()
    for url in urls:
        queue.put_nowait(url)
    failed = 0
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=settings.resolved_executable(),
            args=[*settings.args, *replay_resolver_args()],
            headless=settings.headless,
        )
        started = time.monotonic()

        async def worker() -> None:
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

        await asyncio.gather(*(worker() for _ in range(max(1, workers))))
        elapsed = time.monotonic() - started
        await browser.close()
    return {"pages": len(urls), "failed": failed, "elapsed": elapsed, "workers": workers}


def ceiling(accounts: Sequence[Account], corpus_path: Path, settings: BrowserSettings, workers: int) -> dict:
    """accounts/min of the raw page loads (see ``load_pages``), and CPU per page over the process tree."""
    with TreeSampler() as sampler:
        result = asyncio.run(load_pages(page_urls(accounts), corpus_path, settings, workers))
    result["per_min"] = result["pages"] / result["elapsed"] * 60 if result["elapsed"] > 0 else 0.0
    cpu = sum(sampler.peak.cpu.values())
    result["cpu_ms_per_account"] = round(cpu / result["pages"] * 1000, 1) if result["pages"] else None
    result["cpu_s"] = sampler.peak.cpu
    result["peak_rss_mb"] = round(sampler.peak.rss_mb, 1)
    return result
