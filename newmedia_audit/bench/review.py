"""The review page on a large sweep: how fast its lists and account pages answer.

``python -m newmedia_audit.bench.review [--accounts N]`` builds an N-account
store (default 100,000) the way bench/reports.py makes accounts and
observations, with a lexicon hit in about one account of a hundred and a few
hundred officers' decisions, writes the reports with the report command's
own function, then serves the page under a real uvicorn on 127.0.0.1 and
times requests over HTTP: the first page of each list, an account page and
filtered lists. Each figure is the first (cold) answer and the median of the
next few. Issue 16's goals: under 300 ms for a first page or an account page,
under 500 ms for a filtered list. Figures are printed, not asserted.
"""

from __future__ import annotations

import argparse
import http.client
import json
import statistics
import sys
import time
from datetime import date, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import quote, urlsplit

from ..models import Account, Observation, Post, Status

AS_OF = date(2022, 6, 20)
FIRST_PAGE_MS = 300.0
FILTERED_MS = 500.0
HIT_EVERY = 97  # one account in this many gets a wrong-wording post inside the window
DECISIONS = 300


def _with_hits(accounts: list[Account], observations: dict[str, Observation]) -> None:
    """Give some reachable accounts a recent post with a default-lexicon wrong form."""
    for i, account in enumerate(accounts):
        seen = observations.get(account.key)
        if i % HIT_EVERY or seen is None or seen.status is not Status.ok or not seen.fetched_at:
            continue
        when = seen.fetched_at - timedelta(days=1)
        post = Post(
            id=f"hit-{i}",
            published_at=when,
            text=f"{account.name}：热烈庆祝中华人民共合国成立周年，攻府工作报告发布。",
            link=f"https://example.invalid/hit/{i}",
        )
        observations[account.key] = seen.model_copy(
            update={
                "posts": [*seen.posts, post],
                "latest_post_at": max(filter(None, [seen.latest_post_at, when])),
            }
        )


