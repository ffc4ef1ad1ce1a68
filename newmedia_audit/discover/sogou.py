"""Sogou WeChat account search: URLs and the pure parser of a result page.

The result list is the one the sweep reads (collect/wechat.py
``parse_results``: ``ul.news-list2 > li``, the 微信号 label, the
script-written 认证 label then the certified subject). Paging links are
``a#sogou_page_N`` and ``a#sogou_next`` (下一页); ``div.mun`` says 找到约N条结果;
no result is ``#noresult_part1_container`` / 暂无与…相关的公众号, which Sogou
also serves when it throttles (so it is confirmed by a second try). Walls: a
redirect to ``/antispider/``, or a verification-code page.
"""

from __future__ import annotations

import re
from urllib.parse import parse_qs, quote, urlsplit

from ..collect.base import Fetched
from ..collect.parsing import check_http, strip_scripts
from ..collect.wechat import ANTISPIDER, CAPTCHA_MARKERS, NO_RESULT_MARKERS, SearchResult, parse_results
from ..errors import TransientError, UnrecognizedError, WallError
from .hits import SearchHit, SearchPage, UnconfirmedEmpty

PLATFORM = "wechat"
LABEL = "搜狗微信搜索"
HOST = "weixin.sogou.com"
PATH = "/weixin"
# The search page is the document itself: the fetchers keep it under "page".
ROLE = "page"
PAGE_SIZE = 10

_NEXT = re.compile(r"""<a\b[^>]*\bid\s*=\s*["']sogou_next["']""", re.IGNORECASE)
_TOTAL = re.compile(r"找到约?\s*([\d,]+)\s*条结果")


def search_url(query: str, page: int) -> str:
    """One result page of the account search (type=1)."""
    url = f"https://{HOST}{PATH}?type=1&query={quote(query, safe='')}"
    return url if page <= 1 else f"{url}&page={page}"


def page_url(query: str, page: int) -> str:
    """The browser opens the same page."""
    return search_url(query, page)


def role_of(url: str, query: str, page: int) -> str | None:
    """``page`` for this query's account search page ``page``."""
    parts = urlsplit(url)
    if parts.hostname != HOST or parts.path != PATH:
        return None
    params = parse_qs(parts.query)
    if params.get("type", [""])[0] != "1" or params.get("query", [""])[0] != query:
        return None
    return ROLE if params.get("page", ["1"])[0] == str(page) else None


def _antispider(fetched: Fetched) -> str:
    return next((u for u in (*fetched.redirects, fetched.url) if ANTISPIDER in urlsplit(u).path), "")


def _hit(result: SearchResult, query: str, page: int) -> SearchHit:
    return SearchHit(
        platform=PLATFORM,
        account_id=result.wechat_id,
        name=result.name,
        certification=result.subject,
        cert_source="wechat" if result.subject else "",
        query=query,
        page=page,
    )


def parse(fetched: Fetched, query: str, page: int, *, confirmed: bool = False) -> SearchPage:
    """Pure: one result page.

    Raises:
        WallError: the antispider redirect, a refusing status, a verification page.
        UnconfirmedEmpty: the no-result block (or an empty list), not confirmed yet.
        UnrecognizedError: none of the known markers, or results without 微信号.
        TransientError: 5xx, an empty or cut-off page.
    """
    wall = _antispider(fetched)
    if wall:
        raise WallError(f"搜狗反爬验证（antispider）：{wall}")
    check_http(fetched, LABEL)
    text = fetched.text()
    found_list, results = parse_results(text)
    hits = tuple(_hit(r, query, page) for r in results if r.wechat_id)
    if results and not hits:
        raise UnrecognizedError(f"{LABEL}结果无法识别（结果中没有微信号）：{fetched.url}")
    complete = "</html>" in text[-512:].lower()
    if hits:
        total = _TOTAL.search(text)
        more = len(results) >= PAGE_SIZE and _NEXT.search(text) is not None
        return SearchPage(hits=hits, more=more, total=int(total.group(1).replace(",", "")) if total else None)
    if not found_list and any(m in strip_scripts(text) for m in CAPTCHA_MARKERS):
        raise WallError(f"搜狗要求输入验证码：{fetched.url}")
    if not text.strip() or not complete:
        raise TransientError(f"{LABEL}页面为空或不完整（可能限流）：{fetched.url}")
    if not found_list and not any(m in text for m in NO_RESULT_MARKERS):
        raise UnrecognizedError(
            f"{LABEL}页面无法识别（既没有结果列表、无结果提示，也没有验证码）：{fetched.url}"
        )
    if not confirmed:
        raise UnconfirmedEmpty(f"{LABEL}没有结果，需重试确认（搜狗限流时也返回空页）：{fetched.url}")
    return SearchPage()
