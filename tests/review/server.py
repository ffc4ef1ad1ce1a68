"""A real uvicorn serving the review page on 127.0.0.1 in a thread (no mocks)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from newmedia_audit.review.app import create_app
from newmedia_audit.review.server import running
from newmedia_audit.review.state import ReviewOptions

from .tls import Certificate


@contextmanager
def serving(
    out: Path, *, password: str | None = None, page_size: int = 50, tls: Certificate | None = None
) -> Iterator[str]:
    """Serve the review page over ``out`` on a free port; yield its base URL, stop at the end.
    With ``tls`` it is served over HTTPS with that certificate (the URL is https://)."""
    app = create_app(ReviewOptions(out_dir=out, password=password, page_size=page_size))
    with running(app, certfile=tls.cert if tls else None, keyfile=tls.key if tls else None) as base:
        yield base
