"""Weibo parser on hand-built m.weibo.cn responses (no browser), and on the real
captures in tests/fixtures/real/weibo/."""

from __future__ import annotations

import ast
import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.weibo import WeiboCollector
from newmedia_audit.errors import CollectError, TransientError, UnrecognizedError, WallError
from newmedia_audit.models import Status
from newmedia_audit.timeparse import SHANGHAI

UID = "1234567890"
RECEIVED = datetime(2022, 6, 20, 10, 0, 0, tzinfo=SHANGHAI)
weibo = WeiboCollector()
URLS = weibo.api_urls(UID)
REAL = Path(__file__).resolve().parents[1] / "fixtures" / "real" / "weibo"


def fetched(role: str, body: Any, status: int = 200, content_type: str = "application/json") -> Fetched:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return Fetched(URLS[role], status, {"content-type": content_type}, raw, RECEIVED)


def profile(**user: Any) -> dict[str, Any]:
    info = {
        "id": int(UID),
        "screen_name": "咸宁发布",
        "verified": True,
        "verified_type": 1,
        "verified_reason": "咸宁市人民政府新闻办公室官方微博",
        "statuses_count": 3,
    }
    info.update(user)
    return {"ok": 1, "data": {"userInfo": info}}


def card(mblog_id: str, created_at: str, **extra: Any) -> dict[str, Any]:
    return {"card_type": 9, "mblog": {"id": mblog_id, "created_at": created_at, "text": "正文", **extra}}


def posts(*cards: dict[str, Any]) -> dict[str, Any]:
    return {"ok": 1, "data": {"cards": list(cards)}}


def parse(profile_body: Any, posts_body: Any = None, **kw: Any) -> Any:
    responses = {"profile": fetched("profile", profile_body)}
    if posts_body is not None:
        responses["posts"] = fetched("posts", posts_body)
    return weibo.parse(UID, responses, **kw)


def test_urls_are_exactly_the_platform_endpoints() -> None:
    assert weibo.page_url(UID) == f"https://m.weibo.cn/u/{UID}"
    assert URLS == {
        "profile": f"https://m.weibo.cn/api/container/getIndex?type=uid&value={UID}&containerid=100505{UID}",
        "posts": f"https://m.weibo.cn/api/container/getIndex?type=uid&value={UID}&containerid=107603{UID}",
    }
    assert weibo.required_roles() == ("profile", "posts")


def test_role_of_tells_profile_posts_and_page_by_containerid() -> None:
    assert weibo.role_of(URLS["profile"] + "&_=1") == "profile"
    assert weibo.role_of(URLS["posts"] + "&since_id=0") == "posts"
    assert weibo.role_of(f"https://m.weibo.cn/u/{UID}?uid={UID}") == "page"
    assert weibo.role_of(f"https://m.weibo.cn/api/container/getIndex?containerid=230283{UID}") is None
    assert weibo.role_of("https://weibo.com/u/1") is None


def test_pinned_old_post_first_does_not_hide_newer_posts() -> None:
    obs = parse(
        profile(),
        posts(
            card("1", "Tue Feb 23 12:28:47 +0800 2021", isTop=1, mblogtype=2, title={"text": "置顶"}),
            card("2", "Wed Jun 15 09:00:00 +0800 2022"),
            card("3", "Mon Jun 13 09:00:00 +0800 2022"),
        ),
    )
    assert obs.status is Status.ok
    assert [p.pinned for p in obs.posts] == [True, False, False]
    assert obs.posts[0].published_at.isoformat() == "2021-02-23T12:28:47+08:00"
    assert obs.latest_post_at.isoformat() == "2022-06-15T09:00:00+08:00"


@pytest.mark.parametrize(
    "marker",
    [{"isTop": 1}, {"mblogtype": 2}, {"title": {"text": "置顶"}}],
    ids=["isTop", "mblogtype", "title"],
)
def test_each_pinned_marker_marks_the_post_pinned(marker: dict[str, Any]) -> None:
    obs = parse(profile(), posts(card("1", "2021-01-01", **marker)))
    assert obs.posts[0].pinned


def test_a_pinned_post_newer_than_the_rest_still_counts_as_latest() -> None:
    obs = parse(profile(), posts(card("1", "06-18", isTop=1), card("2", "2022-05-01")))
    assert obs.latest_post_at.isoformat() == "2022-06-18T00:00:00+08:00"


def test_repost_counts_at_its_own_time_not_the_originals() -> None:
    original = {"id": "9", "created_at": "Sat Jan 01 08:00:00 +0800 2000", "text": "原文"}
    obs = parse(
        profile(),
        posts(card("5", "Sun Jun 19 20:00:00 +0800 2022", retweeted_status=original, text="转发微博")),
    )
    assert obs.posts[0].repost
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"


