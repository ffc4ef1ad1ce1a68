"""Result sinks: where a visit commits its outcome.

The visit (collect/visit.py) leases a visit, then commits the observation
with it, and counts walls and faults per platform and reason. The
single-machine sweep writes to the SQLite ``Store``; the national sweep to
PostgreSQL (newmedia_audit/scale/store.py), keyed by (sweep, platform,
account) and written once. Both satisfy this protocol.
"""

from __future__ import annotations

from typing import Protocol

from ..models import Account, Observation


class ResultSink(Protocol):
    """The three writes a visit makes."""

    def begin_visit(self, account: Account) -> int:
        """Lease an account for a visit; an unfinished lease is simply redone."""
        ...

    def finish_visit(self, visit_id: int, account: Account, observation: Observation) -> None:
        """Commit the visit's outcome and its observation together."""
        ...

    def count_event(self, platform: str, kind: str, reason: str) -> None:
        """Count a wall, fault or unreadable answer of a platform."""
        ...
