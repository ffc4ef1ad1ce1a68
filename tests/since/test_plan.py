"""--since planning: who is visited at the new D and why; what is carried and how."""

from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest

from newmedia_audit.errors import InputError
from newmedia_audit.models import Observation, Status, Verdict, VerdictCode
from newmedia_audit.settings import Settings
from newmedia_audit.since import (
    CARRIED_NOTE,
    PreviousState,
    VisitReason,
    carry_forward,
    mark_carried,
    plan_since,
    read_previous_state,
)
from newmedia_audit.store import Store

from ..rules.factories import D, account, at, days_before, post, seen

SETTINGS = Settings(warn_days=5, carry_max_age_days=30)
NEW_D = D + timedelta(days=7)
VISITED_AT = at(D, 9)  # the previous sweep's visits: the morning of D


def observed(acc, *posts, status=Status.ok, **extra) -> Observation:
    return seen(acc, *posts, status=status, fetched_at=extra.pop("fetched_at", VISITED_AT), **extra)


def previous(rows: dict) -> PreviousState:
    """rows: account -> (observation or None, previous verdict code or "")."""
    return PreviousState(
        directory=Path("prev"),
        as_of=D,
        observations={a.key: o for a, (o, _) in rows.items() if o is not None},
        verdicts={a.key: v for a, (_, v) in rows.items() if v},
    )


def test_each_reason_to_visit_and_the_accounts_carried():
    quiet = account(account_id="quiet", name="静")  # posted D-1: fresh with 7 days left at D+7
    risky = account(account_id="risky", name="险")  # posted D-3: 5 days left at D+7
    failing = account(account_id="failing", name="败")
    review = account(account_id="review", name="审")
    gone = account(account_id="gone", name="删")
    fresh_account = account(account_id="new", name="新")
    unassessed = account(account_id="unassessed", name="未判")
    old = account(account_id="old", name="旧")
    kuaishou = account(account_id="", name="快手号", platform="other:快手")
    rows = {
        quiet: (observed(quiet, post(days_before(1))), "pass"),
        risky: (observed(risky, post(days_before(3))), "pass"),
        failing: (observed(failing, post(days_before(1))), "fail"),
        review: (observed(review, post(days_before(1))), "review"),
        gone: (observed(gone, status=Status.not_found), "fail"),
        unassessed: (observed(unassessed, post(days_before(1))), ""),
        old: (observed(old, post(days_before(1)), carried_from=D - timedelta(days=24)), "pass"),
    }
    plan = plan_since([*rows, fresh_account, kuaishou], previous(rows), SETTINGS, NEW_D)
    assert plan.visit == {
        risky.key: VisitReason.at_risk,
        failing.key: VisitReason.failed,
        review.key: VisitReason.review,
        gone.key: VisitReason.unseen,
        unassessed.key: VisitReason.no_verdict,
        old.key: VisitReason.stale,  # first seen D-24: 31 days before D+7
        fresh_account.key: VisitReason.new,
    }
    assert list(plan.carry) == [quiet.key]
    assert plan.carry[quiet.key].carried_from == D
    assert plan.unsupported == 1


def test_carry_age_counts_from_the_first_visit_of_a_carried_observation():
    acc = account()
    within = observed(acc, post(days_before(1)), carried_from=NEW_D - timedelta(days=30))
    plan = plan_since([acc], previous({acc: (within, "pass")}), SETTINGS, NEW_D)
    assert plan.carry[acc.key].carried_from == NEW_D - timedelta(days=30)


def test_an_observation_with_posts_after_the_new_d_only_is_visited():
    acc = account()
    later = observed(acc, post(at(NEW_D + timedelta(days=1))))
    plan = plan_since([acc], previous({acc: (later, "pass")}), SETTINGS, NEW_D)
    assert plan.visit == {acc.key: VisitReason.at_risk}


def test_message_counts_every_reason_in_chinese():
    acc, other = account(account_id="a"), account(account_id="b")
    rows = {acc: (observed(acc, post(days_before(1))), "pass"), other: (None, "")}
    state = previous(rows)
    text = plan_since([acc, other], state, SETTINGS, NEW_D).message(state, 30)
    assert "访问 1 个账号" in text and "沿用 1 个账号" in text and "2022-06-20" in text


