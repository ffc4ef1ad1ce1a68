"""Precedence of veto reasons: every reason is kept, the first is the primary one."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import cache

from ..models import Reason

_CODE_ORDER = {reason: index for index, reason in enumerate(Reason)}


@cache
def _rank_table(precedence: tuple[Reason, ...]) -> dict[Reason, int]:
    """Sort key of every reason: its place in the precedence, else after it in code order."""
    rank = {reason: index for index, reason in enumerate(precedence)}
    return {reason: rank.get(reason, len(rank) + _CODE_ORDER[reason]) for reason in Reason}


def order_reasons(reasons: Iterable[Reason], precedence: Sequence[Reason]) -> list[Reason]:
    """Distinct reasons in the configured order; reasons missing from it follow in code order."""
    distinct = set(reasons)
    if len(distinct) < 2:  # most accounts pass, most others fail for one reason
        return list(distinct)
    return sorted(distinct, key=_rank_table(tuple(precedence)).__getitem__)


def primary_reason(reasons: Iterable[Reason], precedence: Sequence[Reason]) -> Reason | None:
    """The reason a failing account is counted under in the summary, or None."""
    ordered = order_reasons(reasons, precedence)
    return ordered[0] if ordered else None
