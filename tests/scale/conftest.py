"""A throwaway PostgreSQL cluster for the national-sweep tests, one fresh database per test.

The cluster runs on 127.0.0.1 in a temporary directory (as the ``postgres``
user when the tests run as root) and is stopped afterwards. The tests are
skipped only when no PostgreSQL server is installed (``make test`` installs
Debian's ``postgresql``).
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator

import pytest

from newmedia_audit.scale.cluster import TempCluster, create_database, server_bin

_numbers = itertools.count()


@pytest.fixture(scope="session")
def pg_cluster() -> Iterator[TempCluster]:
    if server_bin() is None:
        pytest.skip(
            "PostgreSQL 未安装（/usr/lib/postgresql/*/bin/initdb 不存在），make test 会用 apt-get 安装"
        )
    with TempCluster() as cluster:
        yield cluster


@pytest.fixture
def database(pg_cluster: TempCluster) -> str:
    """The URL of a fresh, empty database."""
    return create_database(pg_cluster.url, f"t{next(_numbers)}")
