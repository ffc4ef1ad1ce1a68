"""Live-mode scheduling check: the sweep against a slow local server, politeness on.

A ``ThreadingHTTPServer`` on 127.0.0.1 answers from a HAR corpus after an
injected latency (uniform in [low, high] seconds, seeded per request). The
sweep runs in live mode (no ``replay``: the Slot keeps each platform's
delay, jitter and concurrency) on the httpx path. It reaches the server
through ``run_sweep``'s ``collectors`` argument: each collector is wrapped
so its URLs point at the server (``http://127.0.0.1:PORT/{host}{path}?{query}``)
and the responses are handed back to the real parser under their original
URLs, so parsing, walls and redirects (kept by the server as 3xx with a
rewritten Location, followed by httpx) behave as they would live.

The politeness floor, as issue 8 defines it: max over platforms of
accounts × minimum interval / concurrency (minimum interval = delay ×
(1 - jitter)).
"""

from __future__ import annotations

import asyncio
import random
import shutil
import threading
import time
from dataclasses import replace
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from ..collect.base import Collector, Fetched
from ..collect.replay import HarCorpus
from ..collect.sweep import default_collectors, run_sweep
from ..errors import ReplayError
from ..models import Account
from ..settings import Settings
from ..store import Store

_DROP_HEADERS = frozenset(
    {"content-length", "content-encoding", "transfer-encoding", "connection", "location"}
)


class LatencyServer:
    """Serves a corpus over plain HTTP on 127.0.0.1 with a seeded latency per request."""

    def __init__(self, corpus: HarCorpus, low: float, high: float, seed: int) -> None:
        self.corpus = corpus
        self.low, self.high, self.seed = low, high, seed
        self.requests = 0
        self.latency_total = 0.0
        self.per_host: dict[str, int] = {}
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
        delay = self.latency(original)
        time.sleep(delay)
        host = urlsplit(original).hostname or ""
        with self._lock:
            self.requests += 1
            self.latency_total += delay
            self.per_host[host] = self.per_host.get(host, 0) + 1
        try:
            entry = self.corpus.next_entry("GET", original)
        except ReplayError:
            handler.close_connection = True  # a miss is a network error, as in replay
            return
        body = entry.body
        handler.send_response(entry.status)
        for name, value in entry.headers:
            if name not in _DROP_HEADERS:
                handler.send_header(name, value)
        if location := entry.location():
            handler.send_header("location", to_local(self.base, location))
        handler.send_header("content-length", str(len(body)))
        handler.end_headers()
        handler.wfile.write(body)

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


class LocalCollector:
    """A collector whose URLs point at the local server; parsing is the real collector's."""

    def __init__(self, inner: Collector, base: str) -> None:
        self.inner = inner
        self.base = base
        self.platform = inner.platform

    def page_url(self, account_id: str) -> str:
        return to_local(self.base, self.inner.page_url(account_id))

    def api_urls(self, account_id: str) -> dict[str, str]:
        return {role: to_local(self.base, url) for role, url in self.inner.api_urls(account_id).items()}

    def role_of(self, url: str) -> str | None:
        return self.inner.role_of(_from_local(self.base, url))

    def required_roles(self) -> tuple[str, ...]:
        return self.inner.required_roles()

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Any:
        restored = {
            role: replace(
                f,
                url=_from_local(self.base, f.url),
                redirects=tuple(_from_local(self.base, u) for u in f.redirects),
            )
            for role, f in responses.items()
        }
        return self.inner.parse(account_id, restored, final=final)  # type: ignore[call-arg]


def polite_settings(base: Settings, delay: float, concurrency: int) -> Settings:
    """Every platform on httpx with the same small politeness (jitter kept as configured)."""
    update: dict[str, Any] = {
        p: base.platform(p).model_copy(
            update={
                "use_httpx": True,
                "delay": delay,
                "concurrency": concurrency,
                "cooldown": max(delay, 0.5),
            }
        )
        for p in ("wechat", "weibo", "douyin", "toutiao")
    }
    update["retry_wait"] = min(base.retry_wait, delay)
    return base.model_copy(update=update)


def politeness_floor(counts: dict[str, int], settings: Settings) -> dict[str, float]:
    """Seconds per platform: accounts × minimum interval / concurrency (issue 8)."""
    floors = {}
    for platform, n in counts.items():
        ps = settings.platform(platform)
        floors[platform] = n * ps.delay * (1 - ps.jitter) / ps.concurrency
    return floors


def live_check(
    accounts: list[Account],
    corpus_path: Path,
    settings: Settings,
    out_dir: Path,
    *,
    delay: float = 0.2,
    concurrency: int = 2,
    latency: tuple[float, float] = (0.3, 0.8),
    seed: int = 8,
) -> dict[str, Any]:
    """Sweep ``accounts`` live against the local server; wall time against the floor."""
    shutil.rmtree(out_dir, ignore_errors=True)
    out_dir.mkdir(parents=True)
    run_settings = polite_settings(settings, delay, concurrency)
    corpus = HarCorpus.load([corpus_path])
    counts: dict[str, int] = {}
    for a in accounts:
        counts[a.platform] = counts.get(a.platform, 0) + 1
    with LatencyServer(corpus, latency[0], latency[1], seed) as server:
        collectors = {p: LocalCollector(c, server.base) for p, c in default_collectors().items()}
        store = Store(out_dir / "state.sqlite")
        finished: dict[str, float] = {}
        started, cpu_started = time.monotonic(), time.process_time()

        def progress(platform: str, done: int, total: int) -> None:
            finished[platform] = time.monotonic() - started

        try:
            stats = asyncio.run(
                run_sweep(
                    accounts,
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
    # Two other lower bounds, for reading the figure: the Slot spaces visit
    # *starts* of a platform by the interval whatever the concurrency, and a
    # worker cannot start its next visit before the server answered.
    mean_interval = {p: run_settings.platform(p).delay for p in counts}
    slot_bound = max(n * mean_interval[p] for p, n in counts.items())
    latency_bound = max(n * mean_latency / run_settings.platform(p).concurrency for p, n in counts.items())
    return {
        "accounts": len(accounts),
        "per_platform": counts,
        "delay": delay,
        "jitter": run_settings.weibo.jitter,
        "concurrency": concurrency,
        "latency_s": list(latency),
        "requests": server.requests,
        "requests_per_host": dict(sorted(server.per_host.items())),
        "mean_latency_s": round(mean_latency, 3),
        "wall_s": round(wall, 2),
        # CPU of this process (server threads included): parse, evidence, store, httpx.
        "python_cpu_s": round(cpu, 2),
        "floor_s": round(floor, 2),
        "floor_platform": max(floors, key=floors.__getitem__) if floors else "",
        "ratio": round(wall / floor, 2) if floor > 0 else None,
        "slot_bound_s": round(slot_bound, 2),
        "latency_bound_s": round(latency_bound, 2),
        "platform_wall_s": {p: round(t, 2) for p, t in sorted(finished.items())},
        "platform_floor_s": {p: round(t, 2) for p, t in sorted(floors.items())},
        "statuses": dict(sorted(stats.statuses.items())),
        "walls": stats.walls,
        "retries": stats.retries,
    }
