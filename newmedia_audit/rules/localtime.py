"""Asia/Shanghai (+08:00) local time for the rules: every date comparison happens here."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

LOCAL_TZ = timezone(timedelta(hours=8), "+08:00")
"""China Standard Time; no daylight saving since 1991, so a fixed offset is exact."""


def to_local(moment: datetime) -> datetime:
    """The same instant in +08:00. A naive datetime is taken as already local."""
    tz = moment.tzinfo
    if tz is LOCAL_TZ:  # what astimezone returns too, without the call
        return moment
    if tz is None:
        return moment.replace(tzinfo=LOCAL_TZ)
    return moment.astimezone(LOCAL_TZ)


def local_date(moment: datetime) -> date:
    """The calendar date of an instant in +08:00."""
    return to_local(moment).date()


def in_window(moment: datetime, as_of: date, days: int) -> bool:
    """True when the local date of ``moment`` falls in [as_of - days, as_of]."""
    day = to_local(moment).date()
    return as_of - timedelta(days=days) <= day <= as_of
