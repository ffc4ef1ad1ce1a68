"""Small pure helpers the four platform parsers share: HTTP-status walls,
HTML to text, post times and the latest post.

Nothing here does I/O or reads the clock.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from datetime import datetime
from html.parser import HTMLParser

from ..errors import TransientError, WallError
from ..models import Post
from ..timeparse import TimeParseError, parse_time
from .base import Fetched

# Status codes platforms answer when they refuse a visitor (platforms.md, "Be polite").
WALL_STATUSES = frozenset({403, 418, 429, 432})


def check_http(fetched: Fetched, label: str) -> None:
    """Raise for an HTTP status that says nothing about the account.

    Args:
        fetched: the response.
        label: the Chinese platform label for the message (微博, 抖音, ...).

    Raises:
        WallError: 403, 418, 429 or 432.
        TransientError: 5xx, another 4xx, or no status at all (0).
    """
    status = fetched.status
    if status in WALL_STATUSES:
        raise WallError(f"{label}拒绝访问（HTTP {status}）：{fetched.url}")
    if status >= 500:
        raise TransientError(f"{label}服务器错误（HTTP {status}）：{fetched.url}")
    if status >= 400 or status <= 0:
        raise TransientError(f"{label}返回异常状态（HTTP {status}）：{fetched.url}")


def html_title(text: str) -> str:
    """The <title> of an HTML page, entities decoded, or ""."""
    match = re.search(r"<title[^>]*>(.*?)</title>", text, re.IGNORECASE | re.DOTALL)
    return html.unescape(match.group(1)).strip() if match else ""


def strip_scripts(text: str) -> str:
    """HTML without <script> and <style> blocks (their text is not what a visitor reads)."""
    return re.sub(r"<(script|style)\b[^>]*>.*?</\1\s*>", " ", text, flags=re.IGNORECASE | re.DOTALL)


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("script", "style"):
            self._skip += 1
        elif tag == "br":
            self.parts.append("\n")
        elif tag == "img":
            # Weibo emoticons are <img alt="[doge]">: keep the alt text.
            alt = dict(attrs).get("alt")
            if alt:
                self.parts.append(alt)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag != "script":
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in ("script", "style") and self._skip:
            self._skip -= 1
        elif tag in ("p", "div", "li"):
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        if not self._skip:
            self.parts.append(data)


def html_to_text(markup: str) -> str:
    """Visible text of an HTML fragment: tags dropped, entities decoded, <br> as newline."""
    if "<" not in markup and "&" not in markup:
        return markup.strip()
    extractor = _TextExtractor()
    extractor.feed(markup)
    extractor.close()
    text = "".join(extractor.parts)
    text = re.sub(r"[ \t\r\f\v]+", " ", text)
    text = re.sub(r" *\n *", "\n", text)
    return re.sub(r"\n{2,}", "\n", text).strip()


def post_time(value: object, anchor: datetime, where: str) -> datetime:
    """A post's publish time; an unreadable one fails the visit instead of hiding a post.

    Raises:
        TransientError: the value is missing or in no known form (the account
            ends as ``error`` after the retries, never with a wrong date).
    """
    if value is None or value == "":
        raise TransientError(f"{where}缺少发布时间")
    if not isinstance(value, str | int | float):
        raise TransientError(f"{where}的发布时间无法识别：{value!r}")
    try:
        return parse_time(value, anchor)
    except TimeParseError as exc:
        raise TransientError(f"{where}的发布时间无法识别：{value!r}") from exc


def latest(posts: Iterable[Post]) -> datetime | None:
    """The latest publish time over every post seen, pinned ones included."""
    times = [p.published_at for p in posts if p.published_at is not None]
    return max(times) if times else None


def to_count(value: object) -> int | None:
    """A count as platforms print it: 12, "12", "1.2万", "3亿"; None when absent or unreadable."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return int(value)
    if isinstance(value, str):
        match = re.fullmatch(r"\s*(\d+(?:\.\d+)?)\s*(万|亿)?\+?\s*", value)
        if match:
            scale = {"万": 10_000, "亿": 100_000_000}.get(match.group(2) or "", 1)
            return int(float(match.group(1)) * scale)
    return None


def need(responses: dict[str, Fetched], role: str, label: str) -> Fetched:
    """The response of a role, or a TransientError naming what is missing."""
    fetched = responses.get(role)
    if fetched is None:
        raise TransientError(f"{label}缺少 {role} 响应")
    return fetched
