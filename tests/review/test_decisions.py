"""Decisions: append-only, newest wins, stale pages refused, mirrored into an overrides file
that the report command reads back to the same verdicts."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

import pytest

from newmedia_audit.review.decisions import (
    OVERRIDES_FILE,
    VERDICT,
    WORDING,
    DecisionError,
    make_decision,
    record,
    render_overrides,
)
from newmedia_audit.rules.overrides import read_overrides
from newmedia_audit.store import MIGRATIONS, StaleDecision, Store

from .sweep import BLOCKED, ERROR, GONE, HIT_GOV, HIT_STATE, UNSUPPORTED, build_sweep, report


def _verdicts(out: Path) -> dict[str, dict[str, str]]:
    lines = (out / "verdicts.csv").read_text(encoding="utf-8-sig").splitlines()
    header = lines[0].split(",")
    rows = [dict(zip(header, line.split(","), strict=False)) for line in lines[1:]]
    return {f"{r['platform']}|{r['account_id'] or 'name:' + r['name']}": r for r in rows}


def test_decisions_are_appended_and_the_newest_per_subject_is_in_force(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite")
    first = store.add_decision(make_decision(BLOCKED, VERDICT, "pass", officer="张三"), expected_last=0)
    second = store.add_decision(
        make_decision(BLOCKED, VERDICT, "fail", officer="李四", reason="unreachable"),
        expected_last=first.id,
    )
    wording = store.add_decision(make_decision(HIT_GOV, WORDING, "dismiss", officer="张三"))
    assert [d.id for d in store.decisions()] == [first.id, second.id, wording.id]
    assert [d.value for d in store.decisions(BLOCKED.key)] == ["pass", "fail"]
    assert [(d.key, d.value) for d in store.latest_decisions()] == [
        (BLOCKED.key, "fail"),
        (HIT_GOV.key, "dismiss"),
    ]
    assert store.last_decision_id(BLOCKED.key) == second.id
    assert store.last_decision_id(GONE.key) == 0
    assert second.decided_at.endswith("+08:00")


def test_a_decision_from_a_stale_page_is_refused_and_not_stored(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite")
    seen_by_both = store.last_decision_id(BLOCKED.key)
    store.add_decision(make_decision(BLOCKED, VERDICT, "pass", officer="张三"), expected_last=seen_by_both)
    with pytest.raises(StaleDecision) as refused:
        store.add_decision(
            make_decision(BLOCKED, VERDICT, "fail", officer="李四", reason="unreachable"),
            expected_last=seen_by_both,
        )
    assert "张三" in str(refused.value) and "刷新" in str(refused.value)
    assert [d.officer for d in store.decisions()] == ["张三"]


def test_an_old_store_gains_the_decisions_table_and_keeps_its_data(tmp_path: Path) -> None:
    path = tmp_path / "state.sqlite"
    db = sqlite3.connect(path)
    db.executescript(MIGRATIONS[0] + "; PRAGMA user_version=1;")
    db.execute("INSERT INTO meta VALUES ('k', 'v')")
    db.commit()
    db.close()
    store = Store(path)
    assert store.get_meta("k") == "v"
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    assert store.decisions() == []


@pytest.mark.parametrize(
    ("subject", "value", "reason", "officer", "message", "field"),
    [
        (VERDICT, "fail", "", "张三", "请选择原因", "reason"),
        (VERDICT, "fail", "no_such_reason", "张三", "请选择原因", "reason"),
        (VERDICT, "pass", "", "  ", "请填写审核人", "officer"),
        (VERDICT, "pass", "", "张" * 41, "审核人不能超过", "officer"),
        (VERDICT, "maybe", "", "张三", "结论应为", "value"),
        (WORDING, "approve", "", "张三", "确认、排除或撤销", "value"),
        ("other", "pass", "", "张三", "未知的复核事项", ""),
    ],
)
def test_a_form_that_cannot_decide_is_refused_with_a_chinese_message(
    subject: str, value: str, reason: str, officer: str, message: str, field: str
) -> None:
    with pytest.raises(DecisionError, match=message) as refused:
        make_decision(BLOCKED, subject, value, officer=officer, reason=reason)
    assert refused.value.field == field


def test_a_note_too_long_is_refused_naming_the_note() -> None:
    with pytest.raises(DecisionError, match="备注不能超过") as refused:
        make_decision(BLOCKED, VERDICT, "pass", officer="张三", note="字" * 501)
    assert refused.value.field == "note"


def test_undo_writes_no_row_and_rows_come_in_decision_order(tmp_path: Path) -> None:
    store = Store(tmp_path / "state.sqlite")
    store.add_decision(make_decision(HIT_GOV, WORDING, "confirm", officer="张三"))
    store.add_decision(make_decision(BLOCKED, VERDICT, "pass", officer="张三", note="人工核实"))
    store.add_decision(make_decision(HIT_GOV, WORDING, "pending", officer="李四"))  # undo
    store.add_decision(make_decision(UNSUPPORTED, VERDICT, "fail", officer="李四", reason="never_updated"))
    text = render_overrides(store.latest_decisions()).decode("utf-8-sig")
    lines = text.splitlines()
    assert lines[0] == "platform,account_id,verdict,reason,hit,note,officer,decided_at"
    assert [line.split(",")[:6] for line in lines[1:]] == [
        ["wechat", "xajy", "pass", "", "", "人工核实（张三复核）"],
        ["other:微信视频号", "咸宁发布视频号", "fail", "never_updated", "", "李四复核"],
    ]


def test_the_overrides_file_gives_the_report_command_the_pages_decisions(tmp_path: Path) -> None:
    sweep = build_sweep(tmp_path)
    before = _verdicts(sweep.out)
    assert before[BLOCKED.key]["verdict"] == "review"
    assert before[HIT_STATE.key]["reasons"] == "serious_error;name_mismatch"  # its live name differs
    store = Store(sweep.out / "state.sqlite")
    decisions = [
        make_decision(BLOCKED, VERDICT, "pass", officer="张三"),
        make_decision(ERROR, VERDICT, "fail", officer="张三", reason="unreachable"),
        make_decision(UNSUPPORTED, VERDICT, "review", officer="张三"),  # keeps 待复核
        make_decision(HIT_STATE, WORDING, "confirm", officer="李四"),
        make_decision(HIT_GOV, WORDING, "dismiss", officer="李四", note="地名误报"),
    ]
    for decision in decisions:
        record(store, sweep.out, decision, expected_last=store.last_decision_id(decision.key))
    store.close()
    overrides = sweep.out / OVERRIDES_FILE
    assert len(read_overrides(overrides)) == 4  # the undo has no row

    report(sweep.out, overrides)
    after = _verdicts(sweep.out)
    assert after[BLOCKED.key]["verdict"] == "pass"
    assert (after[ERROR.key]["verdict"], after[ERROR.key]["reasons"]) == ("fail", "unreachable")
    assert after[UNSUPPORTED.key]["verdict"] == "review"
    assert after[HIT_STATE.key]["primary_reason"] == "serious_error"
    assert after[HIT_GOV.key]["verdict"] == "pass"
    figures = json.loads((sweep.out / "results.json").read_text(encoding="utf-8"))
    assert figures["new_media"]["review"] == 1


def test_the_sweeps_own_overrides_rows_are_carried_ahead_of_the_decisions(tmp_path: Path) -> None:
    base = tmp_path / "复核结论.csv"
    base.write_text("平台,账号ID,结论,原因,备注\n微信,jyfb,合格,,电话核实\n", encoding="utf-8")
    rows = read_overrides(base)
    store = Store(tmp_path / "state.sqlite")
    store.add_decision(make_decision(ERROR, VERDICT, "fail", officer="张三", reason="unreachable"))
    text = render_overrides(store.latest_decisions(), rows).decode("utf-8-sig")
    assert [line.split(",")[:4] for line in text.splitlines()[1:]] == [
        ["wechat", "jyfb", "pass", ""],
        ["wechat", "jyfb", "fail", "unreachable"],
    ]
