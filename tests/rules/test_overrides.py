import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newmedia_audit.errors import InputError, InputErrors
from newmedia_audit.models import LexiconHit, Reason, VerdictCode
from newmedia_audit.rules import assess
from newmedia_audit.rules.overrides import apply_overrides, decides_hit, hit_matches, hit_ref, read_overrides
from newmedia_audit.settings import Settings

from .factories import D, account, days_before, filing, post, seen

HEADER = "platform,account_id,verdict,reason,note\n"


def write(tmp_path, text, encoding="utf-8"):
    path = tmp_path / "overrides.csv"
    path.write_bytes(text.encode(encoding))
    return path


def test_reads_codes_chinese_labels_and_platform_labels(tmp_path):
    path = write(
        tmp_path,
        HEADER
        + "wechat,xnfb,pass,serious_error,误报\n"
        + "微博,123,不合格,湖北省未备案,\n"
        + "快手,咸宁发布,合格,,人工核实\n",
        encoding="utf-8-sig",
    )
    rows = read_overrides(path)
    assert [(r.platform, r.account_id, r.verdict, r.reason) for r in rows] == [
        ("wechat", "xnfb", VerdictCode.passed, Reason.serious_error),
        ("weibo", "123", VerdictCode.failed, Reason.unregistered),
        ("other:快手", "咸宁发布", VerdictCode.passed, None),
    ]
    assert rows[0].note == "误报" and rows[0].row == 2


def test_chinese_headers_and_gb18030(tmp_path):
    path = write(tmp_path, "平台,账号ID,结论,原因,备注\n微信,xnfb,不合格,严重表述错误,确认\n", "gb18030")
    [row] = read_overrides(path)
    assert row.reason is Reason.serious_error


def test_bad_row_names_file_row_column_and_value(tmp_path):
    path = write(tmp_path, HEADER + "wechat,xnfb,maybe,,\n")
    with pytest.raises(InputError) as caught:
        read_overrides(path)
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == (str(path), 2, "verdict", "maybe")


def test_every_bad_row_is_reported_at_once(tmp_path):
    path = write(tmp_path, HEADER + "wechat,a,fail,,\nwechat,b,pass,nonsense,\n,c,pass,,\n")
    with pytest.raises(InputErrors) as caught:
        read_overrides(path)
    assert [(e.row, e.column) for e in caught.value.errors] == [
        (2, "reason"),
        (3, "reason"),
        (4, "platform"),
    ]


def test_missing_column_lists_the_columns_found(tmp_path):
    path = write(tmp_path, "platform,verdict\nwechat,pass\n")
    with pytest.raises(InputError) as caught:
        read_overrides(path)
    assert "account_id" in str(caught.value) and "platform" in str(caught.value)


HIT = LexiconHit(rule="国名错写", word="共合国", sentence="共合国。", post_id="1")


def test_pass_with_serious_error_dismisses_hits_and_keeps_other_reasons(tmp_path):
    path = write(tmp_path, HEADER + "wechat,xnfb,pass,serious_error,误报\n")
    outcome = apply_overrides(
        account(), [Reason.serious_error, Reason.unregistered], [HIT], read_overrides(path)
    )
    assert outcome.reasons == [Reason.unregistered]
    assert [h.dismissed for h in outcome.hits] == [True]
    assert outcome.note == "误报"


def test_rows_of_other_accounts_do_not_apply(tmp_path):
    path = write(tmp_path, HEADER + "wechat,other,pass,,\nweibo,xnfb,pass,,\n")
    outcome = apply_overrides(account(), [Reason.serious_error], [HIT], read_overrides(path))
    assert outcome.reasons == [Reason.serious_error] and not outcome.decided


# -- per-hit rows (the 线索 / hit column) ------------------------------------------

GOV = LexiconHit(
    rule="机构名称错写",
    word="攻府",
    correction="政府",
    sentence="区攻府召开常务会议。",
    post_id="h2",
    link="https://m.weibo.cn/status/h2",
)
BRI = LexiconHit(
    rule="“一带一路”应称倡议，不称战略",
    word="一带一路战略",
    correction="一带一路倡议",
    sentence="积极融入一带一路战略。",
    post_id="h3",
    link="https://m.weibo.cn/status/h3",
)
HITS = [HIT, GOV, BRI]
HIT_HEADER = "platform,account_id,verdict,reason,note,hit\n"


