"""A real uvicorn serving the review page on 127.0.0.1 in a thread (no mocks)."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from newmedia_audit.review.app import create_app
from newmedia_audit.review.state import ReviewOptions


@contextmanager
def serving(out: Path, *, password: str | None = None, page_size: int = 50) -> Iterator[str]:
    """Serve the review page over ``out`` on a free port; yield its base URL, stop at the end."""
    app = create_app(ReviewOptions(out_dir=out, password=password, page_size=page_size))
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 10
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.02)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=10)
        sock.close()
