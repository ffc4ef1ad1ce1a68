"""The throwaway cluster the national-sweep tests run on."""

from __future__ import annotations

import psycopg


def test_a_fresh_database_answers_with_the_servers_clock(database: str) -> None:
    with psycopg.connect(database) as conn:
        row = conn.execute("SELECT current_database(), clock_timestamp() IS NOT NULL").fetchone()
    assert row is not None and row[0].startswith("t") and row[1] is True
