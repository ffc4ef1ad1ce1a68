"""Classification: ledger skips, registry kinds, exclusions, a why for every result."""

from __future__ import annotations

from newmedia_audit.discover.classify import (
    IN_LEDGER,
    NO_REGION,
    OTHER_REGION,
    CandidateKind,
    Findings,
    LedgerIndex,
    RegistryLookup,
    classify,
)
from newmedia_audit.discover.hits import SearchHit
from newmedia_audit.discover.lists import OrganLists
from newmedia_audit.discover.regions import Region
from newmedia_audit.models import Account, Filing


def gov(platform: str, account_id: str, name: str, body: str = "东川市公安局", query: str = "东川公安",
        **extra: object) -> SearchHit:  # fmt: skip
    if platform == "weibo":
        return SearchHit(platform, account_id, name, certification=f"{body}官方微博", cert_source="verified_reason",
                         verified=True, verified_type=1, query=query, **extra)  # type: ignore[arg-type]  # fmt: skip
    field = "enterprise_verify_reason" if platform == "douyin" else "wechat"
    return SearchHit(platform, account_id, name, certification=body, cert_source=field, query=query, **extra)  # type: ignore[arg-type]


def ledger_account(platform: str, account_id: str, name: str, row: int = 5) -> Account:
    return Account(district="市直", unit="东川市公安局", name=name, platform=platform, account_id=account_id,
                   source_row=row)  # fmt: skip


def run(hits: list[SearchHit], regions: list[Region], lists: OrganLists, ledger: list[Account] = (),  # type: ignore[assignment]
        filings: list[Filing] = ()) -> Findings:  # type: ignore[assignment]  # fmt: skip
    return classify(hits, regions, lists, LedgerIndex(ledger), RegistryLookup(filings))


def test_an_unfiled_government_account_of_the_region_is_a_candidate(
    regions: list[Region], lists: OrganLists
) -> None:
    found = run([gov("weibo", "111", "平安东川")], regions, lists)
    [candidate] = found.candidates
    assert candidate.kind is CandidateKind.unfiled
    assert candidate.region.district == "市直" and candidate.unit == "东川市公安局"
    assert "台账和备案库中都没有" in candidate.why


def test_a_district_body_is_filed_under_its_district(regions: list[Region], lists: OrganLists) -> None:
    hit = gov("wechat", "dcabc", "东湖公安", body="东川市公安局东湖分局")
    assert run([hit], regions, lists).candidates[0].region.district == "东湖区"


def test_ledger_accounts_are_skipped_by_id_by_douyin_short_id_and_by_name(
    regions: list[Region], lists: OrganLists
) -> None:
    by_id = gov("weibo", "111", "东川公安")
    by_short = gov("douyin", "MS4wLjABAAAAsec", "东川交警", other_ids=("dcjj01", "9988"))
    by_name = gov("wechat", "dcgongan", "东川公安发布")
    ledger = [
        ledger_account("weibo", "111", "东川公安微博"),
        ledger_account("douyin", "dcjj01", "东川交警"),
        ledger_account("wechat", "gh_0123456789ab", "东川公安发布", row=9),
    ]
    found = run([by_id, by_short, by_name], regions, lists, ledger)
    assert not found.candidates
    assert [e.code for e in found.exclusions] == [IN_LEDGER] * 3
    named = found.exclusions[2]
    assert named.borderline and "第 9 行" in named.why and "gh_0123456789ab" in named.why


def test_wechat_ids_match_the_ledger_whatever_their_case(regions: list[Region], lists: OrganLists) -> None:
    found = run([gov("wechat", "DCGongAn", "x")], regions, lists, [ledger_account("wechat", "dcgongan", "y")])
    assert found.exclusions[0].code == IN_LEDGER


