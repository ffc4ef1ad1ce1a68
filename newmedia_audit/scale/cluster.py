"""A throwaway PostgreSQL cluster on 127.0.0.1, for tests and the bench.

Debian's server binaries (``/usr/lib/postgresql/*/bin``) run from a
temporary directory on a free port. PostgreSQL refuses to run as root, so
as root the cluster belongs to the ``postgres`` user and its commands run
through ``runuser``. Nothing outside the temporary directory is touched,
except clusters left by a dead owner: a test run killed with SIGKILL cannot
stop its cluster, so the next one does (``reap_orphans``).
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path

SERVER_GLOB = "/usr/lib/postgresql/*/bin/initdb"
PREFIX = "newmedia-pg-"
OWNER = "owner.pid"  # the pid of the process that started the cluster


def server_bin() -> Path | None:
    """The newest installed server's bin directory, or None."""
    found = sorted(Path("/").glob(SERVER_GLOB.lstrip("/")), key=lambda p: _version(p.parent.parent.name))
    return found[-1].parent if found else None


def _version(name: str) -> tuple[int, ...]:
    return tuple(int(x) for x in name.split(".") if x.isdigit())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class TempCluster:
    """``with TempCluster() as cluster: cluster.url`` — a fresh server, stopped and removed on exit."""

    def __init__(self, bin_dir: Path | None = None, root: Path | None = None) -> None:
        found = bin_dir or server_bin()
        if found is None:
            raise RuntimeError(
                "没有找到 PostgreSQL 服务器（/usr/lib/postgresql/*/bin）；请安装 Debian 的 postgresql 软件包。"
            )
        self.bin = found
        self.root = root or Path(tempfile.mkdtemp(prefix=PREFIX))
        self.data = self.root / "data"
        self.port = 0
        self.as_postgres = os.geteuid() == 0

    @property
    def url(self) -> str:
        """The superuser's URL (trust authentication on 127.0.0.1)."""
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *args: str) -> None:
        command = [str(self.bin / args[0]), *args[1:]]
        if self.as_postgres:
            command = ["runuser", "-u", "postgres", "--", *command]
        subprocess.run(command, check=True, capture_output=True, timeout=120)

    def start(self) -> TempCluster:
        reap_orphans(self.bin)
        (self.root / OWNER).write_text(str(os.getpid()), "ascii")
        if self.as_postgres:
            shutil.chown(self.root, "postgres", "postgres")
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8", "--no-sync")
        self.port = free_port()
        options = (
            f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        )
        self._run("pg_ctl", "-D", str(self.data), "-o", options, "-l", str(self.root / "log"), "-w", "start")
        return self

    def stop(self) -> None:
        try:
            if (self.data / "postmaster.pid").exists():
                self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def __enter__(self) -> TempCluster:
        try:
            return self.start()
        except BaseException:
            self.stop()
            raise

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's live process
    return True


def reap_orphans(bin_dir: Path, parent: Path | None = None) -> list[Path]:
    """Stop and remove the throwaway clusters whose owner process is gone; returns their folders.

    Only folders this module made (prefix and owner file) are touched; a cluster
    whose owner lives, or with no owner file, is left alone."""
    reaped = []
    for root in sorted(Path(parent or tempfile.gettempdir()).glob(PREFIX + "*")):
        try:
            owner = int((root / OWNER).read_text("ascii").strip())
        except (OSError, ValueError):
            continue
        if _alive(owner):
            continue
        try:
            TempCluster(bin_dir, root).stop()
        except (OSError, subprocess.SubprocessError):
            shutil.rmtree(root, ignore_errors=True)
        reaped.append(root)
    return reaped


def create_database(url: str, name: str) -> str:
    """Create database ``name`` on the server of ``url``; returns its URL."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return url.rsplit("/", 1)[0] + "/" + name
