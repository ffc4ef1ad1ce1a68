import importlib
from datetime import timedelta

import pytest

from newmedia_audit.models import Observation, Reason, Status, VerdictCode
from newmedia_audit.rules import assess
from newmedia_audit.rules.overrides import Override
from newmedia_audit.settings import Settings

from .factories import D, account, days_before, filing, post, seen

SETTINGS = Settings()


def one(acc, observation, filings=None, settings=SETTINGS, **kw):
    filings = [filing(acc)] if filings is None else filings
    observations = {acc.key: observation} if observation is not None else {}
    return assess([acc], observations, filings, settings, D, **kw).verdicts[0]


def test_fresh_filed_account_passes():
    acc = account()
    verdict = one(acc, seen(acc, post(days_before(2))))
    assert verdict.verdict is VerdictCode.passed and verdict.reasons == []
    assert verdict.last_post_at == days_before(2)
    assert verdict.filing is not None


@pytest.mark.parametrize("status", [Status.blocked, Status.error])
def test_a_wall_is_review_never_fail_never_zombie(status):
    acc = account()
    observation = seen(acc, status=status, detail="登录墙", live_name="")
    result = assess([acc], {acc.key: observation}, [], SETTINGS, D)
    verdict = result.verdicts[0]
    assert verdict.verdict is VerdictCode.review
    assert verdict.reasons == [] and verdict.primary_reason is None
    assert "登录墙" in verdict.review_reason
    assert result.zombies == []


@pytest.mark.parametrize("status", [Status.not_found, Status.banned, Status.private])
def test_positive_evidence_of_absence_is_unreachable(status):
    acc = account()
    verdict = one(acc, seen(acc, status=status, live_name=""))
    assert verdict.verdict is VerdictCode.failed
    assert verdict.primary_reason is Reason.unreachable


def test_reachable_profile_without_posts_or_evidence_is_review():
    acc = account()
    verdict = one(acc, seen(acc))
    assert verdict.verdict is VerdictCode.review
    assert "未取得发文记录" in verdict.review_reason


def test_unsupported_platform_is_review_unless_unfiled():
    acc = account("咸宁发布", "", platform="other:快手")
    observation = seen(acc, status=Status.unsupported, live_name="")
    assert one(acc, observation).verdict is VerdictCode.review
    unfiled = one(acc, observation, filings=[])
    assert unfiled.verdict is VerdictCode.failed
    assert unfiled.reasons == [Reason.unregistered]


def test_account_without_observation_is_review():
    acc = account()
    verdict = one(acc, None)
    assert verdict.verdict is VerdictCode.review and verdict.status is Status.error
    other = account("咸宁发布", "", platform="other:百家号")
    assert one(other, None).status is Status.unsupported


def test_overrides_decide_review_cases():
    acc = account("咸宁发布", "", platform="other:快手")
    observation = seen(acc, status=Status.unsupported, live_name="")
    failed = Override(
        platform="other:快手", account_id="咸宁发布", verdict="fail", reason="not_updated", note="人工"
    )
    passed = Override(platform="other:快手", account_id="咸宁发布", verdict="pass")
    verdict = one(acc, observation, overrides=[failed])
    assert verdict.verdict is VerdictCode.failed and verdict.reasons == [Reason.not_updated]
    assert verdict.note == "人工"
    assert one(acc, observation, overrides=[passed]).verdict is VerdictCode.passed
    wall = one(account(), seen(account(), status=Status.blocked), overrides=[])
    assert wall.verdict is VerdictCode.review


def test_lexicon_hit_fails_and_an_override_dismisses_it():
    acc = account()
    observation = seen(
        acc,
        post(days_before(1), "推进一带一路战略。", id="a1", link="https://x/a1"),
        post(days_before(40), "中华人民共合国", id="old"),  # outside the window
        post(days_before(-1), "共合国", id="late"),  # after D
    )
    verdict = one(acc, observation)
    assert verdict.primary_reason is Reason.serious_error
    assert [(h.post_id, h.link, h.sentence) for h in verdict.hits] == [
        ("a1", "https://x/a1", "推进一带一路战略。")
    ]
    dismiss = Override(platform="wechat", account_id="xnfb", verdict="pass", reason="serious_error")
    dismissed = one(acc, observation, overrides=[dismiss])
    assert dismissed.verdict is VerdictCode.passed
    assert dismissed.hits[0].dismissed


