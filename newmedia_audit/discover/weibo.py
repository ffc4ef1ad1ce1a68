"""Weibo user search (m.weibo.cn): URLs and the pure parser of a result page.

Shape (platforms.md, "Search, for discovery"; inferred from real follower
lists and profiles of the same API, no real capture of this call exists):
``{"ok":1,"data":{"cardlistInfo":{"page":2},"cards":[{"card_type":11,
"card_group":[{"card_type":10,"user":{"id":..,"screen_name":..,"verified":true,
"verified_type":1,"verified_reason":"..","description":..,"followers_count":..}}]}]}}``.
``cardlistInfo.page`` is the next page. ``{"ok":0,"msg":"这里还没有内容"}`` is
the empty answer, and also what m.weibo.cn says to a visitor without its
cookies (platforms.md, Weibo): it is "no result" only once confirmed.
Walls: ``ok:-100``, HTTP 418/432, the Sina Visitor System page.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qs, quote, urlencode, urlsplit

from ..collect.base import Fetched
from ..collect.parsing import check_http, to_count
from ..errors import TransientError, UnrecognizedError, WallError
from .hits import SearchHit, SearchPage, UnconfirmedEmpty

PLATFORM = "weibo"
LABEL = "微博搜索"
HOST = "m.weibo.cn"
API_PATH = "/api/container/getIndex"
PAGE_PATH = "/search"
ROLE = "search"
_EMPTY_MARKER = "这里还没有内容"
_WALL_MARKERS = ("频繁", "登录", "验证", "稍后再试")


def containerid(query: str) -> str:
    """The user-search container of a query (type=3: users)."""
    return f"100103type=3&q={query}"


def search_url(query: str, page: int) -> str:
    """The JSON call of one result page (the first page carries no ``page``, as the site's)."""
    params = {"containerid": containerid(query), "page_type": "searchall"}
    if page > 1:
        params["page"] = str(page)
    return f"https://{HOST}{API_PATH}?{urlencode(params, quote_via=quote, safe='')}"


def page_url(query: str, page: int) -> str:
    """The search page the browser opens (it calls ``search_url`` itself)."""
    return f"https://{HOST}{PAGE_PATH}?containerid={quote(containerid(query), safe='')}"


def role_of(url: str, query: str, page: int) -> str | None:
    """``search`` for this query's page ``page`` of the JSON call, ``page`` for the search page."""
    parts = urlsplit(url)
    if parts.hostname != HOST:
        return None
    if parts.path == PAGE_PATH:
        return "page"
    if parts.path != API_PATH:
        return None
    params = parse_qs(parts.query)
    inner = parse_qs(params.get("containerid", [""])[0])
    if inner.get("q", [""])[0] != query or inner.get("100103type", [""])[0] != "3":
        return None
    return ROLE if params.get("page", ["1"])[0] == str(page) else None


def _users(cards: list[Any]) -> Iterator[dict[str, Any]]:
    """User objects of card_type 10 cards, inside card_group lists too."""
    for card in cards:
        if not isinstance(card, dict):
            continue
        if card.get("card_type") == 10 and isinstance(card.get("user"), dict):
            yield card["user"]
        group = card.get("card_group")
        if isinstance(group, list):
            yield from _users(group)


def _hit(user: dict[str, Any], query: str, page: int) -> SearchHit | None:
    uid = str(user.get("id") or user.get("idstr") or "").strip()
    if not uid.isdigit():
        return None
    vtype = user.get("verified_type")
    return SearchHit(
        platform=PLATFORM,
        account_id=uid,
        name=str(user.get("screen_name") or "").strip(),
        # Real captures end verified_reason with a full-width space.
        certification=str(user.get("verified_reason") or "").strip(),
        cert_source="verified_reason",
        verified=bool(user.get("verified")),
        verified_type=vtype if isinstance(vtype, int) and not isinstance(vtype, bool) else None,
        description=str(user.get("description") or "").strip(),
        followers=to_count(user.get("followers_count")),
        url=f"https://m.weibo.cn/u/{uid}",
        query=query,
        page=page,
    )


def parse(fetched: Fetched, query: str, page: int, *, confirmed: bool = False) -> SearchPage:
    """Pure: one result page.

    Args:
        fetched: the JSON call's response.
        query, page: the search it answers.
        confirmed: the previous try of this page was empty too.

    Raises:
        WallError: 403/418/429/432, the visitor page, ``ok:-100`` or a refusal message.
        UnconfirmedEmpty: no user listed, not confirmed yet.
        UnrecognizedError: HTML where JSON was expected, JSON without the known keys.
        TransientError: 5xx, cut-off JSON, another failed answer.
    """
    check_http(fetched, LABEL)
    if "Sina Visitor System" in fetched.body[:4096].decode("utf-8", errors="replace"):
        raise WallError(f"{LABEL}访客验证页（Sina Visitor System）：{fetched.url}")
    data = fetched.json()
    if not isinstance(data, dict) or "ok" not in data:
        raise UnrecognizedError(f"{LABEL}结果无法识别（没有 ok 字段）：{fetched.url}")
    ok, msg = data.get("ok"), str(data.get("msg") or "")
    if ok != 1:
        if ok == 0 and _EMPTY_MARKER in msg:
            return _empty(fetched, confirmed, "（这里还没有内容；也可能缺少访客 Cookie）")
        if ok == -100 or any(m in msg for m in _WALL_MARKERS):
            raise WallError(f"{LABEL}要求登录或验证（ok {ok}，{msg or '无说明'}）")
        raise TransientError(f"{LABEL}请求未成功（ok {ok}，{msg or '无说明'}）")
    body = data.get("data")
    cards = body.get("cards") if isinstance(body, dict) else None
    if not isinstance(cards, list):
        raise UnrecognizedError(f"{LABEL}结果无法识别（缺少 data.cards）：{fetched.url}")
    hits = tuple(h for h in (_hit(u, query, page) for u in _users(cards)) if h is not None)
    if not hits:
        return _empty(fetched, confirmed, "")
    info = body.get("cardlistInfo") if isinstance(body, dict) else None
    info = info if isinstance(info, dict) else {}
    following = info.get("page")
    more = isinstance(following, int) and not isinstance(following, bool) and following > page
    return SearchPage(hits=hits, more=more, total=to_count(info.get("total")))


def _empty(fetched: Fetched, confirmed: bool, note: str) -> SearchPage:
    if not confirmed:
        raise UnconfirmedEmpty(f"{LABEL}没有结果{note}，需重试确认：{fetched.url}")
    return SearchPage()
