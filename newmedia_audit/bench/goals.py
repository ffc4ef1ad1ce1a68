"""Issue 8's goals as data, checked against the figures of one run."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Check:
    goal: str
    value: str
    passed: bool | None  # None: not measured in this run

    def line(self) -> str:
        mark = "n/a " if self.passed is None else "PASS" if self.passed else "MISS"
        return f"{mark}  {self.goal}: {self.value}"


def _get(figures: dict[str, Any], *path: str) -> Any:
    node: Any = figures
    for key in path:
        if not isinstance(node, dict) or key not in node:
            return None
        node = node[key]
    return node


def check_goals(figures: dict[str, Any]) -> list[Check]:
    """PASS/MISS per goal. Size-bound goals scale linearly when --quick used smaller sizes."""
    checks: list[Check] = []
    browser = _get(figures, "browser_sweep", "per_min")
    ceiling = _get(figures, "ceiling", "per_min")
    ratio = _get(figures, "ratio_sweep_to_ceiling")
    checks.append(
        Check("browser ≥ 1,000 accounts/min", f"{browser:,.0f}/min", browser >= 1000)
        if browser is not None
        else Check("browser ≥ 1,000 accounts/min", "not run", None)
    )
    checks.append(
        Check(
            "browser ≥ 0.8 × ceiling", f"{ratio:.2f} × ({browser:,.0f} vs {ceiling:,.0f}/min)", ratio >= 0.8
        )
        if ratio is not None
        else Check("browser ≥ 0.8 × ceiling", "not run", None)
    )
    httpx = _get(figures, "httpx_sweep", "per_min")
    checks.append(
        Check("httpx ≥ 10,000 accounts/min", f"{httpx:,.0f}/min", httpx >= 10000)
        if httpx is not None
        else Check("httpx ≥ 10,000 accounts/min", "not run", None)
    )
    e2e = _get(figures, "end_to_end", "elapsed_s")
    n_large = _get(figures, "end_to_end", "accounts")
    if e2e is not None and n_large:
        limit = 300.0 * n_large / 5000
        checks.append(
            Check(
                f"{n_large:,}-account replayed sweep end to end < {limit:.0f} s",
                f"{e2e:.1f} s",
                e2e < limit,
            )
        )
    else:
        checks.append(Check("5,000-account replayed sweep < 5 min", "not run", None))
    pss_small = _get(figures, "browser_sweep", "peak_pss_mb")
    pss_large = _get(figures, "end_to_end", "peak_pss_mb")
    if pss_small is not None and pss_large is not None:
        # PSS splits each page shared between Chromium's processes among them, so the
        # tree's sum is its real footprint; the VmRSS sum counts the shared binary
        # and libraries once per process (about 20 processes), and is shown beside it.
        pss = max(pss_small, pss_large)
        rss = max(
            _get(figures, "browser_sweep", "peak_rss_mb") or 0,
            _get(figures, "end_to_end", "peak_rss_mb") or 0,
        )
        checks.append(
            Check(
                "peak memory of the tree ≤ 1.5 GB",
                f"{pss:,.0f} MB PSS (VmRSS sum {rss:,.0f} MB counts shared pages once per process)",
                pss <= 1536,
            )
        )
        growth = _get(figures, "pss_growth")
        rss_growth = _get(figures, "rss_growth")
        checks.append(
            Check(
                "memory growth small → large < 10%",
                f"PSS {growth * 100:+.1f}% (VmRSS sum {rss_growth * 100:+.1f}%)",
                growth < 0.10,
            )
        )
    else:
        checks.append(Check("peak memory ≤ 1.5 GB, growth < 10%", "not run", None))
    live = _get(figures, "live")
    if isinstance(live, dict) and live.get("ratio") is not None:
        checks.append(
            Check(
                "live schedule ≤ 1.1 × politeness floor",
                f"{live['wall_s']:.1f} s vs floor {live['floor_s']:.1f} s ({live['ratio']:.2f} ×)",
                live["ratio"] <= 1.1,
            )
        )
    else:
        checks.append(Check("live schedule ≤ 1.1 × politeness floor", "not run", None))
    reports = _get(figures, "reports")
    if isinstance(reports, dict):
        limit = 10.0 * reports["accounts"] / 100_000
        checks.append(
            Check(
                f"reports for {reports['accounts']:,} accounts < {limit:g} s",
                f"{reports['total_s']:.1f} s (assess {reports['assess_s']:.1f} + write {reports['write_s']:.1f})",
                reports["total_s"] < limit,
            )
        )
    else:
        checks.append(Check("reports for 100,000 < 10 s", "not run", None))
    return checks