def test_relative_times_resolve_against_received_at_to_the_second() -> None:
    obs = parse(
        profile(),
        posts(
            card("1", "3小时前"),
            card("2", "刚刚"),
            card("3", "昨天 10:20"),
            card("4", "06-10"),
            card("5", "5分钟前"),
        ),
    )
    assert [p.published_at.isoformat() for p in obs.posts] == [
        "2022-06-20T07:00:00+08:00",
        "2022-06-20T10:00:00+08:00",
        "2022-06-19T10:20:00+08:00",
        "2022-06-10T00:00:00+08:00",
        "2022-06-20T09:55:00+08:00",
    ]
    assert obs.latest_post_at == RECEIVED


def test_text_is_stripped_of_html_and_link_points_at_the_post() -> None:
    html = '<a href="/n/x">@某人</a> 通知<br />第二行 <span class="url-icon"><img alt="[赞]" src="x.png"></span>&amp;'
    obs = parse(profile(), posts(card("4788", "2022-06-01", text=html)))
    assert obs.posts[0].text == "@某人 通知\n第二行 [赞]&"
    assert obs.posts[0].link == "https://m.weibo.cn/detail/4788"


def test_cards_nested_in_card_group_and_other_card_types() -> None:
    """A group's item counts when it names the account; one naming nobody does not."""
    feed = posts(
        {
            "card_type": 11,
            "card_group": [card("1", "2022-06-02", user={"id": int(UID)}), card("3", "2022-06-03")],
        },
        {"card_type": 58, "desc": "提示"},
        card("2", "2022-06-01"),
    )
    obs = parse(profile(), feed)
    assert [p.id for p in obs.posts] == ["1", "2"]


def test_names_subject_and_count_come_from_the_profile() -> None:
    obs = parse(profile(statuses_count="1.2万"), posts(card("1", "2022-06-01")))
    assert obs.live_name == "咸宁发布"
    assert obs.subject == "咸宁市人民政府新闻办公室官方微博"
    assert obs.post_count == 12000
    assert obs.fetched_at == RECEIVED


@pytest.mark.parametrize("msg", ["用户不存在", "该账号已注销", "抱歉，用户不存在哦"])
def test_gone_profile_is_not_found(msg: str) -> None:
    obs = parse({"ok": 0, "msg": msg})
    assert obs.status is Status.not_found
    assert obs.detail == msg


@pytest.mark.parametrize("msg", ["该账号因被投诉违反法律法规已被封", "账号封禁中"])
def test_banned_profile_is_banned(msg: str) -> None:
    assert parse({"ok": 0, "msg": msg}).status is Status.banned


