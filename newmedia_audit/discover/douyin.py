"""Douyin user search: URLs and the pure parser of a result page.

The page ``https://www.douyin.com/search/{query}?type=user`` loads
``/aweme/v1/web/discover/search/?search_channel=aweme_user_web&keyword={query}&offset={n}&count=10``
itself, signed as every Douyin call: the browser path captures that call
(pages after the first are asked from the page context when the page did
not load them). Shape (platforms.md; real app capture of the same search):
``{"status_code":0,"user_list":[{"user_info":{"uid":..,"sec_uid":..,
"nickname":..,"unique_id":..,"signature":..,"custom_verify":..,
"enterprise_verify_reason":..,"follower_count":N}}],"cursor":10,"has_more":1}``.
``enterprise_verify_reason`` names an organisation, ``custom_verify`` is a
person's title; ``aweme_count`` reads 0 in search results and is not used.
Walls: ``search_nil_info.search_nil_type`` ``verify_check`` (captcha) or
``antispam_check`` with an empty list, the 验证码中间页, an empty body, a
non-zero status_code.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import parse_qs, quote, urlsplit

from ..collect.base import Fetched
from ..collect.douyin import json_object
from ..collect.parsing import to_count
from ..errors import UnrecognizedError, WallError
from .hits import SearchHit, SearchPage, UnconfirmedEmpty

PLATFORM = "douyin"
LABEL = "抖音搜索"
HOST = "www.douyin.com"
API_PATH = "/aweme/v1/web/discover/search/"
ROLE = "search"
PAGE_SIZE = 10
WALL_NIL_TYPES = frozenset({"verify_check", "antispam_check"})


def offset(page: int) -> int:
    return (max(1, page) - 1) * PAGE_SIZE


def search_url(query: str, page: int) -> str:
    """The JSON call of one result page, unsigned (the page's own calls carry the signatures)."""
    return (
        f"https://{HOST}{API_PATH}?search_channel=aweme_user_web&keyword={quote(query, safe='')}"
        f"&offset={offset(page)}&count={PAGE_SIZE}"
    )


def page_url(query: str, page: int) -> str:
    """The user-search page; it loads the first result page itself."""
    return f"https://{HOST}/search/{quote(query, safe='')}?type=user"


def role_of(url: str, query: str, page: int) -> str | None:
    """``search`` for this query's result page ``page``, ``page`` for the search page."""
    parts = urlsplit(url)
    if parts.hostname != HOST:
        return None
    if parts.path.startswith("/search/"):
        return "page"
    if parts.path != API_PATH:
        return None
    params = parse_qs(parts.query)
    if params.get("keyword", [""])[0] != query:
        return None
    return ROLE if params.get("offset", ["0"])[0] == str(offset(page)) else None


def _hit(item: Any, query: str, page: int) -> SearchHit | None:
    info = item.get("user_info") if isinstance(item, dict) else None
    if not isinstance(info, dict):
        return None
    sec_uid = str(info.get("sec_uid") or "").strip()
    if not sec_uid:
        return None
    enterprise = str(info.get("enterprise_verify_reason") or "").strip()
    custom = str(info.get("custom_verify") or "").strip()
    others = tuple(str(info.get(k) or "").strip() for k in ("unique_id", "uid", "short_id"))
    return SearchHit(
        platform=PLATFORM,
        account_id=sec_uid,
        name=str(info.get("nickname") or "").strip(),
        certification=enterprise or custom,
        cert_source="enterprise_verify_reason" if enterprise else "custom_verify" if custom else "",
        other_ids=tuple(i for i in others if i and i != "0"),
        description=str(info.get("signature") or "").strip(),
        followers=to_count(info.get("follower_count")),
        url=f"https://www.douyin.com/user/{sec_uid}",
        query=query,
        page=page,
    )


def parse(fetched: Fetched, query: str, page: int, *, confirmed: bool = False) -> SearchPage:
    """Pure: one result page.

    Raises:
        WallError: captcha / antispam (search_nil_info), the 验证码中间页, an
            empty body, a refusing status or a non-zero status_code.
        UnconfirmedEmpty: an empty ``user_list`` with no wall, not confirmed yet.
        UnrecognizedError: HTML where JSON was expected, JSON without ``user_list``.
    """
    data = json_object(fetched, label=LABEL, what="结果")
    nil = data.get("search_nil_info")
    nil_type = str(nil.get("search_nil_type") or "") if isinstance(nil, dict) else ""
    items = data.get("user_list")
    if nil_type in WALL_NIL_TYPES and not items:
        raise WallError(f"{LABEL}要求验证（search_nil_type {nil_type}）：{fetched.url}")
    code = data.get("status_code")
    if code not in (0, None):
        raise WallError(f"{LABEL}拒绝请求（status_code {code}，{data.get('status_msg') or '无说明'}）")
    if "user_list" not in data or not isinstance(items, list | None):
        raise UnrecognizedError(f"{LABEL}结果无法识别（缺少 user_list）：{fetched.url}")
    hits = tuple(h for h in (_hit(i, query, page) for i in items or []) if h is not None)
    if items and not hits:
        raise UnrecognizedError(f"{LABEL}结果无法识别（结果中没有 sec_uid）：{fetched.url}")
    if not hits:
        if not confirmed:
            raise UnconfirmedEmpty(
                f"{LABEL}没有结果{('（' + nil_type + '）') if nil_type else ''}，需重试确认"
            )
        return SearchPage()
    more = to_count(data.get("has_more")) == 1 and len(items or []) >= PAGE_SIZE
    return SearchPage(hits=hits, more=more)
