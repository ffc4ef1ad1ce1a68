"""Each reason pair of seed 001's table, through assess, with the default precedence."""

import pytest

from newmedia_audit.models import Reason, Status, VerdictCode
from newmedia_audit.rules import assess
from newmedia_audit.rules.precedence import order_reasons
from newmedia_audit.settings import Settings

from .factories import D, account, days_before, filing, post, seen

ACC = account("咸宁高新招商网", "xngxzsw")


def verdict_of(observation, filings, settings=None):
    return assess([ACC], {ACC.key: observation}, filings, settings or Settings(), D).verdicts[0]


def test_unfiled_and_never_updated_counts_as_never_updated():
    # seed 001: 咸宁高新招商网 "未备案 开通至今未更新"
    verdict = verdict_of(seen(ACC, confirmed_empty=True), [])
    assert verdict.reasons == [Reason.never_updated, Reason.unregistered]
    assert verdict.primary_reason is Reason.never_updated


def test_not_updated_and_unfiled_counts_as_not_updated():
    # seed 001: 咸宁禁毒宣传 "(最后更新时间2016年1月11日) 未备案"
    verdict = verdict_of(seen(ACC, post(days_before(2352))), [])
    assert verdict.reasons == [Reason.not_updated, Reason.unregistered]
    assert verdict.primary_reason is Reason.not_updated


def test_serious_error_comes_before_registry_reasons():
    verdict = verdict_of(seen(ACC, post(days_before(1), "共合国")), [filing(ACC, name="别的名字")])
    assert verdict.reasons == [Reason.serious_error, Reason.name_mismatch]


def test_unreachable_comes_before_unfiled():
    verdict = verdict_of(seen(ACC, status=Status.not_found, live_name=""), [])
    assert verdict.reasons == [Reason.unreachable, Reason.unregistered]


@pytest.mark.parametrize(
    ("reason", "observation", "filings"),
    [
        (Reason.unregistered, seen(ACC, post(days_before(1))), []),
        (Reason.name_mismatch, seen(ACC, post(days_before(1)), live_name="咸宁城建"), [filing(ACC)]),
        (Reason.not_updated, seen(ACC, post(days_before(30))), [filing(ACC)]),
        (Reason.never_updated, seen(ACC, post_count=0), [filing(ACC)]),
        (Reason.serious_error, seen(ACC, post(days_before(1), "攻府通知")), [filing(ACC)]),
    ],
)
def test_single_reasons_of_the_seed(reason, observation, filings):
    verdict = verdict_of(observation, filings)
    assert verdict.verdict is VerdictCode.failed and verdict.reasons == [reason]


def test_configured_precedence_changes_the_primary_reason_only():
    settings = Settings(precedence=[Reason.unregistered, Reason.never_updated])
    verdict = verdict_of(seen(ACC, confirmed_empty=True), [], settings)
    assert verdict.primary_reason is Reason.unregistered
    assert verdict.reasons == [Reason.unregistered, Reason.never_updated]


def test_reasons_missing_from_the_order_follow_in_code_order():
    assert order_reasons([Reason.name_mismatch, Reason.serious_error], [Reason.name_mismatch]) == [
        Reason.name_mismatch,
        Reason.serious_error,
    ]


def test_a_reason_listed_twice_keeps_its_last_place_as_before():
    precedence = [Reason.unregistered, Reason.serious_error, Reason.unregistered]
    assert order_reasons([Reason.unregistered, Reason.serious_error], precedence) == [
        Reason.serious_error,
        Reason.unregistered,
    ]
    assert order_reasons([], precedence) == []