def _previous_dir(tmp_path: Path, accounts_observations: list, verdicts: dict[str, str]) -> Path:
    prev = tmp_path / "prev"
    store = Store(prev / "state.sqlite")
    try:
        store.set_meta("inputs", '{"as_of": "2022-06-20"}')
        for acc, observation in accounts_observations:
            folder = prev / "evidence" / acc.platform / acc.account_id
            folder.mkdir(parents=True)
            (folder / "profile.json").write_text('{"ok": 1}', encoding="utf-8")
            observation = observation.model_copy(
                update={
                    "evidence": [
                        f"evidence/{acc.platform}/{acc.account_id}/",
                        f"evidence/{acc.platform}/{acc.account_id}/profile.json",
                    ]
                }
            )
            store.finish_visit(store.begin_visit(acc), acc, observation)
        store.save_verdicts(
            [
                Verdict(account=a, status=Status.ok, verdict=VerdictCode(verdicts[a.key]))
                for a, _ in accounts_observations
            ]
        )
    finally:
        store.close()
    return prev


def test_carry_forward_copies_observations_and_links_their_evidence(tmp_path: Path):
    quiet, risky = account(account_id="quiet"), account(account_id="risky")
    prev = _previous_dir(
        tmp_path,
        [(quiet, observed(quiet, post(days_before(1)))), (risky, observed(risky, post(days_before(3))))],
        {quiet.key: "pass", risky.key: "pass"},
    )
    out = tmp_path / "out"
    store = Store(out / "state.sqlite")
    try:
        plan, state = carry_forward(store, prev, [quiet, risky], SETTINGS, NEW_D, out)
        assert state.as_of == D and set(plan.visit) == {risky.key}
        assert store.pending([quiet, risky]) == [risky]
        carried = store.observation(quiet.key)
        assert carried is not None and carried.carried_from == D
        assert store.finished_visit_counts() == {}  # carrying is not a visit
        copy = out / "evidence/wechat/quiet/profile.json"
        assert copy.stat().st_ino == (prev / "evidence/wechat/quiet/profile.json").stat().st_ino
        assert "沿用 2022-06-20" in (out / "evidence/wechat/quiet" / CARRIED_NOTE).read_text(encoding="utf-8")

        # The same command again (a resume): nothing changes.
        carry_forward(store, prev, [quiet, risky], SETTINGS, NEW_D, out)
        assert store.observation(quiet.key) == carried

        # A rerun at a later D (--as-of defaulted to a new today): the carried account is due, so it is reopened.
        plan, _ = carry_forward(store, prev, [quiet, risky], SETTINGS, NEW_D + timedelta(days=3), out)
        assert set(plan.visit) == {quiet.key, risky.key}
        assert store.pending([quiet, risky]) == [quiet, risky]
    finally:
        store.close()


def test_a_visit_of_this_run_is_never_replaced_by_a_carried_observation(tmp_path: Path):
    acc = account()
    prev = _previous_dir(tmp_path, [(acc, observed(acc, post(days_before(1))))], {acc.key: "pass"})
    out = tmp_path / "out"
    store = Store(out / "state.sqlite")
    try:
        own = observed(acc, post(at(NEW_D)), fetched_at=datetime(2022, 6, 27, 2, tzinfo=UTC))
        store.finish_visit(store.begin_visit(acc), acc, own)
        carry_forward(store, prev, [acc], SETTINGS, NEW_D, out)
        assert store.observation(acc.key) == own
    finally:
        store.close()


def test_since_directory_without_a_store_is_bad_input(tmp_path: Path):
    with pytest.raises(InputError, match="--since"):
        read_previous_state(tmp_path)


def test_mark_carried_copies_the_date_onto_the_verdict():
    acc, other = account(account_id="a"), account(account_id="b")
    verdicts = [Verdict(account=a, status=Status.ok, verdict=VerdictCode.passed) for a in (acc, other)]
    observations = {acc.key: observed(acc, carried_from=date(2022, 6, 13)), other.key: observed(other)}
    marked = mark_carried(verdicts, observations)
    assert [v.carried_from for v in marked] == [date(2022, 6, 13), None]
