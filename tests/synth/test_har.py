"""The HAR writer: valid HAR 1.2, the fields replay needs, deterministic and atomic."""

from __future__ import annotations

import json
from datetime import datetime, timedelta, timezone
from email.utils import parsedate_to_datetime
from pathlib import Path

import pytest

from newmedia_audit.synth.har import har_entry, read_har, write_har

CST = timezone(timedelta(hours=8))
AT = datetime(2022, 5, 10, 9, 30, 15, tzinfo=CST)


def _headers(part: dict) -> dict[str, str]:
    return {h["name"].lower(): h["value"] for h in part["headers"]}


def test_written_file_is_har_1_2_with_every_required_field(tmp_path: Path) -> None:
    entry = har_entry(
        "https://m.weibo.cn/api/container/getIndex?type=uid&value=1&containerid=1005051",
        AT,
        body='{"ok":1}',
        mime_type="application/json",
    )
    path = write_har([entry], tmp_path / "c.har")
    doc = json.loads(path.read_text(encoding="utf-8"))
    log = doc["log"]
    assert log["version"] == "1.2"
    assert log["creator"]["name"] and log["creator"]["version"]
    (e,) = log["entries"]
    assert e["startedDateTime"] == "2022-05-10T09:30:15.000+08:00"
    req, resp = e["request"], e["response"]
    assert set(req) >= {
        "method",
        "url",
        "httpVersion",
        "headers",
        "queryString",
        "cookies",
        "headersSize",
        "bodySize",
    }
    assert req["queryString"] == [
        {"name": "type", "value": "uid"},
        {"name": "value", "value": "1"},
        {"name": "containerid", "value": "1005051"},
    ]
    assert (req["cookies"], req["headersSize"], req["bodySize"]) == ([], -1, 0)
    assert set(resp) >= {
        "status",
        "statusText",
        "httpVersion",
        "headers",
        "cookies",
        "content",
        "redirectURL",
        "headersSize",
        "bodySize",
    }
    assert resp["content"] == {"size": 8, "mimeType": "application/json", "text": '{"ok":1}'}
    assert resp["bodySize"] == 8
    assert e["cache"] == {}
    assert set(e["timings"]) == {"send", "wait", "receive"}
    assert e["time"] == sum(e["timings"].values())


def test_date_header_is_the_same_instant_as_started_date_time() -> None:
    entry = har_entry("https://www.toutiao.com/c/user/token/abc/", AT, body="<html></html>")
    headers = _headers(entry["response"])
    assert headers["content-type"] == "text/html; charset=utf-8"
    assert parsedate_to_datetime(headers["date"]) == datetime.fromisoformat(entry["startedDateTime"])


def test_content_size_counts_utf8_bytes_not_characters() -> None:
    entry = har_entry("https://weixin.sogou.com/weixin?type=1&query=x", AT, body="咸宁")
    assert entry["response"]["content"]["size"] == 6


def test_redirect_sets_location_and_redirect_url() -> None:
    target = "https://weixin.sogou.com/antispider/?from=%2Fweixin"
    entry = har_entry("https://weixin.sogou.com/weixin?type=1&query=x", AT, status=302, redirect_url=target)
    assert entry["response"]["redirectURL"] == target
    assert _headers(entry["response"])["location"] == target
    assert entry["response"]["statusText"] == "Found"


def test_naive_times_are_refused() -> None:
    with pytest.raises(ValueError):
        har_entry("https://m.weibo.cn/u/1", datetime(2022, 5, 10, 9, 0))


def test_same_entries_give_same_bytes_and_no_temp_file_is_left(tmp_path: Path) -> None:
    entries = [har_entry(f"https://m.weibo.cn/u/{i}", AT + timedelta(seconds=i), body="x") for i in range(3)]
    a = write_har(entries, tmp_path / "a.har").read_bytes()
    b = write_har(entries, tmp_path / "b.har").read_bytes()
    assert a == b
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.har", "b.har"]
    assert [e["request"]["url"] for e in read_har(tmp_path / "a.har")] == [
        e["request"]["url"] for e in entries
    ]
