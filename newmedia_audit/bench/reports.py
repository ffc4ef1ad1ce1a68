"""Report generation at national scale: assess + write_reports for N accounts in memory.

The accounts and observations are built directly (no corpus, no browser),
with the mix of states a sweep produces; building them is not timed.
"""

from __future__ import annotations

import os
import random
import time
from datetime import date, datetime, timedelta, timezone
from datetime import time as dtime
from pathlib import Path

from ..models import VISITED_PLATFORMS, Account, Filing, Observation, Post, Status
from ..settings import Settings
from .sweeps import fresh_dir

CST_OFFSET = timedelta(hours=8)
_PLATFORMS = VISITED_PLATFORMS
_DISTRICTS = ("市直", "东湖区", "西山县", "南河县", "北岭市", "中原县", "青山区")
# (status, weight): mostly ok; some gone, some unknown (review).
_STATUSES = (
    (Status.ok, 900),
    (Status.not_found, 25),
    (Status.banned, 5),
    (Status.private, 5),
    (Status.blocked, 20),
    (Status.error, 15),
)


def synthetic_results(
    n: int, seed: int, as_of: date
) -> tuple[list[Account], dict[str, Observation], list[Filing]]:
    """N accounts with an observation each and filings for most (deterministic)."""
    cst = timezone(CST_OFFSET)
    rng = random.Random(seed)
    noon = datetime.combine(as_of, dtime(12, 0), cst)
    statuses = [s for s, _ in _STATUSES]
    weights = [w for _, w in _STATUSES]
    accounts: list[Account] = []
    observations: dict[str, Observation] = {}
    filings: list[Filing] = []
    for i in range(n):
        platform = _PLATFORMS[i % 4] if i % 50 else "other:快手"
        district = _DISTRICTS[i % len(_DISTRICTS)]
        name = f"{district}政务{i:06d}"
        account_id = f"id{seed}x{i:07d}" if not platform.startswith("other:") else ""
        account = Account(
            district=district,
            unit=f"{district}第{i % 97}局",
            name=name,
            platform=platform,
            account_id=account_id,
        )
        accounts.append(account)
        status = Status.unsupported if platform.startswith("other:") else rng.choices(statuses, weights)[0]
        posts: list[Post] = []
        if status is Status.ok and rng.random() > 0.03:
            age = timedelta(hours=rng.randint(1, 24 * (30 if rng.random() < 0.9 else 400)))
            posts = [
                Post(
                    id=f"{i}-{k}",
                    published_at=noon - age - timedelta(days=2 * k),
                    text=f"{name}发布第{k}条工作动态",
                    link=f"https://example.invalid/{i}/{k}",
                )
                for k in range(rng.randint(1, 3))
            ]
        observations[account.key] = Observation(
            platform=platform,
            account_id=account_id,
            status=status,
            live_name=name if rng.random() > 0.01 else name + "（新）",
            posts=posts,
            latest_post_at=max((p.published_at for p in posts if p.published_at), default=None),
            confirmed_empty=status is Status.ok and not posts,
            fetched_at=noon,
            evidence=[f"evidence/{platform}/{account_id}/profile.json"] if account_id else [],
        )
        if rng.random() < 0.95:
            filings.append(
                Filing(
                    filing_no=f"B{i:07d}",
                    name=name,
                    platform=platform,
                    account_id=account_id,
                    unit=account.unit,
                    district=district,
                    status="已备案",
                )
            )
    return accounts, observations, filings


def _children_cpu() -> float:
    """CPU seconds of the children this process has waited for."""
    times = os.times()
    return times.children_user + times.children_system


def report_generation(
    n: int, settings: Settings, as_of: date, out_dir: Path, seed: int = 8
) -> dict[str, float]:
    """Seconds to assess and to write every report for N accounts (plus the untimed build)."""
    from ..report.write import write_reports
    from ..rules.assess import assess

    out_dir = fresh_dir(out_dir)
    t = time.monotonic()
    accounts, observations, filings = synthetic_results(n, seed, as_of)
    built = time.monotonic() - t
    t, cpu = time.monotonic(), time.process_time()
    result = assess(accounts, observations, filings, settings, as_of)
    assessed, assess_cpu = time.monotonic() - t, time.process_time() - cpu
    t, cpu, child = time.monotonic(), time.process_time(), _children_cpu()
    write_reports(result, out_dir, window_days=settings.window_days)
    written, write_cpu = time.monotonic() - t, time.process_time() - cpu
    write_child_cpu = _children_cpu() - child  # report.xlsx is written by a child process
    sizes = {p.name: p.stat().st_size for p in out_dir.iterdir() if p.is_file()}
    return {
        "accounts": n,
        "build_s": round(built, 2),
        "assess_s": round(assessed, 2),
        "write_s": round(written, 2),
        "total_s": round(assessed + written, 2),
        # CPU seconds of this process: what the stage costs when the machine is shared.
        "assess_cpu_s": round(assess_cpu, 2),
        "write_cpu_s": round(write_cpu + write_child_cpu, 2),  # this process and its children
        "write_child_cpu_s": round(write_child_cpu, 2),
        "bytes": sum(sizes.values()),
    }
