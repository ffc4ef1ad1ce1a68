"""A full sweep at D, then `sweep --since` a week later on a corpus where some accounts
posted: it visits exactly the accounts it must, carries the rest, and ends with the
verdicts and warnings of a full sweep of the same corpus (httpx path, replayed)."""

from __future__ import annotations

import csv
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from newmedia_audit.bench.since import write_weeks
from newmedia_audit.cli import main
from newmedia_audit.store import Store

D = date(2022, 6, 20)
WEEK_LATER = D + timedelta(days=7)
HTTPX_CONFIG = "".join(f"[{p}]\nuse_httpx = true\n" for p in ("wechat", "weibo", "douyin", "toutiao"))


def _sweep(paths: dict, corpus: Path, as_of: date, out: Path, config: Path, *extra: str) -> int:
    return main(
        [
            "sweep",
            "--ledger",
            str(paths["ledger"]),
            "--registry",
            str(paths["registry"]),
            "--replay",
            str(corpus),
            "--as-of",
            as_of.isoformat(),
            "--out",
            str(out),
            "--config",
            str(config),
            *extra,
        ]
    )


@pytest.fixture(scope="module")
def weeks(tmp_path_factory: pytest.TempPathFactory) -> dict:
    root = tmp_path_factory.mktemp("weeks")
    paths = write_weeks(80, 23, root / "in", D, posted_share=0.4)
    config = root / "rules.toml"
    config.write_text(HTTPX_CONFIG, encoding="utf-8")
    outs = {"week0": root / "week0", "since": root / "since", "full": root / "full"}
    assert _sweep(paths, paths["week0"], D, outs["week0"], config) == 0
    assert (
        _sweep(paths, paths["week1"], WEEK_LATER, outs["since"], config, "--since", str(outs["week0"])) == 0
    )
    assert _sweep(paths, paths["week1"], WEEK_LATER, outs["full"], config) == 0
    return {**paths, **outs, "config": config}


def rows(out: Path, name: str = "verdicts.csv") -> list[dict[str, str]]:
    with (out / name).open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def by_key(out: Path) -> dict[str, dict[str, str]]:
    return {f"{r['platform']}|{r['account_id']}": r for r in rows(out)}


def visited_keys(out: Path) -> set[str]:
    store = Store(out / "state.sqlite")
    try:
        return set(store.finished_visit_counts())
    finally:
        store.close()


def must_visit(previous: dict[str, str], as_of: date, warn_days: int = 5) -> bool:
    """The rule of issue 19, worked out from the previous verdicts.csv alone."""
    if previous["verdict"] != "pass" or previous["status"] != "ok" or not previous["last_post_at"]:
        return True
    latest = datetime.fromisoformat(previous["last_post_at"]).date()  # written in +08:00
    return (latest + timedelta(days=15) - as_of).days <= warn_days


def test_visits_exactly_the_accounts_whose_verdict_could_change(weeks: dict) -> None:
    before = by_key(weeks["week0"])
    expected = {key for key, row in before.items() if must_visit(row, WEEK_LATER)}
    visited = visited_keys(weeks["since"])
    assert visited == expected
    assert 0 < len(visited) < len(before)  # the check can fail both ways


def test_carried_accounts_say_carried_with_the_date_of_their_visit(weeks: dict) -> None:
    visited = visited_keys(weeks["since"])
    carried = {k: r for k, r in by_key(weeks["since"]).items() if k not in visited}
    assert carried
    for row in carried.values():
        assert row["evidence"].endswith(" (carried 2022-06-20)"), row
        assert (weeks["since"] / row["evidence"].split(" (carried")[0]).is_dir()
    for key, row in by_key(weeks["since"]).items():
        if key in visited:
            assert "carried" not in row["evidence"]
    html = (weeks["since"] / "report.html").read_text(encoding="utf-8")
    assert f"{len(carried)} 个账号未重新访问，沿用 2022-06-20" in html
    assert "沿用 2022-06-20 访问结果" in html  # 访问状态 of the carried rows


def test_verdicts_and_warnings_equal_a_full_sweep_of_the_same_corpus(weeks: dict) -> None:
    since, full = by_key(weeks["since"]), by_key(weeks["full"])
    visited = visited_keys(weeks["since"])
    assert since.keys() == full.keys()
    for key in full:
        assert (since[key]["verdict"], since[key]["reasons"]) == (
            full[key]["verdict"],
            full[key]["reasons"],
        ), key
        if key in visited:  # what the visit saw is the same as well
            for column in ("status", "live_name", "last_post_at", "evidence"):
                assert since[key][column] == full[key][column], (key, column)
    assert rows(weeks["since"], "warnings.csv") == rows(weeks["full"], "warnings.csv")
    assert (weeks["since"] / "reminders").is_dir()


def test_some_accounts_posted_and_some_of_them_were_carried(weeks: dict) -> None:
    # The corpus is what the test says it is: accounts posted in between, visited or not.
    visited = visited_keys(weeks["since"])
    posted = {k for k in by_key(weeks["full"]) if k.split("|", 1)[1] in weeks["posted"]}
    assert posted & visited and posted - visited


def test_the_trend_reaches_the_previous_week(weeks: dict) -> None:
    html = (weeks["since"] / "report.html").read_text(encoding="utf-8")
    assert 'id="t-trend"' in html and "2022-06-20（本期）" not in html
    assert "2022-06-20" in html and "2022-06-27（本期）" in html
    assert 'id="t-trend"' not in (weeks["full"] / "report.html").read_text(encoding="utf-8")


def test_rerunning_the_since_command_resumes_without_visiting_again(weeks: dict) -> None:
    before = (weeks["since"] / "verdicts.csv").read_bytes()
    code = _sweep(
        weeks, weeks["week1"], WEEK_LATER, weeks["since"], weeks["config"], "--since", str(weeks["week0"])
    )
    assert code == 0
    store = Store(weeks["since"] / "state.sqlite")
    try:
        assert set(store.finished_visit_counts().values()) == {1}
    finally:
        store.close()
    assert (weeks["since"] / "verdicts.csv").read_bytes() == before


def test_report_command_keeps_the_carried_marks_and_the_trend(weeks: dict) -> None:
    before = rows(weeks["since"])
    assert main(["report", str(weeks["since"]), "--config", str(weeks["config"])]) == 0
    assert rows(weeks["since"]) == before
    assert 'id="t-trend"' in (weeks["since"] / "report.html").read_text(encoding="utf-8")


def test_since_pointing_at_the_output_directory_itself_is_refused(weeks: dict, capsys) -> None:
    code = _sweep(
        weeks, weeks["week1"], WEEK_LATER, weeks["week0"], weeks["config"], "--since", str(weeks["week0"])
    )
    assert code == 2
    assert "不能与本次 --out 相同" in capsys.readouterr().err


def test_since_directory_without_a_sweep_is_bad_input(weeks: dict, tmp_path: Path, capsys) -> None:
    code = _sweep(
        weeks, weeks["week1"], WEEK_LATER, tmp_path / "o", weeks["config"], "--since", str(tmp_path)
    )
    assert code == 2
    assert "state.sqlite" in capsys.readouterr().err
