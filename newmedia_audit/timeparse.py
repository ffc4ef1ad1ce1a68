"""Every platform time form -> an aware Asia/Shanghai (+08:00) datetime.

Platforms give times as epoch seconds, epoch milliseconds, Weibo's
``Tue Feb 23 12:28:47 +0800 2021``, relative Chinese text (刚刚, 5分钟前,
昨天 10:20, 06-10) or calendar strings. Relative text resolves against the
``anchor``: the time the response was received (its Date header, or the HAR
entry's startedDateTime), never the clock of the machine running the audit.

Forms accepted (after Unicode NFKC, so full-width digits work):

- epoch seconds or milliseconds, as numbers or numeric strings; a magnitude
  of 1e11 or more is milliseconds (1e11 s would be the year 5138)
- YYYYMMDD as an 8-digit string starting 19 or 20 that is a valid date (as
  epoch seconds it would fall in August 1970, before any platform existed)
- ``Tue Feb 23 12:28:47 +0800 2021`` (the weekday is not checked)
- 刚刚; N秒前, N分钟前 (N分前), N小时前, N天前, N周前
- 今天 HH:MM, 昨天 HH:MM, 前天 HH:MM (also without the time: midnight)
- MM-DD and MM-DD HH:MM: the anchor's year, or the year before when that
  date lies after the anchor's date
- YYYY-MM-DD, YYYY-MM-DD HH:MM(:SS) (also with ``/`` or ``.``), YYYY年M月D日
  (optionally followed by HH:MM(:SS))
- ISO 8601 (``2021-06-10T12:00:00Z``, ``...+08:00``; naive means +08:00)

Relative forms are never after the anchor: they drop sub-second digits, and
a 今天 HH:MM later than the anchor's clock (a platform clock ahead of ours) is
clamped to the anchor.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, time, timedelta, timezone

from .errors import NewmediaAuditError

SHANGHAI = timezone(timedelta(hours=8), "Asia/Shanghai")
"""The audit's time zone. A fixed offset: China has had no DST since 1991."""

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MS_THRESHOLD = 1e11

_MONTHS = {
    m: i + 1
    for i, m in enumerate(
        ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
    )
}

