"""``python -m newmedia_audit.bench.since``: what a weekly ``--since`` run costs against a full sweep.

On the synthetic province (5,000 accounts by default): a full sweep at D, then,
on a corpus of a week later in which some accounts posted, a ``--since`` sweep
at D + 7. Both run the CLI's own job (pipeline.run_sweep_job: read inputs,
sweep, assess, reports). Printed: accounts visited and carried, the visited
fraction, and the time of each run with their ratio.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from collections.abc import Sequence
from dataclasses import replace
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from ..models import VISITED_PLATFORMS
from ..settings import Settings, load_settings
from ..synth.corpus import synthetic_accounts, write_corpus
from ..synth.platforms import Scenario, State, SynthPost
from ..synth.tables import write_ledger, write_registry

AS_OF = date(2022, 6, 20)
PLATFORMS = VISITED_PLATFORMS


def later_scenarios(
    scenarios: Sequence[Scenario], days: int, posted_share: float, seed: int
) -> tuple[list[Scenario], set[str]]:
    """The same accounts ``days`` later: visits received that much later, and a share of
    the reachable accounts with posts published one new post in between.

    Returns:
        The scenarios and the ids of the accounts that posted.
    """
    rng = random.Random(seed)
    out: list[Scenario] = []
    posted: set[str] = set()
    for scenario in scenarios:
        received = scenario.received_at + timedelta(days=days)
        later = replace(scenario, received_at=received)
        if scenario.state is State.ok and scenario.posts and rng.random() < posted_share:
            newest = max(scenario.posts, key=lambda p: p.published_at)
            fresh = SynthPost(
                id=str(int(newest.id) + 50),
                published_at=received - timedelta(hours=rng.randint(1, 24 * days - 1)),
                text=newest.text,
            )
            pinned = [p for p in scenario.posts if p.pinned]
            rest = [p for p in scenario.posts if not p.pinned]
            later = replace(later, posts=(*pinned, fresh, *rest))
            posted.add(scenario.account_id)
        out.append(later)
    return out, posted


def write_weeks(
    n: int, seed: int, folder: Path, as_of: date = AS_OF, *, days: int = 7, posted_share: float = 0.3
) -> dict[str, Any]:
    """Ledger, registry, the corpus at ``as_of`` and the corpus ``days`` later.

    Returns:
        Paths (ledger, registry, week0, week1) and the ids of the accounts that posted.
    """
    folder.mkdir(parents=True, exist_ok=True)
    accounts, filings, scenarios = synthetic_accounts(n, seed, as_of)
    later, posted = later_scenarios(scenarios, days, posted_share, seed + 1)
    return {
        "ledger": write_ledger(accounts, folder / "ledger.csv"),
        "registry": write_registry(filings, folder / "registry.csv"),
        "week0": write_corpus(scenarios, folder / "week0.har", comment=f"synthetic: n={n} seed={seed}"),
        "week1": write_corpus(later, folder / "week1.har", comment=f"synthetic +{days} days"),
        "posted": posted,
    }


def path_settings(base: Settings, use_httpx: bool) -> Settings:
    """``base`` with every platform on the httpx path (or every one on the browser)."""
    update = {p: base.platform(p).model_copy(update={"use_httpx": use_httpx}) for p in PLATFORMS}
    return base.model_copy(update=update)


def _visited(out_dir: Path) -> tuple[int, int]:
    from ..store import Store

    store = Store(out_dir / "state.sqlite")
    try:
        carried = sum(1 for o in store.observations().values() if o.carried_from is not None)
        return len(store.finished_visit_counts()), carried
    finally:
        store.close()


def timed_job(
    paths: dict[str, Any],
    corpus: Path,
    settings: Settings,
    as_of: date,
    out_dir: Path,
    since: Path | None = None,
) -> dict[str, Any]:
    """One run of the sweep command's job into a fresh ``out_dir``; its figures."""
    import shutil

    from ..pipeline import read_inputs, run_sweep_job

    shutil.rmtree(out_dir, ignore_errors=True)
    started = time.monotonic()
    inputs = read_inputs(paths["ledger"], paths["registry"], None, settings, skip_bad_rows=False)
    result, status = run_sweep_job(inputs, settings, as_of, out_dir, replay=[corpus], since=since)
    elapsed = time.monotonic() - started
    visited, carried = _visited(out_dir)
    return {
        "accounts": len(inputs.accounts),
        "visited": visited,
        "carried": carried,
        "elapsed_s": round(elapsed, 2),
        "exit": status,
        "warnings": len(result.warnings or []),
    }


