"""Live-mode scheduling check: the sweep against a slow local server, politeness on.

A ``ThreadingHTTPServer`` on 127.0.0.1 answers from a HAR corpus after an
injected latency (uniform in [low, high] seconds, seeded per request). The
sweep runs in live mode (no ``replay``) on the httpx path with each
platform's own politeness settings (delay, jitter, concurrency, cool-down,
as ``load_settings()`` gives them). It reaches the server through
``run_sweep``'s ``collectors`` argument: each collector is wrapped so its
URLs point at the server (``http://127.0.0.1:PORT/{host}{path}?{query}``)
and the responses are handed back to the real parser under their original
URLs, so parsing, walls and redirects (kept by the server as 3xx with a
rewritten Location, followed by httpx) behave as they would live.

The politeness floor, as issue 8 defines it: max over platforms of
accounts × interval / concurrency, where the interval is the configured
``delay`` (the mean spacing of visit starts the Slot keeps; jitter spreads
each interval over delay × [1 - jitter, 1 + jitter] without drifting).

Accounts are chosen so that the floor is the whole story: per platform
``max(1, round(target_seconds × concurrency / delay))`` accounts whose
synthetic scenario is one clean exchange (``synth.platforms.visit_trouble``
is None). A wall would add a real cool-down (60–120 s), a fault or an empty
answer that needs confirming adds retries: neither is in the floor, so such
accounts are left out and counted.
"""

from __future__ import annotations

import asyncio
import random
import shutil
import threading
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..collect.base import Collector, Fetched
from ..collect.replay import HarCorpus, Key, request_key
from ..collect.sweep import default_collectors, run_sweep
from ..errors import ReplayError
from ..models import VISITED_PLATFORMS, Account
from ..settings import Settings
from ..store import Store
from ..synth.platforms import Scenario, visit_trouble

_DROP_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "location"}
)


class LatencyServer:
    """Serves a corpus over plain HTTP on 127.0.0.1 with a seeded latency per request.

    ``walls`` makes the first n requests to a host a wall (HTTP 429), each
    noted in ``walled`` with the clock time it was answered. ``first_at`` and
    ``last_at``: when the first request came in and the last answer went out.

    ``log`` and ``visits`` (``visit_urls``): the server notes the visits in
    ``log`` itself, for collectors in other processes: a request for an
    account's URL while none of its requests is in flight starts a visit
    (``log.started``), each answer to one is ``log.fetched``. Follow-up pages
    and redirect targets are not the account's own URLs: they count in
    ``last_at`` only.
    """

    def __init__(
        self,
        corpus: HarCorpus,
        low: float,
        high: float,
        seed: int,
        walls: dict[str, int] | None = None,
        *,
        log: VisitLog | None = None,
        visits: Mapping[Key, tuple[str, str]] | None = None,
    ) -> None:
        self.corpus = corpus
        self.low, self.high, self.seed = low, high, seed
        self.walls = dict(walls or {})
        self.walled: list[tuple[str, float]] = []
        self.requests = 0
        self.latency_total = 0.0
        self.per_host: dict[str, int] = {}
        self.first_at: float | None = None
        self.last_at: float | None = None
        self.log = log
        self.visits = dict(visits or {}) if log is not None else {}
        self._in_flight: Counter[tuple[str, str]] = Counter()
        self._count = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:  # quiet
                pass

            def do_GET(self) -> None:  # noqa: N802 - http.server's naming
                server.answer(self)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self._thread = threading.Thread(target=self.httpd.serve_forever, name="latency-server", daemon=True)

    def latency(self, url: str) -> float:
        with self._lock:
            self._count += 1
            n = self._count
        return random.Random(f"{self.seed}|{url}|{n}").uniform(self.low, self.high)

    def answer(self, handler: BaseHTTPRequestHandler) -> None:
        original = to_original(handler.path)
        visit = self._arrived(original)
        try:
            response = self._response(original)
        finally:
            self._answered(visit)  # before the answer is written: nothing of it can be read earlier
        if response is None:
            handler.close_connection = True  # a miss is a network error, as in replay
            return
        status, headers, body = response
        handler.send_response(status)
        for name, value in headers:
            handler.send_header(name, value)
        handler.send_header("content-length", str(len(body)))
        handler.end_headers()
        if body:
            handler.wfile.write(body)

    def _response(self, original: str) -> tuple[int, list[tuple[str, str]], bytes] | None:
        """After the latency: status, headers and body of the answer, None for a miss."""
        delay = self.latency(original)
        time.sleep(delay)
        host = urlsplit(original).hostname or ""
        with self._lock:
            self.requests += 1
            self.latency_total += delay
            self.per_host[host] = self.per_host.get(host, 0) + 1
            wall = self.per_host[host] <= self.walls.get(host, 0)
            if wall:
                self.walled.append((host, time.monotonic()))
        if wall:
            return 429, [], b""
        try:
            entry = self.corpus.next_entry("GET", original)
        except ReplayError:
            return None
        headers = [(name, value) for name, value in entry.headers if name not in _DROP_HEADERS]
        if location := entry.location():
            headers.append(("location", to_local(self.base, location)))
        return entry.status, headers, entry.body

    def _arrived(self, original: str) -> tuple[str, str] | None:
        """Note the request; the visit it belongs to, when it is one of an account's own URLs."""
        visit = self.visits.get(request_key("GET", original)) if self.visits else None
        with self._lock:
            now = time.monotonic()
            if self.first_at is None:
                self.first_at = now
            if visit is not None and self.log is not None:
                if not self._in_flight[visit]:
                    self.log.started.setdefault(visit[0], []).append((visit[1], now))
                self._in_flight[visit] += 1
        return visit

    def _answered(self, visit: tuple[str, str] | None) -> None:
        with self._lock:
            now = time.monotonic()
            self.last_at = now
            if visit is not None and self.log is not None and self._in_flight[visit] > 0:
                self._in_flight[visit] -= 1
                self.log.fetched[visit] = now

    def __enter__(self) -> LatencyServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


