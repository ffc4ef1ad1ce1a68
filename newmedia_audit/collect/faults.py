"""Fault injection for replayed sweeps: the network misbehaving, on purpose.

A :class:`FaultPlan` decides, deterministically from its seed and rate, which
replayed requests misbehave and how: timeouts, connection resets, HTTP
500/502/503/429, empty feeds, truncated JSON, HTML where JSON was expected,
and walls (a platform refusing us). It can also make chosen accounts fail on
every request (persistent faults) and a platform refuse a run of requests
(walls mid-sweep, to open the circuit breaker).

The plan sits in front of the one HAR matcher (``FaultyCorpus`` wraps a
``HarCorpus``), so the httpx transport and the Playwright route handler see
the same faults. Timeouts and resets are raised as ``ReplayError``
subclasses, which the plain adapters already turn into network failures;
``FaultyTransport`` and ``FaultyRouteHandler`` refine them into a real
``httpx.ReadTimeout`` / ``httpx.ReadError`` and ``route.abort("timedout")`` /
``route.abort("connectionreset")``.

``inject(plan)`` puts all three in place for the sweeps run inside it (tests
and the soak): ``with inject(FaultPlan(rate=0.1, seed=7)) as injector: sweep(...)``.
Nothing here is used by a real sweep.
"""

from __future__ import annotations

import hashlib
import threading
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from pathlib import Path
from typing import Any
from urllib.parse import unquote_plus, urlsplit

import httpx

from ..errors import ReplayError
from .base import Fetched
from .replay import (
    BLOCKED_RESOURCE_TYPES,
    HarCorpus,
    HarEntry,
    ReplayRouteHandler,
    ReplayTransport,
    request_key,
)


class FaultKind(StrEnum):
    """What an injected fault does to one request."""

    timeout = "timeout"
    reset = "reset"  # connection reset by peer
    http_500 = "http_500"
    http_502 = "http_502"
    http_503 = "http_503"
    http_429 = "http_429"  # too many requests: a wall in this tool (requeued after the cool-down)
    empty_feed = "empty_feed"  # a post list answering with no posts (feed URLs only)
    truncated_json = "truncated_json"  # the body cut off half-way
    html_for_json = "html_for_json"  # a proxy's HTML error page with status 200
    wall = "wall"  # the platform's own wall: 418, captcha page, antispider redirect


# Faults a retry can get past (walls are requeued instead of retried in place).
TRANSIENT_KINDS: tuple[FaultKind, ...] = (
    FaultKind.timeout,
    FaultKind.reset,
    FaultKind.http_500,
    FaultKind.http_502,
    FaultKind.http_503,
    FaultKind.empty_feed,
    FaultKind.truncated_json,
    FaultKind.html_for_json,
)
ALL_KINDS: tuple[FaultKind, ...] = tuple(FaultKind)

# Post-list URLs (platforms.md) and the empty answer each platform gives. Douyin's
# empty list next to a profile counting videos is risk control: the collector counts
# it as a wall (requeued), not a fault retried in place.
_EMPTY_FEEDS: dict[tuple[str, str], bytes] = {
    ("m.weibo.cn", "/api/container/getIndex"): b'{"ok":1,"data":{"cards":[]}}',
    ("www.douyin.com", "/aweme/v1/web/aweme/post/"): b'{"status_code":0,"aweme_list":[],"has_more":0}',
    ("www.toutiao.com", "/api/pc/list/user/feed"): b'{"message":"success","has_more":false,"data":[]}',
    # Sogou's no-result page, which it also serves when throttling (platforms.md).
    ("weixin.sogou.com", "/weixin"): (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>搜狗微信搜索</title></head><body>"
        "<div class='no-sosuo'><p>暂无与“<em></em>”相关的官方认证订阅号。</p></div></body></html>"
    ).encode(),
}
_PROXY_PAGE = (
    b"<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head>"
    b"<body><h1>Bad Gateway</h1><p>upstream closed the connection</p></body></html>"
)
_CAPTCHA_PAGE = (
    "<!DOCTYPE html><html><head><meta charset='utf-8'><title>验证码中间页</title></head>"
    "<body><div id='captcha'>请完成下列验证后继续</div></body></html>"
).encode()


