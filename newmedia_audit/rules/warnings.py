"""Early warning (预警): how many days an account has before it turns not updated or zombie.

Pure arithmetic on local dates (domain.md, "Time"). An account whose latest post
(local date L, on or before D) is fresh at D stays fresh up to D = L + window;
the first monitoring date at which it would be not_updated, if it posts nothing
more, is its deadline L + window + 1, and ``days_left = deadline - D``. The same
holds for the zombie list against ``zombie_days`` (silent *more than* that many
days). Accounts with ``1 <= days_left <= warn_days`` are listed, 红 when
``days_left <= 2``, else 黄.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime, timedelta
from enum import StrEnum

from ..models import Account, AtRisk, Observation, Status, Verdict, VerdictCode
from ..settings import Settings
from .assess import window_for
from .freshness import Freshness, assess_freshness
from .localtime import local_date

RED = "红"
YELLOW = "黄"
RED_DAYS = 2
"""days_left at or below which a warning is 红."""


class WarningKind(StrEnum):
    """Which line the account is about to cross."""

    window = "window"  # 监测时间点内未更新
    zombie = "zombie"  # 僵尸账号


def deadline(latest: date, limit_days: int) -> date:
    """The first monitoring date at which an account silent since ``latest`` is past
    ``limit_days``: ``latest + limit_days + 1``."""
    return latest + timedelta(days=limit_days + 1)


def days_left(latest: date, as_of: date, limit_days: int) -> int:
    """Days from D to the deadline (0 or less: already past the limit at D)."""
    return (deadline(latest, limit_days) - as_of).days


def warning_level(left: int) -> str:
    """红 when ``left <= 2``, else 黄."""
    return RED if left <= RED_DAYS else YELLOW


def _entry(account: Account, kind: WarningKind, latest: datetime, as_of: date, limit: int) -> AtRisk:
    left = days_left(local_date(latest), as_of, limit)
    return AtRisk(
        account=account,
        kind=kind.value,
        last_post_at=latest,
        deadline=deadline(local_date(latest), limit),
        days_left=left,
        level=warning_level(left),
        limit_days=limit,
    )


def account_warnings(
    verdict: Verdict, settings: Settings, as_of: date, warn_days: int | None = None
) -> list[AtRisk]:
    """The warnings of one assessed account (none, one or both kinds).

    Only an account whose profile was read (status ok) and decided (not review)
    with a latest post on or before D can be at risk. ``window``: it passes at D
    and would fail for not updating within ``warn_days``; ``zombie``: it would
    join the zombie list within ``warn_days``.
    """
    warn = settings.warn_days if warn_days is None else warn_days
    latest = verdict.last_post_at
    if (
        latest is None
        or verdict.status is not Status.ok
        or verdict.verdict is VerdictCode.review
        or local_date(latest) > as_of
    ):
        return []
    out: list[AtRisk] = []
    window = window_for(verdict.account, settings)
    if verdict.verdict is VerdictCode.passed and 1 <= days_left(local_date(latest), as_of, window) <= warn:
        out.append(_entry(verdict.account, WarningKind.window, latest, as_of, window))
    if 1 <= days_left(local_date(latest), as_of, settings.zombie_days) <= warn:
        out.append(_entry(verdict.account, WarningKind.zombie, latest, as_of, settings.zombie_days))
    return out


def find_warnings(
    verdicts: Sequence[Verdict], settings: Settings, as_of: date, warn_days: int | None = None
) -> list[AtRisk]:
    """Every warning of a sweep, most urgent first (ledger order among equals).

    Args:
        verdicts: the assessed accounts, in ledger order.
        settings: window_days, frequency_days, zombie_days and warn_days.
        as_of: the monitoring point D.
        warn_days: the horizon (default ``settings.warn_days``).
    """
    found: list[tuple[int, int, AtRisk]] = []
    for index, verdict in enumerate(verdicts):
        for entry in account_warnings(verdict, settings, as_of, warn_days):
            found.append((entry.days_left, index, entry))
    found.sort(key=lambda item: (item[0], item[1], item[2].kind))
    return [entry for _, _, entry in found]


def needs_visit(
    account: Account, observation: Observation, settings: Settings, as_of: date, warn_days: int | None = None
) -> bool:
    """Judged on an earlier observation at a new D: could the account's freshness
    verdict or its window warning be different from what the observation says?

    True when the observation is not of a reachable profile, when it is not fresh
    at D (not updated, never updated, unknown), or when it is fresh but within
    ``warn_days`` of its deadline (at risk: a visit tells whether it posted since).
    """
    if observation.status is not Status.ok:
        return True
    warn = settings.warn_days if warn_days is None else warn_days
    window = window_for(account, settings)
    freshness = assess_freshness(observation, as_of, window)
    if freshness.state is not Freshness.fresh or freshness.latest is None:
        return True
    return days_left(local_date(freshness.latest), as_of, window) <= warn
