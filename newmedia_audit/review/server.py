"""``newmedia-audit review OUTDIR``: serve the review page under uvicorn until Ctrl-C.

The socket is bound here, before uvicorn starts, so a port in use or a host
that does not exist is one Chinese line (exit 1), not a traceback. Any host
other than loopback needs a password: the page can change the official
figures, so it never listens on a network without one.

With ``--certfile``/``--keyfile`` the page is served over HTTPS, so the
password and the decisions do not cross the office network in clear text;
both files are checked here first (one Chinese line naming the file, exit 2).
A network host without them still works, with a one-line warning.
"""

from __future__ import annotations

import ipaddress
import os
import socket
import ssl
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from ..errors import ConfigError, InputError, OutputError

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


class _Passphrase(Exception):
    """The private key asks for a passphrase (raised by the callback instead of prompting)."""


def _ask_no_passphrase() -> str:
    raise _Passphrase


def _readable(path: Path, what: str) -> None:
    if not path.exists():
        raise InputError(f"{what}不存在。", file=str(path))
    if not path.is_file():
        raise InputError(f"{what}应为文件，这里是目录或其他类型。", file=str(path))
    try:
        with path.open("rb") as handle:
            handle.read(1)
    except OSError as exc:
        raise InputError(f"无法读取{what}：{exc.strerror or exc}。", file=str(path)) from exc


def check_tls(certfile: Path | None, keyfile: Path | None) -> tuple[Path, Path] | None:
    """The certificate and private key to serve HTTPS with, checked; None for plain HTTP.

    Both are PEM files, as uvicorn loads them; the key must not be encrypted
    (a passphrase would be asked on the terminal, not here).

    Raises:
        ConfigError: only one of the two is given.
        InputError: a file is missing, unreadable, not a PEM certificate or key, or
            the key does not belong to the certificate (the message names the file).
    """
    if certfile is None and keyfile is None:
        return None
    if certfile is None or keyfile is None:
        given, missing = ("--certfile", "--keyfile") if keyfile is None else ("--keyfile", "--certfile")
        raise ConfigError(
            f"启用 HTTPS 需要同时给出 --certfile 证书文件 和 --keyfile 私钥文件：已给出 {given}"
            f" {certfile or keyfile}，缺少 {missing}。"
        )
    certfile, keyfile = Path(certfile), Path(keyfile)
    _readable(certfile, "证书文件")
    _readable(keyfile, "私钥文件")
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    try:
        context.load_verify_locations(cafile=str(certfile))
    except (ssl.SSLError, ValueError) as exc:
        raise InputError(
            "不是 PEM 格式的证书（应以 -----BEGIN CERTIFICATE----- 开头）。", file=str(certfile)
        ) from exc
    try:
        context.load_cert_chain(str(certfile), str(keyfile), password=_ask_no_passphrase)
    except _Passphrase as exc:
        raise InputError(
            "私钥设有口令，复核页面无法使用；请导出不带口令的私钥"
            "（例如 openssl pkey -in 原私钥.pem -out 私钥.pem）并妥善保管。",
            file=str(keyfile),
        ) from exc
    except ssl.SSLError as exc:
        if exc.reason == "KEY_VALUES_MISMATCH":
            raise InputError(f"私钥与证书 {certfile} 不匹配。", file=str(keyfile)) from exc
        raise InputError(
            "不是 PEM 格式的私钥（应以 -----BEGIN PRIVATE KEY----- 或类似的行开头）。", file=str(keyfile)
        ) from exc
    return certfile, keyfile


def plain_http_warning(host: str) -> str:
    """The one line said when a network host is served without TLS."""
    return (
        f"警告：监听 {host} 但未启用 HTTPS，密码和复核结论将以明文在网络上传输；"
        "加上 --certfile 证书.pem --keyfile 私钥.pem 即可改用 HTTPS。"
    )


def _uvicorn_config(app: Any, tls: tuple[Path, Path] | None) -> Any:
    import uvicorn

    certfile, keyfile = tls or (None, None)
    return uvicorn.Config(app, log_level="warning", lifespan="on", ssl_certfile=certfile, ssl_keyfile=keyfile)


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
    certfile: Path | None = None,
    keyfile: Path | None = None,
) -> int:
    """Serve the review page of ``out_dir`` until interrupted; returns the exit status.

    With ``certfile`` and ``keyfile`` (PEM) the page is served over HTTPS.

    Raises:
        ConfigError: a network host without a password; only one of certfile/keyfile.
        InputError: ``out_dir`` holds no finished sweep; a bad certificate or key file.
        OutputError: the address cannot be bound.
    """
    import uvicorn

    from .app import create_app
    from .state import ReviewOptions

    secret = resolve_password(password, host)
    tls = check_tls(certfile, keyfile)
    app = create_app(ReviewOptions(out_dir=Path(out_dir), password=secret, config=config))
    sock = bind(host, port)
    shown = f"[{host.strip('[]')}]" if ":" in host.strip("[]") else host
    scheme = "https" if tls else "http"
    print(f"复核页面 / review page: {scheme}://{shown}:{sock.getsockname()[1]}/", flush=True)
    if tls is None and not is_loopback(host):
        print(plain_http_warning(host), file=sys.stderr, flush=True)
    note = "（需要密码）" if secret else ""
    print(f"按 Ctrl-C 停止 / press Ctrl-C to stop {note}", file=sys.stderr, flush=True)
    server = uvicorn.Server(_uvicorn_config(app, tls))
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
def running(
    app: Any, host: str = DEFAULT_HOST, *, certfile: Path | None = None, keyfile: Path | None = None
) -> Iterator[str]:
    """Serve ``app`` under a real uvicorn in a thread on a free port of ``host``; yield the
    base URL and stop the server on exit (tests and the bench: no mocks, no fixed port).
    With ``certfile`` and ``keyfile`` it is served over HTTPS and the URL is https://."""
    import uvicorn

    tls = check_tls(certfile, keyfile)
    sock = bind(host, 0)
    server = uvicorn.Server(_uvicorn_config(app, tls))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            sock.close()
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.01)
    try:
        yield f"{'https' if tls else 'http'}://{host}:{sock.getsockname()[1]}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
        sock.close()
