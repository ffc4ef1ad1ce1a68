"""Replay corpora: one HAR 1.2 matcher behind two thin adapters.

``HarCorpus`` answers a (method, URL) with the entry recorded for it; an httpx
transport (``ReplayTransport``) and a Playwright route handler
(``ReplayRouteHandler``) put that one matcher in front of either fetch path.
A request the corpus cannot answer is a network error: replay never touches
the network (design.md, "Replay corpora").

An entry recorded for exactly the requested URL is served first: links a page
hands out (a Sogou result's account page, its ``/link?url=`` redirect) differ
only in signature parameters, which the per-host request key ignores, so
without the exact match every account's link would share one key.

Redirects are followed inside the corpus, not by the client: Playwright does
not route the target of a response fulfilled with a 3xx
(microsoft/playwright#23301, #39480), so the router fulfils the final
response and keeps the chain in ``Fetched.redirects`` (a redirect to Sogou's
antispider page is a wall).
"""

from __future__ import annotations

import base64
import json
import threading
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urljoin, urlsplit, urlunsplit

import httpx

from ..errors import ReplayError
from .base import Fetched

# What identifies a request, per host: method, host, path and these query
# parameters. Everything else in the query (signatures such as a_bogus,
# msToken, verifyFp; cursors; timestamps) changes from visit to visit and is
# ignored. For page URLs the path itself identifies the account.
IDENTIFYING_PARAMS: dict[str, tuple[str, ...]] = {
    # profile 100505{uid} vs posts 107603{uid}; user search 100103type=3&q={query} (the query
    # inside containerid, or beside it as q when the & is not escaped)
    "m.weibo.cn": ("containerid", "q", "page"),
    "douyin.com": ("sec_user_id", "keyword", "offset"),
    "www.douyin.com": ("sec_user_id", "keyword", "offset"),
    "toutiao.com": ("token",),
    "www.toutiao.com": ("token",),
    "weixin.sogou.com": ("type", "query", "page"),  # type=1 account search, query=微信号
}
# A missing paging parameter reads as the first page (design.md): a first
# request often leaves it out, a recorded one may spell it.
FIRST_PAGE: dict[str, str] = {"page": "1", "offset": "0"}

MAX_REDIRECTS = 10

# Resource types never fetched by the browser path (routing blocks them in
# replay and live alike): they cost time and say nothing about the account.
BLOCKED_RESOURCE_TYPES = frozenset({"image", "font", "media"})

Key = tuple[str, str, str, tuple[tuple[str, str], ...]]
ExactKey = tuple[str, str]