def apply_text(tmp_path, text, hits=HITS, reasons=(Reason.serious_error,)):
    return apply_overrides(account(), list(reasons), hits, read_overrides(write(tmp_path, text)))


def test_the_hit_column_is_read_in_english_and_chinese(tmp_path):
    [row] = read_overrides(
        write(
            tmp_path,
            "平台,账号ID,结论,原因,线索\n微信,xnfb,合格,严重表述错误,攻府@https://m.weibo.cn/status/h2\n",
        )
    )
    assert row.hit == "攻府@https://m.weibo.cn/status/h2" and row.hit_column == "线索"
    [row] = read_overrides(write(tmp_path, HIT_HEADER + "wechat,xnfb,pass,serious_error,,攻府\n"))
    assert row.hit == "攻府" and row.hit_column == "hit"


def test_a_dismissed_hit_leaves_the_others_standing_and_the_account_failing(tmp_path):
    outcome = apply_text(
        tmp_path, HIT_HEADER + "wechat,xnfb,pass,serious_error,误报,攻府@https://m.weibo.cn/status/h2\n"
    )
    assert [h.dismissed for h in outcome.hits] == [False, True, False]
    assert outcome.reasons == [Reason.serious_error]  # two hits still undecided
    assert outcome.note == "误报" and not outcome.decided


def test_one_confirmed_and_the_others_dismissed_cites_only_the_confirmed_one(tmp_path):
    outcome = apply_text(
        tmp_path,
        HIT_HEADER
        + "wechat,xnfb,fail,serious_error,属实,攻府@https://m.weibo.cn/status/h2\n"
        + "wechat,xnfb,pass,serious_error,,一带一路战略@h3\n"  # by post id
        + "wechat,xnfb,pass,serious_error,,共合国@共合国。\n",  # by sentence
    )
    assert [h.word for h in outcome.hits if not h.dismissed] == ["攻府"]
    assert outcome.reasons == [Reason.serious_error] and outcome.decided


def test_every_hit_dismissed_one_by_one_drops_serious_error_only(tmp_path):
    text = HIT_HEADER + "".join(f"wechat,xnfb,pass,serious_error,,{hit_ref(h)}\n" for h in HITS)
    outcome = apply_text(tmp_path, text, reasons=(Reason.serious_error, Reason.unregistered))
    assert all(h.dismissed for h in outcome.hits)
    assert outcome.reasons == [Reason.unregistered]


def test_a_row_without_a_hit_still_means_every_hit_and_file_order_decides(tmp_path):
    outcome = apply_text(
        tmp_path,
        HIT_HEADER
        + "wechat,xnfb,pass,serious_error,,\n"  # all dismissed
        + "wechat,xnfb,fail,serious_error,,攻府\n",  # then one confirmed again
    )
    assert [h.dismissed for h in outcome.hits] == [True, False, True]
    assert outcome.reasons == [Reason.serious_error]
    outcome = apply_text(
        tmp_path,
        HIT_HEADER + "wechat,xnfb,pass,serious_error,,攻府\nwechat,xnfb,fail,serious_error,,\n",
    )
    assert [h.dismissed for h in outcome.hits] == [False, False, False]


def test_whitespace_in_the_hit_does_not_count(tmp_path):
    outcome = apply_text(
        tmp_path, HIT_HEADER + 'wechat,xnfb,pass,serious_error,," 攻府 @ https://m.weibo.cn/status/h2 "\n'
    )
    assert [h.dismissed for h in outcome.hits] == [False, True, False]