def to_local(base: str, url: str) -> str:
    """``https://host/path?q`` -> ``{base}/host/path?q``."""
    parts = urlsplit(url)
    query = f"?{parts.query}" if parts.query else ""
    return f"{base}/{parts.netloc}{parts.path or '/'}{query}"


def to_original(local_path: str) -> str:
    """``/host/path?q`` (the request path the server saw) -> ``https://host/path?q``."""
    return "https://" + local_path.lstrip("/")


def _from_local(base: str, url: str) -> str:
    return to_original(url[len(base) :]) if url.startswith(base) else url


class VisitLog:
    """When each visit fetched: first URL asked for (inside the Slot) to the parse (just after).

    Filled by ``LocalCollector`` in the sweeping process, or by ``LatencyServer`` (``visits``)
    when the collectors run in other processes: then first request in to last answer out.
    """

    def __init__(self) -> None:
        self.started: dict[str, list[tuple[str, float]]] = {}
        self.fetched: dict[tuple[str, str], float] = {}
        self.committed: dict[str, list[float]] = {}
        self.walled: list[tuple[str, float]] = []  # (host, time) of the walls a server answered

    def start(self, platform: str, account_id: str) -> None:
        visits = self.started.setdefault(platform, [])
        if not visits or visits[-1][0] != account_id:  # page_url after api_urls: same visit
            visits.append((account_id, time.monotonic()))

    def fetched_now(self, platform: str, account_id: str) -> None:
        self.fetched[(platform, account_id)] = time.monotonic()

    def commit(self, platform: str) -> None:
        self.committed.setdefault(platform, []).append(time.monotonic())