def request_key(method: str, url: str) -> Key:
    """The identity of a request: method, host, path, identifying query parameters."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    wanted = IDENTIFYING_PARAMS.get(host, ())
    pairs = [(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True) if k in wanted]
    present = {k for k, _ in pairs}
    pairs += [(k, FIRST_PAGE[k]) for k in wanted if k in FIRST_PAGE and k not in present]
    return (method.upper(), host, parts.path or "/", tuple(sorted(pairs)))


def exact_key(method: str, url: str) -> ExactKey:
    """The whole request, spelled one way: method and URL with the host lower-cased,
    percent-escapes decoded (a browser and httpx escape a link's ``*`` or ``=``
    differently) and no fragment."""
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    netloc = f"{host}:{parts.port}" if parts.port else host
    spelled = urlunsplit((parts.scheme.lower(), netloc, unquote(parts.path or "/"), unquote(parts.query), ""))
    return (method.upper(), spelled)


@dataclass(frozen=True)
class HarEntry:
    """One recorded response."""

    method: str
    url: str
    status: int
    headers: tuple[tuple[str, str], ...]  # as recorded (names lower-cased)
    body: bytes
    started: datetime  # startedDateTime: when the response was received
    redirect_url: str = ""

    def location(self) -> str:
        """The absolute redirect target of a 3xx, or ""."""
        if not 300 <= self.status < 400:
            return ""
        target = self.redirect_url or dict(self.headers).get("location", "")
        return urljoin(self.url, target) if target else ""


def _parse_time(value: object, where: str) -> datetime:
    if not isinstance(value, str):
        raise ReplayError(f"{where}：startedDateTime 缺失")
    try:
        moment = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError as exc:
        raise ReplayError(f"{where}：startedDateTime 无法解析（{value!r}）") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _parse_entry(raw: Any, where: str) -> HarEntry:
    try:
        request = raw["request"]
        response = raw["response"]
        method = str(request["method"])
        url = str(request["url"])
        status = int(response["status"])
        headers = tuple((str(h["name"]).lower(), str(h["value"])) for h in response.get("headers") or [])
        content = response.get("content") or {}
        text = content.get("text") or ""
        if content.get("encoding") == "base64":
            body = base64.b64decode(text)
        else:
            body = str(text).encode("utf-8")
        redirect_url = str(response.get("redirectURL") or "")
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ReplayError(f"{where}：条目格式不对（{type(exc).__name__}: {exc}）") from exc
    if not urlsplit(url).scheme:
        raise ReplayError(f"{where}：请求地址不是绝对 URL（{url!r}）")
    return HarEntry(
        method=method.upper(),
        url=url,
        status=status,
        headers=headers,
        body=body,
        started=_parse_time(raw.get("startedDateTime"), where),
        redirect_url=redirect_url,
    )


class HarCorpus:
    """Entries of one or more HAR files, served per request.

    Entries recorded for exactly the requested URL are served first; else the
    entries sharing its request key. Either way they are served in file order,
    one per request, and the last repeats (a corpus can script "503, then
    200"). The cursors are guarded by a lock, so adapters may call from
    threads or tasks.
    """

    def __init__(self, entries: Iterable[HarEntry] = ()) -> None:
        self._entries: dict[Key, list[HarEntry]] = {}
        self._exact: dict[ExactKey, list[HarEntry]] = {}
        self._cursor: dict[Key | ExactKey, int] = {}
        self._lock = threading.Lock()
        self.served = 0
        self.misses: list[str] = []
        for entry in entries:
            self.add(entry)

    @classmethod
    def load(cls, paths: Sequence[Path | str]) -> HarCorpus:
        """Read HAR files in order.

        Raises:
            ReplayError: a file missing, not JSON, or not HAR (file and reason).
        """
        corpus = cls()
        for path in paths:
            corpus.extend(load_entries(Path(path)))
        return corpus

    @classmethod
    def from_document(cls, document: Any, source: str = "HAR") -> HarCorpus:
        """A corpus from an already parsed HAR document (tests, in-memory corpora)."""
        return cls(document_entries(document, source))

    def add(self, entry: HarEntry) -> None:
        self._entries.setdefault(request_key(entry.method, entry.url), []).append(entry)
        self._exact.setdefault(exact_key(entry.method, entry.url), []).append(entry)

    def extend(self, entries: Iterable[HarEntry]) -> None:
        for entry in entries:
            self.add(entry)

    def __len__(self) -> int:
        return sum(len(v) for v in self._entries.values())

    def _candidates(self, method: str, url: str) -> tuple[Key | ExactKey, list[HarEntry]]:
        """The cursor key and the entries answering this request: those recorded for
        exactly this URL, else those sharing its request key (maybe none)."""
        exact = exact_key(method, url)
        entries = self._exact.get(exact)
        if entries:
            return exact, entries
        key = request_key(method, url)
        return key, self._entries.get(key) or []

    def next_entry(self, method: str, url: str) -> HarEntry:
        """The entry for this request (advancing its cursor).

        Raises:
            ReplayError: no entry matches (replay never falls back to the network).
        """
        with self._lock:
            key, entries = self._candidates(method, url)
            if not entries:
                self.misses.append(f"{method.upper()} {url}")
                raise ReplayError(f"回放语料中没有该请求：{method.upper()} {url}")
            index = self._cursor.get(key, 0)
            if index < len(entries) - 1:
                self._cursor[key] = index + 1
            self.served += 1
            return entries[index]

    def peek(self, method: str, url: str) -> HarEntry | None:
        """The entry ``next_entry`` would serve for this request, without serving it
        (a fault injector borrows its time and body), or None for a miss."""
        with self._lock:
            key, entries = self._candidates(method, url)
            return entries[min(self._cursor.get(key, 0), len(entries) - 1)] if entries else None

    def serve(self, method: str, url: str) -> Fetched:
        """The final response for a request, redirects followed inside the corpus.

        Raises:
            ReplayError: the request, or a redirect target, has no entry; or a
                redirect loop longer than MAX_REDIRECTS.
        """
        chain: list[str] = []
        current_url, current_method = url, method
        entry = self.next_entry(current_method, current_url)
        while location := entry.location():
            chain.append(current_url)
            if len(chain) > MAX_REDIRECTS:
                raise ReplayError(f"回放语料中重定向过多：{url}")
            if entry.status in (301, 302, 303):
                current_method = "GET"
            current_url = location
            entry = self.next_entry(current_method, current_url)
        return Fetched(
            url=current_url,
            status=entry.status,
            headers=dict(entry.headers),
            body=entry.body,
            received_at=entry.started,
            redirects=tuple(chain),
        )


def load_entries(path: Path) -> list[HarEntry]:
    """Entries of one HAR file, in file order.

    Raises:
        ReplayError: naming the file and what is wrong with it.
    """
    try:
        raw = json.loads(path.read_bytes())
    except FileNotFoundError as exc:
        raise ReplayError(f"回放文件不存在：{path}") from exc
    except OSError as exc:
        raise ReplayError(f"回放文件无法读取：{path}（{exc}）") from exc
    except (ValueError, UnicodeDecodeError) as exc:
        raise ReplayError(f"回放文件 {path} 不是有效的 JSON：{exc}") from exc
    return document_entries(raw, f"回放文件 {path}")


def document_entries(document: Any, source: str = "HAR") -> list[HarEntry]:
    """Entries of a parsed HAR document (``{"log": {"entries": [...]}}``), in order.

    Raises:
        ReplayError: naming ``source`` and what is wrong.
    """
    if not isinstance(document, dict) or not isinstance(document.get("log"), dict):
        raise ReplayError(f"{source} 不是 HAR：缺少 log 对象")
    entries = document["log"].get("entries")
    if not isinstance(entries, list):
        raise ReplayError(f"{source} 不是 HAR：缺少 log.entries 列表")
    return [_parse_entry(e, f"{source} 第 {i + 1} 条") for i, e in enumerate(entries)]


# -- httpx adapter ------------------------------------------------------------


def _httpx_response(request: httpx.Request, fetched: Fetched) -> httpx.Response:
    headers = {k: v for k, v in fetched.headers.items() if k not in ("content-encoding", "content-length")}
    return httpx.Response(
        fetched.status,
        headers=headers,
        content=fetched.body,
        request=request,
        # The fetcher reads these to keep the entry's time and the redirect chain.
        extensions={
            "replay_url": fetched.url,
            "replay_redirects": fetched.redirects,
            "received_at": fetched.received_at,
        },
    )


class ReplayTransport(httpx.AsyncBaseTransport, httpx.BaseTransport):
    """httpx transport answering from a corpus; a miss raises httpx.ConnectError."""

    def __init__(self, corpus: HarCorpus) -> None:
        self.corpus = corpus

    def _answer(self, request: httpx.Request) -> httpx.Response:
        try:
            fetched = self.corpus.serve(request.method, str(request.url))
        except ReplayError as exc:
            raise httpx.ConnectError(str(exc), request=request) from exc
        return _httpx_response(request, fetched)

    def handle_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request)

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        return self._answer(request)


# -- Playwright adapter ---------------------------------------------------------


class ReplayRouteHandler:
    """Playwright route handler: ``await context.route("**/*", handler)``.

    Fulfils matched requests with the recorded status, headers and body;
    aborts misses as a network failure; blocks images, fonts and media. The
    last response served per URL is kept (``served``) so the fetcher can
    recover the entry's time and redirect chain for a captured response.
    """

    def __init__(self, corpus: HarCorpus) -> None:
        self.corpus = corpus
        self.served: dict[str, Fetched] = {}
        self.misses: list[str] = []
        # Called with (request URL, response) for every fulfilled request: the
        # replay fetcher captures from here instead of subscribing to page events.
        self.on_serve: Callable[[str, Fetched], None] | None = None

    async def __call__(self, route: Any) -> None:
        request = route.request
        if request.resource_type in BLOCKED_RESOURCE_TYPES:
            await route.abort("blockedbyclient")
            return
        try:
            fetched = self.corpus.serve(request.method, request.url)
        except ReplayError as exc:
            self.misses.append(str(exc))
            error = "internetdisconnected" if request.is_navigation_request() else "failed"
            await route.abort(error)
            return
        self.served[request.url] = fetched
        if self.on_serve is not None:
            self.on_serve(request.url, fetched)
        headers = {
            k: v
            for k, v in fetched.headers.items()
            if k not in ("content-encoding", "content-length", "transfer-encoding", "set-cookie")
        }
        await route.fulfill(status=fetched.status, headers=headers, body=fetched.body)

    def take(self, url: str) -> Fetched | None:
        """The response served for ``url`` (removed from the map)."""
        return self.served.pop(url, None)

    def clear(self) -> None:
        self.served.clear()
        self.misses.clear()


def replay_resolver_args() -> list[str]:
    """Chromium flags for replay: any request escaping routing fails at DNS."""
    return ["--host-resolver-rules=MAP * ~NOTFOUND"]
