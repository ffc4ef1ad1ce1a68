"""Classifying probe visits and platforms from stored observations (pure)."""

from __future__ import annotations

from pathlib import Path

import pytest

from newmedia_audit.doctor.findings import Finding, Level, exit_status, summary_line
from newmedia_audit.doctor.probes import (
    Outcome,
    ProbeResult,
    classify_platform,
    classify_visit,
    event_counts,
    platform_finding,
    probe_accounts,
    probe_settings,
)
from newmedia_audit.models import Observation, Status
from newmedia_audit.settings import ProbeAccount, Settings, load_settings


def seen(status: Status, failure: str = "") -> Observation:
    return Observation(platform="weibo", account_id="1", status=status, failure=failure)


@pytest.mark.parametrize("status", [Status.ok, Status.not_found, Status.banned, Status.private])
def test_a_visit_that_saw_the_account_reads_fine(status: Status) -> None:
    assert classify_visit(seen(status)) is Outcome.read


@pytest.mark.parametrize(
    ("status", "failure", "outcome"),
    [
        (Status.blocked, "wall", Outcome.wall),
        (Status.error, "fault", Outcome.fault),
        (Status.error, "unrecognized", Outcome.unrecognized),
    ],
)
def test_the_sweeps_failure_word_decides(status: Status, failure: str, outcome: Outcome) -> None:
    assert classify_visit(seen(status, failure)) is outcome


def test_without_a_failure_word_blocked_is_a_wall_and_error_a_fault() -> None:
    assert classify_visit(seen(Status.blocked)) is Outcome.wall
    assert classify_visit(seen(Status.error)) is Outcome.fault


def test_a_probe_with_no_observation_was_not_finished() -> None:
    assert classify_visit(None) is Outcome.fault


def test_a_platform_reads_fine_only_when_every_probe_did() -> None:
    assert classify_platform([Outcome.read, Outcome.read]) is Outcome.read
    assert classify_platform([Outcome.read, Outcome.wall]) is Outcome.wall


def test_the_most_frequent_failure_names_the_platform_ties_to_the_more_severe() -> None:
    assert classify_platform([Outcome.fault, Outcome.fault, Outcome.wall]) is Outcome.fault
    assert classify_platform([Outcome.fault, Outcome.wall]) is Outcome.wall
    assert classify_platform([Outcome.wall, Outcome.unrecognized]) is Outcome.unrecognized
    assert classify_platform([Outcome.skipped]) is Outcome.skipped
    assert classify_platform([]) is Outcome.skipped


def test_events_are_summed_per_platform_and_kind() -> None:
    events = [("weibo", "wall", "http_418", 2), ("weibo", "wall", "ok:-100", 1), ("douyin", "fault", "x", 3)]
    assert event_counts(events) == {"weibo": {"wall": 3}, "douyin": {"fault": 3}}


def _result(outcome: Outcome, status: str = "ok", detail: str = "", name: str = "人民日报") -> ProbeResult:
    probe = ProbeAccount(platform="weibo", account_id="2803301701", name=name)
    return ProbeResult(probe, outcome, status=status, detail=detail)


def test_a_platform_read_after_retries_says_what_it_met(tmp_path: Path) -> None:
    finding = platform_finding("weibo", [_result(Outcome.read)], {"wall": 1, "fault": 2}, tmp_path)
    assert finding.level is Level.ok
    assert "读取正常（1/1 个探测账号；途中遇到拦截 1 次、网络故障 2 次，重试后读取）" in finding.text


def test_a_probe_account_that_is_gone_asks_for_another_probe(tmp_path: Path) -> None:
    finding = platform_finding("weibo", [_result(Outcome.read, status="not_found")], {}, tmp_path)
    assert finding.level is Level.warn and "读取正常" in finding.text and "[doctor]" in finding.text


def test_a_failing_platform_line_names_the_probe_the_reason_and_what_to_do(tmp_path: Path) -> None:
    results = [
        _result(Outcome.read),
        _result(Outcome.unrecognized, "error", "应为 JSON，却收到无法识别的内容", "央视新闻"),
    ]
    finding = platform_finding("weibo", results, {"unrecognized": 4}, tmp_path)
    assert finding.level is Level.fail
    assert finding.text.startswith("微博：无法识别（1/2 个探测账号；央视新闻：应为 JSON")
    assert "改版" in finding.text and "证据：无" in finding.text
    assert finding.data["outcome"] == "unrecognized" and len(finding.data["probes"]) == 2


def test_only_failures_make_doctor_exit_1() -> None:
    ok = Finding("font", Level.warn, "中文字体：未找到")
    failed = Finding("platform", Level.fail, "抖音：被拦截", "douyin", {"label": "抖音"})
    assert exit_status([ok]) == 0
    assert exit_status([ok, failed]) == 1
    assert "1 项未通过（抖音）" in summary_line([ok, failed])
    assert "需要注意" in summary_line([ok])


def test_probe_settings_keep_politeness_but_report_walls_at_once() -> None:
    settings = Settings()
    probes = [ProbeAccount(platform="weibo", account_id="1"), ProbeAccount(platform="weibo", account_id="2")]
    adapted = probe_settings(settings, probes)
    assert adapted.weibo.delay == settings.weibo.delay and adapted.retries == settings.retries
    assert adapted.weibo.wall_retries == 0 and adapted.wechat.wall_retries == 0
    assert adapted.browser.screenshots == "all"
    assert adapted.drift_visits == 3 and adapted.drift_share == 1.0  # two probes cannot trip it
    assert settings.weibo.wall_retries == 2  # the user's settings are untouched


def test_duplicate_probes_are_visited_once() -> None:
    probe = ProbeAccount(platform="wechat", account_id="rmrbwx", name="人民日报")
    assert len(probe_accounts([probe, probe])) == 1


def test_the_shipped_probes_cover_every_platform_and_match_the_defaults() -> None:
    shipped = load_settings(Path(__file__).parents[2] / "registry" / "rules.toml").doctor
    assert {p.platform for p in shipped.probes} == {"wechat", "weibo", "douyin", "toutiao"}
    assert shipped.probes == Settings().doctor.probes  # doctor works without the rules file too