class InjectedTimeout(ReplayError):
    """An injected timeout (plain adapters: a network failure)."""

    reason = "timeout"


class InjectedReset(ReplayError):
    """An injected connection reset (plain adapters: a network failure)."""

    reason = "network"


@dataclass(frozen=True)
class Injection:
    """One injected fault, for the test's or the soak's account."""

    kind: FaultKind
    method: str
    url: str


@dataclass(frozen=True)
class WallRun:
    """Walls mid-sweep: requests ``start`` .. ``start + count - 1`` to ``host`` are walls."""

    host: str
    start: int = 0
    count: int = 1_000_000


@dataclass(frozen=True)
class FaultPlan:
    """Which requests misbehave, and how; a pure function of its fields.

    Attributes:
        rate: share of requests given a random fault (0 .. 1).
        seed: the random faults' seed; the same plan and requests give the same faults.
        kinds: the kinds random faults are drawn from.
        persistent: URL substring (an account id) -> the fault every matching
            request gets, first match wins (these accounts must end in review).
        walls: runs of walls on a host (the circuit breaker's test).
        hosts: random faults only on these hosts (empty: every host).
        first: random faults only on the first ``first`` requests of each key
            (0: on any); with rate 1 this scripts "fault, then the real answer".
        script: URL substring -> the kinds of its 1st, 2nd, ... request
            (None: the real answer; after the script's end, real answers),
            e.g. ``{uid: (http_503, http_503, http_503, empty_feed)}``.
    """

    rate: float = 0.0
    seed: int = 0
    kinds: tuple[FaultKind, ...] = ALL_KINDS
    persistent: Mapping[str, FaultKind] = field(default_factory=dict)
    walls: tuple[WallRun, ...] = ()
    hosts: frozenset[str] = frozenset()
    first: int = 0
    script: Mapping[str, tuple[FaultKind | None, ...]] = field(default_factory=dict)

    def draw(self, method: str, url: str, occurrence: int, host_count: int) -> FaultKind | None:
        """The fault of the ``occurrence``-th request with this key (0-based), or None.

        ``host_count`` is how many requests this host had before this one (walls mid-sweep).
        """
        text = unquote_plus(url)
        for needle, kinds in self.script.items():
            if needle and needle in text:
                return kinds[occurrence] if occurrence < len(kinds) else None
        for needle, kind in self.persistent.items():
            if needle and needle in text:
                return kind
        host = (urlsplit(url).hostname or "").lower()
        for run in self.walls:
            if run.host == host and run.start <= host_count < run.start + run.count:
                return FaultKind.wall
        if self.rate <= 0 or not self.kinds or (self.hosts and host not in self.hosts):
            return None
        if self.first and occurrence >= self.first:
            return None
        key = "|".join(map(str, request_key(method, url)))
        digest = hashlib.sha256(f"{self.seed}|{key}|{occurrence}".encode("utf-8", "surrogatepass")).digest()
        if int.from_bytes(digest[:8], "big") / 2**64 >= self.rate:
            return None
        kinds = [k for k in self.kinds if k is not FaultKind.empty_feed or _feed_body(url) is not None]
        if not kinds:
            return None
        return kinds[int.from_bytes(digest[8:12], "big") % len(kinds)]


def _feed_body(url: str) -> bytes | None:
    parts = urlsplit(url)
    body = _EMPTY_FEEDS.get(((parts.hostname or "").lower(), parts.path))
    if body is None:
        return None
    if parts.hostname == "m.weibo.cn" and "containerid=107603" not in parts.query:
        return None  # the weibo profile call shares the path; only the posts call is a feed
    return body


