"""Hypothesis: verdicts do not depend on post order; normalization is idempotent; sampling is reproducible."""

from datetime import datetime

from hypothesis import given, settings
from hypothesis import strategies as st

from newmedia_audit.rules import assess, normalize_name, sample_accounts
from newmedia_audit.settings import Settings

from .factories import LOCAL, D, account, filing, post, seen

ACC = account()
SETTINGS = Settings()

moments = st.datetimes(
    min_value=datetime(2021, 1, 1), max_value=datetime(2022, 7, 10), timezones=st.just(LOCAL)
)
texts = st.sampled_from(["今日动态", "共合国", "推进一带一路战略。", "中华人民共和国", ""])
posts = st.lists(
    st.builds(
        lambda when, text, pinned, repost, i: post(when, text, pinned=pinned, repost=repost, id=str(i)),
        moments,
        texts,
        st.booleans(),
        st.booleans(),
        st.integers(0, 10**6),
    ),
    max_size=8,
)


@settings(max_examples=60, deadline=None)
@given(posts, st.randoms(use_true_random=False))
def test_verdict_does_not_depend_on_post_order(items, rnd):
    shuffled = list(items)
    rnd.shuffle(shuffled)

    def judge(ps):
        result = assess([ACC], {ACC.key: seen(ACC, *ps, post_count=len(ps))}, [filing(ACC)], SETTINGS, D)
        v = result.verdicts[0]
        return v.verdict, v.reasons, v.last_post_at, v.hits, result.zombies

    assert judge(items) == judge(shuffled)


@settings(max_examples=200, deadline=None)
@given(st.text(max_size=30))
def test_normalization_is_idempotent(name):
    once = normalize_name(name)
    assert normalize_name(once) == once


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet="咸寧宁發发布 （）【】·・\u200bＡA", max_size=12))
def test_normalized_names_have_no_spaces_or_traditional_variants(name):
    once = normalize_name(name)
    assert not any(c.isspace() or c in "寧發（）【】・\u200bＡ" for c in once)


districts = st.sampled_from(["市直", "咸安区", "嘉鱼县"])
platforms = st.sampled_from(["wechat", "weibo", "douyin"])


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(districts, platforms), min_size=1, max_size=40),
    st.floats(min_value=0.05, max_value=1.0),
    st.integers(0, 2**32),
)
def test_sampling_with_the_same_seed_is_identical(rows, fraction, seed):
    accounts = [account(f"号{i}", f"id{i}", p, d) for i, (d, p) in enumerate(rows)]
    first = sample_accounts(accounts, fraction, seed)
    assert first == sample_accounts(accounts, fraction, seed)
    strata = {(a.district, a.platform) for a in accounts}
    assert {(a.district, a.platform) for a in first} == strata
