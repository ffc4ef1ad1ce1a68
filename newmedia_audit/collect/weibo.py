"""Weibo (新浪微博): the m.weibo.cn profile and posts JSON -> Observation.

Traps handled (platforms.md, Weibo): the pinned post comes first and is
often the oldest; a repost counts at its own created_at, not the
original's; created_at comes in the RFC-2822-like form or as relative text;
``ok:-100``, HTTP 418/432 and the "Sina Visitor System" page are walls;
``这里还没有内容`` means no posts only next to a profile showing zero.
"""

from __future__ import annotations

from typing import Any, NoReturn
from urllib.parse import parse_qs, urlsplit

from ..errors import TransientError, WallError
from ..models import Observation, Platform, Post, Status
from .base import Fetched
from .parsing import check_http, html_to_text, latest, need, post_time, to_count

LABEL = "微博"
PROFILE_PREFIX = "100505"
POSTS_PREFIX = "107603"
API = "https://m.weibo.cn/api/container/getIndex?type=uid&value={uid}&containerid={containerid}"

_GONE_MARKERS = ("不存在", "已注销")
_BANNED_MARKERS = ("被封", "封禁")
_WALL_MARKERS = ("频繁", "登录", "验证")
_EMPTY_MARKER = "这里还没有内容"


class WeiboCollector:
    """Collector for Weibo; the account id is the numeric uid."""

    platform = Platform.weibo

    def page_url(self, account_id: str) -> str:
        """The mobile profile page (screenshot evidence)."""
        return f"https://m.weibo.cn/u/{account_id}"

    def api_urls(self, account_id: str) -> dict[str, str]:
        """The profile and posts container calls."""
        return {
            "profile": API.format(uid=account_id, containerid=PROFILE_PREFIX + account_id),
            "posts": API.format(uid=account_id, containerid=POSTS_PREFIX + account_id),
        }

    def role_of(self, url: str) -> str | None:
        """``profile``/``posts`` for the getIndex calls by containerid, ``page`` for /u/{uid}."""
        parts = urlsplit(url)
        if parts.hostname != "m.weibo.cn":
            return None
        if parts.path == "/api/container/getIndex":
            containerid = parse_qs(parts.query).get("containerid", [""])[0]
            if containerid.startswith(PROFILE_PREFIX):
                return "profile"
            if containerid.startswith(POSTS_PREFIX):
                return "posts"
            return None
        if parts.path.startswith("/u/"):
            return "page"
        return None

    def required_roles(self) -> tuple[str, ...]:
        """Profile and posts JSON; the page is evidence only."""
        return ("profile", "posts")

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        """Pure: the observation, or raise WallError / TransientError.

        ``final`` (the last try) changes nothing on Weibo; it is accepted so
        every collector takes the same call.
        """
        profile_resp = need(responses, "profile", LABEL)
        profile = _json(profile_resp)
        ok = profile.get("ok")
        msg = str(profile.get("msg") or "")
        if ok != 1:
            gone = _gone_status(msg)
            if gone is not None:
                return Observation(
                    platform=self.platform,
                    account_id=account_id,
                    status=gone,
                    fetched_at=profile_resp.received_at,
                    detail=msg,
                )
            _refuse(ok, msg, "profile")
        user = (profile.get("data") or {}).get("userInfo")
        if not isinstance(user, dict):
            raise TransientError(f"{LABEL}资料响应缺少 userInfo：{profile_resp.url}")
        post_count = to_count(user.get("statuses_count"))

        posts_resp = need(responses, "posts", LABEL)
        feed = _json(posts_resp)
        feed_ok = feed.get("ok")
        feed_msg = str(feed.get("msg") or "")
        if feed_ok == 1:
            posts = [_post(m, posts_resp) for m in _mblogs((feed.get("data") or {}).get("cards") or [])]
        elif feed_ok == 0 and _EMPTY_MARKER in feed_msg:
            posts = []
        else:
            _refuse(feed_ok, feed_msg, "posts")

        confirmed_empty = False
        if not posts:
            if post_count:
                # The profile counts posts the list does not show: ambiguous, retry.
                raise TransientError(f"{LABEL}显示 {post_count} 条微博，但列表为空")
            confirmed_empty = True
        return Observation(
            platform=self.platform,
            account_id=account_id,
            status=Status.ok,
            live_name=str(user.get("screen_name") or ""),
            subject=str(user.get("verified_reason") or ""),
            post_count=post_count,
            posts=posts,
            latest_post_at=latest(posts),
            confirmed_empty=confirmed_empty,
            fetched_at=max(profile_resp.received_at, posts_resp.received_at),
        )


def _json(fetched: Fetched) -> dict[str, Any]:
    """Walls first (status, visitor page), then the JSON object."""
    check_http(fetched, LABEL)
    head = fetched.body[:4096].decode("utf-8", errors="replace")
    if "Sina Visitor System" in head:
        raise WallError(f"{LABEL}访客验证页（Sina Visitor System）：{fetched.url}")
    data = fetched.json()
    if not isinstance(data, dict):
        raise TransientError(f"{LABEL}响应不是 JSON 对象：{fetched.url}")
    return data


def _gone_status(msg: str) -> Status | None:
    if any(m in msg for m in _BANNED_MARKERS):
        return Status.banned
    if any(m in msg for m in _GONE_MARKERS):
        return Status.not_found
    return None


def _refuse(ok: object, msg: str, role: str) -> NoReturn:
    """Raise for a non-ok answer that says nothing about the account."""
    if ok == -100 or any(m in msg for m in _WALL_MARKERS):
        raise WallError(f"{LABEL}要求登录或验证（ok:{ok}，{msg or '无说明'}）")
    raise TransientError(f"{LABEL} {role} 响应异常（ok:{ok}，{msg or '无说明'}）")


def _mblogs(cards: list[Any]) -> list[dict[str, Any]]:
    """The mblogs of card_type 9 cards, including those nested in card_group."""
    found: list[dict[str, Any]] = []
    for card in cards:
        if not isinstance(card, dict):
            continue
        if card.get("card_type") == 9 and isinstance(card.get("mblog"), dict):
            found.append(card["mblog"])
        group = card.get("card_group")
        if isinstance(group, list):
            found.extend(_mblogs(group))
    return found


def _is_pinned(mblog: dict[str, Any]) -> bool:
    title = mblog.get("title")
    title_text = title.get("text", "") if isinstance(title, dict) else ""
    return bool(mblog.get("isTop")) or mblog.get("mblogtype") == 2 or "置顶" in str(title_text)


def _post(mblog: dict[str, Any], fetched: Fetched) -> Post:
    post_id = str(mblog.get("id") or mblog.get("idstr") or mblog.get("mid") or "")
    # A repost counts at its own created_at; retweeted_status carries the original's time.
    published = post_time(mblog.get("created_at"), fetched.received_at, f"{LABEL} {post_id}")
    return Post(
        id=post_id,
        published_at=published,
        pinned=_is_pinned(mblog),
        repost=bool(mblog.get("retweeted_status")),
        text=html_to_text(str(mblog.get("text") or "")),
        link=f"https://m.weibo.cn/detail/{post_id}" if post_id else "",
    )
