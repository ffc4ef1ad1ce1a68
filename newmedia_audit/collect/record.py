"""``--record FILE``: a live sweep's traffic written as HAR 1.2 for later replay.

The recorder wraps the live path: an httpx transport that records what it
returns, and a Playwright ``response`` listener. Cookie, Set-Cookie and
Authorization headers are dropped before anything is kept (secrets never in
outputs). The file is rewritten atomically (temporary name, os.replace)
every ``flush_every`` entries and at close, so a killed sweep keeps what it
had recorded at its last flush.
"""

from __future__ import annotations

import base64
import json
import threading
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import httpx

from .evidence import SECRET_HEADERS, atomic_write

CREATOR = {"name": "newmedia-audit", "version": "1"}


def _pairs(headers: Any) -> list[dict[str, str]]:
    items = headers.items() if hasattr(headers, "items") else headers
    return [{"name": str(k), "value": str(v)} for k, v in items if str(k).lower() not in SECRET_HEADERS]


def _content(body: bytes, mime: str) -> dict[str, Any]:
    try:
        return {"size": len(body), "mimeType": mime, "text": body.decode("utf-8")}
    except UnicodeDecodeError:
        return {
            "size": len(body),
            "mimeType": mime,
            "text": base64.b64encode(body).decode("ascii"),
            "encoding": "base64",
        }


def har_entry(
    *,
    method: str,
    url: str,
    request_headers: Any,
    status: int,
    status_text: str,
    response_headers: Any,
    body: bytes,
    started: datetime,
    elapsed_ms: float = 0.0,
) -> dict[str, Any]:
    """One HAR 1.2 entry, secrets stripped."""
    headers = _pairs(response_headers)
    location = next((h["value"] for h in headers if h["name"].lower() == "location"), "")
    mime = next((h["value"] for h in headers if h["name"].lower() == "content-type"), "")
    return {
        "startedDateTime": started.isoformat(timespec="milliseconds"),
        "time": round(elapsed_ms, 3),
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": _pairs(request_headers),
            "queryString": [
                {"name": k, "value": v} for k, v in parse_qsl(urlsplit(url).query, keep_blank_values=True)
            ],
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": status_text,
            "httpVersion": "HTTP/1.1",
            "headers": headers,
            "cookies": [],
            "content": _content(body, mime),
            "redirectURL": location if 300 <= status < 400 else "",
            "headersSize": -1,
            "bodySize": len(body),
        },
        "cache": {},
        "timings": {"send": 0, "wait": round(elapsed_ms, 3), "receive": 0},
    }


class HarRecorder:
    """Collects entries and writes them as one HAR file."""

    def __init__(self, path: Path, *, flush_every: int = 50) -> None:
        self.path = Path(path)
        self.flush_every = max(1, flush_every)
        self.entries: list[dict[str, Any]] = []
        self._unflushed = 0
        self._lock = threading.Lock()

    def add(self, entry: dict[str, Any]) -> None:
        with self._lock:
            self.entries.append(entry)
            self._unflushed += 1
            due = self._unflushed >= self.flush_every
        if due:
            self.flush()

    def flush(self) -> None:
        """Rewrite the whole file atomically with every entry so far."""
        with self._lock:
            document = {"log": {"version": "1.2", "creator": dict(CREATOR), "entries": list(self.entries)}}
            self._unflushed = 0
        atomic_write(self.path, json.dumps(document, ensure_ascii=False).encode("utf-8"))

    def close(self) -> None:
        self.flush()

    # -- httpx -------------------------------------------------------------------
    def transport(self, inner: httpx.AsyncBaseTransport | None = None) -> RecordingTransport:
        """An httpx transport recording what ``inner`` (default: the network) returns."""
        return RecordingTransport(inner or httpx.AsyncHTTPTransport(), self)

    # -- Playwright ------------------------------------------------------------------
    async def on_response(self, response: Any) -> None:
        """Playwright ``response`` listener (live browser path)."""
        try:
            body = await response.body()
        except Exception:  # noqa: BLE001 - redirects and aborted bodies have none
            body = b""
        request = response.request
        try:
            request_headers = await request.all_headers()
            response_headers = await response.headers_array()
            response_headers = [(h["name"], h["value"]) for h in response_headers]
        except Exception:  # noqa: BLE001 - page closed meanwhile
            request_headers, response_headers = request.headers, list(response.headers.items())
        self.add(
            har_entry(
                method=request.method,
                url=response.url,
                request_headers=request_headers,
                status=response.status,
                status_text=response.status_text,
                response_headers=response_headers,
                body=body,
                started=datetime.now(UTC),
            )
        )


class RecordingTransport(httpx.AsyncBaseTransport):
    """Wraps a transport; every response is read and recorded."""

    def __init__(self, inner: httpx.AsyncBaseTransport, recorder: HarRecorder) -> None:
        self.inner = inner
        self.recorder = recorder

    async def handle_async_request(self, request: httpx.Request) -> httpx.Response:
        started = datetime.now(UTC)
        response = await self.inner.handle_async_request(request)
        body = await response.aread()
        elapsed = (datetime.now(UTC) - started).total_seconds() * 1000
        self.recorder.add(
            har_entry(
                method=request.method,
                url=str(request.url),
                request_headers=request.headers.multi_items(),
                status=response.status_code,
                status_text=response.reason_phrase,
                response_headers=response.headers.multi_items(),
                body=body,
                started=started,
                elapsed_ms=elapsed,
            )
        )
        return httpx.Response(
            response.status_code,
            headers=[(k, v) for k, v in response.headers.multi_items() if k.lower() != "content-encoding"],
            content=body,
            request=request,
            extensions={"received_at": started},
        )

    async def aclose(self) -> None:
        await self.inner.aclose()
