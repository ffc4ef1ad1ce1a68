"""WeChat (微信公众号): Sogou's account search page, and the account page it links to.

There is no public post list; Sogou's WeChat account search shows, for each
result, the name, 微信号, certified subject and (most of the time) the latest
article. Real results omit the 最近文章 block now and then although the
account posts (platforms.md), so a result without it is followed, in the same
visit, to the account page it links to (``mp.weixin.qq.com/profile?...``,
whose ``msgList`` lists the last messages). The fetch layer does the
following: ``follow_ups`` names the link, ``parse`` reads both pages.

Traps handled (platforms.md, WeChat): results are matched on 微信号
(case-insensitive), never on the name; an empty result page is what Sogou
also serves when throttling, so it is transient until the last try and
not_found only then; a redirect to ``/antispider/`` or a verification-code
page is a wall; a page with no known marker is unrecognized (rule 3). Only
the account page's own ``msgList`` decides never_updated: an empty list is
the positive evidence (rule 2); an expired link or a walled account page
leaves the account in review; an account page naming another account proves
nothing (rule 1).

Search page markers read (what a replay corpus must emit):

    <ul class="news-list2">
      <li>
        <div class="img-box"><a href="{account page link}">...</a></div>
        <p class="tit"><a href="{account page link}"><em><!--red_beg-->{name}<!--red_end--></em></a></p>
        <p class="info">微信号：<label name="em_weixinhao">{wechat_id}</label></p>
        <dl><dt>功能介绍：</dt><dd>...</dd></dl>
        <dl><dt><script>document.write(authname('2'))</script>认证：</dt><dd>{subject}</dd></dl>
        <dl><dt>最近文章：</dt><dd><a href="{link}">{title}</a>
            <span><script>document.write(timeConvert('{epoch_s}'))</script></span></dd></dl>
      </li>
    </ul>

The <dl> blocks may come in any order and any of them may be missing; the
certification's label may also be written out (微信认证：). The account page
link is either the page itself (``http://mp.weixin.qq.com/profile?src=3&
timestamp=…&ver=1&signature=…``) or Sogou's ``/link?url=…``, which redirects
to it (by HTTP, or live by a script that builds the URL in pieces).

Account page markers: ``var name="{wechat_id}"||"{nickname}";``,
``<p class="profile_account">微信号: {wechat_id}</p>`` and
``var msgList = {"list":[{"comm_msg_info":{"datetime":<epoch s>,...},
"app_msg_ext_info":{"title":..,"content_url":..}}]};``.
Article pages (``mp.weixin.qq.com/s/...``) are read by ``parse_article``.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qs, quote, urljoin, urlsplit

from ..errors import TransientError, UnrecognizedError, WallError
from ..models import Observation, Platform, Post, Status
from .base import Fetched
from .parsing import check_http, html_to_text, latest, post_time, strip_scripts

LABEL = "微信"
SEARCH = "https://weixin.sogou.com/weixin?type=1&query={query}"
SOGOU = "https://weixin.sogou.com/"
MP = "https://mp.weixin.qq.com/"
ANTISPIDER = "/antispider"
# The role of the account page a result links to (a follow-up of the search page).
PROFILE_ROLE = "profile"
# Verification page markers, read only when the page has no result list.
CAPTCHA_MARKERS = ("输入验证码", "验证码", "seccodeInput", "seccodeForm", "访问过于频繁")
# Sogou's own "no such account" block; without it or a result list, a page proves nothing.
NO_RESULT_MARKERS = ("no-sosuo", "noresult_part1_container", "暂无与")
# mp.weixin.qq.com pages: an expired temporary link, and the rate-limit / verify
# page (its text is written by a script, so the raw page is searched).
EXPIRED_MARKERS = ("链接已过期",)
MP_WALL_MARKERS = ("访问过于频繁", "验证身份", "环境异常", "完成验证后即可继续访问")
# The reason every review of a result without 最近文章 starts with (users read it).
NO_LATEST = "搜狗结果未显示最近文章"

_ID = re.compile(r"微信号\s*[：:]\s*([A-Za-z0-9_\-]+)")
_TIME_CONVERT = re.compile(r"timeConvert\(\s*['\"]?(\d+)['\"]?\s*\)")
_ARTICLE_CT = re.compile(r"var\s+ct\s*=\s*[\"'](\d+)[\"']")
_CREATE_TIME = re.compile(r"\bcreate_time\s*=\s*[\"'](\d+)[\"']\s*\*\s*1\b")
_MSG_LIST = re.compile(r"\bvar\s+msgList\s*=\s*")
_PAGE_NAME = re.compile(r"\bvar\s+name\s*=\s*[\"']([^\"']*)[\"']\s*\|\|")
_PAGE_ACCOUNT = re.compile(r"class=[\"']profile_account[\"'][^>]*>\s*微信号\s*[:：]\s*([A-Za-z0-9_\-]+)")
_LINK_PIECE = re.compile(r"url\s*\+=\s*'([^']*)'")
# Gone markers of mp.weixin.qq.com pages (the platform writes 帐, not 账). The
# longer, more specific text comes first.
_GONE = {
    "此帐号被投诉且经审核涉嫌侵权。此帐号已注销，内容无法查看。": Status.banned,
    "此帐号已被屏蔽": Status.banned,
    "此帐号已自主注销": Status.not_found,
    "此帐号处于帐号迁移流程中": Status.not_found,
    "该公众号已迁移": Status.not_found,
}


@dataclass(frozen=True)
class SearchResult:
    """One ``ul.news-list2 > li`` of Sogou's account search."""

    name: str = ""
    wechat_id: str = ""
    subject: str = ""
    article_title: str = ""
    article_link: str = ""
    article_epoch: str = ""  # the timeConvert argument, epoch seconds
    has_latest: bool = False  # a 最近文章 block is present
    account_link: str = ""  # absolute link to the account page (name link, else image link)


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
        self._name_link = ""
        self._other_link = ""

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
            self._see_link(dict(attrs).get("href") or "")
        elif tag == "br":
            self.handle_data(" ")

    def _see_link(self, href: str) -> None:
        """A link of the result: the latest article's inside its <dd>, else the account page's."""
        if self._dl is not None:
            if self._in == "dd" and not self._dl.link:
                self._dl.link = href
        elif self._p_class == "tit":
            self._name_link = self._name_link or href
        else:
            self._other_link = self._other_link or href

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
        self._name_link = self._other_link = ""

    def _end_result(self) -> None:
        self._li_depth = 0
        id_match = _ID.search(_squash(" ".join(self._info)))
        fields: dict[str, Any] = {
            "name": _squash("".join(self._name or [])),
            "wechat_id": id_match.group(1) if id_match else "",
            "account_link": _absolute(self._name_link or self._other_link, SOGOU),
        }
        for dl in self._dls:
            fields.update(_read_dl(dl))
        self.results.append(SearchResult(**fields))


