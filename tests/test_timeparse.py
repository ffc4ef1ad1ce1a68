"""timeparse: every platform time form to an aware +08:00 datetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newmedia_audit.errors import NewmediaAuditError
from newmedia_audit.timeparse import SHANGHAI, TimeParseError, parse_time

ANCHOR = datetime(2022, 6, 20, 10, 0, 0, tzinfo=SHANGHAI)

anchors = st.datetimes(
    min_value=datetime(2000, 1, 1),
    max_value=datetime(2035, 12, 31),
    timezones=st.sampled_from([SHANGHAI, UTC]),
)
moments = st.datetimes(min_value=datetime(1971, 1, 1), max_value=datetime(2035, 12, 31)).map(
    lambda d: d.replace(tzinfo=SHANGHAI)
)
FAST = settings(max_examples=60, deadline=None)


def local(anchor: datetime) -> datetime:
    return anchor.astimezone(SHANGHAI)


def test_result_is_aware_and_in_shanghai_offset() -> None:
    result = parse_time(1655712000, ANCHOR)
    assert result.utcoffset() == timedelta(hours=8)
    assert result.isoformat() == "2022-06-20T16:00:00+08:00"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (1655712000, "2022-06-20T16:00:00+08:00"),
        (1655712000.0, "2022-06-20T16:00:00+08:00"),
        (1655712000123, "2022-06-20T16:00:00.123000+08:00"),
        ("1655712000", "2022-06-20T16:00:00+08:00"),
        ("1655712000123", "2022-06-20T16:00:00.123000+08:00"),
        ("Tue Feb 23 12:28:47 +0800 2021", "2021-02-23T12:28:47+08:00"),
        ("Tue Feb 23 04:28:47 +0000 2021", "2021-02-23T12:28:47+08:00"),
        ("刚刚", "2022-06-20T10:00:00+08:00"),
        ("30秒前", "2022-06-20T09:59:30+08:00"),
        ("5分钟前", "2022-06-20T09:55:00+08:00"),
        ("3小时前", "2022-06-20T07:00:00+08:00"),
        ("今天 08:15", "2022-06-20T08:15:00+08:00"),
        ("昨天 10:20", "2022-06-19T10:20:00+08:00"),
        ("前天 23:59", "2022-06-18T23:59:00+08:00"),
        ("3天前", "2022-06-17T10:00:00+08:00"),
        ("06-10", "2022-06-10T00:00:00+08:00"),
        ("06-20", "2022-06-20T00:00:00+08:00"),
        ("12-31", "2021-12-31T00:00:00+08:00"),
        ("06-21", "2021-06-21T00:00:00+08:00"),
        ("06-10 12:30", "2022-06-10T12:30:00+08:00"),
        ("2021-06-10", "2021-06-10T00:00:00+08:00"),
        ("2021-06-10 12:30", "2021-06-10T12:30:00+08:00"),
        ("2021-06-10 12:30:05", "2021-06-10T12:30:05+08:00"),
        ("2021年6月1日", "2021-06-01T00:00:00+08:00"),
        ("2021年06月01日 09:05", "2021-06-01T09:05:00+08:00"),
        ("2021-06-10T04:00:00Z", "2021-06-10T12:00:00+08:00"),
        ("2021-06-10T12:00:00+08:00", "2021-06-10T12:00:00+08:00"),
        ("2021-06-10T12:00:00", "2021-06-10T12:00:00+08:00"),
        ("２分钟前", "2022-06-20T09:58:00+08:00"),
        ("20210610", "2021-06-10T00:00:00+08:00"),
        (20210610, "1970-08-23T06:03:30+08:00"),
    ],
)
def test_each_platform_form_parses_to_the_expected_moment(value: str | int | float, expected: str) -> None:
    assert parse_time(value, ANCHOR).isoformat() == expected


def test_relative_text_resolves_against_an_anchor_given_in_utc() -> None:
    anchor = datetime(2022, 6, 19, 17, 30, tzinfo=UTC)  # 2022-06-20 01:30 in Shanghai
    assert parse_time("昨天 10:20", anchor).isoformat() == "2022-06-19T10:20:00+08:00"
    assert parse_time("1小时前", anchor).isoformat() == "2022-06-20T00:30:00+08:00"


def test_today_later_than_the_anchor_clock_is_clamped_to_the_anchor() -> None:
    assert parse_time("今天 23:00", ANCHOR) == ANCHOR


def test_february_29_resolves_to_the_latest_leap_year() -> None:
    anchor = datetime(2023, 3, 1, tzinfo=SHANGHAI)
    assert parse_time("02-29", anchor).isoformat() == "2020-02-29T00:00:00+08:00"


@pytest.mark.parametrize(
    "value",
    ["", "   ", "昨天下午", "13-40", "2021-13-01", "abc", "-5", True, "02-30", "99999999999999999999天前"],
)
def test_unknown_forms_raise_time_parse_error(value: object) -> None:
    with pytest.raises(TimeParseError):
        parse_time(value, ANCHOR)  # type: ignore[arg-type]


def test_time_parse_error_belongs_to_the_tool_error_tree() -> None:
    assert issubclass(TimeParseError, NewmediaAuditError)


@FAST
@given(moment=moments, anchor=anchors)
def test_epoch_seconds_round_trip(moment: datetime, anchor: datetime) -> None:
    epoch = int(moment.timestamp())
    assert parse_time(epoch, anchor) == moment.replace(microsecond=0)
    assert parse_time(str(epoch), anchor) == moment.replace(microsecond=0)


@FAST
@given(moment=moments.filter(lambda d: d.year >= 1974), anchor=anchors)
def test_epoch_milliseconds_round_trip(moment: datetime, anchor: datetime) -> None:
    # Magnitude decides: ms values below 1e11 (before 1973-03-03) would read as seconds.
    ms = int(moment.timestamp() * 1000)
    assert parse_time(ms, anchor) == moment.replace(microsecond=(moment.microsecond // 1000) * 1000)


@FAST
@given(moment=moments, anchor=anchors)
def test_weibo_string_round_trip(moment: datetime, anchor: datetime) -> None:
    moment = moment.replace(microsecond=0)
    text = moment.strftime("%a %b %d %H:%M:%S +0800 %Y")
    assert parse_time(text, anchor) == moment


@FAST
@given(moment=moments, anchor=anchors)
def test_calendar_forms_round_trip(moment: datetime, anchor: datetime) -> None:
    moment = moment.replace(microsecond=0)
    midnight = moment.replace(hour=0, minute=0, second=0)
    assert parse_time(moment.strftime("%Y-%m-%d"), anchor) == midnight
    assert parse_time(moment.strftime("%Y-%m-%d %H:%M:%S"), anchor) == moment
    assert parse_time(moment.strftime("%Y-%m-%d %H:%M"), anchor) == moment.replace(second=0)
    cn = f"{moment.year}年{moment.month}月{moment.day}日"
    assert parse_time(cn, anchor) == midnight
    assert parse_time(moment.isoformat(), anchor) == moment
    assert parse_time(moment.astimezone(UTC).isoformat(), anchor) == moment


@FAST
@given(anchor=anchors, n=st.integers(0, 10_000), unit=st.sampled_from(["秒", "分钟", "小时", "天"]))
def test_ago_forms_round_trip(anchor: datetime, n: int, unit: str) -> None:
    step = {"秒": timedelta(seconds=1), "分钟": timedelta(minutes=1), "小时": timedelta(hours=1)}
    expected = local(anchor).replace(microsecond=0) - n * step.get(unit, timedelta(days=1))
    assert parse_time(f"{n}{unit}前", anchor) == expected


@FAST
@given(anchor=anchors, back=st.integers(0, 2), hour=st.integers(0, 23), minute=st.integers(0, 59))
def test_day_word_forms_round_trip(anchor: datetime, back: int, hour: int, minute: int) -> None:
    word = ["今天", "昨天", "前天"][back]
    day = local(anchor).date() - timedelta(days=back)
    expected = datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)
    result = parse_time(f"{word} {hour:02d}:{minute:02d}", anchor)
    assert result == min(expected, local(anchor).replace(microsecond=0))


@FAST
@given(anchor=anchors, back=st.integers(0, 364))
def test_month_day_round_trips_within_the_last_year(anchor: datetime, back: int) -> None:
    day = local(anchor).date() - timedelta(days=back)
    expected = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    assert parse_time(day.strftime("%m-%d"), anchor) == expected


relative_texts = st.one_of(
    st.just("刚刚"),
    st.builds(
        lambda n, u: f"{n}{u}前", st.integers(0, 100_000), st.sampled_from(["秒", "分钟", "小时", "天"])
    ),
    st.builds(
        lambda w, h, m: f"{w} {h:02d}:{m:02d}",
        st.sampled_from(["今天", "昨天", "前天"]),
        st.integers(0, 23),
        st.integers(0, 59),
    ),
    st.builds(lambda m, d: f"{m:02d}-{d:02d}", st.integers(1, 12), st.integers(1, 28)),
)


@FAST
@given(anchor=anchors, text=relative_texts)
def test_relative_forms_are_never_after_the_anchor(anchor: datetime, text: str) -> None:
    result = parse_time(text, anchor)
    assert result <= anchor
    assert result.utcoffset() == timedelta(hours=8)


@settings(max_examples=200, deadline=None)
@given(
    value=st.one_of(st.text(max_size=40), st.text(alphabet="0123456789-:/年月日天前 今昨T+Z.", max_size=25))
)
def test_any_string_parses_or_raises_only_time_parse_error(value: str) -> None:
    try:
        result = parse_time(value, ANCHOR)
    except TimeParseError:
        return
    assert result.utcoffset() == timedelta(hours=8)