def test_no_content_with_a_profile_showing_zero_is_confirmed_empty() -> None:
    obs = parse(profile(statuses_count=0), {"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
    assert obs.status is Status.ok
    assert obs.confirmed_empty
    assert obs.posts == [] and obs.latest_post_at is None


def test_no_content_with_a_profile_without_count_is_not_no_posts() -> None:
    body = profile()
    del body["data"]["userInfo"]["statuses_count"]
    with pytest.raises(TransientError, match="未显示微博数"):
        parse(body, {"ok": 0, "msg": "这里还没有内容"})


def test_no_content_while_the_profile_counts_posts_is_transient() -> None:
    with pytest.raises(TransientError):
        parse(profile(statuses_count=25), {"ok": 0, "msg": "这里还没有内容"})
    with pytest.raises(TransientError):
        parse(profile(statuses_count=25), {"ok": 0, "msg": "这里还没有内容"}, final=True)


def test_posts_are_not_confirmed_empty_when_posts_exist() -> None:
    assert not parse(profile(), posts(card("1", "2022-06-01"))).confirmed_empty


@pytest.mark.parametrize("role", ["profile", "posts"])
def test_login_wall_ok_minus_100_is_a_wall(role: str) -> None:
    wall = {"ok": -100, "url": "https://passport.weibo.cn/signin/welcome"}
    with pytest.raises(WallError):
        if role == "profile":
            parse(wall, posts(card("1", "2022-06-01")))
        else:
            parse(profile(), wall)


@pytest.mark.parametrize("status", [418, 432, 403, 429])
def test_refusing_http_status_is_a_wall(status: int) -> None:
    responses = {"profile": fetched("profile", b"", status=status), "posts": fetched("posts", posts())}
    with pytest.raises(WallError):
        weibo.parse(UID, responses)


def test_sina_visitor_system_page_is_a_wall() -> None:
    page = b"<html><head><title>Sina Visitor System</title></head><body>...</body></html>"
    responses = {
        "profile": fetched("profile", page, content_type="text/html"),
        "posts": fetched("posts", posts()),
    }
    with pytest.raises(WallError):
        weibo.parse(UID, responses)


def test_server_error_and_truncated_json_are_transient() -> None:
    with pytest.raises(TransientError):
        weibo.parse(UID, {"profile": fetched("profile", b"", status=502), "posts": fetched("posts", posts())})
    with pytest.raises(TransientError):
        weibo.parse(UID, {"profile": fetched("profile", b'{"ok":1,"data":{"userIn')})


def test_missing_posts_response_is_transient() -> None:
    with pytest.raises(TransientError):
        parse(profile())


def test_unreadable_post_time_fails_the_visit_instead_of_dropping_the_post() -> None:
    with pytest.raises(TransientError):
        parse(profile(), posts(card("1", "很久以前")))


# --- ok:0 on the profile ---------------------------------------------------------------


def test_no_content_on_the_profile_is_a_wall_for_the_visitor_cookies() -> None:
    """What m.weibo.cn answers without visitor cookies, on the profile too (platforms.md, real)."""
    with pytest.raises(WallError, match="微博未返回账号资料（这里还没有内容，疑似缺少访客 Cookie）"):
        parse({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}}, posts(card("1", "2022-06-01")))


@pytest.mark.parametrize(
    "msg",
    ["访问过于频繁，IP已被封禁", "请求过于频繁，账号被封，请稍后再试", "请先登录，用户不存在时无法查看"],
)
def test_a_message_about_our_visit_is_a_wall_never_banned_or_gone(msg: str) -> None:
    with pytest.raises(WallError):
        parse({"ok": 0, "msg": msg})


@pytest.mark.parametrize("msg", ["", "系统繁忙", "封禁", "该内容暂时无法查看"])
def test_a_message_without_positive_evidence_is_never_not_found_or_banned(msg: str) -> None:
    with pytest.raises(TransientError) as caught:
        parse({"ok": 0, "msg": msg})
    assert not isinstance(caught.value, WallError)


def test_a_profile_without_userinfo_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError, match="微博账号资料无法识别（缺少 userInfo）"):
        parse({"ok": 1, "data": {"cards": []}}, posts(card("1", "2022-06-01")))
    with pytest.raises(UnrecognizedError):
        parse({"data": {"userInfo": {"id": int(UID)}}}, posts(card("1", "2022-06-01")))


def test_a_profile_of_another_uid_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError, match="不是该账号的"):
        parse(profile(id=987654321), posts(card("1", "2022-06-01")))


def test_a_post_list_without_cards_is_unrecognized() -> None:
    with pytest.raises(UnrecognizedError, match="微博列表无法识别"):
        parse(profile(), {"ok": 1, "data": {"cardlistInfo": {}}})


# --- rule 1: whose post is it ----------------------------------------------------------


def test_a_fresh_post_of_another_account_mixed_in_does_not_make_the_account_fresh() -> None:
    feed = posts(
        {"card_type": 11, "card_group": [card("9", "刚刚", user={"id": 42, "screen_name": "别人"})]},
        card("8", "5分钟前", user={"id": 42}),
        card("1", "2021-01-01", user={"id": int(UID)}),
    )
    obs = parse(profile(), feed)
    assert [p.id for p in obs.posts] == ["1"]
    assert obs.latest_post_at.isoformat() == "2021-01-01T00:00:00+08:00"


def test_a_list_of_other_accounts_posts_only_proves_nothing() -> None:
    feed = posts(card("9", "刚刚", user={"id": 42}))
    with pytest.raises(UnrecognizedError, match="微博列表只有其他账号的内容"):
        parse(profile(statuses_count=0), feed)


# --- real captures ---------------------------------------------------------------------

REAL_UID = "1669879400"
REAL_RECEIVED = datetime(2019, 6, 18, 12, 0, 0, tzinfo=SHANGHAI)  # the capture's commit day
REAL_PROFILE_URL = f"https://m.weibo.cn/api/container/getIndex?type=uid&value={REAL_UID}"
REAL_POSTS_URL = f"{REAL_PROFILE_URL}&containerid=107603{REAL_UID}"


def real(name: str) -> bytes:
    return (REAL / name).read_bytes()


def real_parse(uid: str, profile_body: bytes, posts_body: bytes) -> Any:
    responses = {
        "profile": Fetched(REAL_PROFILE_URL.replace(REAL_UID, uid), 200, {}, profile_body, REAL_RECEIVED),
        "posts": Fetched(REAL_POSTS_URL.replace(REAL_UID, uid), 200, {}, posts_body, REAL_RECEIVED),
    }
    return weibo.parse(uid, responses)


