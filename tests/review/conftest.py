"""Fixtures of the review page tests: a finished sweep on disk and the page served over it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from .server import serving
from .sweep import Sweep, build_sweep


@pytest.fixture
def sweep(tmp_path: Path) -> Sweep:
    return build_sweep(tmp_path)


@pytest.fixture
def site(sweep: Sweep) -> Iterator[str]:
    """The page over a fresh sweep, on a real uvicorn at 127.0.0.1."""
    with serving(sweep.out) as base:
        yield base
