"""Synthetic platform responses for one account scenario, as HAR entries.

A :class:`Scenario` says what is true of an account on its platform (posts,
deleted, banned, behind a wall, flaky) and when our visit received the
responses. :func:`build_entries` turns it into the exact requests of
platforms.md, in serving order (a corpus scripts "503, then 200" by order).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta, timezone
from enum import StrEnum
from typing import Any
from urllib.parse import quote

from ..models import Platform
from . import templates
from .har import HTML, JSON, har_entry

CST = timezone(timedelta(hours=8))


class State(StrEnum):
    """What a visit of the account sees."""

    ok = "ok"
    empty = "empty"  # reachable, no post at all
    not_found = "not_found"
    banned = "banned"
    private = "private"
    wall_login = "wall_login"  # weibo {"ok":-100}
    wall_418 = "wall_418"  # weibo HTTP 418
    wall_432 = "wall_432"  # weibo HTTP 432
    wall_visitor = "wall_visitor"  # weibo "Sina Visitor System" page
    wall_captcha = "wall_captcha"  # douyin 验证码中间页
    wall_empty = "wall_empty"  # douyin empty JSON bodies
    wall_antispider = "wall_antispider"  # sogou 302 to /antispider/


class Flaky(StrEnum):
    """A transient fault before the real answer."""

    none = "none"
    http_503 = "http_503"  # the data request answers 503 once, then the real response
    empty_feed = "empty_feed"  # toutiao: an empty feed once, then the data


SUPPORTED_STATES: dict[Platform, frozenset[State]] = {
    Platform.weibo: frozenset(
        {
            State.ok,
            State.empty,
            State.not_found,
            State.banned,
            State.wall_login,
            State.wall_418,
            State.wall_432,
            State.wall_visitor,
        }
    ),
    Platform.douyin: frozenset(
        {
            State.ok,
            State.empty,
            State.not_found,
            State.banned,
            State.private,
            State.wall_captcha,
            State.wall_empty,
        }
    ),
    Platform.toutiao: frozenset({State.ok, State.empty, State.not_found, State.banned}),
    Platform.wechat: frozenset({State.ok, State.empty, State.not_found, State.wall_antispider}),
}


@dataclass(frozen=True)
class SynthPost:
    """A post as the platform would list it.

    ``relative`` (weibo only) renders created_at as relative text (刚刚, N分钟前,
    N小时前, 昨天 HH:MM, MM-DD) anchored to the scenario's ``received_at``.
    For a repost, ``published_at`` is the repost's time; ``original_at`` the original's.
    """

    id: str
    published_at: datetime
    text: str
    pinned: bool = False
    repost: bool = False
    original_at: datetime | None = None
    relative: bool = False


@dataclass(frozen=True)
class Decoy:
    """A WeChat search result with a similar name but a different 微信号, listed first."""

    name: str
    wechat_id: str
    article_title: str = ""
    article_at: datetime | None = None


@dataclass(frozen=True)
class Scenario:
    """One account on one platform, and what our visit of it received."""

    platform: Platform
    account_id: str
    live_name: str
    received_at: datetime
    subject: str = ""
    state: State = State.ok
    posts: tuple[SynthPost, ...] = ()
    flaky: Flaky = Flaky.none
    decoys: tuple[Decoy, ...] = ()
    numeric_id: str = ""  # douyin uid / toutiao user_id; derived when empty
    extra: dict[str, Any] = field(default_factory=dict, compare=False)

    def __post_init__(self) -> None:
        if self.received_at.tzinfo is None:
            raise ValueError("received_at must be timezone-aware")
        if self.state not in SUPPORTED_STATES[self.platform]:
            raise ValueError(f"state {self.state} is not modelled for {self.platform}")
        if self.flaky is Flaky.empty_feed and self.platform is not Platform.toutiao:
            raise ValueError("empty_feed is a toutiao fault")


# --- URLs (platforms.md) -------------------------------------------------------------


def weibo_page_url(uid: str) -> str:
    return f"https://m.weibo.cn/u/{uid}"


def weibo_profile_url(uid: str) -> str:
    return f"https://m.weibo.cn/api/container/getIndex?type=uid&value={uid}&containerid=100505{uid}"


def weibo_posts_url(uid: str) -> str:
    return f"https://m.weibo.cn/api/container/getIndex?type=uid&value={uid}&containerid=107603{uid}"


def douyin_page_url(sec_uid: str) -> str:
    return f"https://www.douyin.com/user/{sec_uid}"


def douyin_profile_url(sec_uid: str) -> str:
    return (
        "https://www.douyin.com/aweme/v1/web/user/profile/other/"
        f"?sec_user_id={sec_uid}&device_platform=webapp&aid=6383"
    )


def douyin_posts_url(sec_uid: str) -> str:
    return f"https://www.douyin.com/aweme/v1/web/aweme/post/?sec_user_id={sec_uid}&max_cursor=0&count=18&aid=6383"


def toutiao_page_url(token: str) -> str:
    return f"https://www.toutiao.com/c/user/token/{token}/"


def toutiao_feed_url(token: str) -> str:
    """The user feed the page loads (platforms.md, real); never /api/pc/list/feed (recommendations)."""
    return (
        "https://www.toutiao.com/api/pc/list/user/feed"
        f"?category=profile_all&token={token}&max_behot_time=0&aid=24&app_name=toutiao_web"
    )


def sogou_search_url(wechat_id: str) -> str:
    return f"https://weixin.sogou.com/weixin?type=1&query={quote(wechat_id, safe='')}"


def sogou_antispider_url(wechat_id: str) -> str:
    origin = f"/weixin?type=1&query={quote(wechat_id, safe='')}"
    return f"https://weixin.sogou.com/antispider/?from={quote(origin, safe='')}"


def page_url(platform: Platform, account_id: str) -> str:
    """The page a browser opens for the account."""
    return {
        Platform.weibo: weibo_page_url,
        Platform.douyin: douyin_page_url,
        Platform.toutiao: toutiao_page_url,
        Platform.wechat: sogou_search_url,
    }[platform](account_id)


# --- helpers ---------------------------------------------------------------------------

_DAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def weibo_time(moment: datetime) -> str:
    """Weibo's created_at: ``Tue Feb 23 12:28:47 +0800 2021`` (locale-independent)."""
    local = moment.astimezone(CST)
    return (
        f"{_DAYS[local.weekday()]} {_MONTHS[local.month - 1]} {local.day:02d} "
        f"{local:%H:%M:%S} +0800 {local.year}"
    )