def test_the_real_profile_call_without_containerid_is_the_profile() -> None:
    assert weibo.role_of(REAL_PROFILE_URL) == "profile"
    assert weibo.role_of(REAL_POSTS_URL) == "posts"
    assert weibo.role_of("https://m.weibo.cn/api/container/getIndex?type=all&value=x") is None


def test_the_real_profile_and_posts_page_are_read() -> None:
    obs = real_parse(REAL_UID, real("gottaegbert-userInfo.json"), real("gottaegbert-cards1.json"))
    assert obs.status is Status.ok
    assert obs.live_name == "Dear-迪丽热巴"
    assert obs.subject == "嘉行传媒签约演员"  # the capture ends it with a full-width space
    assert obs.post_count == 1008
    assert len(obs.posts) == 10 and not any(p.pinned for p in obs.posts)  # mblogtype 1 is not pinned
    assert sum(p.repost for p in obs.posts) == 1
    assert obs.latest_post_at.isoformat() == "2019-06-14T00:00:00+08:00"  # "06-14" of the receive year


def test_a_real_page_with_a_fresh_post_of_another_account_mixed_in_is_not_fresh() -> None:
    cards = json.loads(real("gottaegbert-cards1.json"))
    fresh = card("9", "刚刚", user={"id": 42, "screen_name": "别人"})
    cards["data"]["cards"].insert(0, fresh)
    obs = real_parse(
        REAL_UID, real("gottaegbert-userInfo.json"), json.dumps(cards, ensure_ascii=False).encode()
    )
    assert "9" not in [p.id for p in obs.posts]
    assert obs.latest_post_at.isoformat() == "2019-06-14T00:00:00+08:00"


def test_the_real_posts_page_of_another_account_proves_nothing() -> None:
    profile_body = json.dumps(profile(), ensure_ascii=False).encode()
    with pytest.raises(UnrecognizedError, match="只有其他账号的内容"):
        real_parse(UID, profile_body, real("gottaegbert-cards1.json"))


def test_the_real_posts_page_without_its_profile_is_not_read() -> None:
    with pytest.raises(WallError, match="疑似缺少访客 Cookie"):
        real_parse(REAL_UID, real("issue-weiboPicDownloader-24-empty.json"), real("gottaegbert-cards1.json"))


def _issue_125_json() -> bytes:
    """The issue-125 body is a Python dict repr: read with ast.literal_eval, re-serialized as JSON."""
    value = ast.literal_eval(real("issue-weibo-crawler-125-no-content.pyrepr.txt").decode("utf-8"))
    return json.dumps(value, ensure_ascii=False).encode()


@pytest.mark.parametrize(
    "body", [_issue_125_json(), real("issue-weiboPicDownloader-24-empty.json")], ids=["issue-125", "issue-24"]
)
def test_the_real_no_content_answer_on_the_profile_is_a_wall(body: bytes) -> None:
    with pytest.raises(WallError, match="疑似缺少访客 Cookie"):
        real_parse(REAL_UID, body, real("gottaegbert-cards1.json"))


@pytest.mark.parametrize(
    "body", [_issue_125_json(), real("issue-weiboPicDownloader-24-empty.json")], ids=["issue-125", "issue-24"]
)
def test_the_real_no_content_answer_on_the_posts_call_is_no_posts_only_next_to_a_zero_count(
    body: bytes,
) -> None:
    userinfo = json.loads(real("gottaegbert-userInfo.json"))
    with pytest.raises(TransientError):
        real_parse(REAL_UID, real("gottaegbert-userInfo.json"), body)  # 1008 posts counted
    userinfo["data"]["userInfo"]["statuses_count"] = 0
    zero = json.dumps(userinfo, ensure_ascii=False).encode()
    obs = real_parse(REAL_UID, zero, body)
    assert obs.status is Status.ok and obs.confirmed_empty and obs.latest_post_at is None


@pytest.mark.parametrize("name", sorted(p.name for p in REAL.iterdir() if p.suffix != ".md"))
@pytest.mark.parametrize("role", ["profile", "posts"])
def test_every_real_body_unchanged_in_either_role_is_read_or_refused_with_a_reason(
    name: str, role: str
) -> None:
    """Each capture's raw bytes, as they are, in each role: an observation or a CollectError
    with a Chinese reason, never a crash (the pyrepr file is not JSON: unrecognized)."""
    bodies = {"profile": real("gottaegbert-userInfo.json"), "posts": real("gottaegbert-cards1.json")}
    bodies[role] = real(name)
    try:
        obs = real_parse(REAL_UID, bodies["profile"], bodies["posts"])
    except CollectError as exc:
        assert re.search(r"[\u4e00-\u9fff]", str(exc)), exc
    else:
        assert obs.status is Status.ok
