"""Douyin (抖音): the web profile and post-list JSON -> Observation.

Traps handled (platforms.md, Douyin): real calls carry signing parameters
the page computes, so the browser path captures them; an empty body, an
HTML 验证码中间页 or ``status_code != 0`` without user data is a wall;
``is_top`` videos are pinned and often the oldest.

The profile alone decides private, banned and gone (``decisive``): a
private account answers ``status_code 0`` with ``secret: 1`` and
``special_state_info.special_state`` 4 (私密账号), its counts shown as 0
(hidden, not zero); ``special_state`` 1 is banned; ``user_deleted`` or
``user_canceled`` is gone (not_found). A missing or failed posts call does
not turn such an account into review.

An empty ``aweme_list`` with ``status_code`` 0 is what risk control (or a bad
signature) returns: next to a profile counting videos it is a wall
(抖音作品列表为空（疑似风控）); it is "no posts" only when the profile shows
``aweme_count`` 0 and is not private.

Whose video is it (platforms.md, rule 1): an item names its author in
``author.sec_uid`` (the account id), ``author.uid`` or ``author_user_id``
(compared with the profile's ``uid``). Items of another account are ignored;
items naming no author count while no item names another account (the list
is asked by the account's sec_uid). A list holding only other accounts'
videos proves nothing (UnrecognizedError), never "no posts".
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from ..errors import CollectError, TransientError, UnrecognizedError, WallError
from ..models import Observation, Platform, Post, Status
from .base import Fetched
from .parsing import check_http, latest, post_time, to_count

LABEL = "抖音"
PROFILE_PATH = "/aweme/v1/web/user/profile/other/"
POSTS_PATH = "/aweme/v1/web/aweme/post/"
CAPTCHA_MARKER = "验证码中间页"

SPECIAL_STATE_BANNED = 1
SPECIAL_STATE_PRIVATE = 4
RISK_CONTROL = f"{LABEL}作品列表为空（疑似风控）"
_ROLE_NAMES = {"profile": "账号资料", "posts": "作品列表"}


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

    def decisive(self, responses: Mapping[str, Fetched]) -> bool:
        """True when the profile alone decides the account: readable and showing
        it private, banned, deleted or cancelled (platforms.md). The fetch layer
        then parses although the posts call is missing or failed."""
        fetched = responses.get("profile")
        if fetched is None:
            return False
        try:
            user = _user(_json(fetched))
        except CollectError:
            return False
        return account_state(user) is not None

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        """Pure: the observation, or raise WallError / TransientError
        (UnrecognizedError for JSON without the known keys, or a list of other
        accounts' videos only).

        ``final`` (the last try) changes nothing on Douyin; it is accepted so
        every collector takes the same call.
        """
        profile_resp = _need(responses, "profile")
        user = _user(_json(profile_resp))
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
        decided = account_state(user)
        if decided is not None:
            status, detail = decided
            if status is Status.not_found:
                # The nickname of a deleted user is a placeholder (账号已注销), not the account's name.
                base["live_name"] = ""
            if status is Status.private:
                base["post_count"] = None  # shown as 0: hidden, not zero
            return Observation(**base, status=status, fetched_at=profile_resp.received_at, detail=detail)

        posts_resp = _need(responses, "posts")
        feed = _json(posts_resp)
        if "aweme_list" not in feed:
            raise UnrecognizedError(f"{LABEL}作品列表无法识别（缺少 aweme_list）：{posts_resp.url}")
        items = feed.get("aweme_list") or []
        if not isinstance(items, list):
            raise UnrecognizedError(f"{LABEL}作品列表无法识别（aweme_list 不是列表）：{posts_resp.url}")
        own = own_items([i for i in items if isinstance(i, dict)], account_id, str(user.get("uid") or ""))
        posts = [_post(item, posts_resp) for item in own]
        confirmed_empty = False
        if not posts:
            if post_count is None:
                raise TransientError(f"{LABEL}作品列表为空，账号资料未显示作品数，无法确认")
            if post_count > 0:
                # platforms.md (real): an empty list with status 0 is risk control or a bad signature.
                raise WallError(RISK_CONTROL)
            confirmed_empty = True
        return Observation(
            **base,
            status=Status.ok,
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


def _user(profile: dict[str, Any]) -> dict[str, Any]:
    """The profile's ``user`` object.

    Raises:
        UnrecognizedError: status 0 (or none) but no user object.
    """
    user = profile.get("user")
    if not isinstance(user, dict) or not user:
        raise UnrecognizedError(f"{LABEL}账号资料无法识别（缺少 user）")
    return user


def account_state(user: dict[str, Any]) -> tuple[Status, str] | None:
    """What the profile alone says of the account: gone, banned or private, with the
    platform's words; None when it shows a live public account."""
    state_info = user.get("special_state_info")
    state = state_info.get("special_state") if isinstance(state_info, dict) else None
    text = _state_text(state_info)
    if user.get("user_deleted") or user.get("user_canceled"):
        return Status.not_found, text or str(user.get("nickname") or "账号已注销")
    if state == SPECIAL_STATE_BANNED:
        return Status.banned, text or "账号已封禁"
    if state == SPECIAL_STATE_PRIVATE or user.get("secret") == 1:
        return Status.private, text or "私密账号"
    return None


def item_author(item: dict[str, Any]) -> tuple[str, str]:
    """(sec_uid, uid) the item names as its author; empty strings where it names none."""
    author = item.get("author") if isinstance(item.get("author"), dict) else {}
    sec_uid = str(author.get("sec_uid") or "")
    uid = str(author.get("uid") or item.get("author_user_id") or "")
    return sec_uid, uid


def own_items(items: list[dict[str, Any]], sec_uid: str, uid: str) -> list[dict[str, Any]]:
    """The videos that are the account's (platforms.md, rule 1).

    ``author.sec_uid`` is compared with the account's sec_uid; else the uid
    (``author.uid`` or ``author_user_id``) with the profile's. Items naming
    no author count only while no item names another account.

    Raises:
        UnrecognizedError: the list had videos, none of them the account's.
    """
    verdicts = [(item, _is_own(item_author(item), sec_uid, uid)) for item in items]
    others = any(own is False for _, own in verdicts)
    kept = [item for item, own in verdicts if own or (own is None and not others)]
    if items and not kept:
        raise UnrecognizedError(f"{LABEL}作品列表只有其他账号的作品")
    return kept


def _is_own(author: tuple[str, str], sec_uid: str, uid: str) -> bool | None:
    item_sec, item_uid = author
    if item_sec:
        return item_sec == sec_uid
    if item_uid and uid:
        return item_uid == uid
    return None


def json_object(fetched: Fetched, *, label: str = LABEL, what: str = "响应") -> dict[str, Any]:
    """A Douyin answer's JSON object, after the walls every Douyin call shares: a refusing
    status, an empty body (a bad signature or risk control), the 验证码中间页.

    Raises:
        WallError: one of those walls.
        UnrecognizedError: not a JSON object (``label`` and ``what`` name the answer in messages).
    """
    check_http(fetched, label)
    if not fetched.body.strip():
        raise WallError(f"{label}返回空响应（签名或风控拦截）：{fetched.url}")
    if CAPTCHA_MARKER in fetched.body[:8192].decode("utf-8", errors="replace"):
        raise WallError(f"{label}验证码页（{CAPTCHA_MARKER}）：{fetched.url}")
    data = fetched.json()
    if not isinstance(data, dict):
        raise UnrecognizedError(f"{label}{what}无法识别（不是 JSON 对象）：{fetched.url}")
    return data


def _json(fetched: Fetched) -> dict[str, Any]:
    """Walls first (status, captcha page, empty body, status_code), then the JSON object."""
    data = json_object(fetched)
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
        published_at=post_time(item.get("create_time"), fetched.received_at, f"{LABEL}作品 {aweme_id} "),
        pinned=bool(item.get("is_top")),
        text=str(item.get("desc") or ""),
        link=f"https://www.douyin.com/video/{aweme_id}" if aweme_id else "",
    )
