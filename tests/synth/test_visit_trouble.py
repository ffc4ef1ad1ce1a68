"""visit_trouble against the real sweep: a clean scenario is one quiet visit, a troubled one is not."""

from __future__ import annotations

import asyncio
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newmedia_audit.collect.sweep import SweepStats, run_sweep
from newmedia_audit.models import Account, Platform
from newmedia_audit.settings import Settings
from newmedia_audit.store import Store
from newmedia_audit.synth.corpus import write_corpus
from newmedia_audit.synth.platforms import (
    SUPPORTED_STATES,
    WALL_STATES,
    Flaky,
    Scenario,
    State,
    SynthPost,
    page_url,
    visit_trouble,
)

CST = timezone(timedelta(hours=8))
NOW = datetime(2022, 6, 20, 10, 0, tzinfo=CST)
IDS = {
    Platform.weibo: "5123456789",
    Platform.douyin: "MS4wLjABAAAAabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV",
    Platform.toutiao: "MS4wLjABAAAAtoken0123456789",
    Platform.wechat: "gzceshifabu",
}


def _scenarios() -> list[Scenario]:
    posts = (SynthPost(id="4700000000000001", published_at=NOW - timedelta(days=2), text="政务动态"),)
    out = []
    for platform, states in SUPPORTED_STATES.items():
        flakies = [Flaky.none, Flaky.http_503] + ([Flaky.empty_feed] if platform is Platform.toutiao else [])
        for state in sorted(states):
            for flaky in flakies:
                for with_posts in (True, False) if state is State.ok else (False,):
                    out.append(
                        Scenario(
                            platform=platform,
                            account_id=IDS[platform],
                            live_name="测试发布",
                            received_at=NOW,
                            subject="测试市人民政府办公室",
                            state=state,
                            posts=posts if with_posts else (),
                            flaky=flaky,
                        )
                    )
    return out


def _sweep(scenario: Scenario, folder: Path) -> SweepStats:
    har = write_corpus([scenario], folder / "corpus.har")
    base = Settings()
    settings = base.model_copy(
        update={p.value: base.platform(p.value).model_copy(update={"use_httpx": True}) for p in Platform}
    )
    account = Account(
        district="市直",
        unit=scenario.subject,
        name=scenario.live_name,
        platform=scenario.platform.value,
        account_type="",
        account_id=scenario.account_id,
        url=page_url(scenario.platform, scenario.account_id),
    )
    store = Store(folder / "state.sqlite")
    try:
        return asyncio.run(run_sweep([account], store, settings, folder, replay=[har]))
    finally:
        store.close()


def _label(s: Scenario) -> str:
    return f"{s.platform.value}-{s.state.value}-{s.flaky.value}-{'posts' if s.posts else 'none'}"


@pytest.mark.parametrize("scenario", _scenarios(), ids=_label)
def test_a_clean_scenario_is_one_quiet_visit_and_a_troubled_one_is_not(
    scenario: Scenario, tmp_path: Path
) -> None:
    stats = _sweep(scenario, tmp_path)
    quiet = stats.walls == stats.faults == stats.retries == 0
    trouble = visit_trouble(scenario)
    if trouble is None:
        assert quiet, stats
    elif scenario.state in WALL_STATES or scenario.state is State.ok or trouble == "unconfirmed":
        # where the scripted trouble has responses to live in, the sweep meets it
        assert not quiet, (trouble, stats)