def _read_dl(dl: _Dl) -> dict[str, Any]:
    """The fields one <dl> of a result gives: the certified subject or the latest article.

    The certification's label is written by a script on real pages
    (``authname('2')`` then 认证：), so the label is known by how it ends.
    """
    label = _squash("".join(dl.label))
    if label.startswith("最近文章"):
        epoch = _TIME_CONVERT.search(" ".join(dl.scripts))
        return {
            "has_latest": True,
            "article_title": _squash("".join(dl.link_text) or "".join(dl.value)),
            "article_link": _absolute(dl.link, SOGOU),
            "article_epoch": epoch.group(1) if epoch else "",
        }
    if label.rstrip(":：").endswith("认证"):
        return {"subject": _squash("".join(dl.value))}
    return {}


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _absolute(link: str, base: str) -> str:
    """An absolute link (Sogou's relative ``/link?url=…``, the account page's ``/s?…``)."""
    link = link.strip()
    if not link or link.lower().startswith("javascript:"):
        return ""
    return urljoin(base, link)


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


@lru_cache(maxsize=16)
def _results_of(body: bytes) -> tuple[bool, tuple[SearchResult, ...]]:
    """``parse_results`` of a body, remembered: ``follow_ups`` and ``parse`` read
    the same search page one after the other (bytes keep their hash)."""
    found, results = parse_results(body.decode("utf-8", errors="replace"))
    return found, tuple(results)


def _complete(text: str) -> bool:
    """The page arrived whole (real pages may end with a comment after </html>)."""
    return "</html>" in text[-512:].lower()


def _conclusive(text: str, found_list: bool) -> bool:
    """A whole Sogou result page: a result list or the no-result block, and its closing tag."""
    return _complete(text) and (found_list or any(m in text for m in NO_RESULT_MARKERS))


def _matching(results: tuple[SearchResult, ...], account_id: str) -> SearchResult | None:
    """The result whose 微信号 is the account's (look-alike names come first on Sogou)."""
    wanted = account_id.strip().casefold()
    return next((r for r in results if r.wechat_id.casefold() == wanted), None)


