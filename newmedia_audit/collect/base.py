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

from ..errors import TransientError, UnrecognizedError
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
        """Body as JSON.

        Raises:
            UnrecognizedError: HTML or other text where JSON was expected (a
                changed platform or a proxy's page; retried, then counted apart).
            TransientError: JSON cut off half-way (a network fault).
        """
        try:
            return json.loads(self.body)
        except (ValueError, UnicodeDecodeError) as exc:
            head = self.body.lstrip()[:1]
            if head in (b"{", b"["):
                raise TransientError(f"JSON 响应不完整：{self.url}") from exc
            raise UnrecognizedError(
                f"应为 JSON，却收到无法识别的内容：{self.body[:60]!r}（{self.url}）"
            ) from exc


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
        """Pure: the observation, or raise WallError / TransientError
        (UnrecognizedError for a response whose shape it does not know)."""
        ...

    # Optional, duck-typed (collect/fetch.py ``decided``):
    #   decisive(responses) -> bool: True when the responses so far decide the
    #   account although other required roles are missing or failed.
    # Optional, duck-typed (collect/fetch.py ``follow_ups``):
    #   follow_ups(account_id, responses) -> dict[str, str]: role -> absolute URL
    #   of pages to open next in the same visit, asked once the required roles
    #   are in (and again with what came in); parse then gets those roles too.