def weibo_relative_time(moment: datetime, received_at: datetime) -> str:
    """Relative created_at as older m.weibo.cn responses give it, anchored to ``received_at``."""
    local = moment.astimezone(CST)
    anchor = received_at.astimezone(CST)
    delta = anchor - local
    if delta < timedelta(minutes=1):
        return "刚刚"
    if delta < timedelta(hours=1):
        return f"{int(delta.total_seconds() // 60)}分钟前"
    if delta < timedelta(hours=24) and local.date() == anchor.date():
        return f"{int(delta.total_seconds() // 3600)}小时前"
    if local.date() == anchor.date() - timedelta(days=1):
        return f"昨天 {local:%H:%M}"
    if local.year == anchor.year:
        return f"{local:%m-%d}"
    return f"{local:%Y-%m-%d}"


def epoch(moment: datetime) -> int:
    """Epoch seconds of an aware datetime."""
    return int(moment.astimezone(UTC).timestamp())


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _digits(text: str, length: int) -> str:
    value = 0
    for char in text:
        value = (value * 131 + ord(char)) % (10**length)
    return str(value).rjust(length, "7")


def _latest_first(posts: tuple[SynthPost, ...]) -> list[SynthPost]:
    """Pinned posts first (as platforms list them), then newest first."""
    pinned = [p for p in posts if p.pinned]
    rest = sorted((p for p in posts if not p.pinned), key=lambda p: p.published_at, reverse=True)
    return pinned + rest


def _latest(posts: tuple[SynthPost, ...]) -> SynthPost | None:
    return max(posts, key=lambda p: p.published_at) if posts else None


Entry = dict[str, Any]


def _flake(url: str, at: datetime) -> Entry:
    """A 503 served once before the real response of ``url``."""
    return har_entry(
        url,
        at - timedelta(seconds=2),
        status=503,
        body="<html><body>503 Service Temporarily Unavailable</body></html>",
        mime_type=HTML,
    )


# --- weibo -----------------------------------------------------------------------------


def _weibo_mblog(s: Scenario, post: SynthPost) -> dict[str, Any]:
    created = (
        weibo_relative_time(post.published_at, s.received_at)
        if post.relative
        else weibo_time(post.published_at)
    )
    user = {"id": int(s.account_id), "screen_name": s.live_name, "verified": True, "verified_type": 1}
    mblog: dict[str, Any] = {
        "id": post.id,
        "mid": post.id,
        "created_at": created,
        "text": post.text if not post.repost else "转发微博",
        "source": "微博 weibo.com",
        "user": user,
        "reposts_count": 3,
        "comments_count": 1,
        "attitudes_count": 12,
    }
    if post.pinned:
        mblog.update({"isTop": 1, "mblogtype": 2, "title": {"text": "置顶", "base_color": 1}})
    else:
        mblog["mblogtype"] = 0
    if post.repost:
        original_at = post.original_at or (post.published_at - timedelta(days=2))
        mblog["retweeted_status"] = {
            "id": str(int(post.id) - 1357),
            "created_at": weibo_time(original_at),
            "text": post.text,
            "user": {"id": 2656274875, "screen_name": "湖北发布", "verified": True, "verified_type": 1},
        }
    return mblog


