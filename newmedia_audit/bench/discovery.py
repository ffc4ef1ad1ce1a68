"""``python -m newmedia_audit.bench.discovery``: discovery on a replayed synthetic region.

Generates a region (a city, four districts, the organ keywords of
synth/discovery.py) with planted accounts among many other results, runs
``discover`` on it replayed (Douyin through headless Chromium, as a live
run goes; ``--httpx`` for all three over httpx), and prints recall and
precision against the planted truth, the pages by status and the time per
query and per result page. Replay has no politeness delay: a live run's
time per query is the platform's ``delay`` times the pages it reads (see the
README), these figures are what the machine adds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

from ..discover.command import run_command
from ..discover.run import DiscoveryRun
from ..settings import load_settings
from ..synth.discovery import ORGANS, DiscoveryCorpus, generate_discovery

RECALL_GOAL = 0.95
PRECISION_GOAL = 0.90


def score(corpus: DiscoveryCorpus, found: dict[tuple[str, str], str]) -> tuple[float, float]:
    """(recall, precision) of the candidates found against the planted accounts (kind included)."""
    expected = corpus.expected()
    right = sum(1 for key, kind in found.items() if expected.get(key) == kind)
    return right / len(expected) if expected else 1.0, right / len(found) if found else 0.0


def _per_platform(run: DiscoveryRun) -> dict[str, dict[str, float]]:
    """Per platform: pages, seconds per page and per query (fetching only, every try)."""
    pages: dict[str, list[float]] = defaultdict(list)
    for record in run.pages:
        pages[record.platform].append(record.seconds)
    return {
        platform: {
            "pages": len(times),
            "s_per_page": round(sum(times) / len(times), 3),
            "s_per_query": round(sum(times) / len(run.queries), 3),
        }
        for platform, times in pages.items()
    }


def discovery_bench(
    out: Path, *, seed: int = 7, keywords: int = len(ORGANS), planted: int = 60, httpx_only: bool = False
) -> dict[str, Any]:
    """Generate, run and score; returns the figures (also written to ``out/discovery.json``)."""
    out.mkdir(parents=True, exist_ok=True)
    started = time.monotonic()
    corpus = generate_discovery(out / "corpus", seed=seed, keywords=list(ORGANS)[:keywords], planted=planted)
    generated = time.monotonic() - started
    settings = load_settings()
    settings.discovery.keywords_file = corpus.keywords_file
    if httpx_only:
        settings.discovery.browser = []
    started = time.monotonic()
    run, findings, _ = run_command(
        ledger=corpus.ledger,
        registry=corpus.registry,
        out=out / "run",
        settings=settings,
        regions=[corpus.city, *corpus.districts],
        replay=[corpus.har],
        progress=False,
    )
    elapsed = time.monotonic() - started
    found = {(c.hit.platform, c.hit.account_id): str(c.kind) for c in findings.candidates}
    recall, precision = score(corpus, found)
    statuses = run.statuses()
    return {
        "seed": seed,
        "browser": list(settings.discovery.browser),
        "planted": len(corpus.planted),
        "results": len(run.hits),
        "accounts": corpus.accounts,
        "queries": len(run.queries),
        "pages": dict(statuses),
        "candidates": len(found),
        "recall": round(recall, 4),
        "precision": round(precision, 4),
        "generate_s": round(generated, 2),
        "elapsed_s": round(elapsed, 2),
        "s_per_query": round(elapsed / len(run.queries), 3),
        "per_platform": _per_platform(run),
        "goals": {"recall": recall >= RECALL_GOAL, "precision": precision >= PRECISION_GOAL},
    }


def report_lines(figures: dict[str, Any]) -> list[str]:
    """The lines the bench prints."""
    platforms = ", ".join(
        f"{p} {v['pages']} pages, {v['s_per_page'] * 1000:.0f} ms/page, {v['s_per_query'] * 1000:.0f} ms/query"
        for p, v in figures["per_platform"].items()
    )
    return [
        f"    {figures['planted']} planted among {figures['results']:,} results "
        f"({figures['accounts']:,} accounts), {figures['queries']} queries × 3 platforms, "
        f"browser: {', '.join(figures['browser']) or 'none'}",
        f"    pages {figures['pages']}; {figures['candidates']} candidates",
        f"    recall {figures['recall']:.1%} (goal ≥ {RECALL_GOAL:.0%}): "
        f"{'PASS' if figures['goals']['recall'] else 'MISS'}; precision {figures['precision']:.1%} "
        f"(goal ≥ {PRECISION_GOAL:.0%}): {'PASS' if figures['goals']['precision'] else 'MISS'}",
        f"    {figures['elapsed_s']} s in all, {figures['s_per_query'] * 1000:.0f} ms per query "
        f"(three platforms side by side); fetching per platform: {platforms}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m newmedia_audit.bench.discovery", description=__doc__)
    parser.add_argument("--out", type=Path, default=Path("outputs/bench/discovery"))
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--keywords", type=int, default=len(ORGANS), help="organ keywords used (default all)")
    parser.add_argument("--planted", type=int, default=60)
    parser.add_argument("--httpx", action="store_true", help="Douyin over httpx too (no browser)")
    args = parser.parse_args(argv)
    print("[discovery] replayed synthetic region", flush=True)
    figures = discovery_bench(
        args.out, seed=args.seed, keywords=args.keywords, planted=args.planted, httpx_only=args.httpx
    )
    for line in report_lines(figures):
        print(line, flush=True)
    (args.out / "discovery.json").write_text(json.dumps(figures, ensure_ascii=False) + "\n", encoding="utf-8")
    return 0 if all(figures["goals"].values()) else 1


if __name__ == "__main__":
    sys.exit(main())
