"""Reading the page's forms the way a browser would submit them (for tests without a browser)."""

from __future__ import annotations

import html
import re
from html.parser import HTMLParser

import httpx


def hidden_fields(page: str, form_id: str) -> dict[str, str]:
    """The hidden inputs of one form of a page."""
    start = page.index(f'id="{form_id}"')
    form = page[start : page.index("</form>", start)]
    return {
        name: html.unescape(value)
        for name, value in re.findall(r'<input type="hidden" name="(\w+)" value="([^"]*)"', form)
    }


def decide(
    client: httpx.Client, base: str, key: str, form_id: str = "decide-verdict", **fields: str
) -> httpx.Response:
    """Open the account page, fill its form with ``fields`` and submit it."""
    page = client.get(f"{base}/account", params={"key": key}).text
    return client.post(f"{base}/decide", data=hidden_fields(page, form_id) | fields)


class _FormReader(HTMLParser):
    """The fields of one form as a browser would submit them, and the attributes of its controls."""

    def __init__(self, form_id: str) -> None:
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields: dict[str, str] = {}
        self.controls: dict[str, dict[str, str | None]] = {}
        self.text: list[str] = []
        self._select = ""
        self._textarea = ""
        self._buffer: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "form" and a.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = a.get("name") or ""
        if tag in ("input", "select", "textarea") and name:
            self.controls[name] = a
        if tag == "input" and name and a.get("type") in ("hidden", "text"):
            self.fields[name] = a.get("value") or ""
        elif tag == "select":
            self._select = name
            self.fields.setdefault(name, "")
        elif tag == "option" and self._select and "selected" in a:
            self.fields[self._select] = a.get("value") or ""
        elif tag == "textarea":
            self._textarea, self._buffer = name, []

    def handle_endtag(self, tag: str) -> None:
        if not self.inside:
            return
        if tag == "form":
            self.inside = False
        elif tag == "select":
            self._select = ""
        elif tag == "textarea" and self._textarea:
            value = "".join(self._buffer)
            self.fields[self._textarea] = value[1:] if value.startswith("\n") else value  # as HTML drops it
            self._textarea = ""

    def handle_data(self, data: str) -> None:
        if self.inside:
            (self._buffer if self._textarea else self.text).append(data)


def form_fields(page: str, form_id: str) -> tuple[dict[str, str], dict[str, dict[str, str | None]], str]:
    """One form of a page: the values it would submit, its controls' attributes, its text."""
    reader = _FormReader(form_id)
    reader.feed(page)
    reader.close()
    return reader.fields, reader.controls, "".join(reader.text)