def _weibo(s: Scenario) -> list[Entry]:
    uid = s.account_id
    at = s.received_at
    page, profile, posts = weibo_page_url(uid), weibo_profile_url(uid), weibo_posts_url(uid)
    if s.state is State.wall_visitor:
        wall = templates.weibo_visitor_page()
        return [har_entry(u, at, body=wall) for u in (page, profile, posts)]
    entries = [har_entry(page, at, body=templates.weibo_page(uid, [profile, posts]))]
    later = at + timedelta(seconds=1)
    if s.state in (State.wall_418, State.wall_432):
        code = 418 if s.state is State.wall_418 else 432
        return entries + [har_entry(u, later, status=code, body="", mime_type=HTML) for u in (profile, posts)]
    if s.state is State.wall_login:
        body = _json({"ok": -100, "url": "https://passport.weibo.cn/signin/welcome?entry=mweibo"})
        return entries + [har_entry(u, later, body=body, mime_type=JSON) for u in (profile, posts)]
    if s.state is State.not_found:
        gone = _json({"ok": 0, "msg": "用户不存在"})
        return entries + [har_entry(u, later, body=gone, mime_type=JSON) for u in (profile, posts)]
    if s.state is State.banned:
        gone = _json({"ok": 0, "msg": "该账号因违反相关法律法规已被封禁，用户不存在"})
        return entries + [har_entry(u, later, body=gone, mime_type=JSON) for u in (profile, posts)]
    count = 0 if s.state is State.empty else max(len(s.posts), 1) * 37 + len(s.posts)
    user_info = {
        "id": int(uid),
        "screen_name": s.live_name,
        "profile_url": f"https://m.weibo.cn/u/{uid}",
        "verified": True,
        "verified_type": 1,
        "verified_reason": s.subject,
        "description": f"{s.subject}官方微博",
        "statuses_count": count,
        "followers_count": 12000 + len(s.live_name) * 311,
    }
    entries.append(
        har_entry(profile, later, body=_json({"ok": 1, "data": {"userInfo": user_info}}), mime_type=JSON)
    )
    if s.state is State.empty or not s.posts:
        body = _json({"ok": 0, "msg": "这里还没有内容", "data": {"cards": []}})
    else:
        cards = [
            {"card_type": 9, "itemid": f"1076031{uid}_-_{p.id}", "mblog": _weibo_mblog(s, p)}
            for p in _latest_first(s.posts)
        ]
        body = _json({"ok": 1, "data": {"cardlistInfo": {"containerid": f"107603{uid}"}, "cards": cards}})
    if s.flaky is Flaky.http_503:
        entries.append(_flake(posts, later))
    entries.append(har_entry(posts, later, body=body, mime_type=JSON))
    return entries


# --- douyin ----------------------------------------------------------------------------


