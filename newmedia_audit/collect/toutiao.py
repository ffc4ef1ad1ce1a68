"""Toutiao (今日头条): the user page and its profile feed -> Observation.

Traps handled (platforms.md, Toutiao): ``publish_time`` is the post's time,
``behot_time`` a ranking time that can be newer; the feed returns an empty
list now and then for a live account, so an empty feed is transient until
the last try, and even then means "no posts" only when the page shows the
profile; the page saying 用户不存在 / 该用户已注销 is not_found.

Page markers read (what a replay corpus must emit; anything else is tolerated):

- profile shown: ``<title>{name}的头条主页 - 今日头条(www.toutiao.com)</title>``, and/or a
  ``<script id="RENDER_DATA" type="application/json">`` holding JSON (raw or
  percent-encoded) with an object that has ``name`` and one of ``user_id``,
  ``verified_content``, ``avatar_url``, ``description``; from it ``name``,
  ``verified_content`` (subject) and ``publish_count`` (optional).
  Without the blob, the name may also come from ``<h1 class="name">{name}</h1>`` and
  the subject from an element with class ``verified-content`` (a leading
  ``头条认证：`` is dropped).
- gone: 用户不存在 or 该用户已注销 in the visible text (outside scripts) or the title.
- wall: 验证码中间页 (the ByteDance captcha page), or HTTP 403/418/429/432.

The live name comes from the feed's ``user_info.name`` when the feed has
items, else from the page blob, else from the title; the subject likewise
from ``user_info.verified_content``, else the blob.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import TransientError, WallError
from ..models import Observation, Platform, Post, Status
from .base import Fetched
from .parsing import check_http, html_title, html_to_text, latest, need, post_time, strip_scripts, to_count

LABEL = "今日头条"
FEED_PATH = "/api/pc/list/feed"
FEED_CATEGORY = "profile_all"
GONE_MARKERS = ("用户不存在", "该用户已注销")
CAPTCHA_MARKER = "验证码中间页"

_TITLE_NAME = re.compile(r"^(.+?)的头条主页")
_RENDER_DATA = re.compile(
    r"<script[^>]*\bid=[\"']RENDER_DATA[\"'][^>]*>(.*?)</script\s*>", re.IGNORECASE | re.DOTALL
)
_H1_NAME = re.compile(r"<h1\b[^>]*class=[\"'][^\"']*\bname\b[^\"']*[\"'][^>]*>(.*?)</h1\s*>", re.I | re.S)
_VERIFIED = re.compile(
    r"<(\w+)\b[^>]*class=[\"'][^\"']*\bverified-content\b[^\"']*[\"'][^>]*>(.*?)</\1\s*>", re.I | re.S
)
_VERIFIED_PREFIX = re.compile(r"^(?:头条认证|认证)\s*[：:]\s*")
_PROFILE_KEYS = ("user_id", "verified_content", "avatar_url", "description")


@dataclass(frozen=True)
class PageProfile:
    """What the user page shows of the account."""

    gone: str = ""  # the gone marker found, or ""
    name: str = ""
    subject: str = ""
    post_count: int | None = None

    @property
    def shown(self) -> bool:
        """The page shows a live profile (a name and no gone marker)."""
        return bool(self.name) and not self.gone


class ToutiaoCollector:
    """Collector for Toutiao; the account id is the user token."""

    platform = Platform.toutiao

    def page_url(self, account_id: str) -> str:
        """The user page; it loads the profile feed itself."""
        return f"https://www.toutiao.com/c/user/token/{account_id}/"

    def api_urls(self, account_id: str) -> dict[str, str]:
        """The page (required: it tells a gone or live profile) and the feed."""
        return {
            "page": self.page_url(account_id),
            "posts": f"https://www.toutiao.com{FEED_PATH}?category={FEED_CATEGORY}"
            f"&token={account_id}&max_behot_time=0",
        }

    def role_of(self, url: str) -> str | None:
        """``posts`` for the first profile_all feed page, ``page`` for /c/user/token/{token}/."""
        parts = urlsplit(url)
        if parts.hostname != "www.toutiao.com":
            return None
        if parts.path == FEED_PATH:
            query = parse_qs(parts.query)
            if query.get("category", [""])[0] != FEED_CATEGORY:
                return None
            # Only the first page (max_behot_time 0 or absent) is the newest.
            return "posts" if query.get("max_behot_time", ["0"])[0] in ("", "0") else None
        if parts.path.startswith("/c/user/token/"):
            return "page"
        return None

    def required_roles(self) -> tuple[str, ...]:
        """The user page and the feed."""
        return ("page", "posts")

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        """Pure: the observation, or raise WallError / TransientError.

        Args:
            account_id: the user token.
            responses: ``page`` and ``posts``.
            final: the fetch layer's last try. An empty feed next to a page
                showing the profile raises TransientError before it; on the
                last try it is positive evidence of no posts
                (``confirmed_empty``).
        """
        page_resp = need(responses, "page", LABEL)
        page = read_page(page_resp)
        if page.gone:
            return Observation(
                platform=self.platform,
                account_id=account_id,
                status=Status.not_found,
                fetched_at=page_resp.received_at,
                detail=page.gone,
            )

        posts_resp = need(responses, "posts", LABEL)
        feed = _feed(posts_resp)
        items = [item for item in feed.get("data") or [] if isinstance(item, dict)]
        posts = [_post(item, posts_resp) for item in items]
        user = next((i["user_info"] for i in items if isinstance(i.get("user_info"), dict)), {})
        live_name = str(user.get("name") or page.name)
        subject = str(user.get("verified_content") or page.subject)

        confirmed_empty = False
        if not posts:
            if not page.shown:
                raise TransientError(f"{LABEL}文章列表为空，页面也未显示账号资料")
            if not final:
                # platforms.md: the feed is empty now and then for a live account.
                raise TransientError(f"{LABEL}文章列表为空，需重试确认")
            confirmed_empty = True
        return Observation(
            platform=self.platform,
            account_id=account_id,
            status=Status.ok,
            live_name=live_name,
            subject=subject,
            post_count=page.post_count,
            posts=posts,
            latest_post_at=latest(posts),
            confirmed_empty=confirmed_empty,
            fetched_at=max(page_resp.received_at, posts_resp.received_at),
        )


def read_page(fetched: Fetched) -> PageProfile:
    """What the user page shows: a gone marker, or the name, subject and post count.

    Raises:
        WallError: captcha page or a refusing HTTP status.
        TransientError: 5xx or another failing status.
    """
    check_http(fetched, LABEL)
    text = fetched.text()
    title = html_title(text)
    if CAPTCHA_MARKER in title or CAPTCHA_MARKER in text[:8192]:
        raise WallError(f"{LABEL}验证码页（{CAPTCHA_MARKER}）：{fetched.url}")
    visible = strip_scripts(text)
    gone = next((m for m in GONE_MARKERS if m in visible or m in title), "")
    if gone:
        return PageProfile(gone=gone)
    blob = _profile_blob(text)
    title_name = _TITLE_NAME.match(title)
    h1_name = _H1_NAME.search(visible)
    verified = _VERIFIED.search(visible)
    name = str(
        blob.get("name")
        or (title_name.group(1).strip() if title_name else "")
        or (html_to_text(h1_name.group(1)) if h1_name else "")
    )
    subject = str(
        blob.get("verified_content")
        or (_VERIFIED_PREFIX.sub("", html_to_text(verified.group(2))) if verified else "")
    )
    count = next((blob[k] for k in ("publish_count", "ugc_publish_count") if k in blob), None)
    return PageProfile(name=name, subject=subject, post_count=to_count(count))


def _profile_blob(text: str) -> dict[str, Any]:
    """The first profile-like object in the page's RENDER_DATA JSON, or {}."""
    match = _RENDER_DATA.search(text)
    if not match:
        return {}
    raw = match.group(1).strip()
    for candidate in (raw, unquote(raw)):
        try:
            data = json.loads(candidate)
        except ValueError:
            continue
        found = _find_profile(data)
        return found or {}
    return {}