def test_registry_kinds(regions: list[Region], lists: OrganLists) -> None:
    by_id = gov("weibo", "111", "东川公安")
    by_name = gov("weibo", "222", "东川交警", body="东川市公安局交通警察支队")
    other_id = gov("wechat", "dcfb", "东川发布", body="东川市人民政府新闻办公室")
    cancelled = gov("douyin", "MS4wLjABAAAAc", "东川法院", body="东川市人民法院")
    filings = [
        Filing(filing_no="F1", name="东川公安", platform="weibo", account_id="111", unit="u", source_row=2),
        Filing(filing_no="F2", name="东川交警", platform="weibo", unit="u", source_row=3),  # no id: by name
        Filing(filing_no="F3", name="东川发布", platform="wechat", account_id="gh_aaaaaaaaaaaa", unit="u"),
        Filing(
            filing_no="F4",
            name="东川法院",
            platform="douyin",
            account_id="MS4wLjABAAAAc",
            unit="u",
            status="已注销",
        ),  # fmt: skip
    ]
    found = run([by_id, by_name, other_id, cancelled], regions, lists, [], filings)
    kinds = {c.hit.account_id: (c.kind, c.why) for c in found.candidates}
    assert kinds["111"][0] is CandidateKind.filed_not_in_ledger and "按账号ID" in kinds["111"][1]
    assert kinds["222"][0] is CandidateKind.filed_not_in_ledger and "按名称" in kinds["222"][1]
    assert kinds["dcfb"][0] is CandidateKind.filed_not_in_ledger and "请核实" in kinds["dcfb"][1]
    assert kinds["MS4wLjABAAAAc"][0] is CandidateKind.unfiled and "已注销" in kinds["MS4wLjABAAAAc"][1]


def test_non_candidates_say_why(regions: list[Region], lists: OrganLists) -> None:
    hits = [
        SearchHit(
            "weibo", "1", "东川公安小王", certification="东川市公安局民警", verified=True, verified_type=0
        ),
        SearchHit(
            "wechat", "dc2", "东川公安服务", certification="东川公安科技有限公司", cert_source="wechat"
        ),
        SearchHit("weibo", "3", "东川日报", certification="东川日报社", verified=True, verified_type=3),
        SearchHit("weibo", "4", "东川公安资讯", verified=False),  # a look-alike name, no certification
        gov("weibo", "5", "武汉公安", body="武汉市公安局"),
        gov("wechat", "dc6", "西山区公安", body="西山区公安分局"),
        gov("douyin", "MS4wLjABAAAA7", "平安吧", body="公安局"),
        SearchHit(
            "douyin",
            "MS4wLjABAAAA8",
            "东川民警",
            certification="东川市公安局民警",
            cert_source="custom_verify",
        ),
    ]
    found = run(hits, regions, lists)
    assert not found.candidates
    codes = [e.code for e in found.exclusions]
    assert codes == ["personal", "company", "media", "no_certification", OTHER_REGION, OTHER_REGION, NO_REGION,
                     "personal"]  # fmt: skip
    assert all(e.why for e in found.exclusions)
    assert all(e.borderline for e in found.exclusions)  # each looked like the region's government account


def test_an_unrelated_uncertified_result_is_not_borderline(regions: list[Region], lists: OrganLists) -> None:
    found = run([SearchHit("weibo", "9", "东川吃货", verified=False)], regions, lists)
    assert not found.exclusions[0].borderline


def test_an_account_listed_by_several_queries_is_one_candidate_with_every_query(
    regions: list[Region], lists: OrganLists
) -> None:
    hits = [
        gov("weibo", "111", "东川公安", query="东川公安"),
        gov("weibo", "111", "东川公安", query="东川交警"),
    ]
    [candidate] = run(hits, regions, lists).candidates
    assert candidate.hit.query == "东川公安" and candidate.queries == ("东川公安", "东川交警")


def test_a_hostile_name_stays_text_in_discovered_csv(regions: list[Region], lists: OrganLists) -> None:
    from newmedia_audit.discover.outputs import render_csv

    found = run([gov("weibo", "111", '=HYPERLINK("http://x","东川公安")')], regions, lists)
    text = render_csv(found).decode("utf-8-sig")
    assert ",'=HYPERLINK(" in text.replace('"', "")