class LocalCollector:
    """A collector whose URLs point at the local server; parsing is the real collector's."""

    def __init__(self, inner: Collector, base: str, log: VisitLog | None = None) -> None:
        self.inner = inner
        self.base = base
        self.platform = inner.platform
        self.log = log

    def page_url(self, account_id: str) -> str:
        if self.log is not None:
            self.log.start(str(self.platform), account_id)
        return to_local(self.base, self.inner.page_url(account_id))

    def api_urls(self, account_id: str) -> dict[str, str]:
        if self.log is not None:
            self.log.start(str(self.platform), account_id)
        return {role: to_local(self.base, url) for role, url in self.inner.api_urls(account_id).items()}

    def role_of(self, url: str) -> str | None:
        return self.inner.role_of(_from_local(self.base, url))

    def required_roles(self) -> tuple[str, ...]:
        return self.inner.required_roles()

    def _restored(self, responses: dict[str, Fetched]) -> dict[str, Fetched]:
        return {
            role: replace(
                f,
                url=_from_local(self.base, f.url),
                redirects=tuple(_from_local(self.base, u) for u in f.redirects),
            )
            for role, f in responses.items()
        }

    def follow_ups(self, account_id: str, responses: dict[str, Fetched]) -> dict[str, str]:
        """The real collector's follow-up pages (a WeChat account page), on the local server."""
        inner = getattr(self.inner, "follow_ups", None)
        if inner is None:
            return {}
        urls = inner(account_id, self._restored(responses))
        return {role: to_local(self.base, url) for role, url in urls.items()}

    def decisive(self, responses: dict[str, Fetched]) -> bool:
        inner = getattr(self.inner, "decisive", None)
        return bool(inner is not None and inner(self._restored(responses)))

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Any:
        if self.log is not None:
            self.log.fetched_now(str(self.platform), account_id)
        return self.inner.parse(account_id, self._restored(responses), final=final)  # type: ignore[call-arg]


def visit_urls(
    accounts: Sequence[Account], collectors: Mapping[str, Collector]
) -> dict[Key, tuple[str, str]]:
    """Each account's own URLs (``api_urls``, ``page_url``) by request identity -> (platform, account id).

    ``LatencyServer``'s ``visits``: how it knows whose visit a request is.
    """
    visits: dict[Key, tuple[str, str]] = {}
    for account in accounts:
        collector = collectors.get(account.platform)
        if collector is None:
            continue
        urls = [*collector.api_urls(account.account_id).values(), collector.page_url(account.account_id)]
        for url in urls:
            visits[request_key("GET", url)] = (str(account.platform), account.account_id)
    return visits


PLATFORMS = VISITED_PLATFORMS


def live_settings(base: Settings) -> Settings:
    """Every platform on the httpx path, its politeness (delay, jitter, concurrency, cool-down) kept."""
    update: dict[str, Any] = {p: base.platform(p).model_copy(update={"use_httpx": True}) for p in PLATFORMS}
    update["weibo"] = update["weibo"].model_copy(
        update={"visitor_url": ""}
    )  # the local server needs no cookies
    return base.model_copy(update=update)


def polite_settings(base: Settings, delay: float, concurrency: int) -> Settings:
    """Every platform on httpx with the same small politeness (jitter kept as configured).

    Not the issue's check (that keeps each platform's settings): a quick look
    at the scheduler with overridden pacing.
    """
    update: dict[str, Any] = {
        p: base.platform(p).model_copy(
            update={
                "use_httpx": True,
                "delay": delay,
                "concurrency": concurrency,
                "cooldown": max(delay, 0.5),
            }
        )
        for p in PLATFORMS
    }
    update["weibo"] = update["weibo"].model_copy(
        update={"visitor_url": ""}
    )  # the local server needs no cookies
    update["retry_wait"] = min(base.retry_wait, delay)
    return base.model_copy(update=update)


def sample_sizes(
    settings: Settings, target_seconds: float, platforms: Sequence[str] = PLATFORMS
) -> dict[str, int]:
    """Accounts per platform so that each platform's floor is about ``target_seconds``.

    ``max(1, round(target_seconds × concurrency / delay))``.

    Raises:
        ValueError: a platform's delay is not positive (no floor to compare with).
    """
    sizes = {}
    for platform in platforms:
        ps = settings.platform(platform)
        if ps.delay <= 0:
            raise ValueError(f"{platform}: delay {ps.delay} s leaves no politeness floor to check")
        sizes[platform] = max(1, round(target_seconds * ps.concurrency / ps.delay))
    return sizes


