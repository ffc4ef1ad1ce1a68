"""The review page's guards: password, host check, CSRF token, security headers.

- A password (``--password`` or NEWMEDIA_AUDIT_REVIEW_PASSWORD) puts every
  request behind HTTP Basic authentication (any user name): 401 without it.
- Without a password the page serves only loopback host names, so a web page
  that rebinds its own name to 127.0.0.1 (DNS rebinding) cannot read it.
- Every POST carries the page's CSRF token in its form (403 without it): a
  page elsewhere cannot read the token, so cannot make an officer's browser
  decide anything.
- Every response carries a Content-Security-Policy that allows the page's own
  style and script (by hash) and images from itself, nothing else.
- Served over TLS (``--certfile``/``--keyfile``), every cookie is marked
  ``Secure`` and every response carries Strict-Transport-Security; over plain
  HTTP neither (a browser ignores HSTS there, and a Secure cookie would not
  come back).
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any
from urllib.parse import parse_qsl

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

LOOPBACK_NAMES = frozenset({"127.0.0.1", "localhost", "::1", "[::1]"})
MAX_FORM_BYTES = 64 * 1024
REALM = "newmedia-audit review"
# One day, without includeSubDomains: HSTS binds every port of the host name, and the
# review page is a short-lived tool on one port of an office computer.
HSTS = b"max-age=86400"


def secure_cookie(value: bytes) -> bytes:
    """A Set-Cookie header value with the Secure attribute (unchanged when it has one)."""
    attributes = {part.strip().lower() for part in value.split(b";")[1:]}
    return value if b"secure" in attributes else value + b"; Secure"


def csp_hash(text: str) -> str:
    """A CSP source for an inline element with exactly this text."""
    return "'sha256-" + base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode() + "'"


def content_security_policy(style: str, script: str) -> str:
    return (
        f"default-src 'none'; style-src {csp_hash(style)}; script-src {csp_hash(script)}; "
        "img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
    )


def password_matches(header: str, password: str) -> bool:
    """True when an Authorization header carries Basic credentials with this password."""
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "basic":
        return False
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode("utf-8")
    except (binascii.Error, UnicodeDecodeError):
        return False
    _, _, given = decoded.partition(":")
    return hmac.compare_digest(given.encode("utf-8"), password.encode("utf-8"))


def host_name(host_header: str) -> str:
    """The name part of a Host header (``[::1]:8765`` -> ``[::1]``, ``a:1`` -> ``a``)."""
    if host_header.startswith("["):
        return host_header[: host_header.find("]") + 1] if "]" in host_header else host_header
    return host_header.rsplit(":", 1)[0] if host_header.count(":") == 1 else host_header


def csrf_ok(form: dict[str, str], token: str) -> bool:
    return hmac.compare_digest(form.get("csrf", "").encode("utf-8"), token.encode("utf-8"))


def parse_form(body: bytes) -> dict[str, str]:
    """An application/x-www-form-urlencoded body (the page's forms); the last value of a name wins."""
    return dict(parse_qsl(body.decode("utf-8", "replace"), keep_blank_values=True))


class Guard:
    """ASGI middleware: authentication or the loopback host check, then security headers."""

    def __init__(self, app: ASGIApp, *, password: str | None, csp: str) -> None:
        self.app = app
        self.password = password
        self.headers = [
            (b"content-security-policy", csp.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cache-control", b"no-store"),
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        tls = scope.get("scheme") == "https"
        ours = [*self.headers, (b"strict-transport-security", HSTS)] if tls else self.headers
        if self.password is not None:
            if not password_matches(headers.get("authorization", ""), self.password):
                await self._refuse(send, 401, "需要登录：请输入复核页面的密码。", ours)
                return
        elif host_name(headers.get("host", "")) not in LOOPBACK_NAMES:
            await self._refuse(send, 403, "本机复核页面只接受 127.0.0.1 或 localhost 访问。", ours)
            return

        async def with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                given = list(message.get("headers", []))
                if tls:
                    given = [(k, secure_cookie(v) if k.lower() == b"set-cookie" else v) for k, v in given]
                present = {k.lower() for k, _ in given}
                message["headers"] = given + [(k, v) for k, v in ours if k not in present]
            await send(message)

        await self.app(scope, receive, with_headers)

    async def _refuse(self, send: Send, status: int, text: str, ours: list[tuple[bytes, bytes]]) -> None:
        headers = [(b"content-type", b"text/plain; charset=utf-8"), *ours]
        if status == 401:
            headers.append((b"www-authenticate", f'Basic realm="{REALM}", charset="UTF-8"'.encode()))
        await send({"type": "http.response.start", "status": status, "headers": headers})
        await send({"type": "http.response.body", "body": text.encode("utf-8")})