def build_store(n: int, out_dir: Path, seed: int = 8) -> dict[str, float]:
    """An n-account sweep in ``out_dir`` (store, reports) as ``newmedia-audit report`` leaves it."""
    from .. import pipeline
    from ..review.decisions import VERDICT, make_decision
    from ..store import Store
    from .reports import synthetic_results
    from .sweeps import fresh_dir

    out_dir = fresh_dir(out_dir)
    t = time.monotonic()
    accounts, observations, filings = synthetic_results(n, seed, AS_OF)
    _with_hits(accounts, observations)
    store = Store(out_dir / pipeline.STATE_FILE)
    try:
        store.upsert_accounts(accounts)
        with store.atomic() as db:  # one transaction for the bench; a sweep commits each visit
            db.executemany(
                "INSERT OR REPLACE INTO observations VALUES (?, ?, ?, ?)",
                [
                    (
                        key,
                        o.status.value,
                        o.fetched_at.isoformat() if o.fetched_at else None,
                        o.model_dump_json(),
                    )
                    for key, o in observations.items()
                ],
            )
        pipeline._save_inputs(
            store,
            pipeline.Inputs(accounts=accounts, filings=filings),
            AS_OF,
            {"previous": None, "overrides": None},
        )
        built = time.monotonic() - t
        t = time.monotonic()
        pipeline.report_command(argparse.Namespace(dir=out_dir, overrides=None, config=None, previous=None))
        reported = time.monotonic() - t
        step = max(1, n // DECISIONS)
        for account in accounts[::step][:DECISIONS]:
            store.add_decision(make_decision(account, VERDICT, "pass", officer="基准"))
    finally:
        store.close()
    return {"build_s": round(built, 2), "report_s": round(reported, 2)}


def _get(base: str, path: str) -> int:
    """One GET on a fresh connection (http.client: no client-side pooling or TLS setup to time).

    httpx's kept-alive connections added a steady ~40 ms per request here (a TCP
    acknowledgement delay between the two ends, not the page), so each request
    opens its own connection, as a browser's first navigation does.
    """
    parts = urlsplit(base)
    conn = http.client.HTTPConnection(parts.hostname or "127.0.0.1", parts.port, timeout=60)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        response.read()
        return response.status
    finally:
        conn.close()


def _timed(base: str, path: str, repeats: int) -> dict[str, float]:
    times = []
    for _ in range(repeats + 1):
        start = time.perf_counter()
        status = _get(base, path)
        times.append((time.perf_counter() - start) * 1000)
        if status != 200:
            raise RuntimeError(f"{path}: HTTP {status}")
    return {"first_ms": round(times[0], 1), "median_ms": round(statistics.median(times[1:]), 1)}


def _targets(out_dir: Path) -> dict[str, tuple[str, float]]:
    """Name -> (URL path, goal in ms)."""
    from ..store import Store

    store = Store(out_dir / "state.sqlite")
    try:
        # An account with wording hits from the middle of the ledger (the fullest page there is).
        row = (
            store.db.execute(
                "SELECT key FROM review_hits ORDER BY seq LIMIT 1 OFFSET (SELECT COUNT(*) / 2 FROM review_hits)"
            ).fetchone()
            or store.db.execute("SELECT key FROM review_rows WHERE verdict = 'fail' LIMIT 1").fetchone()
        )
    finally:
        store.close()
    account = f"/account?key={quote(row[0], safe='')}" if row else "/account?key="
    return {
        "list_review": ("/list/review", FIRST_PAGE_MS),
        "list_fail": ("/list/fail", FIRST_PAGE_MS),
        "list_hits": ("/list/hits", FIRST_PAGE_MS),
        "account": (account, FIRST_PAGE_MS),
        "fail_filtered": (
            "/list/fail?district=%E4%B8%9C%E6%B9%96%E5%8C%BA&platform=weibo&reason=not_updated&q=%E6%94%BF%E5%8A%A1",
            FILTERED_MS,
        ),
        "fail_search": ("/list/fail?q=012345", FILTERED_MS),
        "review_open": ("/list/review?state=open&platform=douyin", FILTERED_MS),
        "fail_deep_page": ("/list/fail?page=150", FILTERED_MS),
    }


def review_page(n: int, out_dir: Path, repeats: int = 5, seed: int = 8) -> dict[str, Any]:
    """Build the store, start the page (its index build timed) and time each target."""
    from ..review.app import create_app
    from ..review.server import running
    from ..review.state import Review, ReviewOptions

    figures: dict[str, Any] = {"accounts": n, **build_store(n, out_dir, seed)}
    t = time.monotonic()
    review = Review(ReviewOptions(out_dir=out_dir))
    figures["startup_s"] = round(time.monotonic() - t, 2)  # the listing index is built here
    figures["pages"] = {}
    with running(create_app(review.options, review)) as base:
        for name, (path, goal) in _targets(out_dir).items():
            timing = _timed(base, path, repeats)
            figures["pages"][name] = {**timing, "goal_ms": goal, "passed": timing["median_ms"] < goal}
    return figures


def print_figures(figures: dict[str, Any], say: Any = print) -> None:
    say(
        f"    {figures['accounts']:,} accounts: store {figures['build_s']} s, reports {figures['report_s']} s, "
        f"page start (listing index) {figures['startup_s']} s"
    )
    for name, page in figures["pages"].items():
        mark = "PASS" if page["passed"] else "MISS"
        say(
            f"    {mark}  {name:<15} first {page['first_ms']:>7.1f} ms, median {page['median_ms']:>7.1f} ms "
            f"(goal < {page['goal_ms']:.0f} ms)"
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m newmedia_audit.bench.review", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--accounts", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--out", type=Path, default=Path("outputs/bench/review"))
    args = parser.parse_args(argv)
    print(f"review page on {args.accounts:,} accounts", flush=True)
    figures = review_page(args.accounts, args.out, args.repeats)
    print_figures(figures)
    print(json.dumps(figures, ensure_ascii=False, sort_keys=True))
    return 0


if __name__ == "__main__":
    sys.exit(main())
