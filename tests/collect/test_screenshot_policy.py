"""Which visits keep a screenshot: "all", "unusual" (the default) or "none"."""

from __future__ import annotations

from datetime import date, timedelta
from pathlib import Path

import pytest

from newmedia_audit.collect.browser import BrowserSession
from newmedia_audit.collect.sweep import SweepStats, sweep
from newmedia_audit.models import Observation, Status
from newmedia_audit.settings import BrowserSettings, Settings
from newmedia_audit.store import Store

from .conftest import (
    T0,
    FakeCollector,
    account_entries,
    api_url,
    entry,
    fake_account,
    replay_settings,
    write_har,
)

AS_OF = date(2022, 6, 20)


def _corpus(tmp_path: Path) -> Path:
    old = int((T0 - timedelta(days=40)).timestamp())
    entries = (
        account_entries("fresh")  # a post an hour before the visit: fresh
        + account_entries("stale", posts=[{"id": "s-1", "t": old}])  # silent 40 days: not updated
        + account_entries("gone")[:1]
        + [entry(api_url("profile", "gone"), {"gone": True}), entry(api_url("posts", "gone"), [])]
        + account_entries("down")[:1]
        + [entry(api_url("profile", "down"), "", status=503), entry(api_url("posts", "down"), [])]
    )
    return write_har(tmp_path / "corpus.har", entries)


def _sweep(
    out: Path, corpus: Path, account_ids: tuple[str, ...], policy: str = "unusual", as_of: date | None = AS_OF
) -> tuple[SweepStats, dict[str, Observation]]:
    """A browser sweep of fake weibo accounts over ``corpus``: its stats and observations."""
    settings = replay_settings(use_httpx=False)
    settings.browser.screenshots = policy  # type: ignore[assignment]
    store = Store(out / "state.sqlite")
    try:
        stats = sweep(
            [fake_account(i) for i in account_ids],
            store,
            settings,
            out,
            replay=[corpus],
            collectors={"weibo": FakeCollector()},
            as_of=as_of,
        )
        return stats, store.observations()
    finally:
        store.close()


def _shots(tmp_path: Path, policy: str, as_of: date | None = AS_OF) -> set[str]:
    out = tmp_path / policy
    _, observations = _sweep(out, _corpus(tmp_path), ("fresh", "stale", "gone", "down"), policy, as_of)
    assert len(observations) == 4
    shot = {
        o.account_id for o in observations.values() if any(p.endswith("/screenshot.jpg") for p in o.evidence)
    }
    assert shot == {p.parent.name.split("-")[0] for p in (out / "evidence").rglob("screenshot.jpg")}
    return shot


@pytest.mark.browser
def test_unusual_policy_shoots_every_account_but_the_fresh_one(tmp_path: Path) -> None:
    assert _shots(tmp_path, "unusual") == {"stale", "gone", "down"}


@pytest.mark.browser
def test_unusual_policy_without_a_monitoring_point_uses_the_visit_date(tmp_path: Path) -> None:
    assert _shots(tmp_path, "unusual", as_of=None) == {"stale", "gone", "down"}


@pytest.mark.browser
def test_all_and_none_policies(tmp_path: Path) -> None:
    assert _shots(tmp_path, "all") == {"fresh", "stale", "gone", "down"}
    assert _shots(tmp_path, "none") == set()


def _flaky_corpus(tmp_path: Path) -> Path:
    """Accounts whose first try fails and whose retry or requeue reads them fresh,
    and one walled on every try."""
    flaky, walled_once, walled = (account_entries(i) for i in ("flaky", "walledonce", "walled"))
    flaky.insert(1, entry(api_url("profile", "flaky"), "", status=503))
    walled_once.insert(1, entry(api_url("profile", "walledonce"), "", status=432))
    walled[1] = entry(api_url("profile", "walled"), "", status=432)
    return write_har(tmp_path / "flaky.har", flaky + walled_once + walled)


@pytest.mark.browser
def test_unusual_policy_shoots_only_outcomes_that_stand(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A try that is retried or requeued is not shot: its screenshot would be thrown away.
    Nor is a failure with nothing of the account: the page may show the one before."""
    taken: list[str] = []
    original = BrowserSession.screenshot

    async def counted(self: BrowserSession) -> bytes | None:
        taken.append(self.platform)
        return await original(self)

    monkeypatch.setattr(BrowserSession, "screenshot", counted)
    out = tmp_path / "out"
    accounts = ("flaky", "walledonce", "walled", "absent")
    stats, observations = _sweep(out, _flaky_corpus(tmp_path), accounts)
    assert stats.faults >= 1 and stats.walls == 1 + replay_settings().weibo.wall_retries + 1
    assert {k: o.status for k, o in observations.items()} == {
        "weibo|flaky": Status.ok,
        "weibo|walledonce": Status.ok,
        "weibo|walled": Status.blocked,
        "weibo|absent": Status.error,  # not in the corpus: nothing served
    }
    assert len(taken) == 1  # the final wall only
    assert [p.parent.name.split("-")[0] for p in (out / "evidence").rglob("screenshot.jpg")] == ["walled"]


def test_booleans_of_older_configs_still_mean_all_or_none() -> None:
    assert BrowserSettings(screenshots=True).screenshots == "all"
    assert BrowserSettings(screenshots=False).screenshots == "none"
    assert BrowserSettings().screenshots == "unusual"
    with pytest.raises(ValueError):
        BrowserSettings(screenshots="some")  # type: ignore[arg-type]
    assert Settings().browser.screenshots == "unusual"