def _douyin(s: Scenario) -> list[Entry]:
    sec = s.account_id
    at = s.received_at
    page, profile, posts = douyin_page_url(sec), douyin_profile_url(sec), douyin_posts_url(sec)
    if s.state is State.wall_captcha:
        wall = templates.douyin_captcha_page()
        return [har_entry(u, at, body=wall) for u in (page, profile, posts)]
    name = s.live_name if s.state not in (State.not_found,) else ""
    entries = [har_entry(page, at, body=templates.douyin_page(name, [profile, posts]))]
    later = at + timedelta(seconds=1)
    if s.state is State.wall_empty:
        return entries + [har_entry(u, later, body="", mime_type=JSON) for u in (profile, posts)]
    uid = s.numeric_id or _digits(sec, 11)
    special = {"special_state": 0, "title": "", "content": ""}
    deleted = False
    secret = 0
    nickname = s.live_name
    aweme_list: list[dict[str, Any]] = []
    count = len(s.posts)
    if s.state is State.not_found:
        deleted, nickname, count = True, "账号已注销", 0
    elif s.state is State.banned:
        special = {"special_state": 1, "title": "账号已封禁", "content": "该账号因违反社区自律公约已被封禁"}
        count = 0
    elif s.state is State.private:
        # platforms.md (real): secret 1, special_state 4, counts shown as 0 (hidden, not zero).
        special = {"special_state": 4, "title": "私密账号", "content": "关注帐号后才能查看作品和喜欢"}
        secret, count = 1, 0
    elif s.state is State.empty:
        count = 0
    else:
        aweme_list = [
            {
                "aweme_id": p.id,
                "desc": p.text,
                "create_time": epoch(p.published_at),
                "is_top": 1 if p.pinned else 0,
                "author": {"nickname": s.live_name, "sec_uid": sec, "uid": uid},
                "statistics": {"digg_count": 25, "comment_count": 2, "share_count": 1},
            }
            for p in _latest_first(s.posts)
        ]
    user = {
        "uid": uid,
        "sec_uid": sec,
        "nickname": nickname,
        "unique_id": s.extra.get("unique_id", f"dy{uid[-8:]}"),
        "signature": f"{s.subject}官方抖音号" if s.subject else "",
        "aweme_count": count,
        "enterprise_verify_reason": s.subject,
        "custom_verify": "",
        "secret": secret,
        "special_state_info": special,
        "user_deleted": deleted,
    }
    entries.append(
        har_entry(
            profile, later, body=_json({"status_code": 0, "status_msg": "", "user": user}), mime_type=JSON
        )
    )
    feed = {"status_code": 0, "aweme_list": aweme_list, "has_more": 0, "max_cursor": 0, "min_cursor": 0}
    if s.flaky is Flaky.http_503:
        entries.append(_flake(posts, later))
    entries.append(har_entry(posts, later, body=_json(feed), mime_type=JSON))
    return entries


# --- toutiao ---------------------------------------------------------------------------


def _toutiao(s: Scenario) -> list[Entry]:
    token = s.account_id
    at = s.received_at
    page, feed = toutiao_page_url(token), toutiao_feed_url(token)
    later = at + timedelta(seconds=1)
    empty_feed = _json({"message": "success", "has_more": False, "data": [], "next": {"max_behot_time": 0}})
    if s.state in (State.not_found, State.banned):
        message = "用户不存在" if s.state is State.not_found else "该用户已注销"
        return [
            har_entry(page, at, body=templates.toutiao_gone_page(message)),
            har_entry(feed, later, body=empty_feed, mime_type=JSON),
        ]
    entries = [har_entry(page, at, body=templates.toutiao_page(s.live_name, s.subject, [feed]))]
    user_id = s.numeric_id or _digits(token, 16)
    user_info = {"name": s.live_name, "user_id": user_id, "verified_content": s.subject}
    items = []
    for index, p in enumerate(_latest_first(s.posts)):
        published = epoch(p.published_at)
        # behot_time is a ranking time: sometimes newer than the post (platforms.md trap).
        behot = published + (86400 * 3 + 1800 if index % 2 == 0 else 0)
        items.append(
            {
                "item_id": p.id,
                "group_id": p.id,
                "title": p.text,
                "abstract": p.text[:40],
                "publish_time": published,
                "behot_time": behot,
                "user_info": user_info,
            }
        )
    if s.flaky is Flaky.http_503:
        entries.append(_flake(feed, later))
    if s.flaky is Flaky.empty_feed:
        entries.append(har_entry(feed, later, body=empty_feed, mime_type=JSON))
    if s.state is State.empty or not items:
        entries.append(har_entry(feed, later, body=empty_feed, mime_type=JSON))
    else:
        body = {"message": "success", "has_more": False, "data": items, "next": {"max_behot_time": 0}}
        entries.append(har_entry(feed, later, body=_json(body), mime_type=JSON))
    return entries


# --- wechat (Sogou account search) -----------------------------------------------------


def wechat_profile_url(wechat_id: str, at: datetime) -> str:
    """The account page a Sogou result links to, in its direct form (signature made up)."""
    signature = f"{_digits(wechat_id, 12)}*{_digits(wechat_id[::-1], 10)}-Vw=="
    return f"http://mp.weixin.qq.com/profile?src=3&timestamp={epoch(at)}&ver=1&signature={signature}"


def sogou_link_url(wechat_id: str) -> str:
    """Sogou's ``/link?url=…`` that redirects to the account page (newer result pages)."""
    token = f"dn9a_-gY295K0Rci_xozVXfdMkSQTLW6cwJThYulHEtVjXrGTiVgS{_digits(wechat_id, 16)}"
    return f"https://weixin.sogou.com/link?url={token}&type=1&query={quote(wechat_id, safe='')}"