def _wall(url: str, received: datetime) -> Fetched:
    """The platform's own wall for this URL (platforms.md, "Walls")."""
    host = (urlsplit(url).hostname or "").lower()
    if host == "weixin.sogou.com":
        target = "https://weixin.sogou.com/antispider/?from=%2Fweixin"
        page = "<html><head><title>antispider</title></head><body>访问过于频繁</body></html>".encode()
        return Fetched(target, 200, {"content-type": "text/html"}, page, received, (url,))
    if host.endswith("douyin.com") or host.endswith("toutiao.com"):
        return Fetched(url, 200, {"content-type": "text/html; charset=utf-8"}, _CAPTCHA_PAGE, received)
    return Fetched(url, 418, {"content-type": "text/plain"}, b"", received)


def fault_response(kind: FaultKind, url: str, received: datetime, body: bytes = b"") -> Fetched:
    """The response standing for a fault of ``kind`` (not for timeout/reset, which raise).

    ``body`` is the real response's body, cut for ``truncated_json``.
    """
    if kind in (FaultKind.http_500, FaultKind.http_502, FaultKind.http_503, FaultKind.http_429):
        status = int(kind.value.split("_")[1])
        headers = {"content-type": "text/html"}
        if status == 429:
            headers["retry-after"] = "1"
        return Fetched(url, status, headers, f"<html><title>{status}</title></html>".encode(), received)
    if kind is FaultKind.empty_feed:
        feed = _feed_body(url) or b"{}"
        ctype = "text/html; charset=utf-8" if feed.startswith(b"<") else "application/json"
        return Fetched(url, 200, {"content-type": ctype}, feed, received)
    if kind is FaultKind.truncated_json:
        cut = body[: max(1, len(body) // 2)] if len(body) > 1 else b'{"ok":1,"data":{"us'
        return Fetched(url, 200, {"content-type": "application/json"}, cut, received)
    if kind is FaultKind.html_for_json:
        return Fetched(url, 200, {"content-type": "text/html"}, _PROXY_PAGE, received)
    if kind is FaultKind.wall:
        return _wall(url, received)
    raise ValueError(f"{kind} is raised, not answered")


class FaultyCorpus(HarCorpus):
    """A corpus answering through a fault plan; the inner corpus's cursors move only on real answers.

    An injected fault never consumes the inner entry, so a corpus scripting
    "503, then 200" still plays its own script after the injected ones.
    """

    def __init__(self, inner: HarCorpus, plan: FaultPlan) -> None:
        super().__init__()
        self.inner = inner
        self.plan = plan
        self.injected: list[Injection] = []
        self._occurrences: Counter[tuple[Any, ...]] = Counter()
        self._hosts: Counter[str] = Counter()
        self._guard = threading.Lock()

    def __len__(self) -> int:
        return len(self.inner)

    def add(self, entry: HarEntry) -> None:
        self.inner.add(entry)

    def next_entry(self, method: str, url: str) -> HarEntry:
        return self.inner.next_entry(method, url)

    def _peek(self, method: str, url: str) -> HarEntry | None:
        """The entry the inner corpus would serve next, without serving it."""
        # The corpus's own choice (exact URL first), so a fault borrows the right entry.
        return self.inner.peek(method, url)

    def serve(self, method: str, url: str) -> Fetched:
        key = request_key(method, url)
        host = key[1]
        with self._guard:
            occurrence = self._occurrences[key]
            self._occurrences[key] += 1
            host_count = self._hosts[host]
            self._hosts[host] += 1
        kind = self.plan.draw(method, url, occurrence, host_count)
        if kind is FaultKind.empty_feed and _feed_body(url) is None:
            kind = None  # a persistent empty feed touches the account's post list only
        if kind is None:
            return self.inner.serve(method, url)
        entry = self._peek(method, url)
        if entry is None:
            return self.inner.serve(method, url)  # a miss stays a miss
        with self._guard:
            self.injected.append(Injection(kind, method.upper(), url))
        if kind is FaultKind.timeout:
            raise InjectedTimeout(f"注入的超时：{method.upper()} {url}")
        if kind is FaultKind.reset:
            raise InjectedReset(f"注入的连接重置：{method.upper()} {url}")
        return fault_response(kind, url, entry.started, entry.body)

    def injected_for(self, needle: str) -> list[Injection]:
        """Faults injected into requests whose URL mentions ``needle`` (an account id)."""
        return [i for i in self.injected if needle in unquote_plus(i.url)]


class FaultyTransport(ReplayTransport):
    """The replay transport, with injected timeouts and resets raised as httpx's own errors."""

    def _answer(self, request: httpx.Request) -> httpx.Response:
        try:
            return super()._answer(request)
        except httpx.ConnectError as exc:
            cause = exc.__cause__
            if isinstance(cause, InjectedTimeout):
                raise httpx.ReadTimeout(str(cause), request=request) from cause
            if isinstance(cause, InjectedReset):
                raise httpx.ReadError("[Errno 104] Connection reset by peer", request=request) from cause
            raise


class FaultyRouteHandler(ReplayRouteHandler):
    """The replay route handler, aborting injected timeouts and resets as Chromium would."""

    async def __call__(self, route: Any) -> None:
        request = route.request
        corpus = self.corpus
        if isinstance(corpus, FaultyCorpus) and request.resource_type not in BLOCKED_RESOURCE_TYPES:
            try:
                fetched = corpus.serve(request.method, request.url)
            except (InjectedTimeout, InjectedReset) as exc:
                self.misses.append(str(exc))
                await route.abort("timedout" if isinstance(exc, InjectedTimeout) else "connectionreset")
                return
            except ReplayError:
                pass  # a genuine miss: let the plain handler report it
            else:
                await self._fulfil(route, fetched)
                return
        await super().__call__(route)

    async def _fulfil(self, route: Any, fetched: Fetched) -> None:
        """As ReplayRouteHandler fulfils (kept in step with it by the browser fault test)."""
        self.served[route.request.url] = fetched
        if self.on_serve is not None:
            self.on_serve(route.request.url, fetched)
        headers = {
            k: v
            for k, v in fetched.headers.items()
            if k not in ("content-encoding", "content-length", "transfer-encoding", "set-cookie")
        }
        await route.fulfill(status=fetched.status, headers=headers, body=fetched.body)


@dataclass
class Injector:
    """The corpora built while a plan was in place (one per sweep run)."""

    plan: FaultPlan
    corpora: list[FaultyCorpus] = field(default_factory=list)

    @property
    def injected(self) -> list[Injection]:
        return [i for c in self.corpora for i in c.injected]

    def count(self) -> Counter[FaultKind]:
        return Counter(i.kind for i in self.injected)

    def load(self, paths: Sequence[Path | str]) -> FaultyCorpus:
        corpus = FaultyCorpus(HarCorpus.load(paths), self.plan)
        self.corpora.append(corpus)
        return corpus


@contextmanager
def inject(plan: FaultPlan) -> Iterator[Injector]:
    """Sweeps run inside answer through ``plan`` (httpx and browser paths alike).

    Swaps the names the sweep and the browser pool build their replay pieces
    from, and puts them back on exit. Not thread-safe across sweeps started
    concurrently with different plans.
    """
    from . import browser, sweep

    injector = Injector(plan)

    class _Loader(HarCorpus):
        @classmethod
        def load(cls, paths: Sequence[Path | str]) -> HarCorpus:  # type: ignore[override]
            return injector.load(paths)

    saved = (sweep.HarCorpus, sweep.ReplayTransport, browser.ReplayRouteHandler)
    sweep.HarCorpus = _Loader  # type: ignore[misc]
    sweep.ReplayTransport = FaultyTransport  # type: ignore[misc]
    browser.ReplayRouteHandler = FaultyRouteHandler  # type: ignore[misc]
    try:
        yield injector
    finally:
        sweep.HarCorpus, sweep.ReplayTransport, browser.ReplayRouteHandler = saved  # type: ignore[misc]
