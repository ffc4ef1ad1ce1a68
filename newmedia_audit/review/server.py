"""``newmedia-audit review OUTDIR``: serve the review page under uvicorn until Ctrl-C.

The socket is bound here, before uvicorn starts, so a port in use or a host
that does not exist is one Chinese line (exit 1), not a traceback. Any host
other than loopback needs a password: the page can change the official
figures, so it never listens on a network without one.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ConfigError, OutputError

PASSWORD_ENV = "NEWMEDIA_AUDIT_REVIEW_PASSWORD"
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8765


def is_loopback(host: str) -> bool:
    """True for localhost and loopback addresses (127.0.0.0/8, ::1)."""
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def resolve_password(given: str | None, host: str) -> str | None:
    """The password from ``--password`` or the environment; None when neither gives one.

    Raises:
        ConfigError: a host other than loopback without a password (exit 2).
    """
    password = given or os.environ.get(PASSWORD_ENV) or None
    if password is None and not is_loopback(host):
        raise ConfigError(
            f"监听 {host} 会让局域网内的其他电脑访问复核页面，必须设置密码："
            f"加上 --password 口令，或设置环境变量 {PASSWORD_ENV}。"
        )
    return password


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port.

    Raises:
        OutputError: the port is in use or the address cannot be bound.
    """
    family = socket.AF_INET6 if ":" in host.strip("[]") else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind((host.strip("[]"), port))
        sock.listen(128)
    except OSError as exc:
        sock.close()
        raise OutputError(
            f"无法在 {host}:{port} 上启动复核页面：{exc.strerror or exc}。"
            "端口可能已被占用，可用 --port 换一个端口。"
        ) from exc
    sock.set_inheritable(True)
    return sock


def serve(
    out_dir: Path,
    *,
    host: str = DEFAULT_HOST,
    port: int = DEFAULT_PORT,
    password: str | None = None,
    config: Path | None = None,
) -> int:
    """Serve the review page of ``out_dir`` until interrupted; returns the exit status.

    Raises:
        ConfigError: a network host without a password.
        InputError: ``out_dir`` holds no finished sweep.
        OutputError: the address cannot be bound.
    """
    import uvicorn

    from .app import create_app
    from .state import ReviewOptions

    secret = resolve_password(password, host)
    app = create_app(ReviewOptions(out_dir=Path(out_dir), password=secret, config=config))
    sock = bind(host, port)
    shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    print(f"复核页面 / review page: http://{shown}:{sock.getsockname()[1]}/", flush=True)
    note = "（需要密码）" if secret else ""
    print(f"按 Ctrl-C 停止 / press Ctrl-C to stop {note}", file=sys.stderr, flush=True)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        # uvicorn shuts down on Ctrl-C, then raises the signal again for its caller.
        pass
    finally:
        sock.close()
    print("复核页面已停止 / review page stopped", file=sys.stderr, flush=True)
    return 0


@contextmanager
def running(app: Any, host: str = DEFAULT_HOST) -> Iterator[str]:
    """Serve ``app`` under a real uvicorn in a thread on a free port of ``host``; yield the
    base URL and stop the server on exit (tests and the bench: no mocks, no fixed port)."""
    import uvicorn

    sock = bind(host, 0)
    server = uvicorn.Server(uvicorn.Config(app, log_level="warning", lifespan="on"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"http://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
