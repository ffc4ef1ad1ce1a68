"""Small builders for the rules tests: accounts, observations and posts in local time."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

from newmedia_audit.models import Account, Filing, Observation, Post, Status

LOCAL = timezone(timedelta(hours=8))
D = date(2022, 6, 20)


def at(day: date, hour: int = 12, minute: int = 0) -> datetime:
    """A +08:00 instant on a local date."""
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=LOCAL)


def days_before(days: int, hour: int = 12, minute: int = 0) -> datetime:
    """A +08:00 instant ``days`` local days before D."""
    return at(D - timedelta(days=days), hour, minute)


def account(
    name: str = "咸宁发布",
    account_id: str = "xnfb",
    platform: str = "wechat",
    district: str = "市直",
    **extra: str,
) -> Account:
    return Account(
        district=district,
        unit=extra.pop("unit", "咸宁市人民政府办公室"),
        name=name,
        platform=platform,
        account_id=account_id,
        **extra,
    )


def filing(acc: Account, name: str | None = None, **extra: object) -> Filing:
    """The filing of an account, by id, with its name unless another is given."""
    return Filing(
        name=acc.name if name is None else name,
        platform=acc.platform,
        account_id=acc.account_id,
        **extra,
    )


def post(when: datetime | None, text: str = "今日动态", **extra: object) -> Post:
    return Post(id=extra.pop("id", f"p{when}"), published_at=when, text=text, **extra)


def seen(acc: Account, *posts: Post, **extra: object) -> Observation:
    """A reachable profile (status ok) showing the given posts."""
    return Observation(
        platform=acc.platform,
        account_id=acc.account_id,
        status=extra.pop("status", Status.ok),
        live_name=extra.pop("live_name", acc.name),
        posts=list(posts),
        **extra,
    )