def _antispider(fetched: Fetched) -> str:
    """The antispider URL in the response's redirect chain, or ""."""
    return next((u for u in (*fetched.redirects, fetched.url) if ANTISPIDER in urlsplit(u).path), "")


def _on_sogou(fetched: Fetched) -> bool:
    return urlsplit(fetched.url).hostname == "weixin.sogou.com"


def sogou_link_target(text: str) -> str:
    """Where a live Sogou ``/link?url=…`` page sends the browser, or "".

    The page builds the URL in a script, piece by piece (``url += '…';``),
    with ``@`` scattered in as noise, then calls ``location.replace``.
    """
    target = "".join(_LINK_PIECE.findall(text)).replace("@", "")
    return target if target.startswith(("http://", "https://")) else ""


# -- the account page (mp.weixin.qq.com/profile) --------------------------------------


@dataclass(frozen=True)
class AccountPage:
    """What an account page shows: its messages, newest first as listed (may be empty)."""

    posts: tuple[Post, ...]
    names: tuple[str, ...] = ()  # the ids the page names the account by (微信号 / gh_ id)


def _msg_list(text: str) -> Any:
    """The value of ``var msgList = …;``, or None when the page has none.

    Raises:
        UnrecognizedError: the variable is there but its value is not JSON.
    """
    found = _MSG_LIST.search(text)
    if found is None:
        return None
    try:
        value, _ = json.JSONDecoder().raw_decode(text, found.end())
    except ValueError as exc:
        raise UnrecognizedError(f"{LABEL}账号主页的 msgList 无法解析") from exc
    return value


def _message_post(item: Any, anchor: Fetched) -> Post:
    """One msgList message as a Post (its time is ``comm_msg_info.datetime``).

    Raises:
        UnrecognizedError: the message has no ``comm_msg_info``.
        TransientError: its time is missing or unreadable.
    """
    info = item.get("comm_msg_info") if isinstance(item, dict) else None
    if not isinstance(info, dict):
        raise UnrecognizedError(f"{LABEL}账号主页的 msgList 消息缺少 comm_msg_info")
    app = item.get("app_msg_ext_info")
    app = app if isinstance(app, dict) else {}
    title = str(app.get("title") or info.get("content") or "")
    link = html.unescape(str(app.get("content_url") or ""))
    return Post(
        id=str(info.get("id") or ""),
        published_at=post_time(info.get("datetime"), anchor.received_at, f"{LABEL}账号主页消息"),
        text=html.unescape(title).strip(),
        link=_absolute(link, MP),
    )


def page_names(text: str) -> tuple[str, ...]:
    """The ids an account page names its account by: ``var name="…"||…`` and the
    微信号 line (both the 微信号, or the gh_ id of an account without one)."""
    names = [m.group(1).strip() for m in (_PAGE_NAME.search(text), _PAGE_ACCOUNT.search(text)) if m]
    return tuple(dict.fromkeys(n for n in names if n))


