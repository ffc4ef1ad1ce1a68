"""WeChat (微信公众号): Sogou's account search page -> Observation.

There is no public post list; Sogou's WeChat account search shows, for each
result, the name, 微信号, certified subject and the latest article.

Traps handled (platforms.md, WeChat): results are matched on 微信号
(case-insensitive), never on the name; an empty result page is what Sogou
also serves when throttling, so it is transient until the last try and
not_found only then; a redirect to ``/antispider/`` or a verification-code
page is a wall; a found account with no latest-article block is
``confirmed_empty``.

Page markers read (what a replay corpus must emit):

    <ul class="news-list2">
      <li>
        <p class="tit"><a href="...">{name}</a></p>
        <p class="info">微信号：<label name="em_weixinhao">{wechat_id}</label></p>
        <dl><dt>功能介绍：</dt><dd>...</dd></dl>
        <dl><dt>微信认证：</dt><dd>{subject}</dd></dl>
        <dl><dt>最近文章：</dt><dd><a href="{link}">{title}</a>
            <span><script>document.write(timeConvert('{epoch_s}'))</script></span></dd></dl>
      </li>
    </ul>

The <dl> blocks may come in any order and any of them may be missing.
Article pages (``mp.weixin.qq.com/s/...``) are read by ``parse_article``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from urllib.parse import parse_qs, quote, urljoin, urlsplit

from ..errors import TransientError, WallError
from ..models import Observation, Platform, Post, Status
from .base import Fetched
from .parsing import check_http, html_to_text, post_time, strip_scripts

LABEL = "微信"
SEARCH = "https://weixin.sogou.com/weixin?type=1&query={query}"
ANTISPIDER = "/antispider"
# Verification page markers, read only when the page has no result list.
CAPTCHA_MARKERS = ("输入验证码", "验证码", "seccodeInput", "seccodeForm", "访问过于频繁")
# Sogou's own "no such account" block; without it or a result list, a page proves nothing.
NO_RESULT_MARKERS = ("no-sosuo", "暂无与")

_ID = re.compile(r"微信号\s*[：:]\s*([A-Za-z0-9_\-]+)")
_TIME_CONVERT = re.compile(r"timeConvert\(\s*['\"]?(\d+)['\"]?\s*\)")
_ARTICLE_CT = re.compile(r"var\s+ct\s*=\s*[\"'](\d+)[\"']")
_ARTICLE_GONE = {
    "该公众号已迁移": Status.not_found,
    "此帐号已被屏蔽": Status.banned,
    "此帐号已自主注销": Status.not_found,
}


@dataclass
class SearchResult:
    """One ``ul.news-list2 > li`` of Sogou's account search."""

    name: str = ""
    wechat_id: str = ""
    subject: str = ""
    article_title: str = ""
    article_link: str = ""
    article_epoch: str = ""  # the timeConvert argument, epoch seconds
    has_latest: bool = False  # a 最近文章 block is present


@dataclass
class _Dl:
    label: list[str] = field(default_factory=list)
    value: list[str] = field(default_factory=list)
    scripts: list[str] = field(default_factory=list)
    link: str = ""
    link_text: list[str] = field(default_factory=list)


