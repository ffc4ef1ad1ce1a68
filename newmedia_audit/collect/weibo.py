"""Weibo (新浪微博): the m.weibo.cn profile and posts JSON -> Observation.

Traps handled (platforms.md, Weibo): the pinned post comes first and is
often the oldest; a repost counts at its own created_at, not the
original's; created_at comes in the RFC-2822-like form or as relative text;
``ok:-100``, HTTP 418/432 and the "Sina Visitor System" page are walls.

``{"ok":0,"msg":"这里还没有内容"}`` is what m.weibo.cn answers to requests
without the visitor cookies, on the profile call as well (real, weibo-crawler
issue 125): on the profile it is a wall (the sweep renews the cookies); on
the posts call it means "no posts" only next to a profile with ``ok:1``,
userInfo and ``statuses_count`` 0. ``ok:0`` on the profile is not_found only
when the message says 不存在/注销, banned only when it says the account was
banned; a message about our visit (频繁, 登录, 验证, IP) is a wall first.

Whose post is it (platforms.md, rule 1): a post names its author in
``mblog.user.id``; a post of another uid is ignored (card_type 11 groups may
hold other users' items). A card_type 9 card at the top of the account's own
container that names no author counts as the account's; an item inside a
group must name the account. A list holding only other accounts' posts
proves nothing (UnrecognizedError), never "no posts".
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any, NoReturn
from urllib.parse import parse_qs, urlsplit

from ..errors import TransientError, UnrecognizedError, WallError
from ..models import Observation, Platform, Post, Status
from .base import Fetched
from .parsing import check_http, html_to_text, latest, post_time, to_count

LABEL = "微博"
PROFILE_PREFIX = "100505"
POSTS_PREFIX = "107603"
API = "https://m.weibo.cn/api/container/getIndex?type=uid&value={uid}&containerid={containerid}"

_GONE_MARKERS = ("不存在", "注销")
# Banned only when the message says the account (账号/帐号/用户) was banned or
# sanctioned: "IP被封" or "访问被封" is about our visit, not the account.
_BANNED = re.compile(
    r"(?:账号|帐号|用户).{0,40}?(?:封禁|被封|违反|违规)|(?:封禁|被封).{0,6}(?:账号|帐号|用户)"
)
_WALL_MARKERS = ("频繁", "登录", "验证", "稍后再试", "IP", "ip")
_EMPTY_MARKER = "这里还没有内容"
NO_VISITOR_COOKIE = f"{LABEL}未返回账号资料（这里还没有内容，疑似缺少访客 Cookie）"
_ROLE_NAMES = {"profile": "账号资料", "posts": "微博列表"}


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
        """``profile``/``posts`` for the getIndex calls by containerid, ``page`` for /u/{uid}.

        ``getIndex?type=uid&value={uid}`` without a containerid is the profile
        too (the page's first call; real capture: userInfo and tabsInfo).
        """
        parts = urlsplit(url)
        if parts.hostname != "m.weibo.cn":
            return None
        if parts.path == "/api/container/getIndex":
            query = parse_qs(parts.query)
            containerid = query.get("containerid", [""])[0]
            if containerid.startswith(PROFILE_PREFIX):
                return "profile"
            if containerid.startswith(POSTS_PREFIX):
                return "posts"
            if not containerid and query.get("type", [""])[0] == "uid" and query.get("value", [""])[0]:
                return "profile"
            return None
        if parts.path.startswith("/u/"):
            return "page"
        return None

    def required_roles(self) -> tuple[str, ...]:
        """Profile and posts JSON; the page is evidence only."""
        return ("profile", "posts")

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        """Pure: the observation, or raise WallError / TransientError
        (UnrecognizedError for JSON without the known keys, a profile of
        another uid, or a list of other accounts' posts only).

        ``final`` (the last try) changes nothing on Weibo; it is accepted so
        every collector takes the same call.
        """
        profile_resp = _need(responses, "profile")
        profile = _json(profile_resp)
        ok = profile.get("ok")
        msg = str(profile.get("msg") or "")
        if ok != 1:
            if "ok" not in profile:
                raise UnrecognizedError(f"{LABEL}账号资料无法识别（没有 ok 字段）：{profile_resp.url}")
            if _EMPTY_MARKER in msg:
                raise WallError(NO_VISITOR_COOKIE)
            gone = gone_status(msg)
            if gone is not None:
                return Observation(
                    platform=self.platform,
                    account_id=account_id,
                    status=gone,
                    fetched_at=profile_resp.received_at,
                    detail=msg,
                )
            _refuse(ok, msg, "profile")
        user = _user_info(profile, account_id)
        post_count = to_count(user.get("statuses_count"))

        posts_resp = _need(responses, "posts")
        feed = _json(posts_resp)
        feed_ok = feed.get("ok")
        feed_msg = str(feed.get("msg") or "")
        if feed_ok == 1:
            posts = [_post(m, posts_resp) for m in own_mblogs(_cards(feed, posts_resp), account_id)]
        elif feed_ok == 0 and _EMPTY_MARKER in feed_msg:
            posts = []
        elif "ok" not in feed:
            raise UnrecognizedError(f"{LABEL}微博列表无法识别（没有 ok 字段）：{posts_resp.url}")
        else:
            _refuse(feed_ok, feed_msg, "posts")

        confirmed_empty = False
        if not posts:
            if post_count is None:
                raise TransientError(f"{LABEL}微博列表为空，账号资料未显示微博数，无法确认")
            if post_count:
                # The profile counts posts the list does not show: ambiguous, retry.
                raise TransientError(f"{LABEL}显示 {post_count} 条微博，但微博列表为空")
            confirmed_empty = True
        return Observation(
            platform=self.platform,
            account_id=account_id,
            status=Status.ok,
            live_name=str(user.get("screen_name") or ""),
            subject=str(user.get("verified_reason") or "").strip(),
            post_count=post_count,
            posts=posts,
            latest_post_at=latest(posts),
            confirmed_empty=confirmed_empty,
            fetched_at=max(profile_resp.received_at, posts_resp.received_at),
        )


def _need(responses: Mapping[str, Fetched], role: str) -> Fetched:
    """The response of a role, or a TransientError saying in Chinese what was not seen."""
    fetched = responses.get(role)
    if fetched is None:
        raise TransientError(f"{LABEL}未取得{_ROLE_NAMES.get(role, role)}")
    return fetched


def _user_info(profile: dict[str, Any], uid: str) -> dict[str, Any]:
    """The profile's userInfo, checked to be the account's.

    Raises:
        UnrecognizedError: ``ok:1`` without userInfo, or the userInfo of another uid.
    """
    data = profile.get("data")
    user = data.get("userInfo") if isinstance(data, dict) else None
    if not isinstance(user, dict):
        raise UnrecognizedError(f"{LABEL}账号资料无法识别（缺少 userInfo）")
    shown = str(user.get("id") or "")
    if shown and shown != uid:
        raise UnrecognizedError(f"{LABEL}返回的账号资料不是该账号的（uid {shown}）")
    return user


def _cards(feed: dict[str, Any], fetched: Fetched) -> list[Any]:
    data = feed.get("data")
    cards = data.get("cards") if isinstance(data, dict) else None
    if not isinstance(cards, list):
        raise UnrecognizedError(f"{LABEL}微博列表无法识别（缺少 cards）：{fetched.url}")
    return cards


def _json(fetched: Fetched) -> dict[str, Any]:
    """Walls first (status, visitor page), then the JSON object."""
    check_http(fetched, LABEL)
    head = fetched.body[:4096].decode("utf-8", errors="replace")
    if "Sina Visitor System" in head:
        raise WallError(f"{LABEL}访客验证页（Sina Visitor System）：{fetched.url}")
    data = fetched.json()
    if not isinstance(data, dict):
        raise UnrecognizedError(f"{LABEL}响应无法识别（不是 JSON 对象）：{fetched.url}")
    return data


def gone_status(msg: str) -> Status | None:
    """What a non-ok profile message says of the account: banned, not_found, or None.

    A message must be positive evidence: one about our visit (频繁, 登录,
    验证, IP) says nothing of the account, whatever else it contains.
    """
    if any(m in msg for m in _WALL_MARKERS):
        return None
    if _BANNED.search(msg):
        return Status.banned
    if any(m in msg for m in _GONE_MARKERS):
        return Status.not_found
    return None


def _refuse(ok: object, msg: str, role: str) -> NoReturn:
    """Raise for a non-ok answer that says nothing about the account."""
    what = _ROLE_NAMES.get(role, role)
    if ok == -100 or any(m in msg for m in _WALL_MARKERS):
        raise WallError(f"{LABEL}要求登录或验证（{what}：ok {ok}，{msg or '无说明'}）")
    raise TransientError(f"{LABEL}{what}请求未成功（ok {ok}，{msg or '无说明'}）")


def own_mblogs(cards: list[Any], uid: str) -> list[dict[str, Any]]:
    """The account's mblogs among the cards (platforms.md, rule 1).

    card_type 9 cards at the top and inside card_group; an mblog whose
    ``user.id`` is another uid is dropped; one naming no author counts only
    at the top of the account's own container.

    Raises:
        UnrecognizedError: the cards held posts, none of them the account's.
    """
    found = list(_mblogs(cards, nested=False))
    kept = [m for m, nested in found if _is_own(m, uid, nested)]
    if found and not kept and any(_author(m) for m, _ in found):
        raise UnrecognizedError(f"{LABEL}微博列表只有其他账号的内容")
    return kept


def _mblogs(cards: list[Any], *, nested: bool) -> list[tuple[dict[str, Any], bool]]:
    """(mblog, inside a card_group) of card_type 9 cards, nested ones included."""
    found: list[tuple[dict[str, Any], bool]] = []
    for card in cards:
        if not isinstance(card, dict):
            continue
        if card.get("card_type") == 9 and isinstance(card.get("mblog"), dict):
            found.append((card["mblog"], nested))
        group = card.get("card_group")
        if isinstance(group, list):
            found.extend(_mblogs(group, nested=True))
    return found


def _author(mblog: dict[str, Any]) -> str:
    user = mblog.get("user")
    return str(user.get("id") or "") if isinstance(user, dict) else ""


def _is_own(mblog: dict[str, Any], uid: str, nested: bool) -> bool:
    author = _author(mblog)
    return author == uid if author else not nested


def _is_pinned(mblog: dict[str, Any]) -> bool:
    title = mblog.get("title")
    title_text = title.get("text", "") if isinstance(title, dict) else ""
    return bool(mblog.get("isTop")) or mblog.get("mblogtype") == 2 or "置顶" in str(title_text)


def _post(mblog: dict[str, Any], fetched: Fetched) -> Post:
    post_id = str(mblog.get("id") or mblog.get("idstr") or mblog.get("mid") or "")
    # A repost counts at its own created_at; retweeted_status carries the original's time.
    published = post_time(mblog.get("created_at"), fetched.received_at, f"{LABEL} {post_id} ")
    return Post(
        id=post_id,
        published_at=published,
        pinned=_is_pinned(mblog),
        repost=bool(mblog.get("retweeted_status")),
        text=html_to_text(str(mblog.get("text") or "")),
        link=f"https://m.weibo.cn/detail/{post_id}" if post_id else "",
    )
