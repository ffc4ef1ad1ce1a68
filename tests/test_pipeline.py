"""The sweep command end to end on a small replayed corpus: skipped bad rows, accounts on
platforms the tool cannot visit, resume, and `report` re-applying an overrides file."""

import csv
import json
from pathlib import Path

import pytest

from newmedia_audit.cli import main
from newmedia_audit.store import Store
from newmedia_audit.synth.corpus import generate

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def swept(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[str]]:
    root = tmp_path_factory.mktemp("pipeline")
    ledger, registry, corpus = generate(24, 11, root / "in")
    with ledger.open("a", encoding="utf-8") as f:
        f.write("市直,咸宁市文化和旅游局,文旅快手,快手,,,,\n")
        f.write("市直,咸宁市文化和旅游局,坏行,飞信,,abc,,\n")
    with registry.open("a", encoding="utf-8") as f:
        f.write("鄂备-K1,文旅快手,快手,,,咸宁市文化和旅游局,市直,已备案,2021-01-05\n")
    out = root / "out"
    args = [
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
        "--skip-bad-rows",
    ]
    assert main(args) == 0
    return out, args


def verdict_rows(out: Path) -> list[dict[str, str]]:
    with (out / "verdicts.csv").open(encoding="utf-8-sig") as f:
        return list(csv.DictReader(f))


def test_bad_row_is_skipped_and_listed(swept: tuple[Path, list[str]]) -> None:
    out, _ = swept
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    [skipped] = results["skipped_rows"]
    assert skipped["row"] == 27  # header + 24 generated + the 快手 row, then the bad one
    assert skipped["column"] == "平台" and skipped["value"] == "飞信"
    assert len(verdict_rows(out)) == 25


def test_unsupported_platform_waits_in_review(swept: tuple[Path, list[str]]) -> None:
    out, _ = swept
    [row] = [r for r in verdict_rows(out) if r["name"] == "文旅快手"]
    assert (row["platform"], row["status"], row["verdict"]) == ("other:快手", "unsupported", "review")


def test_every_supported_account_was_visited_once(swept: tuple[Path, list[str]]) -> None:
    out, args = swept
    store = Store(out / "state.sqlite")
    before = store.finished_visit_counts()
    store.close()
    assert len(before) == 25 and set(before.values()) == {1}
    assert main(args) == 0  # the same command again: nothing is fetched twice
    store = Store(out / "state.sqlite")
    assert store.finished_visit_counts() == before
    store.close()


def test_report_applies_overrides_without_visiting(swept: tuple[Path, list[str]], tmp_path: Path) -> None:
    out, _ = swept
    overrides = tmp_path / "复核结论.csv"
    overrides.write_text(
        "平台,账号ID,结论,原因,备注\n快手,文旅快手,合格,,人工核查近两周有更新\n", encoding="utf-8"
    )
    assert main(["report", str(out), "--overrides", str(overrides)]) == 0
    [row] = [r for r in verdict_rows(out) if r["name"] == "文旅快手"]
    assert row["verdict"] == "pass"
    results = json.loads((out / "results.json").read_text(encoding="utf-8"))
    assert results["new_media"]["review"] == sum(1 for r in verdict_rows(out) if r["verdict"] == "review")


def test_report_on_a_dir_without_state_exits_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(tmp_path)]) == 2
    assert "state.sqlite" in capsys.readouterr().err


def test_the_visits_line_is_said_in_chinese_not_as_a_dataclass() -> None:
    from newmedia_audit.collect.visit import SweepStats
    from newmedia_audit.pipeline import visits_summary

    stats = SweepStats(
        visited=120,
        statuses={"ok": 100, "blocked": 20},
        walls=3,
        faults=5,
        retries=9,
        elapsed=60.0,
        skipped=7,
    )
    assert visits_summary(stats) == (
        "访问完成 / visits done：本次 120 个账号（正常 100、访问受阻（登录/验证） 20），此前已完成 7 个；"
        "被拦截 3 次，网络故障 5 次，无法识别 0 次，重试 9 次；用时 60 秒（每分钟约 120 个）"
    )
    assert "SweepStats" not in visits_summary(SweepStats())