def read_account_page(fetched: Fetched, account_id: str) -> AccountPage:
    """Read the account page a Sogou result links to.

    Returns:
        Its messages (an empty tuple is the platform saying "no messages").

    Raises:
        WallError: a refusing status, Sogou's antispider page, or the
            rate-limit / verify page (访问过于频繁).
        TransientError: an expired link (链接已过期: a fresh search hands out
            a fresh one, so the whole visit is worth retrying), 5xx, a
            ``/link`` redirect page that was not followed.
        UnrecognizedError: a page with none of the known markers, or an
            account page of another account (rule 1: it proves nothing).
    """
    where = f"{NO_LATEST}，账号主页"
    wall = _antispider(fetched)
    if wall:
        raise WallError(f"{where}被搜狗反爬验证拦截：{wall}")
    check_http(fetched, where)
    text = fetched.text()
    messages = _msg_list(text)
    if messages is not None:
        names = page_names(text)
        if names and account_id.strip().casefold() not in {n.casefold() for n in names}:
            raise UnrecognizedError(f"{where}属于其他账号（{'、'.join(names)}），不能说明 {account_id}")
        items = messages.get("list") if isinstance(messages, dict) else None
        if not isinstance(items, list):
            raise UnrecognizedError(f"{where}的 msgList 没有 list 列表")
        return AccountPage(posts=tuple(_message_post(item, fetched) for item in items), names=names)
    visible = html_to_text(strip_scripts(text))
    if any(m in visible for m in EXPIRED_MARKERS):
        raise TransientError(f"{where}链接已过期")
    if _on_sogou(fetched):
        if any(m in strip_scripts(text) for m in CAPTCHA_MARKERS):
            raise WallError(f"{where}被搜狗要求输入验证码：{fetched.url}")
        if sogou_link_target(text):
            raise TransientError(f"{where}跳转未完成（搜狗中转页）：{fetched.url}")
    if any(m in text for m in MP_WALL_MARKERS):
        raise WallError(f"{where}要求验证（访问过于频繁）：{fetched.url}")
    raise UnrecognizedError(f"{where}无法识别（没有 msgList，也没有过期或验证提示）：{fetched.url}")


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
        """Only the search page (the account page is a follow-up, when needed)."""
        return ("page",)

    def follow_ups(self, account_id: str, responses: dict[str, Fetched]) -> dict[str, str]:
        """Pages to open next in the same visit (their links expire within hours).

        Returns:
            ``{"profile": link}`` when the matching result has no 最近文章 block
            (its account page is the second source), or when the account page
            fetched so far is Sogou's script redirect (``/link?url=…`` live);
            else nothing: a result with 最近文章 costs no second page.
        """
        profile = responses.get(PROFILE_ROLE)
        if profile is not None:
            target = sogou_link_target(profile.text()) if _on_sogou(profile) else ""
            return {PROFILE_ROLE: target} if target else {}
        page = responses.get("page")
        if page is None or page.status != 200 or _antispider(page):
            return {}
        _, results = _results_of(page.body)
        match = _matching(results, account_id)
        if match is None or match.has_latest or not match.account_link:
            return {}
        return {PROFILE_ROLE: match.account_link}

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        """Pure: the observation, or raise WallError / TransientError.

        Args:
            account_id: the 微信号 searched for.
            responses: ``page``, the search result page (with its redirect
                chain); ``profile``, the account page, for a result without
                最近文章.
            final: the fetch layer's last try. A page with no result matching
                the 微信号 raises TransientError before it (Sogou serves empty
                pages when throttling); on the last try it is ``not_found``.

        Raises:
            UnrecognizedError: a page that is neither a result list, nor the
                no-result block, nor a verification page (rule 3).
        """
        page = responses.get("page")
        if page is None:
            raise TransientError(f"{LABEL}缺少搜狗搜索页响应")
        wall = _antispider(page)
        if wall:
            raise WallError(f"搜狗反爬验证（antispider）：{wall}")
        check_http(page, "搜狗微信")
        text = page.text()
        found_list, results = _results_of(page.body)
        match = _matching(results, account_id)
        if match is None:
            return self._without_match(account_id, page, text, found_list, len(results), final)
        posts: list[Post] = []
        confirmed_empty = False
        if match.has_latest:
            if not match.article_epoch:
                raise TransientError(f"{LABEL}最近文章缺少时间：{page.url}")
            published = post_time(match.article_epoch, page.received_at, f"{LABEL}最近文章")
            posts.append(Post(published_at=published, text=match.article_title, link=match.article_link))
        else:
            posts = list(self._account_page_posts(account_id, match, responses))
            confirmed_empty = not posts  # the account page's own empty list: positive evidence
        return Observation(
            platform=self.platform,
            account_id=account_id,
            status=Status.ok,
            live_name=match.name,
            subject=match.subject,
            posts=posts,
            latest_post_at=latest(posts),
            confirmed_empty=confirmed_empty,
            fetched_at=page.received_at,
        )

    def _without_match(
        self, account_id: str, page: Fetched, text: str, found_list: bool, count: int, final: bool
    ) -> Observation:
        """A search page without the account: a wall, an unknown page, a retry, or (last try) not_found."""
        if not found_list and any(m in strip_scripts(text) for m in CAPTCHA_MARKERS):
            raise WallError(f"搜狗要求输入验证码：{page.url}")
        if not text.strip():
            raise TransientError(f"搜狗返回空页面（可能限流）：{page.url}")
        if not found_list and not any(m in text for m in NO_RESULT_MARKERS) and _complete(text):
            raise UnrecognizedError(
                f"搜狗页面无法识别（既没有结果列表、无结果提示，也没有验证码）：{page.url}"
            )
        what = f"搜狗搜索结果中无微信号 {account_id}（结果 {count} 条）"
        if not final:
            raise TransientError(f"{what}，需重试确认")
        if not _conclusive(text, found_list):
            # A page cut off half-way is a fault of the visit, never "not found".
            raise TransientError(f"{what}，但页面不完整或不是搜索结果页")
        return Observation(
            platform=self.platform,
            account_id=account_id,
            status=Status.not_found,
            fetched_at=page.received_at,
            detail=what,
        )

    def _account_page_posts(
        self, account_id: str, match: SearchResult, responses: dict[str, Fetched]
    ) -> tuple[Post, ...]:
        """The messages of the account page the result links to (see read_account_page)."""
        profile = responses.get(PROFILE_ROLE)
        if profile is None:
            if not match.account_link:
                raise UnrecognizedError(f"{NO_LATEST}，也没有账号主页链接")
            raise TransientError(f"{NO_LATEST}，未取得账号主页")
        return read_account_page(profile, account_id).posts


