"""The 僵尸账号 list: reachable accounts silent beyond the threshold, or never updated."""

from __future__ import annotations

from ..models import Account, ZombieEntry
from .freshness import Freshness, FreshnessResult

CLOSE = "关停注销"
RECTIFY = "限期整改"


def zombie_entry(account: Account, freshness: FreshnessResult, zombie_days: int) -> ZombieEntry | None:
    """The account's zombie line, or None.

    Only decided freshness counts (never a review case): never updated, or
    silent more than ``zombie_days`` days before D. The action is 关停注销 for
    never updated or silent beyond twice the threshold, else 限期整改.
    """
    if freshness.state is Freshness.never_updated:
        return ZombieEntry(account=account, last_post_at=None, days_silent=None, action=CLOSE)
    if freshness.state not in (Freshness.fresh, Freshness.not_updated):
        return None
    days = freshness.days_silent
    if days is None or days <= zombie_days:
        return None
    action = CLOSE if days > 2 * zombie_days else RECTIFY
    return ZombieEntry(account=account, last_post_at=freshness.latest, days_silent=days, action=action)