class _ResultParser(HTMLParser):
    """Collects the results of ``ul.news-list2`` (stdlib parser: tolerant of broken markup)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.results: list[SearchResult] = []
        self.found_list = False
        self._ul_depth = 0  # depth of nested <ul> inside news-list2 (0: outside)
        self._li_depth = 0
        self._name: list[str] | None = None
        self._p_info: list[str] | None = None
        self._info: list[str] = []
        self._dls: list[_Dl] = []
        self._dl: _Dl | None = None
        self._in: str = ""  # "dt" | "dd" | ""
        self._a_depth = 0
        self._script = False
        self._p_class = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        classes = (dict(attrs).get("class") or "").split()
        if tag == "ul":
            if self._ul_depth:
                self._ul_depth += 1
            elif "news-list2" in classes:
                self._ul_depth = 1
                self.found_list = True
            return
        if not self._ul_depth:
            return
        if tag == "li":
            if self._li_depth == 0 and self._ul_depth == 1:
                self._start_result()
            self._li_depth += 1
        elif not self._li_depth:
            return
        elif tag == "script":
            self._script = True
        elif tag == "p":
            self._p_class = "tit" if "tit" in classes else "info" if "info" in classes else ""
            if self._p_class == "tit":
                self._name = []
            elif self._p_class == "info":
                self._p_info = []
        elif tag == "dl":
            self._dl = _Dl()
            self._dls.append(self._dl)
        elif tag in ("dt", "dd") and self._dl is not None:
            self._in = tag
        elif tag == "a":
            self._a_depth += 1
            if self._in == "dd" and self._dl is not None and not self._dl.link:
                self._dl.link = dict(attrs).get("href") or ""
        elif tag == "br":
            self.handle_data(" ")

    def handle_endtag(self, tag: str) -> None:
        if not self._ul_depth:
            return
        if tag == "ul":
            self._ul_depth -= 1
            if not self._ul_depth and self._li_depth:
                self._end_result()
            return
        if not self._li_depth:
            return
        if tag == "li":
            self._li_depth -= 1
            if self._li_depth == 0:
                self._end_result()
        elif tag == "script":
            self._script = False
        elif tag == "p":
            if self._p_info is not None:
                self._info.append("".join(self._p_info))
            self._p_class, self._p_info = "", None
        elif tag in ("dt", "dd"):
            self._in = ""
        elif tag == "dl":
            self._dl, self._in = None, ""
        elif tag == "a":
            self._a_depth = max(0, self._a_depth - 1)

    def handle_data(self, data: str) -> None:
        if not self._li_depth:
            return
        if self._script:
            if self._dl is not None:
                self._dl.scripts.append(data)
            return
        if self._p_class == "tit" and self._name is not None:
            self._name.append(data)
        elif self._p_class == "info" and self._p_info is not None:
            self._p_info.append(data)
        elif self._dl is not None and self._in == "dt":
            self._dl.label.append(data)
        elif self._dl is not None and self._in == "dd":
            self._dl.value.append(data)
            if self._a_depth:
                self._dl.link_text.append(data)
        else:
            self._info.append(data)

    def _start_result(self) -> None:
        self._name, self._p_info, self._info, self._dls = None, None, [], []
        self._dl, self._in, self._a_depth, self._script, self._p_class = None, "", 0, False, ""

    def _end_result(self) -> None:
        self._li_depth = 0
        result = SearchResult(name=_squash("".join(self._name or [])))
        id_match = _ID.search(_squash(" ".join(self._info)))
        result.wechat_id = id_match.group(1) if id_match else ""
        for dl in self._dls:
            label = _squash("".join(dl.label))
            if label.startswith("微信认证"):
                result.subject = _squash("".join(dl.value))
            elif label.startswith("最近文章"):
                result.has_latest = True
                result.article_title = _squash("".join(dl.link_text) or "".join(dl.value))
                result.article_link = urljoin("https://weixin.sogou.com/", dl.link) if dl.link else ""
                epoch = _TIME_CONVERT.search(" ".join(dl.scripts))
                result.article_epoch = epoch.group(1) if epoch else ""
        self.results.append(result)


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def parse_results(text: str) -> tuple[bool, list[SearchResult]]:
    """The results of a Sogou account-search page.

    Returns:
        (whether a ``ul.news-list2`` was present, its results in page order).
    """
    parser = _ResultParser()
    parser.feed(text)
    parser.close()
    if parser._li_depth:  # unterminated last <li>
        parser._end_result()
    return parser.found_list, parser.results


def _conclusive(text: str, found_list: bool) -> bool:
    """A whole Sogou result page: a result list or the no-result block, and its closing tag."""
    complete = text.rstrip().lower().endswith("</html>")
    return complete and (found_list or any(m in text for m in NO_RESULT_MARKERS))


class WechatCollector:
    """Collector for WeChat official accounts; the account id is the 微信号 (or gh_ id)."""

    platform = Platform.wechat

    def page_url(self, account_id: str) -> str:
        """Sogou's WeChat account search for the id (the only public view)."""
        return SEARCH.format(query=quote(account_id, safe=""))

    def api_urls(self, account_id: str) -> dict[str, str]:
        """The same search page, as role ``page`` (the httpx path fetches it)."""
        return {"page": self.page_url(account_id)}

    def role_of(self, url: str) -> str | None:
        """``page`` for a type=1 search on weixin.sogou.com, else None."""
        parts = urlsplit(url)
        if parts.hostname != "weixin.sogou.com" or parts.path != "/weixin":
            return None
        return "page" if parse_qs(parts.query).get("type", [""])[0] == "1" else None

    def required_roles(self) -> tuple[str, ...]:
        """Only the search page."""
        return ("page",)

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        """Pure: the observation, or raise WallError / TransientError.

        Args:
            account_id: the 微信号 searched for.
            responses: ``page``, the search result page (with its redirect chain).
            final: the fetch layer's last try. A page with no result matching
                the 微信号 raises TransientError before it (Sogou serves empty
                pages when throttling); on the last try it is ``not_found``.
        """
        page = responses.get("page")
        if page is None:
            raise TransientError(f"{LABEL}缺少搜狗搜索页响应")
        for url in (*page.redirects, page.url):
            if ANTISPIDER in urlsplit(url).path:
                raise WallError(f"搜狗反爬验证（antispider）：{url}")
        check_http(page, "搜狗微信")
        text = page.text()
        found_list, results = parse_results(text)
        wanted = account_id.strip().casefold()
        match = next((r for r in results if r.wechat_id.casefold() == wanted), None)
        if match is None:
            if not found_list and any(m in strip_scripts(text) for m in CAPTCHA_MARKERS):
                raise WallError(f"搜狗要求输入验证码：{page.url}")
            what = f"搜狗搜索结果中无微信号 {account_id}（结果 {len(results)} 条）"
            if not final:
                raise TransientError(f"{what}，需重试确认")
            if not _conclusive(text, found_list):
                # A proxy's error page, a page cut off half-way or an empty
                # throttled page is a fault of the visit, never "not found".
                raise TransientError(f"{what}，但页面不完整或不是搜索结果页")
            return Observation(
                platform=self.platform,
                account_id=account_id,
                status=Status.not_found,
                fetched_at=page.received_at,
                detail=what,
            )
        posts: list[Post] = []
        if match.has_latest:
            if not match.article_epoch:
                raise TransientError(f"{LABEL}最近文章缺少时间：{page.url}")
            published = post_time(match.article_epoch, page.received_at, f"{LABEL}最近文章")
            posts.append(
                Post(
                    published_at=published,
                    text=match.article_title,
                    link=match.article_link,
                )
            )
        return Observation(
            platform=self.platform,
            account_id=account_id,
            status=Status.ok,
            live_name=match.name,
            subject=match.subject,
            posts=posts,
            latest_post_at=posts[0].published_at if posts else None,
            confirmed_empty=not match.has_latest and bool(match.name),
            fetched_at=page.received_at,
        )


