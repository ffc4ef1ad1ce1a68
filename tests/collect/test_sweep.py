"""Sweep orchestration on replayed corpora: commits, resume, retries, walls, unsupported."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from newmedia_audit.collect.sweep import ConsoleProgress, sweep
from newmedia_audit.models import Status
from newmedia_audit.store import Store

from .conftest import FakeCollector, account_entries, api_url, entry, fake_account, replay_settings, write_har


def run(
    tmp_path: Path,
    entries: list[dict],
    ids: list[str],
    collector: FakeCollector | None = None,
    **kw: object,
):  # type: ignore[no-untyped-def]
    har = write_har(tmp_path / "corpus.har", entries)
    store = Store(tmp_path / "out" / "state.sqlite")
    collector = collector or FakeCollector()
    accounts = [fake_account(i) if ":" not in i else fake_account("", platform=i) for i in ids]
    settings = kw.pop("settings", None) or replay_settings()
    stats = sweep(
        accounts, store, settings, tmp_path / "out", replay=[har], collectors={"weibo": collector}, **kw
    )
    return stats, store, collector


def test_every_account_is_committed_with_evidence_under_out(tmp_path: Path) -> None:
    entries = account_entries("1") + account_entries("2")
    stats, store, _ = run(tmp_path, entries, ["1", "2"])
    observations = store.observations()
    assert stats.visited == 2 and stats.statuses == {"ok": 2}
    for obs in observations.values():
        assert obs.status is Status.ok
        assert obs.evidence and all((tmp_path / "out" / p).exists() for p in obs.evidence)
        assert all(not Path(p).is_absolute() for p in obs.evidence)
    assert store.finished_visit_counts() == {"weibo|1": 1, "weibo|2": 1}


def test_resume_fetches_only_unfinished_accounts(tmp_path: Path) -> None:
    entries = [e for i in "12345" for e in account_entries(i)]
    _, store, first = run(tmp_path, entries, ["1", "2", "3"])
    store.close()
    stats, store, second = run(tmp_path, entries, ["1", "2", "3", "4", "5"])
    assert sorted(first.parsed) == ["1", "2", "3"]
    assert sorted(second.parsed) == ["4", "5"]
    assert stats.skipped == 3 and stats.visited == 2
    assert set(store.finished_visit_counts().values()) == {1}


def test_unsupported_platforms_are_committed_without_a_visit(tmp_path: Path) -> None:
    stats, store, collector = run(tmp_path, account_entries("1"), ["1", "other:快手"])
    observations = store.observations()
    assert observations["other:快手|name:账号"].status is Status.unsupported
    assert collector.parsed == ["1"]
    assert stats.statuses == {"ok": 1, "unsupported": 1}


def test_platform_filter_leaves_other_accounts_alone(tmp_path: Path) -> None:
    stats, store, collector = run(tmp_path, account_entries("1"), ["1", "other:快手"], platforms={"douyin"})
    assert stats.visited == 0 and collector.parsed == []
    assert store.observations() == {}


def test_transient_fault_is_retried_and_ends_right(tmp_path: Path) -> None:
    entries = account_entries("1")
    entries.insert(2, entry(api_url("posts", "1"), "", status=503))  # 503 first, then the data
    stats, store, _ = run(tmp_path, entries, ["1"])
    assert store.observations()["weibo|1"].status is Status.ok
    assert stats.retries == 1
    assert ("weibo", "fault", "http_503", 1) in store.events()


def test_persistent_fault_ends_as_error_with_the_reason(tmp_path: Path) -> None:
    entries = account_entries("1")
    entries[2] = entry(api_url("posts", "1"), "", status=502)
    settings = replay_settings()
    stats, store, _ = run(tmp_path, entries, ["1"], settings=settings)
    obs = store.observations()["weibo|1"]
    assert obs.status is Status.error
    assert "502" in obs.detail
    assert ("weibo", "fault", "http_502", settings.retries + 1) in store.events()
    assert obs.evidence  # what was fetched is kept for the review


def test_empty_feed_is_retried_then_concluded_on_the_last_try(tmp_path: Path) -> None:
    entries = account_entries("1", posts=[])
    _, store, collector = run(tmp_path, entries, ["1"])
    obs = store.observations()["weibo|1"]
    assert obs.status is Status.ok and obs.confirmed_empty
    assert collector.parsed == ["1"] * 3  # retries=2: two transient tries, then final=True


def test_wall_is_requeued_then_seen(tmp_path: Path) -> None:
    entries = account_entries("1")
    entries.insert(1, entry(api_url("profile", "1"), {"wall": True}))
    stats, store, _ = run(tmp_path, entries, ["1"])
    assert store.observations()["weibo|1"].status is Status.ok
    assert stats.walls == 1
    assert store.finished_visit_counts() == {"weibo|1": 1}


def test_persistent_wall_ends_blocked_after_the_wall_retries(tmp_path: Path) -> None:
    entries = account_entries("1")
    entries[1] = entry(api_url("profile", "1"), "", status=432)
    settings = replay_settings()
    stats, store, _ = run(tmp_path, entries, ["1"], settings=settings)
    obs = store.observations()["weibo|1"]
    assert obs.status is Status.blocked
    assert "432" in obs.detail
    assert stats.walls == settings.weibo.wall_retries + 1
    assert ("weibo", "wall", "http_432", settings.weibo.wall_retries + 1) in store.events()


def test_replay_miss_ends_as_error_not_a_crash(tmp_path: Path) -> None:
    stats, store, _ = run(tmp_path, account_entries("1"), ["1", "2"])
    assert store.observations()["weibo|2"].status is Status.error
    assert "回放语料中没有该请求" in store.observations()["weibo|2"].detail
    assert stats.statuses == {"ok": 1, "error": 1}


def test_progress_reports_each_platform(tmp_path: Path) -> None:
    calls: list[tuple[str, int, int]] = []
    entries = account_entries("1") + account_entries("2")
    run(tmp_path, entries, ["1", "2"], progress=lambda p, d, t: calls.append((p, d, t)))
    assert calls == [("weibo", 1, 2), ("weibo", 2, 2)]


def test_console_progress_prints_plain_lines_off_a_terminal() -> None:
    import io

    stream = io.StringIO()
    with ConsoleProgress(stream, every=1) as progress:
        progress("weibo", 1, 2)
        progress("weibo", 2, 2)
    assert stream.getvalue().splitlines() == ["微博：1/2", "微博：2/2"]


@pytest.mark.browser
def test_browser_and_httpx_paths_see_the_same_accounts(tmp_path: Path) -> None:
    """The real collectors on a small synthetic corpus: both paths give the same observations."""
    from newmedia_audit.synth.corpus import generate, synthetic_accounts

    _, _, har = generate(24, 11, tmp_path / "corpus")
    accounts, _, _ = synthetic_accounts(24, 11, date(2022, 6, 20))
    results = {}
    for path in ("httpx", "browser"):
        settings = replay_settings()
        for platform in ("wechat", "weibo", "douyin", "toutiao"):
            settings.platform(platform).use_httpx = path == "httpx"
        store = Store(tmp_path / path / "state.sqlite")
        sweep(accounts, store, settings, tmp_path / path, replay=[har])
        results[path] = {
            k: o.model_dump(exclude={"evidence", "detail"}) for k, o in store.observations().items()
        }
    assert len(results["httpx"]) == 24
    assert results["browser"] == results["httpx"]


def test_unwritable_out_is_an_output_error_and_finished_visits_stay_committed(tmp_path: Path) -> None:
    from newmedia_audit.errors import OutputError

    entries = account_entries("1") + account_entries("2")
    har = write_har(tmp_path / "corpus.har", entries)
    out = tmp_path / "out"
    (out / "evidence").mkdir(parents=True)
    (out / "evidence" / "weibo").write_text("a file where a folder must go", "utf-8")
    store = Store(tmp_path / "state.sqlite")
    with pytest.raises(OutputError):
        sweep(
            [fake_account("1"), fake_account("2")],
            store,
            replay_settings(),
            out,
            replay=[har],
            collectors={"weibo": FakeCollector()},
        )
    assert store.observations() == {}  # nothing half-committed


def test_an_account_not_seen_keeps_its_review_reason_beside_its_evidence(tmp_path: Path) -> None:
    _, store, _ = run(tmp_path, account_entries("1"), ["1", "9"])  # 9: the corpus cannot answer
    obs = store.observations()["weibo|9"]
    assert obs.status is Status.error and obs.failure == "fault"
    reason_file = tmp_path / "out" / obs.evidence[0] / "review-reason.txt"
    assert reason_file.read_text(encoding="utf-8").strip() == obs.detail
    assert "多次重试仍失败" in obs.detail
    assert not (tmp_path / "out" / store.observations()["weibo|1"].evidence[0] / "review-reason.txt").exists()
