"""Precedence of veto reasons: every reason is kept, the first is the primary one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from ..models import Reason

_CODE_ORDER = {reason: index for index, reason in enumerate(Reason)}


def order_reasons(reasons: Iterable[Reason], precedence: Sequence[Reason]) -> list[Reason]:
    """Distinct reasons in the configured order; reasons missing from it follow in code order."""
    rank = {reason: index for index, reason in enumerate(precedence)}
    return sorted(set(reasons), key=lambda r: rank.get(r, len(rank) + _CODE_ORDER[r]))


def primary_reason(reasons: Iterable[Reason], precedence: Sequence[Reason]) -> Reason | None:
    """The reason a failing account is counted under in the summary, or None."""
    ordered = order_reasons(reasons, precedence)
    return ordered[0] if ordered else None