_COMPACT_DATE = re.compile(r"((?:19|20)\d{2})(\d{2})(\d{2})")
_NUMERIC = re.compile(r"[+-]?\d+(?:\.\d+)?")
_WEIBO = re.compile(
    r"(?:[A-Za-z]{3},?\s+)?([A-Za-z]{3})\s+(\d{1,2})\s+(\d{1,2}):(\d{2}):(\d{2})\s+([+-])(\d{2}):?(\d{2})\s+(\d{4})"
)
_AGO = re.compile(r"(\d+)\s*(秒|分钟|分|小时|天|周)\s*前")
_DAY_WORD = re.compile(r"(今天|昨天|前天)\s*(?:(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_MONTH_DAY = re.compile(r"(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_FULL_DATE = re.compile(r"(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
_CN_DATE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:(\d{1,2}):(\d{2})(?::(\d{2}))?)?")

_AGO_UNITS = {
    "秒": timedelta(seconds=1),
    "分钟": timedelta(minutes=1),
    "分": timedelta(minutes=1),
    "小时": timedelta(hours=1),
    "天": timedelta(days=1),
    "周": timedelta(weeks=1),
}
_DAY_OFFSETS = {"今天": 0, "昨天": 1, "前天": 2}


class TimeParseError(NewmediaAuditError):
    """A time value in none of the forms a platform is known to use."""


def parse_time(value: str | int | float, anchor: datetime) -> datetime:
    """Parse a platform time into an aware +08:00 datetime.

    Args:
        value: the time as the platform gave it (number or text).
        anchor: when the response was received; relative forms resolve
            against it. A naive anchor is taken as +08:00.

    Returns:
        An aware datetime in +08:00.

    Raises:
        TimeParseError: the value is in no known form or out of range.
    """
    anchor = _as_shanghai(anchor)
    try:
        return _parse(value, anchor)
    except TimeParseError:
        raise
    except (ValueError, OverflowError, OSError) as exc:
        raise TimeParseError(f"无法识别的时间：{value!r}") from exc


def _as_shanghai(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        return moment.replace(tzinfo=SHANGHAI)
    return moment.astimezone(SHANGHAI)


def _parse(value: str | int | float, anchor: datetime) -> datetime:
    if isinstance(value, bool):
        raise TimeParseError(f"无法识别的时间：{value!r}")
    if isinstance(value, int | float):
        return _from_epoch(value)
    if not isinstance(value, str):
        raise TimeParseError(f"无法识别的时间：{value!r}")
    text = unicodedata.normalize("NFKC", value).strip()
    if not text:
        raise TimeParseError("时间为空")
    compact = _COMPACT_DATE.fullmatch(text)
    if compact:
        try:
            return datetime(*map(int, compact.groups()), tzinfo=SHANGHAI)
        except ValueError:
            pass
    if _NUMERIC.fullmatch(text):
        return _from_epoch(float(text) if "." in text else int(text))
    for parser in (_weibo_form, _relative_form, _calendar_form, _iso_form):
        result = parser(text, anchor)
        if result is not None:
            return result
    raise TimeParseError(f"无法识别的时间：{value!r}")


def _from_epoch(number: int | float) -> datetime:
    if number != number or number < 0:  # NaN or before 1970
        raise TimeParseError(f"无法识别的时间戳：{number!r}")
    if number >= _MS_THRESHOLD:
        delta = timedelta(milliseconds=number)
    else:
        delta = timedelta(seconds=number)
    return (_EPOCH + delta).astimezone(SHANGHAI)


def _weibo_form(text: str, anchor: datetime) -> datetime | None:
    match = _WEIBO.fullmatch(text)
    if not match:
        return None
    mon, day, hh, mm, ss, sign, oh, om, year = match.groups()
    month = _MONTHS.get(mon.lower())
    if month is None:
        return None
    offset = timedelta(hours=int(oh), minutes=int(om))
    tz = timezone(offset if sign == "+" else -offset)
    moment = datetime(int(year), month, int(day), int(hh), int(mm), int(ss), tzinfo=tz)
    return moment.astimezone(SHANGHAI)


def _relative_form(text: str, anchor: datetime) -> datetime | None:
    now = anchor.replace(microsecond=0)
    if text == "刚刚":
        return now
    match = _AGO.fullmatch(text)
    if match:
        return now - int(match.group(1)) * _AGO_UNITS[match.group(2)]
    match = _DAY_WORD.fullmatch(text)
    if match:
        word, hh, mm, ss = match.groups()
        day = anchor.date() - timedelta(days=_DAY_OFFSETS[word])
        moment = datetime.combine(day, _clock(hh, mm, ss), tzinfo=SHANGHAI)
        return min(moment, now)
    match = _MONTH_DAY.fullmatch(text)
    if match:
        month, day, hh, mm, ss = match.groups()
        found = _recent_month_day(int(month), int(day), anchor.date())
        return datetime.combine(found, _clock(hh, mm, ss), tzinfo=SHANGHAI)
    return None


def _recent_month_day(month: int, day: int, today: date) -> date:
    """The latest date with this month and day on or before ``today``."""
    # Eight years always include a leap year, so 02-29 resolves too.
    for year in range(today.year, today.year - 9, -1):
        try:
            found = date(year, month, day)
        except ValueError:
            if not (1 <= month <= 12 and 1 <= day <= 31):
                raise
            continue
        if found <= today:
            return found
    raise TimeParseError(f"无法识别的日期：{month:02d}-{day:02d}")


def _calendar_form(text: str, anchor: datetime) -> datetime | None:
    match = _FULL_DATE.fullmatch(text) or _CN_DATE.fullmatch(text)
    if not match:
        return None
    year, month, day, hh, mm, ss = match.groups()
    found = date(int(year), int(month), int(day))
    return datetime.combine(found, _clock(hh, mm, ss), tzinfo=SHANGHAI)


def _iso_form(text: str, anchor: datetime) -> datetime | None:
    if not re.match(r"\d{4}-?\d{2}", text):
        return None
    try:
        moment = datetime.fromisoformat(text)
    except ValueError:
        return None
    return _as_shanghai(moment)


def _clock(hh: str | None, mm: str | None, ss: str | None) -> time:
    if hh is None:
        return time(0, 0)
    return time(int(hh), int(mm or 0), int(ss or 0))
