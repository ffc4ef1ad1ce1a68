"""The collector interface: one small protocol a platform module implements.

A fetch path (browser page or httpx) gathers the responses a collector names
by *role* ("page", "profile", "posts"), then hands them to the collector's pure
``parse``. Parsing never does I/O and never reads the clock: relative times
resolve against ``Fetched.received_at``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

from ..errors import TransientError
from ..models import Observation, Platform


@dataclass(frozen=True)
class Fetched:
    """One response as received (live, or served from a replay corpus)."""

    url: str
    status: int
    headers: dict[str, str]  # lower-case names
    body: bytes
    received_at: datetime  # aware; the Date header or the HAR entry's startedDateTime
    redirects: tuple[str, ...] = field(default=())  # URLs of the redirect chain before `url`

    def text(self) -> str:
        """Body decoded as UTF-8 (platform pages and JSON are UTF-8)."""
        return self.body.decode("utf-8", errors="replace")

    def json(self) -> Any:
        """Body as JSON; truncated JSON or HTML where JSON was expected is transient."""
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            raise TransientError(f"not JSON from {self.url}: {self.body[:80]!r}") from exc


class Collector(Protocol):
    """What a platform module exposes (one class each; wired in collect/registry.py)."""

    platform: Platform

    def page_url(self, account_id: str) -> str:
        """The public profile page the browser opens (screenshot evidence)."""
        ...

    def api_urls(self, account_id: str) -> dict[str, str]:
        """role -> URL of the JSON/HTML endpoints, for the httpx path and as a fallback
        requested from the page context when the page did not load them itself."""
        ...

    def role_of(self, url: str) -> str | None:
        """The role of a response the page loads ("profile", "posts", ...), or None."""
        ...

    def required_roles(self) -> tuple[str, ...]:
        """Roles parse needs; "page" is the profile page document itself."""
        ...

    def parse(self, account_id: str, responses: dict[str, Fetched]) -> Observation:
        """Pure: the observation, or raise WallError / TransientError."""
        ...
