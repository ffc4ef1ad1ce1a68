"""Smoke tests of the benchmark's pieces (no timings asserted: speed lives in `make bench`)."""

from __future__ import annotations

import json
import os
from datetime import date
from pathlib import Path

from newmedia_audit.bench.goals import check_goals
from newmedia_audit.bench.live import LocalCollector, polite_settings, politeness_floor, to_local, to_original
from newmedia_audit.bench.reports import report_generation
from newmedia_audit.bench.rss import TreeSampler, tree_pids
from newmedia_audit.collect.weibo import WeiboCollector
from newmedia_audit.settings import Settings
from newmedia_audit.synth.corpus import generate

AS_OF = date(2022, 6, 20)


def test_generator_at_twenty_accounts_writes_ledger_registry_and_corpus(tmp_path: Path) -> None:
    ledger, registry, corpus = generate(20, 7, tmp_path, AS_OF)
    assert len(ledger.read_text(encoding="utf-8-sig").splitlines()) == 21
    assert registry.exists()
    assert json.loads(corpus.read_text(encoding="utf-8"))["log"]["entries"]


def test_report_stage_at_one_thousand_rows_writes_every_report(tmp_path: Path) -> None:
    figures = report_generation(1000, Settings(), AS_OF, tmp_path / "reports")
    assert figures["accounts"] == 1000
    written = {p.name for p in (tmp_path / "reports").iterdir()}
    assert {"results.json", "verdicts.csv", "report.xlsx", "report.html", "notice.md"} <= written
    results = json.loads((tmp_path / "reports" / "results.json").read_text(encoding="utf-8"))
    assert results["new_media"]["checked"] == 1000


def test_tree_sampler_sees_this_process_memory() -> None:
    assert os.getpid() in tree_pids(os.getpid())
    with TreeSampler(interval=0.01) as sampler:
        pass
    assert sampler.peak.rss > 0 and sampler.peak.processes >= 1


def test_local_urls_round_trip_and_roles_come_from_the_real_collector() -> None:
    base = "http://127.0.0.1:9"
    inner = WeiboCollector()
    local = LocalCollector(inner, base)
    url = inner.api_urls("123")["posts"]
    assert to_original(to_local(base, url)[len(base) :]) == url
    assert local.role_of(local.api_urls("123")["posts"]) == "posts"
    assert local.page_url("123").startswith(base + "/m.weibo.cn/u/123")


def test_politeness_floor_is_accounts_times_the_mean_interval_over_concurrency() -> None:
    settings = polite_settings(Settings(), delay=0.2, concurrency=2)
    floors = politeness_floor({"wechat": 100, "weibo": 10}, settings)
    assert floors["wechat"] == 100 * 0.2 / 2  # the Slot's jitter does not drift from the delay
    assert floors["wechat"] > floors["weibo"]


def test_goals_mark_missing_stages_not_run_and_judge_measured_ones() -> None:
    checks = check_goals({"httpx_sweep": {"per_min": 12_000.0}})
    by_goal = {c.goal: c.passed for c in checks}
    assert by_goal["httpx ≥ 10,000 accounts/min"] is True
    assert by_goal["browser ≥ 1,000 accounts/min"] is None
