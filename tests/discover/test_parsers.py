"""The three search parsers: hits, paging, empties confirmed by a second try, walls, unknown shapes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newmedia_audit.discover import douyin, sogou, weibo
from newmedia_audit.discover.hits import UnconfirmedEmpty
from newmedia_audit.errors import TransientError, UnrecognizedError, WallError
from newmedia_audit.synth import templates
from newmedia_audit.synth.discovery import (
    DOUYIN_EMPTY,
    DOUYIN_WALL,
    WEIBO_EMPTY,
    _douyin_page,
    _sogou_page,
    _weibo_page,
    make_result,
)

from .conftest import fetched

REAL = Path(__file__).parents[1] / "fixtures" / "real"

# -- Weibo --------------------------------------------------------------------------------


def weibo_body(n: int, page: int = 1, more: bool = False) -> str:
    results = [make_result("weibo", f"东川账号{i}", cert=f"东川市某局{i}官方微博") for i in range(n)]
    return _weibo_page(results, "东川公安", page, more, n)


def test_weibo_user_cards_become_hits_with_their_certification() -> None:
    page = weibo.parse(fetched(weibo_body(3, more=True)), "东川公安", 1)
    assert [h.name for h in page.hits] == ["东川账号0", "东川账号1", "东川账号2"]
    hit = page.hits[0]
    assert hit.platform == "weibo" and hit.account_id.isdigit()
    assert hit.verified is True and hit.verified_type == 1
    assert hit.certification == "东川市某局0官方微博"  # the trailing full-width space is trimmed
    assert hit.url == f"https://m.weibo.cn/u/{hit.account_id}"
    assert page.more is True and page.total == 3


def test_weibo_without_a_next_page_ends_the_paging() -> None:
    assert weibo.parse(fetched(weibo_body(10, page=2)), "东川公安", 2).more is False


def test_weibo_followers_written_as_wan_are_read() -> None:
    body = {"ok": 1, "data": {"cards": [{"card_type": 11, "card_group": [
        {"card_type": 10, "user": {"id": 123, "screen_name": "a", "followers_count": "1.2万"}}]}]}}  # fmt: skip
    assert weibo.parse(fetched(body), "q", 1).hits[0].followers == 12_000


def test_weibo_empty_answer_needs_a_second_try_before_it_means_no_result() -> None:
    with pytest.raises(UnconfirmedEmpty, match="访客 Cookie"):
        weibo.parse(fetched(WEIBO_EMPTY), "东川公安", 1)
    assert weibo.parse(fetched(WEIBO_EMPTY), "东川公安", 1, confirmed=True).empty


@pytest.mark.parametrize(
    ("response", "status"),
    [
        ({"ok": -100, "url": "https://passport.weibo.cn/signin/welcome"}, 200),
        ({"ok": 0, "msg": "请求过于频繁，请稍后再试"}, 200),
        ("", 418),
        ("", 432),
        ("<html><title>Sina Visitor System</title></html>", 200),
    ],
)
def test_weibo_walls(response: object, status: int) -> None:
    with pytest.raises(WallError):
        weibo.parse(fetched(response, status=status), "东川公安", 1)  # type: ignore[arg-type]


def test_weibo_html_where_json_was_expected_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError):
        weibo.parse(fetched("<html><body>维护中</body></html>"), "东川公安", 1)


def test_weibo_5xx_is_transient() -> None:
    with pytest.raises(TransientError):
        weibo.parse(fetched("", status=503), "东川公安", 1)


def test_weibo_role_follows_query_and_page() -> None:
    url = weibo.search_url("东川公安", 2)
    assert weibo.role_of(url, "东川公安", 2) == "search"
    assert weibo.role_of(url, "东川公安", 1) is None
    assert weibo.role_of(url, "东川交警", 2) is None
    assert weibo.role_of(weibo.search_url("东川公安", 1), "东川公安", 1) == "search"
    assert weibo.role_of(weibo.page_url("东川公安", 1), "东川公安", 1) == "page"


# -- Sogou ----------------------------------------------------------------------------------


def sogou_body(n: int, more: bool = False) -> str:
    results = [make_result("wechat", f"东川号{i}", cert=f"东川市某局{i}") for i in range(n)]
    return _sogou_page(results, "东川公安", 1, more, n)


def test_sogou_results_keep_the_wechat_id_and_the_certified_subject() -> None:
    page = sogou.parse(fetched(sogou_body(10, more=True)), "东川公安", 1)
    assert len(page.hits) == 10 and page.more is True and page.total == 10
    assert page.hits[0].certification == "东川市某局0"
    assert page.hits[0].account_id.startswith("dc")


def test_sogou_short_page_ends_the_paging_even_with_a_next_link() -> None:
    assert sogou.parse(fetched(sogou_body(4, more=True)), "东川公安", 1).more is False


def test_sogou_no_result_block_is_empty_only_when_confirmed() -> None:
    page = templates.sogou_results_page("东川公安", [])
    with pytest.raises(UnconfirmedEmpty):
        sogou.parse(fetched(page), "东川公安", 1)
    assert sogou.parse(fetched(page), "东川公安", 1, confirmed=True).empty


def test_sogou_antispider_redirect_is_a_wall() -> None:
    page = fetched(
        templates.sogou_antispider_page(),
        "https://weixin.sogou.com/antispider/?from=x",
        redirects=("https://weixin.sogou.com/weixin?type=1&query=q",),
    )
    with pytest.raises(WallError, match="antispider"):
        sogou.parse(page, "q", 1)


def test_sogou_real_antispider_capture_served_in_place_is_a_wall() -> None:
    body = (REAL / "wechat" / "chyroc-sogou-search-gzh-error.html").read_bytes()
    with pytest.raises(WallError, match="验证码"):
        sogou.parse(fetched(body, sogou.search_url("q", 1)), "q", 1)


def test_sogou_page_without_any_marker_is_unrecognized_and_a_cut_page_transient() -> None:
    with pytest.raises(UnrecognizedError):
        sogou.parse(fetched("<html><body>新版页面</body></html>"), "q", 1)
    with pytest.raises(TransientError):
        sogou.parse(fetched("<html><body><div class="), "q", 1)


# -- Douyin ---------------------------------------------------------------------------------


def douyin_body(n: int, more: bool = False) -> str:
    """``n`` users: organisations, the last one a person (custom_verify)."""
    results = [make_result("douyin", f"东川抖{i}", cert=f"东川市某局{i}官方账号") for i in range(n - 1)]
    results.append(make_result("douyin", "民警小王", cert="东川市公安局民警", custom=True))
    return _douyin_page(results, "东川公安", 1, more, n)


def test_douyin_user_list_becomes_hits_with_both_certification_fields() -> None:
    page = douyin.parse(fetched(douyin_body(11, more=True)), "东川公安", 1)
    first, person = page.hits[0], page.hits[-1]
    assert first.account_id.startswith("MS4wLjABAAAA") and first.cert_source == "enterprise_verify_reason"
    assert len(first.other_ids) == 2  # 抖音号 and uid, for ledgers that wrote one of them
    assert person.cert_source == "custom_verify" and person.certification == "东川市公安局民警"
    assert page.more is True


def test_douyin_has_more_on_a_short_page_ends_the_paging() -> None:
    assert douyin.parse(fetched(douyin_body(3, more=True)), "东川公安", 1).more is False


@pytest.mark.parametrize("kind", ["verify_check", "antispam_check"])
def test_douyin_search_nil_walls(kind: str) -> None:
    body = json.loads(DOUYIN_WALL)
    body["search_nil_info"]["search_nil_type"] = kind
    with pytest.raises(WallError, match=kind):
        douyin.parse(fetched(body), "东川公安", 1)


@pytest.mark.parametrize(
    "body",
    ["", "<html><title>验证码中间页</title></html>", {"status_code": 2483, "status_msg": "请求太频繁"}],
)
def test_douyin_other_walls(body: object) -> None:
    with pytest.raises(WallError):
        douyin.parse(fetched(body), "东川公安", 1)  # type: ignore[arg-type]


def test_douyin_empty_list_is_empty_only_when_confirmed() -> None:
    with pytest.raises(UnconfirmedEmpty):
        douyin.parse(fetched(DOUYIN_EMPTY), "东川公安", 1)
    assert douyin.parse(fetched(DOUYIN_EMPTY), "东川公安", 1, confirmed=True).empty


def test_douyin_json_without_user_list_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError):
        douyin.parse(fetched({"status_code": 0, "data": []}), "东川公安", 1)


def test_douyin_roles_follow_keyword_and_offset() -> None:
    signed = douyin.search_url("东川公安", 2) + "&a_bogus=xyz&msToken=1"
    assert douyin.role_of(signed, "东川公安", 2) == "search"
    assert douyin.role_of(signed, "东川公安", 1) is None
    assert douyin.role_of(douyin.page_url("东川公安", 1), "东川公安", 1) == "page"