@dataclass(frozen=True)
class ArticleView:
    """What a WeChat article page shows: the account's state and the article."""

    status: Status
    post: Post | None = None
    detail: str = ""


def parse_article(fetched: Fetched) -> ArticleView:
    """Read an ``mp.weixin.qq.com/s/...`` article page (for ledgers that give an article link).

    Gone markers: 该公众号已迁移 and 此帐号已自主注销 -> not_found, 此帐号已被屏蔽 -> banned.
    Otherwise ``var ct = "<epoch s>"`` is the publish time and the
    ``og:title`` / ``msg_title`` the title.

    Raises:
        WallError: a verification page or a refusing status.
        TransientError: 5xx, or a page with neither a gone marker nor ``var ct``.
    """
    check_http(fetched, LABEL)
    text = fetched.text()
    visible = html_to_text(strip_scripts(text))
    for marker, status in _ARTICLE_GONE.items():
        if marker in visible:
            return ArticleView(status=status, detail=marker)
    ct = _ARTICLE_CT.search(text)
    if ct is None:
        if any(m in visible for m in CAPTCHA_MARKERS) or "环境异常" in visible:
            raise WallError(f"{LABEL}文章页要求验证：{fetched.url}")
        raise TransientError(f"{LABEL}文章页缺少发布时间（var ct）：{fetched.url}")
    title = re.search(r"<meta[^>]+property=[\"']og:title[\"'][^>]+content=[\"']([^\"']*)", text)
    if title is None:
        title = re.search(r"var\s+msg_title\s*=\s*['\"]([^'\"]*)", text)
    post = Post(
        id=ct.group(1),
        published_at=post_time(ct.group(1), fetched.received_at, f"{LABEL}文章"),
        text=html_to_text(title.group(1)) if title else "",
        link=fetched.url,
    )
    return ArticleView(status=Status.ok, post=post)
