"""Visitor cookies for the httpx path: taken from a real browser visit (a local server
plays the visitor system: a redirect, then a script that sets the cookies)."""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
import pytest

from newmedia_audit.collect.browser import BrowserPool
from newmedia_audit.collect.visitor import CookieBorrower
from newmedia_audit.settings import Settings

pytestmark = pytest.mark.browser

VISITOR_PAGE = b"""<!DOCTYPE html><html><head><title>Sina Visitor System</title></head><body>
<script>document.cookie = "SUB=_2AkMvisitor; path=/"; document.cookie = "SUBP=0033Wr; path=/";</script>
</body></html>"""


class _Handler(BaseHTTPRequestHandler):
    def do_GET(self) -> None:  # noqa: N802 - http.server's name
        if self.path == "/":
            self.send_response(302)
            self.send_header("Location", "/visitor")
            self.send_header("Set-Cookie", "tid=abc; Path=/")
            self.end_headers()
            return
        body = VISITOR_PAGE if self.path == "/visitor" else b"<html><body>no cookies here</body></html>"
        self.send_response(200)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args: object) -> None:
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[str]:
    httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}"
    httpd.shutdown()


async def _borrow(url: str, *, clock_values: list[float]) -> tuple[list[bool], httpx.Cookies, str]:
    settings = Settings()
    settings.browser.page_timeout = 5.0
    results: list[bool] = []
    async with BrowserPool(settings.browser) as pool, httpx.AsyncClient() as client:
        clock = iter(clock_values)
        borrower = CookieBorrower(pool, client, "weibo", url=url, timeout=3.0, clock=lambda: next(clock))
        results.append(await borrower.take())
        results.append(await borrower.renew())  # too soon: nothing is taken again
        results.append(await borrower.renew())  # after min_interval: taken again
        return results, client.cookies, borrower.last_error


def test_cookies_of_the_visitor_page_reach_the_httpx_client(server: str) -> None:
    results, cookies, error = asyncio.run(_borrow(server + "/", clock_values=[0.0, 10.0, 100.0, 100.0]))
    assert results == [True, False, True] and error == ""
    assert cookies.get("SUB", domain="127.0.0.1") == "_2AkMvisitor"
    assert cookies.get("SUBP", domain="127.0.0.1") == "0033Wr"


def test_a_page_that_sets_no_visitor_cookie_is_reported_not_raised(server: str) -> None:
    results, cookies, error = asyncio.run(_borrow(server + "/plain", clock_values=[0.0, 10.0, 100.0, 100.0]))
    assert results[0] is False and "SUB" in error
    assert cookies.get("SUB") is None
