"""Douyin (抖音): the web profile and post-list JSON -> Observation.

Traps handled (platforms.md, Douyin): real calls carry signing parameters
the page computes, so the browser path captures them; an empty body, an
HTML 验证码中间页 or ``status_code != 0`` without user data is a wall;
``special_state`` 4 is private, 1 is banned, ``user_deleted`` is gone
(not_found); ``is_top`` videos are pinned and often the oldest.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from ..errors import TransientError, WallError
from ..models import Observation, Platform, Post, Status
from .base import Fetched
from .parsing import check_http, latest, need, post_time, to_count

LABEL = "抖音"
PROFILE_PATH = "/aweme/v1/web/user/profile/other/"
POSTS_PATH = "/aweme/v1/web/aweme/post/"
CAPTCHA_MARKER = "验证码中间页"

SPECIAL_STATE_BANNED = 1
SPECIAL_STATE_PRIVATE = 4


class DouyinCollector:
    """Collector for Douyin; the account id is the sec_uid (``MS4wLjABAAAA...``)."""

    platform = Platform.douyin

    def page_url(self, account_id: str) -> str:
        """The profile page; it loads the profile and post-list calls itself."""
        return f"https://www.douyin.com/user/{account_id}"

    def api_urls(self, account_id: str) -> dict[str, str]:
        """The profile and first post-list page (unsigned; the page's own calls are signed)."""
        sec = quote(account_id, safe="")
        return {
            "profile": f"https://www.douyin.com{PROFILE_PATH}?sec_user_id={sec}",
            "posts": f"https://www.douyin.com{POSTS_PATH}?sec_user_id={sec}&max_cursor=0&count=18",
        }

    def role_of(self, url: str) -> str | None:
        """``profile``/``posts`` for the two JSON calls, ``page`` for /user/{sec_uid}."""
        parts = urlsplit(url)
        if parts.hostname != "www.douyin.com":
            return None
        if parts.path == PROFILE_PATH:
            return "profile"
        if parts.path == POSTS_PATH:
            # Only the first page of the list (max_cursor 0 or absent) is the newest.
            cursor = parse_qs(parts.query).get("max_cursor", ["0"])[0]
            return "posts" if cursor in ("", "0") else None
        if parts.path.startswith("/user/") and parts.path.rstrip("/") != "/user/self":
            return "page"
        return None

    def required_roles(self) -> tuple[str, ...]:
        """Profile and posts JSON; the page is evidence only."""
        return ("profile", "posts")

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        """Pure: the observation, or raise WallError / TransientError.

        ``final`` (the last try) changes nothing on Douyin; it is accepted so
        every collector takes the same call.
        """
        profile_resp = need(responses, "profile", LABEL)
        profile = _json(profile_resp)
        user = profile.get("user")
        if not isinstance(user, dict) or not user:
            raise WallError(f"{LABEL}资料响应无用户数据（status_code {profile.get('status_code')}）")
        live_name = str(user.get("nickname") or "")
        subject = str(user.get("enterprise_verify_reason") or user.get("custom_verify") or "")
        post_count = to_count(user.get("aweme_count"))
        base = {
            "platform": self.platform,
            "account_id": account_id,
            "live_name": live_name,
            "subject": subject,
            "post_count": post_count,
        }
        state_info = user.get("special_state_info")
        state = state_info.get("special_state") if isinstance(state_info, dict) else None
        state_text = _state_text(state_info)
        if user.get("user_deleted"):
            # The nickname of a deleted user is a placeholder (账号已注销), not the account's name.
            return Observation(
                **(base | {"live_name": ""}),
                status=Status.not_found,
                fetched_at=profile_resp.received_at,
                detail=state_text or live_name,
            )
        if state == SPECIAL_STATE_BANNED:
            return Observation(
                **base, status=Status.banned, fetched_at=profile_resp.received_at, detail=state_text
            )
        if state == SPECIAL_STATE_PRIVATE:
            return Observation(
                **base, status=Status.private, fetched_at=profile_resp.received_at, detail=state_text
            )

        posts_resp = need(responses, "posts", LABEL)
        feed = _json(posts_resp)
        items = feed.get("aweme_list") or []
        if not isinstance(items, list):
            raise TransientError(f"{LABEL}作品列表格式异常：{posts_resp.url}")
        posts = [_post(item, posts_resp) for item in items if isinstance(item, dict)]
        confirmed_empty = False
        if not posts:
            if post_count:
                raise TransientError(f"{LABEL}显示 {post_count} 个作品，但列表为空")
            if post_count is None:
                raise TransientError(f"{LABEL}作品列表为空，且资料未显示作品数")
            confirmed_empty = True
        return Observation(
            **base,
            status=Status.ok,
            posts=posts,
            latest_post_at=latest(posts),
            confirmed_empty=confirmed_empty,
            fetched_at=max(profile_resp.received_at, posts_resp.received_at),
        )


def _json(fetched: Fetched) -> dict[str, Any]:
    """Walls first (status, captcha page, empty body, status_code), then the JSON object."""
    check_http(fetched, LABEL)
    if not fetched.body.strip():
        raise WallError(f"{LABEL}返回空响应（签名或风控拦截）：{fetched.url}")
    if CAPTCHA_MARKER in fetched.body[:8192].decode("utf-8", errors="replace"):
        raise WallError(f"{LABEL}验证码页（{CAPTCHA_MARKER}）：{fetched.url}")
    data = fetched.json()
    if not isinstance(data, dict):
        raise TransientError(f"{LABEL}响应不是 JSON 对象：{fetched.url}")
    code = data.get("status_code")
    if code not in (0, None) and not data.get("user"):
        raise WallError(f"{LABEL}拒绝请求（status_code {code}，{data.get('status_msg') or '无说明'}）")
    return data


def _state_text(state_info: object) -> str:
    if not isinstance(state_info, dict):
        return ""
    parts = [str(state_info.get(k) or "") for k in ("title", "content")]
    return "：".join(p for p in parts if p)


def _post(item: dict[str, Any], fetched: Fetched) -> Post:
    aweme_id = str(item.get("aweme_id") or "")
    return Post(
        id=aweme_id,
        published_at=post_time(item.get("create_time"), fetched.received_at, f"{LABEL} {aweme_id}"),
        pinned=bool(item.get("is_top")),
        text=str(item.get("desc") or ""),
        link=f"https://www.douyin.com/video/{aweme_id}" if aweme_id else "",
    )
