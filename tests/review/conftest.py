"""Fixtures of the review page tests: a finished sweep on disk and the page served over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import serving
from .sweep import Sweep, build_sweep
from .tls import Certificate, have_openssl, self_signed


@pytest.fixture
def sweep(tmp_path: Path) -> Sweep:
    return build_sweep(tmp_path)


@pytest.fixture
def site(sweep: Sweep) -> Iterator[str]:
    """The page over a fresh sweep, on a real uvicorn at 127.0.0.1."""
    with serving(sweep.out) as base:
        yield base


@pytest.fixture(scope="session")
def certificate(tmp_path_factory: pytest.TempPathFactory) -> Certificate:
    """A self-signed certificate for 127.0.0.1 (skips the HTTPS tests without the openssl CLI)."""
    if not have_openssl():
        pytest.skip("no openssl command to make a test certificate")
    return self_signed(tmp_path_factory.mktemp("tls"))