# -- article pages (mp.weixin.qq.com/s/...) -------------------------------------------


@dataclass(frozen=True)
class ArticleView:
    """What a WeChat article page shows: the account's state and the article."""

    status: Status
    post: Post | None = None
    detail: str = ""
    user_name: str = ""  # the gh_ id of the account the page belongs to, when it says


_USER_NAME = re.compile(r"\b(?:var\s+|d\.)user_name\s*=\s*[\"'](gh_[0-9a-f]+)[\"']")
_TITLE_PATTERNS = (
    re.compile(r"<meta[^>]+property=[\"']og:title[\"'][^>]+content=[\"']([^\"']*)"),
    re.compile(r"var\s+msg_title\s*=\s*['\"]([^'\"]*)"),
    re.compile(r"\bd\.title\s*=\s*['\"]([^'\"]*)"),
)


def article_time(text: str) -> str:
    """The publish time of an article page, epoch seconds as written, or "".

    ``var ct = "…"`` (also ``var ct="…"``) on text posts; video and image
    posts have no ``ct`` but ``create_time = "…"*1``.
    """
    found = _ARTICLE_CT.search(text) or _CREATE_TIME.search(text)
    return found.group(1) if found else ""


def article_gone(text: str) -> tuple[str, Status] | None:
    """The gone marker of an article page and the account state it means, or None.

    A page with such a marker has no ``id="js_content"``; an article whose text
    quotes a marker has one, and says nothing about its account.
    """
    if re.search(r"id=[\"']js_content[\"']", text):
        return None
    visible = html_to_text(strip_scripts(text))
    return next(((m, s) for m, s in _GONE.items() if m in visible), None)


def parse_article(fetched: Fetched) -> ArticleView:
    """Read an ``mp.weixin.qq.com/s/...`` article page (for ledgers that give an article link).

    Gone markers (platforms.md): 此帐号已被屏蔽 and the infringement
    cancellation -> banned; 此帐号已自主注销, 此帐号处于帐号迁移流程中 and
    该公众号已迁移 -> not_found. Otherwise ``article_time`` is the publish time
    and the ``og:title`` / ``msg_title`` / ``d.title`` the title.

    Raises:
        WallError: a verification page or a refusing status.
        TransientError: 5xx, or an expired link (链接已过期).
        UnrecognizedError: a page with neither a gone marker, nor a time,
            nor an expired or verification notice.
    """
    check_http(fetched, LABEL)
    text = fetched.text()
    gone = article_gone(text)
    if gone is not None:
        return ArticleView(status=gone[1], detail=gone[0])
    epoch = article_time(text)
    if not epoch:
        visible = html_to_text(strip_scripts(text))
        if any(m in visible for m in EXPIRED_MARKERS):
            raise TransientError(f"{LABEL}文章链接已过期：{fetched.url}")
        if any(m in visible for m in CAPTCHA_MARKERS) or any(m in text for m in MP_WALL_MARKERS):
            raise WallError(f"{LABEL}文章页要求验证：{fetched.url}")
        raise UnrecognizedError(f"{LABEL}文章页无法识别（没有发布时间 var ct / create_time）：{fetched.url}")
    title = next((m for m in (p.search(text) for p in _TITLE_PATTERNS) if m), None)
    user = _USER_NAME.search(text)
    post = Post(
        id=epoch,
        published_at=post_time(epoch, fetched.received_at, f"{LABEL}文章"),
        text=html_to_text(title.group(1)) if title else "",
        link=fetched.url,
    )
    return ArticleView(status=Status.ok, post=post, user_name=user.group(1) if user else "")
