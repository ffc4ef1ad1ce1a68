"""A throwaway self-signed certificate for 127.0.0.1 and localhost, made with the openssl CLI
(the project has no Python crypto dependency; Debian ships openssl with ca-certificates)."""

from __future__ import annotations

import shutil
import ssl
import subprocess
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class Certificate:
    cert: Path  # PEM certificate, also the trust anchor clients verify against
    key: Path  # PEM private key, unencrypted

    def client_context(self) -> ssl.SSLContext:
        """A client TLS context that trusts this certificate only."""
        return ssl.create_default_context(cafile=str(self.cert))


def have_openssl() -> bool:
    return shutil.which("openssl") is not None


def self_signed(directory: Path, name: str = "review") -> Certificate:
    """A one-day EC certificate whose subjectAltName is IP:127.0.0.1 and DNS:localhost."""
    directory.mkdir(parents=True, exist_ok=True)
    cert, key = directory / f"{name}-cert.pem", directory / f"{name}-key.pem"
    subprocess.run(
        [
            "openssl", "req", "-x509", "-nodes", "-days", "1",
            "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1",
            "-subj", "/CN=127.0.0.1",
            "-addext", "subjectAltName=IP:127.0.0.1,DNS:localhost",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-keyout", str(key), "-out", str(cert),
        ],
        check=True,
        capture_output=True,
    )  # fmt: skip
    return Certificate(cert, key)