def select_accounts(
    accounts: Sequence[Account],
    scenarios: Sequence[Scenario] | None,
    sizes: dict[str, int],
) -> tuple[list[Account], Counter[str]]:
    """The first ``sizes[platform]`` accounts of each platform whose scenario is one clean visit.

    ``scenarios`` runs parallel to ``accounts`` (as ``synthetic_accounts``
    returns them); without it every account counts as clean. Returns the
    chosen accounts (in pool order) and, by ``visit_trouble`` reason, the
    accounts passed over before each platform had its number.
    """
    if scenarios is not None and len(scenarios) != len(accounts):
        raise ValueError(f"{len(scenarios)} scenarios for {len(accounts)} accounts")
    taken: Counter[str] = Counter()
    excluded: Counter[str] = Counter()
    chosen = []
    for index, account in enumerate(accounts):
        platform = account.platform
        if taken[platform] >= sizes.get(platform, 0):
            continue
        trouble = visit_trouble(scenarios[index]) if scenarios is not None else None
        if trouble is not None:
            excluded[trouble] += 1
            continue
        taken[platform] += 1
        chosen.append(account)
    return chosen, excluded


def politeness_floor(counts: dict[str, int], settings: Settings) -> dict[str, float]:
    """Seconds per platform: accounts × delay / concurrency (issue 8; delay is the mean interval)."""
    floors = {}
    for platform, n in counts.items():
        ps = settings.platform(platform)
        floors[platform] = n * ps.delay / ps.concurrency
    return floors


def visit_figures(log: VisitLog, settings: Settings) -> dict[str, dict[str, Any]]:
    """Per platform: how far apart visits started and how long the slot was held.

    ``max_visit_s``: first request to the parse (the slot is held that long);
    ``max_cycle_s``: first request to the commit (a worker's whole turn, parse,
    evidence and store included; paired in order, exact with one worker).
    ``over_min_interval``: turns longer than ``delay × (1 - jitter)``, the
    shortest interval the Slot can draw: only those can hold the next start
    back (the next start is ``max(start + interval, end of the turn)``).
    """
    out: dict[str, dict[str, Any]] = {}
    for platform, visits in sorted(log.started.items()):
        ps = settings.platform(platform)
        starts = [t for _, t in visits]
        gaps = [b - a for a, b in zip(starts, starts[1:], strict=False)]
        held = [log.fetched[(platform, a)] - t for a, t in visits if (platform, a) in log.fetched]
        commits = log.committed.get(platform, [])
        cycles = [c - s for s, c in zip(starts, commits, strict=False)]
        mean_cycle = sum(cycles) / len(cycles) if cycles else 0.0
        shortest = ps.delay * (1 - min(max(ps.jitter, 0.0), 1.0))
        out[platform] = {
            "visits": len(visits),
            "mean_gap_s": round(sum(gaps) / len(gaps), 3) if gaps else None,
            "min_gap_s": round(min(gaps), 3) if gaps else None,
            "max_gap_s": round(max(gaps), 3) if gaps else None,
            "mean_visit_s": round(sum(held) / len(held), 3) if held else None,
            "max_visit_s": round(max(held), 3) if held else None,
            "mean_cycle_s": round(mean_cycle, 3),
            "max_cycle_s": round(max(cycles), 3) if cycles else None,
            # A perfect schedule: n - 1 mean intervals, then the last turn.
            "ideal_s": round((len(visits) - 1) * ps.delay / ps.concurrency + mean_cycle, 3),
            "min_interval_s": round(shortest, 3),
            "over_min_interval": sum(1 for c in cycles if c > shortest),
        }
    return out


