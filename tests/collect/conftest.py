"""Shared pieces of the visiting-machinery tests: a tiny collector and HAR builders.

The fake collector reads a made-up site (``fake.test``) whose profile page
loads ``/api/profile/{id}`` and ``/api/posts/{id}`` with inline fetches, as the
real pages do; its accounts are filed under the weibo platform so settings
and slots apply. Tests feed corpora, not mocks.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from newmedia_audit.collect.base import Fetched
from newmedia_audit.errors import TransientError, WallError
from newmedia_audit.models import Account, Observation, Platform, Post, Status
from newmedia_audit.settings import Settings

CST = timezone(timedelta(hours=8))
T0 = datetime(2022, 6, 20, 9, 0, tzinfo=CST)
HOST = "fake.test"


def page_url(account_id: str) -> str:
    return f"https://{HOST}/u/{account_id}"


def api_url(role: str, account_id: str) -> str:
    return f"https://{HOST}/api/{role}/{account_id}?sig=volatile"


class FakeCollector:
    """A collector for fake.test: profile + posts JSON, page optional."""

    platform = Platform.weibo

    def __init__(self, required: tuple[str, ...] = ("profile", "posts")) -> None:
        self.required = required
        self.parsed: list[str] = []

    def page_url(self, account_id: str) -> str:
        return page_url(account_id)

    def api_urls(self, account_id: str) -> dict[str, str]:
        return {"profile": api_url("profile", account_id), "posts": api_url("posts", account_id)}

    def role_of(self, url: str) -> str | None:
        parts = urlsplit(url)
        if parts.hostname != HOST:
            return None
        if parts.path.startswith("/u/"):
            return "page"
        for role in ("profile", "posts"):
            if parts.path.startswith(f"/api/{role}/"):
                return role
        return None

    def required_roles(self) -> tuple[str, ...]:
        return self.required

    def parse(self, account_id: str, responses: dict[str, Fetched], *, final: bool = False) -> Observation:
        self.parsed.append(account_id)
        profile = responses["profile"].json()
        if profile.get("wall"):
            raise WallError("fake wall")
        if profile.get("gone"):
            return Observation(platform="weibo", account_id=account_id, status=Status.not_found)
        posts = responses["posts"].json()
        if not posts and not final:
            raise TransientError("empty feed, retry")
        items = [
            Post(id=str(p["id"]), published_at=datetime.fromtimestamp(p["t"], UTC).astimezone(CST))
            for p in posts
        ]
        return Observation(
            platform="weibo",
            account_id=account_id,
            status=Status.ok,
            live_name=str(profile.get("name", "")),
            posts=items,
            latest_post_at=max((p.published_at for p in items if p.published_at), default=None),
            confirmed_empty=not items,
            fetched_at=responses["profile"].received_at,
        )


def entry(
    url: str,
    body: str | dict[str, Any] | list[Any] = "",
    *,
    status: int = 200,
    started: datetime = T0,
    headers: dict[str, str] | None = None,
    redirect: str = "",
    method: str = "GET",
) -> dict[str, Any]:
    """One HAR 1.2 entry."""
    text = body if isinstance(body, str) else json.dumps(body, ensure_ascii=False)
    mime = "text/html; charset=utf-8" if isinstance(body, str) else "application/json"
    hdrs = [{"name": "content-type", "value": mime}]
    if redirect:
        hdrs.append({"name": "location", "value": redirect})
    for k, v in (headers or {}).items():
        hdrs.append({"name": k, "value": v})
    return {
        "startedDateTime": started.isoformat(timespec="milliseconds"),
        "time": 1,
        "request": {
            "method": method,
            "url": url,
            "httpVersion": "HTTP/1.1",
            "headers": [],
            "queryString": [],
        },
        "response": {
            "status": status,
            "statusText": "",
            "httpVersion": "HTTP/1.1",
            "headers": hdrs,
            "cookies": [],
            "content": {"size": len(text), "mimeType": mime, "text": text},
            "redirectURL": redirect,
        },
        "cache": {},
        "timings": {"send": 0, "wait": 1, "receive": 0},
    }


def fake_page(account_id: str, roles: tuple[str, ...] = ("profile", "posts")) -> str:
    """A profile page whose inline script fetches the JSON, as the real pages do."""
    urls = json.dumps([api_url(r, account_id) for r in roles])
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><title>fake</title></head><body>"
        f"<div id='app'>{account_id}</div><script>{urls}.forEach(u => fetch(u).then(r => r.text()));"
        "</script></body></html>"
    )


def account_entries(
    account_id: str,
    *,
    name: str = "",
    started: datetime = T0,
    posts: list[dict[str, Any]] | None = None,
    page_roles: tuple[str, ...] = ("profile", "posts"),
) -> list[dict[str, Any]]:
    """Page + profile + posts of one ok account."""
    items = posts if posts is not None else [{"id": f"{account_id}-1", "t": int(started.timestamp()) - 3600}]
    return [
        entry(page_url(account_id), fake_page(account_id, page_roles), started=started),
        entry(api_url("profile", account_id), {"name": name or f"账号{account_id}"}, started=started),
        entry(api_url("posts", account_id), items, started=started),
    ]


def write_har(path: Path, entries: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps({"log": {"version": "1.2", "entries": entries}}, ensure_ascii=False), "utf-8")
    return path


def fake_account(account_id: str, platform: str = "weibo") -> Account:
    return Account(
        district="市直", unit="某单位", name=f"账号{account_id}", platform=platform, account_id=account_id
    )


def replay_settings(*, use_httpx: bool = True) -> Settings:
    """Settings for replayed sweeps: httpx or browser path, walls requeued once."""
    settings = Settings()
    settings.weibo.use_httpx = use_httpx
    settings.weibo.wall_retries = 1
    settings.retries = 2
    settings.browser.page_timeout = 5.0
    return settings


@pytest.fixture
def fake_collector() -> FakeCollector:
    return FakeCollector()