def _find_profile(node: Any, depth: int = 0) -> dict[str, Any] | None:
    if depth > 12:
        return None
    if isinstance(node, dict):
        if isinstance(node.get("name"), str) and any(k in node for k in _PROFILE_KEYS):
            return node
        children = node.values()
    elif isinstance(node, list):
        children = node
    else:
        return None
    for child in children:
        found = _find_profile(child, depth + 1)
        if found is not None:
            return found
    return None


def _feed(fetched: Fetched) -> dict[str, Any]:
    check_http(fetched, LABEL)
    if CAPTCHA_MARKER in fetched.body[:8192].decode("utf-8", errors="replace"):
        raise WallError(f"{LABEL}验证码页（{CAPTCHA_MARKER}）：{fetched.url}")
    data = fetched.json()
    if not isinstance(data, dict):
        raise TransientError(f"{LABEL}响应不是 JSON 对象：{fetched.url}")
    message = data.get("message")
    if message not in ("success", None):
        raise TransientError(f"{LABEL}文章列表异常（message {message!r}）：{fetched.url}")
    if not isinstance(data.get("data") or [], list):
        raise TransientError(f"{LABEL}文章列表格式异常：{fetched.url}")
    return data


def _post(item: dict[str, Any], fetched: Fetched) -> Post:
    item_id = str(item.get("item_id") or item.get("group_id") or item.get("id") or "")
    # publish_time, never behot_time: behot is a ranking time and can be newer (platforms.md).
    when = item.get("publish_time") or item.get("create_time")
    text = item.get("title") or item.get("content") or item.get("abstract") or ""
    return Post(
        id=item_id,
        published_at=post_time(when, fetched.received_at, f"{LABEL} {item_id}"),
        pinned=bool(item.get("is_top") or item.get("is_stick")),
        text=str(text),
        link=f"https://www.toutiao.com/article/{item_id}/" if item_id else "",
    )