def test_a_hit_the_account_does_not_have_is_skipped_with_a_warning(tmp_path, capsys):
    path = write(
        tmp_path,
        HIT_HEADER
        + "wechat,xnfb,pass,serious_error,旧线索,攻府@https://m.weibo.cn/status/gone\n"
        + "wechat,xnfb,fail,serious_error,,政腐\n",
    )
    outcome = apply_overrides(account(), [Reason.serious_error], [HIT, GOV], read_overrides(path))
    assert [h.dismissed for h in outcome.hits] == [False, False]  # nothing changed
    assert outcome.reasons == [Reason.serious_error] and not outcome.decided and outcome.note == ""
    assert [r.row for r in outcome.unmatched] == [2, 3]
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"提示 / warning: 文件 {path}，第 2 行，列「hit」，值「攻府@https://m.weibo.cn/status/gone」："
        "账号「咸宁发布」本次没有这条表述错误线索（帖子可能已删除或修改，或已不在监测时间窗口内），该行未生效"
    )
    # A confirmation of a hit that is gone adds no reason to an account without hits.
    assert apply_overrides(account(), [], [], read_overrides(path)).reasons == []


@pytest.mark.parametrize(
    ("line", "column", "value", "message"),
    [
        ("wechat,xnfb,pass,unregistered,,攻府", "reason", "unregistered", "原因应为严重表述错误"),
        ("wechat,xnfb,pass,,,攻府", "reason", "", "原因应为严重表述错误"),
        ("wechat,xnfb,pass,serious_error,,@h2", "hit", "@h2", "错误表述不能为空"),
        ("wechat,xnfb,pass,serious_error,,攻府@ ", "hit", "攻府@", "@ 后应为原文链接"),
    ],
)
def test_a_malformed_hit_row_names_file_row_column_and_value(tmp_path, line, column, value, message):
    path = write(tmp_path, HIT_HEADER + line + "\n")
    with pytest.raises(InputError, match=message) as caught:
        read_overrides(path)
    error = caught.value
    assert (error.file, error.row, error.column, error.value) == (str(path), 2, column, value)


def test_a_fail_row_with_a_hit_but_no_reason_is_one_error(tmp_path):
    path = write(tmp_path, HIT_HEADER + "wechat,xnfb,fail,,,攻府\n")
    with pytest.raises(InputError, match="必须填写原因") as caught:
        read_overrides(path)
    assert not isinstance(caught.value, InputErrors)


def test_assess_cites_only_the_confirmed_hit(tmp_path):
    acc = account()
    posts = [
        post(days_before(1), "区攻府召开常务会议。", id="h2", link="https://m.weibo.cn/status/h2"),
        post(days_before(2), "积极融入一带一路战略。", id="h3", link="https://m.weibo.cn/status/h3"),
    ]
    observation = seen(acc, *posts, post_count=2)

    def judge(text):
        rows = read_overrides(write(tmp_path, text)) if text else []
        result = assess([acc], {acc.key: observation}, [filing(acc)], Settings(), D, overrides=rows)
        return result.verdicts[0]

    before = judge("")
    assert before.reasons == [Reason.serious_error] and len(before.hits) == 2
    confirm, dismiss = (hit_ref(h) for h in before.hits)
    after = judge(
        HIT_HEADER + f"wechat,xnfb,fail,serious_error,,{confirm}\nwechat,xnfb,pass,serious_error,,{dismiss}\n"
    )
    assert after.verdict is VerdictCode.failed and after.reasons == [Reason.serious_error]
    assert [(h.word, h.dismissed) for h in after.hits] == [("攻府", False), ("一带一路战略", True)]
    both = judge(HIT_HEADER + "".join(f"wechat,xnfb,pass,serious_error,,{hit_ref(h)}\n" for h in before.hits))
    assert both.verdict is VerdictCode.passed and both.reasons == []


# Hypothesis: a decision follows its hit whatever the order of the hits (a re-sweep may
# find them in another order) or of the rows, and serious_error stands exactly while a
# hit stands confirmed or undecided.
WORDS = ("共合国", "攻府", "政腐", "一带一路战略", "中国共产觉")
hit_sets = st.lists(
    st.tuples(st.sampled_from(WORDS), st.integers(1, 4), st.sampled_from(("", "link", "id"))),
    min_size=1,
    max_size=6,
    unique_by=lambda t: (t[0], t[1]),
).map(
    lambda items: [
        LexiconHit(
            rule="r",
            word=word,
            sentence=f"第{n}条：{word}。",
            post_id=f"p{n}" if kind else "",
            link=f"https://m.weibo.cn/status/p{n}" if kind == "link" else "",
        )
        for word, n, kind in items
    ]
)


