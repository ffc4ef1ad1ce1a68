"""The drift alarm (platforms.md, rule 3): a platform whose first visits mostly get
answers the collector cannot read is paused, its accounts stay pending, the others
finish, the run exits with status 1, and a rerun on a fixed corpus resumes it."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

from newmedia_audit.cli import main
from newmedia_audit.collect.drift import DriftWatch
from newmedia_audit.models import Observation, Status
from newmedia_audit.synth.corpus import generate

CHANGED_PAGE = "<!DOCTYPE html><html><head><title>微博</title></head><body><div id='app'></div></body></html>"


def _obs(failure: str = "") -> Observation:
    status = Status.error if failure else Status.ok
    return Observation(platform="weibo", account_id="1", status=status, failure=failure)


def test_alarm_trips_once_the_share_of_unreadable_first_visits_is_reached() -> None:
    watch = DriftWatch(visits=4, share=0.5)
    assert [watch.record(_obs(f)) for f in ("", "unrecognized", "fault", "unrecognized")] == [
        False,
        False,
        False,
        True,
    ]
    assert watch.tripped and watch.record(_obs("unrecognized")) is False  # trips exactly once


def test_walls_and_faults_do_not_trip_the_alarm() -> None:
    watch = DriftWatch(visits=4, share=0.5)
    assert not any(watch.record(_obs(f)) for f in ("wall", "fault", "wall", "fault"))


def test_only_the_first_visits_count() -> None:
    watch = DriftWatch(visits=2, share=0.5)
    watch.record(_obs())
    watch.record(_obs())
    assert not any(watch.record(_obs("unrecognized")) for _ in range(10))


def _sweep_args(ledger: Path, registry: Path, corpus: Path, out: Path) -> list[str]:
    return [
        "sweep",
        "--ledger",
        str(ledger),
        "--registry",
        str(registry),
        "--replay",
        str(corpus),
        "--as-of",
        "2022-06-20",
        "--out",
        str(out),
        "--platform",
        "weibo",
        "--platform",
        "douyin",
    ]


def _weibo_changed(corpus: Path, target: Path) -> Path:
    """The corpus with every m.weibo.cn JSON answer replaced by an app shell page:
    what a platform that moved its data elsewhere would serve."""
    har = json.loads(corpus.read_text(encoding="utf-8"))
    for item in har["log"]["entries"]:
        if "m.weibo.cn/api/" in item["request"]["url"]:
            item["response"]["status"] = 200
            item["response"]["content"] = {
                "size": len(CHANGED_PAGE),
                "mimeType": "text/html",
                "text": CHANGED_PAGE,
            }
    target.write_text(json.dumps(har, ensure_ascii=False), encoding="utf-8")
    return target


def _rows(out: Path, platform: str) -> list[dict[str, str]]:
    with (out / "verdicts.csv").open(encoding="utf-8-sig") as f:
        return [r for r in csv.DictReader(f) if r["platform"] == platform]


def test_changed_platform_is_paused_and_a_rerun_after_the_fix_resumes_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    for platform in ("weibo", "douyin"):
        monkeypatch.setenv(f"NEWMEDIA_AUDIT_{platform.upper()}__USE_HTTPX", "true")
    monkeypatch.setenv("NEWMEDIA_AUDIT_DRIFT_VISITS", "4")
    ledger, registry, corpus = generate(48, 5, tmp_path / "in")
    changed = _weibo_changed(corpus, tmp_path / "changed.har")
    out = tmp_path / "out"

    assert main(_sweep_args(ledger, registry, changed, out)) == 1
    err = capsys.readouterr().err
    assert "平台疑似改版" in err and "weibo" in err and "evidence/weibo/" in err

    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    health = {h["platform"]: h for h in results["platform_health"]}
    weibo_rows = _rows(out, "weibo")
    assert len(weibo_rows) > 4
    assert health["weibo"]["paused"] and health["weibo"]["pending"] == len(weibo_rows)
    assert health["weibo"]["read"] == 0
    assert all(r["verdict"] == "review" for r in weibo_rows)  # pending, never a verdict
    # The other platform finished: every douyin account has its outcome.
    assert not health["douyin"]["paused"] and health["douyin"]["read"] > 0
    assert health["douyin"]["pending"] == 0
    review = {r["name"]: r["review_reason"] for r in results["review"] if r["platform"] == "weibo"}
    assert all("疑似改版" in reason for reason in review.values())
    html = (out / "report.html").read_text(encoding="utf-8")
    assert "平台状况" in html and "已暂停（疑似改版）" in html

    # The fix: the platform answers as before. The same command resumes the paused accounts.
    changed.write_bytes(corpus.read_bytes())
    assert main(_sweep_args(ledger, registry, changed, out)) == 0
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    health = {h["platform"]: h for h in results["platform_health"]}
    assert not health["weibo"]["paused"] and health["weibo"]["unrecognized"] == 0
    assert health["weibo"]["read"] + health["weibo"]["walls"] + health["weibo"]["faults"] == len(weibo_rows)
    assert "平台疑似改版" not in capsys.readouterr().err