def live_check(
    accounts: Sequence[Account],
    corpus_path: Path,
    settings: Settings,
    out_dir: Path,
    *,
    scenarios: Sequence[Scenario] | None = None,
    target_seconds: float = 60.0,
    latency: tuple[float, float] = (0.3, 0.8),
    seed: int = 8,
    delay: float | None = None,
    concurrency: int | None = None,
) -> dict[str, Any]:
    """Sweep clean accounts of ``accounts`` live against the local server; wall time against the floor.

    Args:
        accounts: the pool (a synthetic province served by ``corpus_path``).
        corpus_path: its HAR corpus.
        settings: run settings; each platform's politeness is kept, only the
            httpx path is switched on.
        out_dir: emptied, then holds the sweep's store and evidence.
        scenarios: the pool's scenarios, parallel to ``accounts``
            (``synthetic_accounts(...)[2]``): accounts whose visit is not one
            clean exchange are left out. None: every account is taken as clean.
        target_seconds: each platform's floor is about this long.
        latency: the server's latency per request, uniform in [low, high] s.
        seed: the latency draws.
        delay, concurrency: override every platform's pacing (a quick look,
            not the issue's check; cool-downs shrink with them).
    """
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    if delay is not None or concurrency is not None:
        run_settings = polite_settings(
            settings,
            delay if delay is not None else settings.weibo.delay,
            concurrency if concurrency is not None else settings.weibo.concurrency,
        )
    else:
        run_settings = live_settings(settings)
    sizes = sample_sizes(run_settings, target_seconds)
    chosen, excluded = select_accounts(accounts, scenarios, sizes)
    counts = dict(Counter(a.platform for a in chosen))
    short = {p: n - counts.get(p, 0) for p, n in sizes.items() if counts.get(p, 0) < n}
    corpus = HarCorpus.load([corpus_path])
    log = VisitLog()
    with LatencyServer(corpus, latency[0], latency[1], seed) as server:
        collectors = {p: LocalCollector(c, server.base, log) for p, c in default_collectors().items()}
        store = Store(out_dir / "state.sqlite")
        finished: dict[str, float] = {}
        started, cpu_started = time.monotonic(), time.process_time()

        def progress(platform: str, done: int, total: int) -> None:
            log.commit(platform)
            finished[platform] = time.monotonic() - started

        try:
            stats = asyncio.run(
                run_sweep(
                    chosen,
                    store,
                    run_settings,
                    out_dir,
                    collectors=collectors,  # type: ignore[arg-type]
                    progress=progress,
                )
            )
            wall = time.monotonic() - started
            cpu = time.process_time() - cpu_started
        finally:
            store.close()
    floors = politeness_floor(counts, run_settings)
    floor = max(floors.values()) if floors else 0.0
    mean_latency = server.latency_total / server.requests if server.requests else 0.0
    visits = visit_figures(log, run_settings)
    # Another lower bound, for reading the figure: a worker cannot start its
    # next visit before the server answered.
    latency_bound = max(
        (
            n * (visits.get(p, {}).get("mean_visit_s") or mean_latency) / run_settings.platform(p).concurrency
            for p, n in counts.items()
        ),
        default=0.0,
    )
    politeness = {
        p: {
            "delay": run_settings.platform(p).delay,
            "jitter": run_settings.platform(p).jitter,
            "concurrency": run_settings.platform(p).concurrency,
            "cooldown": run_settings.platform(p).cooldown,
        }
        for p in sorted(counts)
    }
    return {
        "accounts": len(chosen),
        "per_platform": dict(sorted(counts.items())),
        "pool": len(accounts),
        "target_s": target_seconds,
        # Accounts of the pool passed over, by why (wall / fault / unconfirmed).
        "excluded": sum(excluded.values()),
        "excluded_reasons": dict(sorted(excluded.items())),
        "short": short,
        "politeness": politeness,
        "latency_s": list(latency),
        "requests": server.requests,
        "requests_per_host": dict(sorted(server.per_host.items())),
        "mean_latency_s": round(mean_latency, 3),
        "wall_s": round(wall, 2),
        # CPU of this process (server threads included): parse, evidence, store, httpx.
        "python_cpu_s": round(cpu, 2),
        "floor_s": round(floor, 2),
        "floor_platform": max(floors, key=floors.__getitem__) if floors else "",
        "ratio": round(wall / floor, 3) if floor > 0 else None,
        "latency_bound_s": round(latency_bound, 2),
        "platform_wall_s": {p: round(t, 2) for p, t in sorted(finished.items())},
        "platform_floor_s": {p: round(t, 2) for p, t in sorted(floors.items())},
        # The floor counts n intervals for n visits; the last one is not waited for.
        "ideal_s": max((v["ideal_s"] for v in visits.values()), default=0.0),
        "platform_ratio": {
            p: round(finished[p] / floors[p], 3) for p in sorted(floors) if p in finished and floors[p] > 0
        },
        "visits": visits,
        "statuses": dict(sorted(stats.statuses.items())),
        "walls": stats.walls,
        "retries": stats.retries,
    }