def test_frequency_rule_replaces_the_window_for_a_level():
    settings = Settings(frequency_days={"县级政府": 7})
    county = account(level="县级政府")
    dept = account("咸宁市某局", "dept", level="部门")
    posted_10_days_ago = post(days_before(10))
    assert one(county, seen(county, posted_10_days_ago), settings=settings).reasons == [Reason.not_updated]
    assert one(dept, seen(dept, posted_10_days_ago), settings=settings).verdict is VerdictCode.passed


def test_evidence_is_the_folder_of_the_first_file():
    acc = account()
    observation = seen(
        acc,
        post(days_before(1)),
        evidence=["evidence/wechat/xnfb/search.html", "evidence/wechat/xnfb/shot.png"],
    )
    assert one(acc, observation).evidence == "evidence/wechat/xnfb"
    assert one(acc, seen(acc, post(days_before(1)))).evidence == ""


def test_verdicts_in_ledger_order_and_districts_by_first_appearance():
    ledger = [
        account("甲", "a", district="咸安区"),
        account("乙", "b", district="市直"),
        account("丙", "c", district="咸安区"),
        account("丁", "d", district="嘉鱼县"),
    ]
    observations = {a.key: seen(a, post(days_before(1))) for a in ledger}
    result = assess(ledger, observations, [], SETTINGS, D)
    assert [v.account.name for v in result.verdicts] == ["甲", "乙", "丙", "丁"]
    assert result.district_order == ["咸安区", "市直", "嘉鱼县"]
    assert result.province == "湖北省" and result.as_of == D


def test_posts_just_outside_window_fail_not_updated_with_last_post_time():
    acc = account()
    verdict = one(acc, seen(acc, post(days_before(15, 23, 30))))
    assert verdict.reasons == [Reason.not_updated]
    assert verdict.last_post_at.date() == D - timedelta(days=15)


def test_evidence_folder_is_the_accounts_own_folder() -> None:
    from newmedia_audit.rules.assess import evidence_folder

    # write_evidence lists the folder first, then its files (it used to be read as the platform folder).
    folder = "evidence/weibo/123-a665a459"
    obs = Observation(
        platform="weibo", account_id="123", status=Status.ok, evidence=[folder, f"{folder}/posts.json"]
    )
    assert evidence_folder(obs) == folder
    only_files = obs.model_copy(update={"evidence": [f"{folder}/posts.json"]})
    assert evidence_folder(only_files) == folder


def test_review_reason_says_what_was_not_seen_once() -> None:
    assess_module = importlib.import_module("newmedia_audit.rules.assess")

    wall = Observation(
        platform="douyin",
        account_id="x",
        status=Status.blocked,
        detail="被平台拦截：抖音作品列表为空（疑似风控）",
    )
    verdict, _ = assess_module.assess_account(
        account(platform="douyin"),
        wall,
        assess_module.FilingIndex([]).match(account(platform="douyin"), ""),
        Settings(),
        D,
        assess_module.load_lexicon([]),
    )
    assert verdict.verdict is VerdictCode.review
    assert verdict.review_reason == assess_module.REVIEW_BLOCKED + "：抖音作品列表为空（疑似风控）"


def test_platform_health_counts_each_account_by_how_its_visit_ended() -> None:
    health_of = importlib.import_module("newmedia_audit.rules.assess").platform_health

    def seen_as(status: Status, failure: str = "", platform: str = "weibo") -> Observation:
        return Observation(platform=platform, account_id="x", status=status, failure=failure)

    rows = health_of(
        [
            seen_as(Status.ok),
            seen_as(Status.not_found),
            seen_as(Status.blocked, "wall"),
            seen_as(Status.error, "fault"),
            seen_as(Status.error, "unrecognized"),
            seen_as(Status.error, "paused"),
            seen_as(Status.ok, platform="wechat"),
            seen_as(Status.unsupported, platform="other:快手"),
        ]
    )
    assert [r.platform for r in rows] == ["wechat", "weibo"]  # platform order; unsupported left out
    weibo = rows[1]
    assert (weibo.accounts, weibo.read, weibo.walls, weibo.faults, weibo.unrecognized, weibo.pending) == (
        6,
        2,
        1,
        1,
        1,
        1,
    )
    assert weibo.paused and not rows[0].paused
