"""Douyin parser on hand-built web API responses (no browser)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.collect.douyin import DouyinCollector
from newmedia_audit.errors import TransientError, WallError
from newmedia_audit.models import Status
from newmedia_audit.timeparse import SHANGHAI

SEC = "MS4wLjABAAAAx9-Ab_cDeF"
RECEIVED = datetime(2022, 6, 20, 10, 0, 0, tzinfo=SHANGHAI)
douyin = DouyinCollector()
URLS = douyin.api_urls(SEC)
JUNE_19 = 1655640000  # 2022-06-19T20:00:00+08:00
JUNE_10 = 1654819200  # 2022-06-10T08:00:00+08:00
OLD = 1600000000  # 2020-09-13T20:26:40+08:00


def fetched(role: str, body: Any, status: int = 200) -> Fetched:
    raw = body if isinstance(body, bytes) else json.dumps(body, ensure_ascii=False).encode()
    return Fetched(URLS[role], status, {"content-type": "application/json"}, raw, RECEIVED)


def profile(**user: Any) -> dict[str, Any]:
    info: dict[str, Any] = {
        "nickname": "咸宁发布",
        "unique_id": "xnfb",
        "aweme_count": 3,
        "enterprise_verify_reason": "",
        "custom_verify": "咸宁市人民政府新闻办公室官方账号",
        "special_state_info": {"special_state": 0},
        "user_deleted": False,
    }
    info.update(user)
    return {"status_code": 0, "user": info}


def video(aweme_id: str, create_time: int, **extra: Any) -> dict[str, Any]:
    return {"aweme_id": aweme_id, "desc": f"视频{aweme_id}", "create_time": create_time, **extra}


def feed(*items: dict[str, Any]) -> dict[str, Any]:
    return {"status_code": 0, "aweme_list": list(items), "has_more": 0, "max_cursor": 0}


def parse(profile_body: Any, posts_body: Any = None) -> Any:
    responses = {"profile": fetched("profile", profile_body)}
    if posts_body is not None:
        responses["posts"] = fetched("posts", posts_body)
    return douyin.parse(SEC, responses)


def test_urls_are_exactly_the_platform_endpoints() -> None:
    assert douyin.page_url(SEC) == f"https://www.douyin.com/user/{SEC}"
    assert URLS == {
        "profile": f"https://www.douyin.com/aweme/v1/web/user/profile/other/?sec_user_id={SEC}",
        "posts": f"https://www.douyin.com/aweme/v1/web/aweme/post/?sec_user_id={SEC}&max_cursor=0&count=18",
    }
    assert douyin.required_roles() == ("profile", "posts")


def test_role_of_captures_the_signed_calls_the_page_makes() -> None:
    signed = "&device_platform=webapp&aid=6383&msToken=abc&a_bogus=xyz"
    assert douyin.role_of(URLS["profile"] + signed) == "profile"
    assert douyin.role_of(URLS["posts"] + signed) == "posts"
    assert (
        douyin.role_of(f"https://www.douyin.com/aweme/v1/web/aweme/post/?sec_user_id={SEC}&max_cursor=99")
        is None
    )
    assert douyin.role_of(f"https://www.douyin.com/user/{SEC}?vid=1") == "page"
    assert douyin.role_of("https://www.douyin.com/aweme/v1/web/comment/list/") is None


def test_pinned_old_video_first_does_not_hide_newer_videos() -> None:
    obs = parse(profile(), feed(video("1", OLD, is_top=1), video("2", JUNE_19), video("3", JUNE_10)))
    assert obs.status is Status.ok
    assert [p.pinned for p in obs.posts] == [True, False, False]
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"
    assert obs.posts[1].link == "https://www.douyin.com/video/2"
    assert obs.posts[1].text == "视频2"


def test_names_subject_and_count() -> None:
    obs = parse(profile(), feed(video("1", JUNE_10)))
    assert obs.live_name == "咸宁发布"
    assert obs.subject == "咸宁市人民政府新闻办公室官方账号"
    assert obs.post_count == 3


def test_enterprise_verify_reason_wins_over_custom_verify() -> None:
    obs = parse(profile(enterprise_verify_reason="咸宁市文化和旅游局"), feed(video("1", JUNE_10)))
    assert obs.subject == "咸宁市文化和旅游局"


def test_create_time_in_milliseconds_is_read_by_magnitude() -> None:
    obs = parse(profile(), feed(video("1", JUNE_19 * 1000)))
    assert obs.latest_post_at.isoformat() == "2022-06-19T20:00:00+08:00"


def test_private_account_is_private_without_needing_posts() -> None:
    state = {"special_state": 4, "title": "私密账号", "content": "关注后才能看TA的作品"}
    obs = parse(profile(special_state_info=state))
    assert obs.status is Status.private
    assert obs.live_name == "咸宁发布"
    assert "私密账号" in obs.detail


def test_special_state_1_is_banned() -> None:
    state = {"special_state": 1, "title": "账号已封禁", "content": ""}
    assert parse(profile(special_state_info=state)).status is Status.banned


def test_user_deleted_is_not_found() -> None:
    obs = parse(profile(user_deleted=True, nickname="账号已注销"))
    assert obs.status is Status.not_found
    assert obs.live_name == ""  # the placeholder nickname is not the account's name


def test_empty_list_with_zero_count_is_confirmed_empty() -> None:
    obs = parse(profile(aweme_count=0), {"status_code": 0, "aweme_list": None, "has_more": 0})
    assert obs.status is Status.ok
    assert obs.confirmed_empty
    assert obs.latest_post_at is None


def test_empty_list_while_the_profile_counts_videos_is_transient() -> None:
    with pytest.raises(TransientError):
        parse(profile(aweme_count=12), feed())


def test_captcha_page_is_a_wall() -> None:
    page = "<html><head><title>验证码中间页</title></head><body></body></html>".encode()
    with pytest.raises(WallError):
        douyin.parse(SEC, {"profile": fetched("profile", page), "posts": fetched("posts", feed())})


@pytest.mark.parametrize("role", ["profile", "posts"])
def test_empty_body_is_a_wall(role: str) -> None:
    responses = {
        "profile": fetched("profile", profile()),
        "posts": fetched("posts", feed(video("1", JUNE_10))),
    }
    responses[role] = fetched(role, b"")
    with pytest.raises(WallError):
        douyin.parse(SEC, responses)


def test_nonzero_status_code_without_user_is_a_wall() -> None:
    with pytest.raises(WallError):
        parse({"status_code": 2053, "status_msg": "请求太频繁"}, feed())


def test_nonzero_status_code_on_the_post_list_is_a_wall() -> None:
    with pytest.raises(WallError):
        parse(profile(), {"status_code": 8, "aweme_list": None})


@pytest.mark.parametrize("status", [403, 418, 429, 432])
def test_refusing_http_status_is_a_wall(status: int) -> None:
    with pytest.raises(WallError):
        douyin.parse(
            SEC, {"profile": fetched("profile", b"x", status=status), "posts": fetched("posts", feed())}
        )


def test_server_error_and_truncated_json_are_transient() -> None:
    with pytest.raises(TransientError):
        douyin.parse(SEC, {"profile": fetched("profile", b"", status=503)})
    with pytest.raises(TransientError):
        douyin.parse(SEC, {"profile": fetched("profile", b'{"status_code":0,"user":{"nick')})