def since_bench(
    n: int, seed: int, out: Path, *, use_httpx: bool = False, days: int = 7, posted_share: float = 0.3
) -> dict[str, Any]:
    """Full sweep at D, then a --since sweep at D + days; the figures of both."""
    settings = path_settings(load_settings(), use_httpx)
    paths = write_weeks(n, seed, out / f"weeks-{n}-{seed}", days=days, posted_share=posted_share)
    full = timed_job(paths, paths["week0"], settings, AS_OF, out / "week0")
    weekly = timed_job(
        paths, paths["week1"], settings, AS_OF + timedelta(days=days), out / "week1", since=out / "week0"
    )
    return {
        "accounts": n,
        "path": "httpx" if use_httpx else "browser",
        "days": days,
        "posted_in_between": len(paths["posted"]),
        "full": full,
        "since": weekly,
        "visited_fraction": round(weekly["visited"] / full["visited"], 3) if full["visited"] else None,
        "time_fraction": round(weekly["elapsed_s"] / full["elapsed_s"], 3) if full["elapsed_s"] else None,
    }


def weekly_after(
    previous_out: Path,
    full: dict[str, Any],
    n: int,
    seed: int,
    ledger: Path,
    registry: Path,
    out: Path,
    settings: Settings,
    *,
    days: int = 7,
    posted_share: float = 0.3,
) -> dict[str, Any]:
    """The --since run only, after a full sweep already made at AS_OF over the same synthetic
    accounts (``full``: its accounts, visited and elapsed_s): its figures against that sweep's."""
    folder = out / f"weeks-{n}-{seed}"
    folder.mkdir(parents=True, exist_ok=True)
    scenarios = synthetic_accounts(n, seed, AS_OF)[2]
    later, posted = later_scenarios(scenarios, days, posted_share, seed + 1)
    corpus = write_corpus(later, folder / "week1.har", comment=f"synthetic +{days} days")
    paths = {"ledger": ledger, "registry": registry}
    weekly = timed_job(
        paths, corpus, settings, AS_OF + timedelta(days=days), out / "week1", since=previous_out
    )
    return {
        "accounts": n,
        "path": "browser" if not settings.weibo.use_httpx else "httpx",
        "days": days,
        "posted_in_between": len(posted),
        "full": full,
        "since": weekly,
        "visited_fraction": round(weekly["visited"] / full["visited"], 3) if full["visited"] else None,
        "time_fraction": round(weekly["elapsed_s"] / full["elapsed_s"], 3) if full["elapsed_s"] else None,
    }


def bench_stage(
    end_to_end: dict[str, Any] | None,
    ledger: Path,
    registry: Path,
    n: int,
    seed: int,
    settings: Settings,
    out: Path,
) -> dict[str, Any]:
    """``make bench``'s --since stage (browser path): after the end-to-end stage's full sweep
    of the same corpus when it ran (``out/sweep-browser-large``), else a full sweep first."""
    browser = path_settings(settings, False)
    previous = out / "sweep-browser-large"
    if end_to_end and (previous / "state.sqlite").is_file():
        full = {"accounts": n, "visited": end_to_end["accounts"], "elapsed_s": end_to_end["elapsed_s"]}
        return weekly_after(previous, full, n, seed, ledger, registry, out / "since", browser)
    return since_bench(n, seed, out / "since", use_httpx=False)


def print_figures(figures: dict[str, Any], say: Any = print) -> None:
    full, weekly = figures["full"], figures["since"]
    say(
        f"    full sweep at D: {full['visited']:,} of {full['accounts']:,} accounts visited, {full['elapsed_s']} s"
    )
    say(
        f"    --since at D+{figures['days']}: {weekly['visited']:,} visited, {weekly['carried']:,} carried, "
        f"{weekly['elapsed_s']} s ({figures['posted_in_between']:,} accounts posted in between)"
    )
    say(
        f"    visited fraction {figures['visited_fraction']}, time fraction {figures['time_fraction']} "
        f"({figures['path']} path)"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newmedia_audit.bench.since", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--accounts", type=int, default=5000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--httpx", action="store_true", help="every platform on the httpx path (faster)")
    parser.add_argument("--days", type=int, default=7, help="days between the two runs (default 7)")
    parser.add_argument("--out", type=Path, default=Path("outputs/bench/since"))
    args = parser.parse_args(argv)
    print(f"[since] {args.accounts:,} accounts: full sweep, then --since {args.days} days later", flush=True)
    figures = since_bench(args.accounts, args.seed, args.out, use_httpx=args.httpx, days=args.days)
    print_figures(figures)
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