@settings(max_examples=80, deadline=None)
@given(hit_sets, st.data())
def test_per_hit_decisions_follow_the_hit_not_its_position(tmp_path_factory, hits, data):
    choices = data.draw(
        st.lists(st.sampled_from(("confirm", "dismiss", None)), min_size=len(hits), max_size=len(hits))
    )
    rows = [
        f"wechat,xnfb,{'fail' if c == 'confirm' else 'pass'},serious_error,,{hit_ref(h)}\n"
        for h, c in zip(hits, choices, strict=True)
        if c
    ]
    rows = data.draw(st.permutations(rows))
    shuffled = data.draw(st.permutations(hits))
    path = tmp_path_factory.mktemp("ov") / "overrides.csv"
    path.write_text(HIT_HEADER + "".join(rows), encoding="utf-8")
    overrides = read_overrides(path)
    outcome = apply_overrides(account(), [Reason.serious_error], list(shuffled), overrides)
    state = {hit_ref(h): h.dismissed for h in outcome.hits}
    assert state == {hit_ref(h): c == "dismiss" for h, c in zip(hits, choices, strict=True)}
    assert (Reason.serious_error in outcome.reasons) == (not all(state.values()))
    assert outcome.unmatched == []


account_rows = st.sampled_from(
    (
        "wechat,xnfb,pass,serious_error,,",
        "wechat,xnfb,fail,serious_error,,",
        "wechat,xnfb,pass,,,",
        "wechat,xnfb,fail,unregistered,,",
        "wechat,xnfb,pass,unregistered,,",
    )
)


@settings(max_examples=80, deadline=None)
@given(hit_sets, st.data())
def test_the_last_row_deciding_a_hit_gives_its_state(tmp_path_factory, hits, data):
    """decides_hit (what the review page shows per hit) agrees with apply_overrides."""
    per_hit = st.builds(
        lambda h, verdict: f"wechat,xnfb,{verdict},serious_error,,{hit_ref(h)}",
        st.sampled_from(hits),
        st.sampled_from(("pass", "fail")),
    )
    lines = data.draw(st.lists(st.one_of(per_hit, account_rows), max_size=8))
    path = tmp_path_factory.mktemp("ov") / "overrides.csv"
    path.write_text(HIT_HEADER + "".join(line + "\n" for line in lines), encoding="utf-8")
    rows = read_overrides(path)
    outcome = apply_overrides(account(), [Reason.serious_error], hits, rows, warn=False)
    for hit, after in zip(hits, outcome.hits, strict=True):
        deciding = [r for r in rows if decides_hit(r, hit)]
        assert after.dismissed == bool(deciding and deciding[-1].verdict is VerdictCode.passed)


def test_a_hit_is_named_by_its_sentence_when_its_link_is_sogous_passing_one() -> None:
    """Sogou issues a new link to a WeChat article on every search: a decision named by it
    would not find its hit on the next sweep."""
    sogou = LexiconHit(
        rule="国名错写",
        word="中华人民共合国",
        sentence="学习《中华人民共合国文物保护法》",
        link="https://weixin.sogou.com/link?url=dn9a_-gY295K0Rci_xozVXfdMkSQTLW6&type=2",
    )
    assert hit_ref(sogou) == "中华人民共合国@学习《中华人民共合国文物保护法》"
    next_sweep = sogou.model_copy(update={"link": "https://weixin.sogou.com/link?url=other&type=2"})
    assert hit_matches(hit_ref(sogou), next_sweep)
    article = sogou.model_copy(update={"link": "https://mp.weixin.qq.com/s/AbCdEf"})
    assert hit_ref(article) == "中华人民共合国@https://mp.weixin.qq.com/s/AbCdEf"
