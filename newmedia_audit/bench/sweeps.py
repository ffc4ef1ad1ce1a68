"""Replayed sweeps for the benchmark: browser path, httpx path, end to end.

Each run gets a fresh output folder and store, and loads the corpus afresh
(a corpus scripts "503, then 200" per request key, so a used one would
answer differently). Memory is sampled over the whole process tree.
"""

from __future__ import annotations

import os
import shutil
import time
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from ..collect.sweep import SweepStats, sweep
from ..models import VISITED_PLATFORMS, Account, AuditResult
from ..settings import Settings
from ..store import Store
from .rss import TreeSampler

PLATFORMS = VISITED_PLATFORMS


def path_settings(base: Settings, httpx_platforms: set[str]) -> Settings:
    """A copy of ``base`` with ``use_httpx`` on exactly for ``httpx_platforms``."""
    update = {p: base.platform(p).model_copy(update={"use_httpx": p in httpx_platforms}) for p in PLATFORMS}
    return base.model_copy(update=update)


@dataclass
class SweepRun:
    """Figures of one replayed sweep."""

    accounts: int
    elapsed: float
    per_min: float
    peak_rss_mb: float
    peak_pss_mb: float
    processes: int
    statuses: dict[str, int] = field(default_factory=dict)
    walls: int = 0
    faults: int = 0
    retries: int = 0
    stages: dict[str, float] = field(default_factory=dict)  # end to end: seconds per stage
    cpu: dict[str, float] = field(default_factory=dict)  # CPU seconds per process group
    rss_by_group: dict[str, int] = field(default_factory=dict)  # MB per process group at the peak

    def figures(self) -> dict[str, object]:
        return {
            "accounts": self.accounts,
            "elapsed_s": round(self.elapsed, 2),
            "per_min": round(self.per_min, 1),
            "peak_rss_mb": round(self.peak_rss_mb, 1),
            "peak_pss_mb": round(self.peak_pss_mb, 1),
            "processes": self.processes,
            "statuses": self.statuses,
            "walls": self.walls,
            "faults": self.faults,
            "retries": self.retries,
            "cpu_s": self.cpu,
            "peak_rss_by_group_mb": self.rss_by_group,
            "cpu_ms_per_account": round(sum(self.cpu.values()) / self.accounts * 1000, 1)
            if self.accounts
            else None,
            **({"stages_s": {k: round(v, 2) for k, v in self.stages.items()}} if self.stages else {}),
        }


def fresh_dir(out_dir: Path) -> Path:
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    return out_dir


def _run(stats: SweepStats, sampler: TreeSampler, elapsed: float, **extra: object) -> SweepRun:
    return SweepRun(
        accounts=stats.visited,
        elapsed=elapsed,
        per_min=stats.visited / elapsed * 60 if elapsed > 0 else 0.0,
        peak_rss_mb=sampler.peak.rss_mb,
        peak_pss_mb=sampler.peak.pss_mb,
        processes=sampler.peak.processes,
        statuses=dict(sorted(stats.statuses.items())),
        walls=stats.walls,
        faults=stats.faults,
        retries=stats.retries,
        cpu=dict(sampler.peak.cpu),
        rss_by_group=dict(sampler.peak.rss_by_group_mb),
        **extra,  # type: ignore[arg-type]
    )


def replayed_sweep(
    accounts: list[Account],
    corpus: Path,
    settings: Settings,
    out_dir: Path,
    httpx_platforms: set[str],
    as_of: date | None = None,
) -> SweepRun:
    """One sweep of ``accounts`` replayed from ``corpus`` (httpx on the given platforms only)."""
    out_dir = fresh_dir(out_dir)
    store = Store(out_dir / "state.sqlite")
    try:
        with TreeSampler() as sampler:
            started = time.monotonic()
            stats = sweep(
                accounts,
                store,
                path_settings(settings, httpx_platforms),
                out_dir,
                replay=[corpus],
                as_of=as_of,
            )
            elapsed = time.monotonic() - started
    finally:
        store.close()
    return _run(stats, sampler, elapsed)


def end_to_end(
    ledger: Path, registry: Path, corpus: Path, settings: Settings, as_of: date, out_dir: Path
) -> tuple[SweepRun, AuditResult]:
    """Read the inputs, sweep through the browser (replayed), assess, write every report.

    The same steps as ``pipeline.run_sweep_job``, timed one by one.
    """
    from ..pipeline import read_inputs
    from ..report.write import write_reports
    from ..rules.assess import assess

    out_dir = fresh_dir(out_dir)
    stages: dict[str, float] = {}
    with TreeSampler() as sampler:
        started = t = time.monotonic()
        inputs = read_inputs(ledger, registry, None, settings, skip_bad_rows=False)
        stages["read_inputs"] = time.monotonic() - t
        store = Store(out_dir / "state.sqlite")
        try:
            t = time.monotonic()
            stats = sweep(
                inputs.accounts, store, path_settings(settings, set()), out_dir, replay=[corpus], as_of=as_of
            )
            stages["sweep"] = time.monotonic() - t
            t = time.monotonic()
            observations = store.observations()
            result = assess(inputs.accounts, observations, inputs.filings, settings, as_of)
            store.save_verdicts(result.verdicts)
            stages["assess"] = time.monotonic() - t
        finally:
            store.close()
        t = time.monotonic()
        write_reports(result, out_dir, window_days=settings.window_days)
        stages["reports"] = time.monotonic() - t
        elapsed = time.monotonic() - started
    run = _run(stats, sampler, elapsed, stages=stages)
    # accounts/min of the sweep alone (the stage the browser goal is about).
    run.per_min = stats.visited / stages["sweep"] * 60 if stages["sweep"] > 0 else 0.0
    return run, result


def load_average() -> float:
    """The 1-minute load average (other work on the machine skews every figure)."""
    return round(os.getloadavg()[0], 2)
