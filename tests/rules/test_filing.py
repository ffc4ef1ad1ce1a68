from newmedia_audit.models import Filing, Status
from newmedia_audit.rules.filing import FilingIndex
from newmedia_audit.rules.registry_compare import compare_registry

from .factories import account, filing, seen


def test_match_by_platform_and_id_first():
    acc = account("咸宁发布", "xnfb")
    other = Filing(name="咸宁发布", platform="wechat", account_id="another")
    mine = filing(acc, name="咸宁市发布")
    match = FilingIndex([other, mine]).match(acc, "咸宁发布")
    assert match.filing == mine
    assert match.name_mismatch


def test_same_id_on_another_platform_is_not_a_filing():
    acc = account(platform="weibo", account_id="123")
    match = FilingIndex([Filing(name=acc.name, platform="wechat", account_id="123")]).match(acc)
    assert match.filing is None


def test_name_match_only_where_the_filing_has_no_id():
    acc = account("咸宁发布", "xnfb")
    by_name = Filing(name="咸宁發佈", platform="wechat")
    with_other_id = Filing(name="咸宁发布", platform="wechat", account_id="zzz")
    assert FilingIndex([by_name]).match(acc).filing == by_name
    assert FilingIndex([with_other_id]).match(acc).filing is None


def test_account_without_id_matches_by_name():
    acc = account("咸宁发布", "", platform="other:快手")
    filed = Filing(name="咸宁 发布", platform="other:快手", account_id="ks123")
    assert FilingIndex([filed]).match(acc).filing == filed


def test_cancelled_filing_is_unfiled():
    acc = account()
    match = FilingIndex([filing(acc, status="已注销")]).match(acc)
    assert match.filing is None
    assert match.cancelled is not None


def test_valid_filing_beats_a_cancelled_one():
    acc = account()
    valid = filing(acc, filing_no="2")
    match = FilingIndex([filing(acc, filing_no="1", status="已注销"), valid]).match(acc)
    assert match.filing == valid


def test_full_width_traditional_and_whitespace_variants_are_not_mismatches():
    acc = account("咸宁发布ＡＢ", "xnfb")
    for filed in ("咸寧發佈AB", "咸宁 发布 AB", "咸宁发布\u200bAB"):
        assert not FilingIndex([filing(acc, name=filed)]).match(acc, acc.name).name_mismatch


def test_a_different_name_is_a_mismatch():
    acc = account("咸宁住建", "xnzj")
    match = FilingIndex([filing(acc, name="咸宁城建")]).match(acc, "咸宁住建")
    assert match.name_mismatch


def test_live_name_is_compared_before_the_ledger_name():
    acc = account("咸宁城建", "xnzj")
    assert FilingIndex([filing(acc)]).match(acc, "咸宁住建").name_mismatch
    assert not FilingIndex([filing(acc)]).match(acc, "").name_mismatch


def _compare(pairs, filings):
    accounts = [a for a, _ in pairs]
    observations = {a.key: o for a, o in pairs if o is not None}
    index = FilingIndex(filings)
    matches = {
        a.key: index.match(a, observations[a.key].live_name if a.key in observations else "")
        for a in accounts
    }
    return compare_registry(accounts, observations, matches, index.filings)


def test_registry_comparison_lists_each_kind_with_chinese_details():
    unfiled = account("咸宁交警", "xnjj")
    mismatch = account("咸宁住建", "xnzj")
    gone = account("咸宁老账号", "old")
    fine = account("咸宁发布", "xnfb")
    not_in_ledger = Filing(name="咸宁漏检号", platform="weibo", account_id="999", filing_no="B9")
    cancelled_elsewhere = Filing(name="已注销号", platform="weibo", account_id="888", status="已注销")
    issues = _compare(
        [
            (unfiled, seen(unfiled)),
            (mismatch, seen(mismatch)),
            (gone, seen(gone, status=Status.not_found, live_name="")),
            (fine, seen(fine)),
        ],
        [filing(mismatch, name="咸宁城建"), filing(gone), filing(fine), not_in_ledger, cancelled_elsewhere],
    )
    kinds = [(i.kind, i.account_id) for i in issues]
    assert kinds == [
        ("unfiled", "xnjj"),
        ("name_mismatch", "xnzj"),
        ("gone", "old"),
        ("not_in_ledger", "999"),
    ]
    assert "湖北省备案库" in issues[0].detail
    assert "咸宁城建" in issues[1].detail and "咸宁住建" in issues[1].detail
    assert "注销备案" in issues[2].detail
    assert "台账未列入" in issues[3].detail


def test_gone_account_is_not_listed_as_unfiled():
    acc = account()
    assert _compare([(acc, seen(acc, status=Status.banned))], []) == []


def test_assess_lists_the_same_registry_issues_as_compare_registry_also_with_a_key_twice():
    # assess builds each line in its account loop; a key twice in the ledger (same
    # platform and id, another name) goes back to compare_registry, which reads the
    # last account of each key.
    from newmedia_audit.rules.assess import assess
    from newmedia_audit.settings import Settings

    from .factories import D

    renamed = account("咸宁住建", "xnzj")
    twin = account("咸宁城建", "xnzj", unit="咸宁市住建局")
    gone = account("咸宁老账号", "old")
    unfiled = account("咸宁交警", "xnjj")
    filings = [filing(renamed), filing(gone), Filing(name="漏检号", platform="weibo", account_id="9")]
    # Not visited: the ledger names are compared, and the twin's differs from the filing.
    observations = {unfiled.key: seen(unfiled), gone.key: seen(gone, status=Status.banned, live_name="")}
    kinds = []
    for ledger in ([renamed, gone, unfiled], [renamed, gone, twin, unfiled]):
        result = assess(ledger, observations, filings, Settings(), D)
        index = FilingIndex(filings)
        matches = {a.key: index.match(a, a.name) for a in ledger}
        assert result.registry_issues == compare_registry(ledger, observations, matches, index.filings)
        kinds.append([(i.kind, i.live_name) for i in result.registry_issues])
    assert kinds == [
        [("gone", "咸宁老账号"), ("unfiled", "咸宁交警"), ("not_in_ledger", "")],
        # The last account of the key decides for both rows.
        [
            ("name_mismatch", "咸宁住建"),
            ("gone", "咸宁老账号"),
            ("name_mismatch", "咸宁城建"),
            ("unfiled", "咸宁交警"),
            ("not_in_ledger", ""),
        ],
    ]
