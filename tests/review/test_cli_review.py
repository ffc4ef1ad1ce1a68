"""``newmedia-audit review``: the address printed, the password rule, Ctrl-C stops it cleanly."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from pathlib import Path

import httpx

from newmedia_audit.cli import main

from .sweep import Sweep


def _start(*args: str, env: dict[str, str] | None = None) -> tuple[subprocess.Popen[str], str]:
    process = subprocess.Popen(
        [sys.executable, "-m", "newmedia_audit.cli", "review", *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    match = re.search(r"(https?)://\S+:(\d+)/", line)
    assert match, (line, process.stderr.read() if process.poll() is not None else "")
    return process, f"{match.group(1)}://127.0.0.1:{match.group(2)}"


def _stop(process: subprocess.Popen[str]) -> int:
    process.send_signal(signal.SIGINT)
    try:
        return process.wait(timeout=15)
    finally:
        if process.poll() is None:
            process.kill()


def test_on_the_network_every_request_needs_the_password(sweep: Sweep) -> None:
    process, site = _start(str(sweep.out), "--host", "0.0.0.0", "--port", "0", "--password", "x")
    try:
        assert httpx.get(site + "/", timeout=10).status_code == 401
        assert httpx.get(site + "/list/review", auth=("officer", "x"), timeout=10).status_code == 200
    finally:
        assert _stop(process) == 0


def test_the_password_may_come_from_the_environment(sweep: Sweep) -> None:
    process, site = _start(
        str(sweep.out), "--host", "0.0.0.0", "--port", "0", env={"NEWMEDIA_AUDIT_REVIEW_PASSWORD": "s3"}
    )
    try:
        assert httpx.get(site + "/", timeout=10).status_code == 401
        assert httpx.get(site + "/", auth=("", "s3"), timeout=10).status_code == 200
    finally:
        assert _stop(process) == 0


def test_a_network_host_without_a_password_is_a_usage_error(sweep: Sweep, capsys, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.delenv("NEWMEDIA_AUDIT_REVIEW_PASSWORD", raising=False)
    assert main(["review", str(sweep.out), "--host", "0.0.0.0"]) == 2
    assert "--password" in capsys.readouterr().err


def test_a_directory_without_a_sweep_is_bad_input(tmp_path: Path, capsys) -> None:  # type: ignore[no-untyped-def]
    assert main(["review", str(tmp_path)]) == 2
    assert "state.sqlite" in capsys.readouterr().err