def _wechat_account_page(s: Scenario) -> tuple[str, list[Entry]]:
    """The link a result without 最近文章 gives, and the entries that serve it.

    An account that never posted shows an empty ``msgList`` there. The link
    is the direct form or the ``/link`` redirect to it, by account.
    """
    at = s.received_at + timedelta(seconds=1)
    profile = wechat_profile_url(s.account_id, s.received_at)
    page = templates.mp_profile_page(s.account_id, s.live_name, s.subject, [])
    entries = [har_entry(profile, at, body=page)]
    if int(_digits(s.account_id, 4)) % 2 == 0:
        return profile, entries
    link = sogou_link_url(s.account_id)
    return "/" + link.split("/", 3)[3], [
        har_entry(link, at, status=302, body="", mime_type=HTML, redirect_url=profile),
        *entries,
    ]


def _wechat(s: Scenario) -> list[Entry]:
    wid = s.account_id
    at = s.received_at
    url = sogou_search_url(wid)
    if s.state is State.wall_antispider:
        target = sogou_antispider_url(wid)
        return [
            har_entry(url, at, status=302, body="", mime_type=HTML, redirect_url=target),
            har_entry(target, at + timedelta(seconds=1), body=templates.sogou_antispider_page()),
        ]
    if s.state is State.not_found:
        empty = templates.sogou_results_page(wid, [])
        # The same empty page twice: a retry sees it again (Sogou also empties pages when throttling).
        return [har_entry(url, at, body=empty), har_entry(url, at + timedelta(seconds=30), body=empty)]
    results = [
        templates.SogouResult(
            name=d.name,
            wechat_id=d.wechat_id,
            subject=s.subject,
            intro=f"{d.name}，服务群众。",
            article_title=d.article_title,
            article_epoch=epoch(d.article_at) if d.article_at else None,
        )
        for d in s.decoys
    ]
    latest = _latest(s.posts) if s.state is State.ok else None
    # No 最近文章 block: the result's account page is the second source (platforms.md).
    link, account_page = ("", []) if latest else _wechat_account_page(s)
    results.append(
        templates.SogouResult(
            name=s.live_name,
            wechat_id=wid,
            subject=s.subject,
            intro=f"{s.subject}官方微信公众号，发布政务信息，提供便民服务。",
            article_title=latest.text if latest else "",
            article_epoch=epoch(latest.published_at) if latest else None,
            account_link=link,
            auth_script=int(_digits(wid + "|auth", 3)) % 2 == 1,  # the real label form, for some
        )
    )
    entries: list[Entry] = []
    if s.flaky is Flaky.http_503:
        entries.append(_flake(url, at))
    entries.append(har_entry(url, at, body=templates.sogou_results_page(wid, results)))
    return entries + account_page


_BUILDERS: dict[Platform, Callable[[Scenario], list[Entry]]] = {
    Platform.weibo: _weibo,
    Platform.douyin: _douyin,
    Platform.toutiao: _toutiao,
    Platform.wechat: _wechat,
}


def build_entries(scenario: Scenario) -> list[Entry]:
    """The HAR entries a visit of ``scenario`` receives, in serving order."""
    return _BUILDERS[scenario.platform](scenario)


# --- what one visit of a scenario costs (issue 8's live check) ---------------------------

WALL_STATES: frozenset[State] = frozenset(s for s in State if s.value.startswith("wall_"))


def visit_trouble(scenario: Scenario) -> str | None:
    """Why a visit of ``scenario`` is more than one clean exchange, or None when it is one.

    - ``"wall"``: a wall state (the sweep backs the platform off and requeues
      the account after its cool-down);
    - ``"fault"``: a transient fault is scripted (a 503, toutiao's empty feed
      once): the visit is retried (counted even where the state's responses
      leave no room for it, to stay on the safe side);
    - ``"unconfirmed"``: an empty answer the collector believes only once a
      retry sees it again (a toutiao feed with nothing in it, a Sogou page
      without the account, an empty weibo feed of an account with posts).
    """
    if scenario.state in WALL_STATES:
        return "wall"
    if scenario.flaky is not Flaky.none:
        return "fault"
    if scenario.state is State.ok and not scenario.posts and scenario.platform in _FEED_PLATFORMS:
        return "unconfirmed"  # an empty feed from an account said to have posts
    if (scenario.platform, scenario.state) in _UNCONFIRMED:
        return "unconfirmed"
    return None


_FEED_PLATFORMS = frozenset({Platform.weibo, Platform.toutiao})
_UNCONFIRMED = frozenset({(Platform.toutiao, State.empty), (Platform.wechat, State.not_found)})
