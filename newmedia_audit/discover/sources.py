"""The three search sources in one closed table, and their view for the sweep's fetchers.

``SearchVisit`` presents one result page (platform, query, page) with the
methods the fetchers of collect/fetch.py ask a collector for (page_url,
api_urls, role_of, required_roles), so discovery visits pages with the
sweep's own browser and httpx paths: the browser opens the search page and
captures the JSON it loads (else asks the page context for it), httpx GETs
the result URL. The account id the fetchers pass around is the query (the
browser keeps only responses whose URL names it).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from types import ModuleType

from ..collect.base import Fetched
from ..collect.parsing import need
from ..models import Platform
from . import douyin, sogou, weibo
from .hits import SearchPage


@dataclass(frozen=True)
class SearchSource:
    """One platform's search: its URLs, the role of its result response, its parser."""

    platform: str
    label: str
    role: str
    search_url: Callable[[str, int], str]
    page_url: Callable[[str, int], str]
    role_of: Callable[[str, str, int], str | None]
    parse: Callable[..., SearchPage]

    @classmethod
    def of(cls, module: ModuleType, label: str) -> SearchSource:
        return cls(
            platform=module.PLATFORM,
            label=label,
            role=module.ROLE,
            search_url=module.search_url,
            page_url=module.page_url,
            role_of=module.role_of,
            parse=module.parse,
        )

    def read(self, responses: dict[str, Fetched], query: str, page: int, *, confirmed: bool) -> SearchPage:
        """Parse the result response of a visit (see the platform module's ``parse``)."""
        return self.parse(need(responses, self.role, self.label), query, page, confirmed=confirmed)


SOURCES: dict[str, SearchSource] = {
    "weibo": SearchSource.of(weibo, "微博"),
    "wechat": SearchSource.of(sogou, "微信（搜狗）"),
    "douyin": SearchSource.of(douyin, "抖音"),
}


class SearchVisit:
    """One result page, shaped as the fetchers' collector (collect/base.py ``Collector``)."""

    def __init__(self, source: SearchSource, query: str, page: int) -> None:
        self.source = source
        self.query = query
        self.page = page
        self.platform = Platform(source.platform)

    def page_url(self, account_id: str) -> str:
        """The page the browser opens for this result page."""
        return self.source.page_url(self.query, self.page)

    def api_urls(self, account_id: str) -> dict[str, str]:
        """The result response's URL, under its role (httpx GETs it; the browser asks
        the page context for it when the page did not load it)."""
        return {self.source.role: self.source.search_url(self.query, self.page)}

    def role_of(self, url: str) -> str | None:
        return self.source.role_of(url, self.query, self.page)

    def required_roles(self) -> tuple[str, ...]:
        return (self.source.role,)
