"""The review page over HTTPS (--certfile/--keyfile): a real uvicorn with a self-signed
certificate, httpx verifying against it; the password, Secure cookies and HSTS over TLS,
none of that over plain HTTP; bad certificate or key files are one Chinese line, exit 2."""

from __future__ import annotations

import os
import re
import signal
import subprocess
from pathlib import Path

import httpx
import pytest

from newmedia_audit.cli import main

from .forms import decide
from .server import serving
from .sweep import BLOCKED, Sweep
from .test_cli_review import _start
from .tls import Certificate, self_signed


def test_the_page_answers_over_https_behind_the_password(sweep: Sweep, certificate: Certificate) -> None:
    with serving(sweep.out, password="pw", tls=certificate) as site:
        assert site.startswith("https://127.0.0.1:")
        with httpx.Client(verify=certificate.client_context(), timeout=10) as client:
            refused = client.get(site + "/")
            assert refused.status_code == 401
            assert refused.headers["strict-transport-security"] == "max-age=86400"
            page = client.get(site + "/list/review", auth=("officer", "pw"))
            assert page.status_code == 200
            assert BLOCKED.name in page.text
            assert page.headers["strict-transport-security"] == "max-age=86400"
            assert "default-src 'none'" in page.headers["content-security-policy"]


def test_over_https_the_officer_cookie_is_secure(sweep: Sweep, certificate: Certificate) -> None:
    with serving(sweep.out, tls=certificate) as site:
        with httpx.Client(verify=certificate.client_context(), timeout=10) as client:
            saved = decide(client, site, BLOCKED.key, value="pass", officer="张三", note="电话核实")
            assert saved.status_code == 303
            cookie = saved.headers["set-cookie"]
            assert cookie.startswith("officer=")
            assert re.search(r";\s*Secure(;|$)", cookie, re.IGNORECASE), cookie
            assert "httponly" in cookie.lower() and "samesite=strict" in cookie.lower()
            assert saved.headers["strict-transport-security"] == "max-age=86400"
            # The Secure cookie comes back over HTTPS: the next form is pre-filled with the officer.
            assert 'value="张三"' in client.get(site + saved.headers["location"]).text


def test_plain_http_has_no_hsts_and_no_secure_cookie(site: str) -> None:
    with httpx.Client(timeout=10) as client:
        assert "strict-transport-security" not in client.get(site + "/").headers
        saved = decide(client, site, BLOCKED.key, value="pass", officer="张三")
        assert saved.status_code == 303
        assert "secure" not in saved.headers["set-cookie"].lower()
        assert "strict-transport-security" not in saved.headers


def test_the_tls_port_refuses_plain_http_and_untrusted_clients(
    sweep: Sweep, certificate: Certificate
) -> None:
    with serving(sweep.out, tls=certificate) as site:
        with pytest.raises(httpx.HTTPError):
            httpx.get(site.replace("https://", "http://") + "/", timeout=10)
        with pytest.raises(httpx.ConnectError):  # the system's CAs do not know the certificate
            httpx.get(site + "/", timeout=10)
        # Still serving after both.
        assert httpx.get(site + "/", verify=certificate.client_context(), timeout=10).status_code == 200


def _stop(process: subprocess.Popen[str]) -> tuple[int, str]:
    process.send_signal(signal.SIGINT)
    try:
        _, err = process.communicate(timeout=15)
        return process.returncode, err
    finally:
        if process.poll() is None:
            process.kill()


def test_the_command_serves_https_on_the_network(sweep: Sweep, certificate: Certificate) -> None:
    process, site = _start(
        str(sweep.out), "--host", "0.0.0.0", "--port", "0", "--password", "x",
        "--certfile", str(certificate.cert), "--keyfile", str(certificate.key),
    )  # fmt: skip
    try:
        assert site.startswith("https://")
        trust = certificate.client_context()
        assert httpx.get(site + "/", verify=trust, timeout=10).status_code == 401
        answer = httpx.get(site + "/list/review", auth=("officer", "x"), verify=trust, timeout=10)
        assert answer.status_code == 200
        assert "strict-transport-security" in answer.headers
    finally:
        code, err = _stop(process)
    assert code == 0
    assert "明文" not in err and "Traceback" not in err


