"""Toutiao (今日头条): the user page and its own feed -> Observation.

The feed is the user feed the page loads itself,
``/api/pc/list/user/feed?category=profile_all&token=…`` (any ``profile_all`` or
``pc_profile_*`` tab of it), or the older ``/api/pc/feed/?category=profile_all
&visit_user_token=…``. ``/api/pc/list/feed`` is the home and recommendation
feed (``pc_profile_recommend`` on a user page): other users' posts. It is
never requested and never read (platforms.md, Toutiao, real).

Whose post is it (platforms.md, rule 1): an item names its author in
``user_info`` (articles, cell_type 60) or ``user`` (微头条 cell_type 32:
``user.user_id``/``name``; videos cell_type 0/49: ``user.info.user_id``/``name``
or ``user.user_id``). The author is compared with the page's user id when the
page shows it, else with the name the page shows; an item of another account
is ignored. Items naming no author (video items, cell_type 49, may lack
``user_info``) count as the account's while no item of the response names
another account: the list is the account's own feed, asked by its token.
Once one item names another account, items without an author are not
trusted either. A response holding only other accounts' items proves nothing
(UnrecognizedError), never "no posts".

Traps handled (platforms.md, Toutiao): ``publish_time`` is the post's time,
``behot_time`` a ranking time that can be newer; the feed returns an empty
list now and then for a live account, so an empty feed is transient until
the last try, and even then means "no posts" only when the page shows the
profile; the page saying 用户不存在 / 该用户已注销 is not_found.

Page markers read (what a replay corpus must emit; anything else is tolerated):

- profile shown: ``<title>{name}的头条主页 - 今日头条(www.toutiao.com)</title>``, and/or a
  ``<script id="RENDER_DATA" type="application/json">`` holding JSON (raw or
  percent-encoded) with an object that has ``name`` and one of ``user_id``,
  ``userId``, ``verified_content``, ``avatar_url``, ``description``; from it
  ``name``, the user id (``user_id``/``userId``), ``verified_content``
  (subject) and ``publish_count`` (optional).
  Without the blob, the name may also come from ``<h1 class="name">{name}</h1>`` and
  the subject from an element with class ``verified-content`` (a leading
  ``头条认证：`` is dropped).
- gone: 用户不存在 or 该用户已注销 in the visible text (outside scripts) or the title.
- wall: 验证码中间页 (the ByteDance captcha page), or HTTP 403/418/429/432.

The live name comes from the author of the account's own items when the
feed has them, else from the page blob, else from the title; the subject
likewise from the item's ``verified_content``, else the blob.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from ..errors import TransientError, UnrecognizedError, WallError
from ..models import Observation, Platform, Post, Status
from .base import Fetched
from .parsing import check_http, html_title, html_to_text, latest, post_time, strip_scripts, to_count

LABEL = "今日头条"
FEED_PATH = "/api/pc/list/user/feed"  # the user page's own feed (platforms.md, real)
OLD_FEED_PATH = "/api/pc/feed/"  # older pages: category=profile_all&visit_user_token=…
FEED_CATEGORY = "profile_all"
TAB_PREFIX = "pc_profile_"  # the page's tabs: pc_profile_article, pc_profile_ugc, ...
RECOMMEND_CATEGORY = "pc_profile_recommend"  # other users' posts, never the account's
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
_PROFILE_KEYS = ("user_id", "userId", "verified_content", "avatar_url", "description")
_ROLE_NAMES = {"page": "用户主页", "posts": "文章列表"}


@dataclass(frozen=True)
class PageProfile:
    """What the user page shows of the account."""

    gone: str = ""  # the gone marker found, or ""
    name: str = ""
    subject: str = ""
    post_count: int | None = None
    user_id: str = ""  # from the RENDER_DATA blob, when the page has one

    @property
    def shown(self) -> bool:
        """The page shows a live profile (a name and no gone marker)."""
        return bool(self.name) and not self.gone


@dataclass(frozen=True)
class Author:
    """Who an item says wrote it (either field may be empty)."""

    user_id: str = ""
    name: str = ""
    subject: str = ""


class ToutiaoCollector:
    """Collector for Toutiao; the account id is the user token."""

    platform = Platform.toutiao

    def page_url(self, account_id: str) -> str:
        """The user page; it loads the profile feed itself."""
        return f"https://www.toutiao.com/c/user/token/{account_id}/"

    def api_urls(self, account_id: str) -> dict[str, str]:
        """The page (required: it tells a gone or live profile) and the user feed.

        The fallback asks the user feed, never ``/api/pc/list/feed`` (the
        recommendation feed: other users' posts).
        """
        return {
            "page": self.page_url(account_id),
            "posts": f"https://www.toutiao.com{FEED_PATH}?category={FEED_CATEGORY}"
            f"&token={account_id}&max_behot_time=0",
        }

    def role_of(self, url: str) -> str | None:
        """``posts`` for the first page of the account's own feed, ``page`` for /c/user/token/{token}/.

        The own feed is the user feed path with ``profile_all`` or a
        ``pc_profile_*`` tab category (not ``pc_profile_recommend``), or the
        older ``/api/pc/feed/?category=profile_all&visit_user_token=…``.
        """
        parts = urlsplit(url)
        if parts.hostname != "www.toutiao.com":
            return None
        query = parse_qs(parts.query)
        if parts.path == FEED_PATH:
            return "posts" if _own_category(_first(query, "category")) and _first_page(query) else None
        if parts.path.rstrip("/") == OLD_FEED_PATH.rstrip("/"):
            own = _first(query, "category") == FEED_CATEGORY and _first(query, "visit_user_token")
            return "posts" if own and _first_page(query) else None
        if parts.path.startswith("/c/user/token/"):
            return "page"
        return None

    def required_roles(self) -> tuple[str, ...]:
        """The user page and the feed."""
        return ("page", "posts")

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        """Pure: the observation, or raise WallError / TransientError
        (UnrecognizedError for a feed without a ``data`` list, or whose items
        are all other accounts').

        Args:
            account_id: the user token.
            responses: ``page`` and ``posts``.
            final: the fetch layer's last try. An empty feed next to a page
                showing the profile raises TransientError before it; on the
                last try it is positive evidence of no posts
                (``confirmed_empty``).
        """
        page_resp = _need(responses, "page")
        page = read_page(page_resp)
        if page.gone:
            return Observation(
                platform=self.platform,
                account_id=account_id,
                status=Status.not_found,
                fetched_at=page_resp.received_at,
                detail=page.gone,
            )

        posts_resp = _need(responses, "posts")
        items = [item for item in _feed(posts_resp)["data"] if isinstance(item, dict)]
        own = own_items(items, page)
        posts = [_post(item, posts_resp) for item in own]
        author = next((a for a in map(item_author, own) if a is not None and a.name), Author())
        live_name = author.name or page.name
        subject = author.subject or page.subject

        confirmed_empty = False
        if not posts:
            if not page.shown:
                raise TransientError(f"{LABEL}文章列表为空，页面也未显示账号资料，无法确认")
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


def _first(query: dict[str, list[str]], key: str) -> str:
    return query.get(key, [""])[0]


def _own_category(category: str) -> bool:
    """A category of the account's own feed: profile_all or a tab, never the recommendations."""
    if category == RECOMMEND_CATEGORY:
        return False
    return category == FEED_CATEGORY or category.startswith(TAB_PREFIX)


def _first_page(query: dict[str, list[str]]) -> bool:
    """Only the first page (max_behot_time 0 or absent) holds the newest posts."""
    return _first(query, "max_behot_time") in ("", "0")


def _need(responses: dict[str, Fetched], role: str) -> Fetched:
    """The response of a role, or a TransientError saying in Chinese what was not seen."""
    fetched = responses.get(role)
    if fetched is None:
        raise TransientError(f"{LABEL}未取得{_ROLE_NAMES.get(role, role)}")
    return fetched


def item_author(item: dict[str, Any]) -> Author | None:
    """Who the item names as its author, or None when it names nobody.

    Articles (cell_type 60) carry ``user_info``; 微头条 (32) carry ``user``
    with ``user_id``/``name``; videos (0/49) carry ``user.info`` or nothing.
    """
    for block in (item.get("user_info"), item.get("user")):
        if not isinstance(block, dict):
            continue
        info = block.get("info") if isinstance(block.get("info"), dict) else {}
        user_id = _text(block.get("user_id") or info.get("user_id") or block.get("id"))
        name = _text(block.get("name") or info.get("name") or block.get("screen_name"))
        subject = _text(block.get("verified_content") or info.get("verified_content"))
        if user_id or name:
            return Author(user_id=user_id, name=name, subject=subject)
    return None


def _text(value: object) -> str:
    return str(value).strip() if value not in (None, "") and not isinstance(value, dict | list) else ""


def _is_own(author: Author, page: PageProfile) -> bool | None:
    """True/False when the item's author can be compared with the page, None when not.

    The page's user id is compared when both sides have one; else the name.
    """
    if author.user_id and page.user_id:
        return author.user_id == page.user_id
    if author.name and page.name and not page.gone:
        return author.name == page.name
    return None


def own_items(items: list[dict[str, Any]], page: PageProfile) -> list[dict[str, Any]]:
    """The feed items that are the account's (platforms.md, rule 1).

    Items of another account are dropped. Items whose author cannot be told
    (no author named, or a page showing neither id nor name) count only
    while no item names another account; without anything on the page to
    compare with, a feed naming several authors is not the account's own.

    Raises:
        UnrecognizedError: items were there, but none of them is the account's.
    """
    verdicts = [(item, _judge(item, page)) for item in items]
    others = [item for item, own in verdicts if own is False]
    if page.user_id or (page.name and not page.gone):
        kept = [item for item, own in verdicts if own or (own is None and not others)]
    else:
        names = {a.user_id or a.name for a in map(item_author, items) if a is not None}
        if len(names) > 1:
            raise UnrecognizedError(
                f"{LABEL}文章列表含多个作者的内容，页面未显示账号资料，无法确认哪些是该账号的"
            )
        kept = items
    if items and not kept:
        raise UnrecognizedError(f"{LABEL}文章列表只有其他账号的内容")
    return kept


def _judge(item: dict[str, Any], page: PageProfile) -> bool | None:
    author = item_author(item)
    return None if author is None else _is_own(author, page)


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
    user_id = _text(blob.get("user_id") or blob.get("userId"))
    return PageProfile(name=name, subject=subject, post_count=to_count(count), user_id=user_id)


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
    """The feed JSON, with ``data`` a list.

    Raises:
        WallError: captcha page or a refusing HTTP status.
        TransientError: the platform's own error message (retried).
        UnrecognizedError: JSON without a ``data`` list (a changed platform).
    """
    check_http(fetched, LABEL)
    if CAPTCHA_MARKER in fetched.body[:8192].decode("utf-8", errors="replace"):
        raise WallError(f"{LABEL}验证码页（{CAPTCHA_MARKER}）：{fetched.url}")
    data = fetched.json()
    if not isinstance(data, dict):
        raise UnrecognizedError(f"{LABEL}文章列表无法识别（不是 JSON 对象）：{fetched.url}")
    message = data.get("message")
    if message not in ("success", None):
        raise TransientError(f"{LABEL}文章列表返回错误（{message}）：{fetched.url}")
    if data.get("data") is None and "data" in data:
        data = {**data, "data": []}
    if not isinstance(data.get("data"), list):
        raise UnrecognizedError(f"{LABEL}文章列表无法识别（缺少 data 列表）：{fetched.url}")
    return data


def _post(item: dict[str, Any], fetched: Fetched) -> Post:
    item_id = str(item.get("item_id") or item.get("group_id") or item.get("id") or "")
    # publish_time, never behot_time: behot is a ranking time and can be newer (platforms.md).
    when = item.get("publish_time") or item.get("create_time")
    text = item.get("title") or item.get("content") or item.get("abstract") or ""
    return Post(
        id=item_id,
        published_at=post_time(when, fetched.received_at, f"{LABEL}文章 {item_id} "),
        pinned=bool(item.get("is_top") or item.get("is_stick")),
        text=str(text),
        link=_link(item_id, item.get("cell_type")),
    )


def _link(item_id: str, cell_type: object) -> str:
    """The item's public page: /video/ for videos (0, 49), /w/ for 微头条 (32), else /article/."""
    if not item_id:
        return ""
    kind = {0: "video", 49: "video", 32: "w"}.get(cell_type if isinstance(cell_type, int) else -1, "article")
    return f"https://www.toutiao.com/{kind}/{item_id}/"
