"""HAR 1.2 writer for synthetic replay corpora.

Output is deterministic: no clock and no randomness; the same entries give the
same bytes. Files are written to a temporary name and renamed into place.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterable, Mapping, Sequence
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, urlsplit

HAR_VERSION = "1.2"
CREATOR = {"name": "newmedia-audit-synth", "version": "1"}

STATUS_TEXTS: dict[int, str] = {
    200: "OK",
    302: "Found",
    403: "Forbidden",
    404: "Not Found",
    418: "I'm a teapot",
    429: "Too Many Requests",
    432: "",
    500: "Internal Server Error",
    502: "Bad Gateway",
    503: "Service Unavailable",
}

HTML = "text/html; charset=utf-8"
JSON = "application/json; charset=utf-8"


def iso_time(moment: datetime) -> str:
    """HAR startedDateTime: ISO 8601 with milliseconds and the moment's own offset."""
    if moment.tzinfo is None:
        raise ValueError("HAR times must be timezone-aware")
    return moment.isoformat(timespec="milliseconds")


def http_date(moment: datetime) -> str:
    """RFC 7231 ``Date`` header value for the same instant (always GMT)."""
    return format_datetime(moment.astimezone(UTC), usegmt=True)


def _pairs(items: Mapping[str, str] | Sequence[tuple[str, str]]) -> list[dict[str, str]]:
    pairs = items.items() if isinstance(items, Mapping) else items
    return [{"name": name, "value": value} for name, value in pairs]


def har_entry(
    url: str,
    started: datetime,
    *,
    status: int = 200,
    body: str = "",
    mime_type: str = HTML,
    method: str = "GET",
    headers: Mapping[str, str] | None = None,
    request_headers: Mapping[str, str] | None = None,
    redirect_url: str = "",
    timings: tuple[int, int, int] = (1, 40, 3),
) -> dict[str, Any]:
    """One HAR 1.2 entry: a request and the response received at ``started``.

    The response carries ``content-type`` and a ``Date`` header for the same
    instant as ``started`` (the anchor for relative times). A ``redirect_url``
    adds a ``Location`` header.
    """
    query = parse_qsl(urlsplit(url).query, keep_blank_values=True)
    size = len(body.encode("utf-8"))
    response_headers: dict[str, str] = {
        "content-type": mime_type,
        "date": http_date(started),
        "content-length": str(size),
    }
    if redirect_url:
        response_headers["location"] = redirect_url
    if headers:
        response_headers.update(headers)
    req_headers = {
        "accept": "text/html,application/json,*/*",
        "user-agent": "Mozilla/5.0 (newmedia-audit synthetic corpus)",
    }
    if request_headers:
        req_headers.update(request_headers)
    send, wait, receive = timings
    return {
        "startedDateTime": iso_time(started),
        "time": send + wait + receive,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": _pairs(req_headers),
            "queryString": _pairs(query),
            "cookies": [],
            "headersSize": -1,
            "bodySize": 0,
        },
        "response": {
            "status": status,
            "statusText": STATUS_TEXTS.get(status, ""),
            "httpVersion": "HTTP/1.1",
            "headers": _pairs(response_headers),
            "cookies": [],
            "content": {"size": size, "mimeType": mime_type, "text": body},
            "redirectURL": redirect_url,
            "headersSize": -1,
            "bodySize": size,
        },
        "cache": {},
        "timings": {"send": send, "wait": wait, "receive": receive},
    }


def har_document(entries: Iterable[dict[str, Any]], comment: str = "") -> dict[str, Any]:
    """The HAR 1.2 ``{"log": ...}`` document around ``entries``, in the given order."""
    log: dict[str, Any] = {"version": HAR_VERSION, "creator": dict(CREATOR), "entries": list(entries)}
    if comment:
        log["comment"] = comment
    return {"log": log}


def write_har(entries: Iterable[dict[str, Any]], path: Path, comment: str = "") -> Path:
    """Write a HAR 1.2 file atomically (temporary name, then ``os.replace``).

    Entries are streamed one a line, so a large corpus never sits in memory
    as one string.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    head = har_document([], comment)
    head_text = json.dumps(head, ensure_ascii=False, separators=(",", ":"))
    prefix, suffix = head_text.split('"entries":[]', 1)
    tmp = path.with_name(path.name + ".tmp")
    with open(tmp, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(prefix + '"entries":[')
        for index, entry in enumerate(entries):
            handle.write("\n" if index == 0 else ",\n")
            handle.write(json.dumps(entry, ensure_ascii=False, separators=(",", ":")))
        handle.write("\n]" + suffix + "\n")
    os.replace(tmp, path)
    return path


def read_har(path: Path) -> list[dict[str, Any]]:
    """The entries of a HAR file (for tests and tools)."""
    with open(path, encoding="utf-8") as handle:
        return list(json.load(handle)["log"]["entries"])