def test_plain_http_on_the_network_warns_in_one_line(sweep: Sweep) -> None:
    process, site = _start(str(sweep.out), "--host", "0.0.0.0", "--port", "0", "--password", "x")
    try:
        assert site.startswith("http://")
        assert httpx.get(site + "/", auth=("", "x"), timeout=10).status_code == 200
    finally:
        code, err = _stop(process)
    assert code == 0
    warnings = [line for line in err.splitlines() if "明文" in line]
    assert len(warnings) == 1 and "--certfile" in warnings[0] and "--keyfile" in warnings[0], err


def test_loopback_without_tls_says_nothing_about_clear_text(sweep: Sweep) -> None:
    process, site = _start(str(sweep.out), "--port", "0")
    try:
        assert httpx.get(site + "/", timeout=10).status_code == 200
    finally:
        code, err = _stop(process)
    assert code == 0 and "明文" not in err


# Bad certificate or key files: exit 2, one line naming the file, no traceback, nothing served.


def _review(tmp_path: Path, capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str]:
    code = main(["review", str(tmp_path), "--port", "0", *args])
    err = capsys.readouterr().err
    assert "Traceback" not in err and "内部错误" not in err
    return code, err


def test_a_certificate_without_its_key_is_a_usage_error(
    tmp_path: Path, certificate: Certificate, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _review(tmp_path, capsys, "--certfile", str(certificate.cert))
    assert code == 2
    assert "--keyfile" in err and str(certificate.cert) in err
    code, err = _review(tmp_path, capsys, "--keyfile", str(certificate.key))
    assert code == 2
    assert "--certfile" in err and str(certificate.key) in err


def test_a_missing_key_file_is_named(
    tmp_path: Path, certificate: Certificate, capsys: pytest.CaptureFixture[str]
) -> None:
    missing = tmp_path / "没有这个私钥.pem"
    code, err = _review(tmp_path, capsys, "--certfile", str(certificate.cert), "--keyfile", str(missing))
    assert code == 2
    assert str(missing) in err and "私钥文件不存在" in err


@pytest.mark.parametrize("which", ["cert", "key"])
def test_a_file_that_is_not_pem_is_named(
    tmp_path: Path, certificate: Certificate, capsys: pytest.CaptureFixture[str], which: str
) -> None:
    junk = tmp_path / "证书.docx"
    junk.write_bytes(b"PK\x03\x04 not a certificate at all")
    cert = junk if which == "cert" else certificate.cert
    key = junk if which == "key" else certificate.key
    code, err = _review(tmp_path, capsys, "--certfile", str(cert), "--keyfile", str(key))
    assert code == 2
    assert str(junk) in err
    assert ("不是 PEM 格式的证书" if which == "cert" else "不是 PEM 格式的私钥") in err
    assert len(err.strip().splitlines()) == 1


def test_key_and_certificate_swapped_or_mismatched_are_named(
    tmp_path: Path, certificate: Certificate, capsys: pytest.CaptureFixture[str]
) -> None:
    code, err = _review(
        tmp_path, capsys, "--certfile", str(certificate.key), "--keyfile", str(certificate.cert)
    )
    assert code == 2 and str(certificate.key) in err and "不是 PEM 格式的证书" in err
    other = self_signed(tmp_path / "other", "other")
    code, err = _review(tmp_path, capsys, "--certfile", str(certificate.cert), "--keyfile", str(other.key))
    assert code == 2 and str(other.key) in err and "不匹配" in err


def test_an_encrypted_key_is_refused_without_a_prompt(
    tmp_path: Path, certificate: Certificate, capsys: pytest.CaptureFixture[str]
) -> None:
    locked = tmp_path / "locked.pem"
    subprocess.run(
        [
            "openssl",
            "pkey",
            "-in",
            str(certificate.key),
            "-aes256",
            "-passout",
            "pass:x",
            "-out",
            str(locked),
        ],
        check=True,
        capture_output=True,
    )
    code, err = _review(tmp_path, capsys, "--certfile", str(certificate.cert), "--keyfile", str(locked))
    assert code == 2 and str(locked) in err and "口令" in err


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads any file")
def test_an_unreadable_key_is_named(
    tmp_path: Path, certificate: Certificate, capsys: pytest.CaptureFixture[str]
) -> None:
    key = tmp_path / "key.pem"
    key.write_bytes(certificate.key.read_bytes())
    key.chmod(0)
    try:
        code, err = _review(tmp_path, capsys, "--certfile", str(certificate.cert), "--keyfile", str(key))
    finally:
        key.chmod(0o600)
    assert code == 2 and str(key) in err and "无法读取私钥文件" in err
