"""Weibo parser on hand-built m.weibo.cn responses (no browser)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.weibo import WeiboCollector
from newmedia_audit.errors import TransientError, WallError
from newmedia_audit.models import Status
from newmedia_audit.timeparse import SHANGHAI

UID = "1234567890"
RECEIVED = datetime(2022, 6, 20, 10, 0, 0, tzinfo=SHANGHAI)
weibo = WeiboCollector()
URLS = weibo.api_urls(UID)


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
    feed = posts(
        {"card_type": 11, "card_group": [card("1", "2022-06-02")]},
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


def test_no_content_with_a_profile_without_count_is_confirmed_empty() -> None:
    body = profile()
    del body["data"]["userInfo"]["statuses_count"]
    assert parse(body, {"ok": 0, "msg": "这里还没有内容"}).confirmed_empty


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
