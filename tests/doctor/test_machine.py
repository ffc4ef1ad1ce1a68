"""Machine checks with the machine given as arguments: browser, font, --out, disk, login states."""

from __future__ import annotations

import json
import os
from collections import namedtuple
from datetime import UTC, datetime, timedelta
from pathlib import Path

from newmedia_audit.doctor.findings import Level
from newmedia_audit.doctor.machine import (
    GB,
    check_browser,
    check_disk,
    check_font,
    check_logins,
    check_write,
    font_families,
)
from newmedia_audit.doctor.probes import MARKER, fresh_work_dir
from newmedia_audit.errors import OutputError
from newmedia_audit.settings import BrowserSettings

NOW = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
Usage = namedtuple("Usage", "total used free")


def test_the_configured_browser_and_its_version(tmp_path: Path) -> None:
    exe = tmp_path / "chromium"
    exe.write_text("", encoding="utf-8")
    finding = check_browser(
        BrowserSettings(executable=str(exe)),
        playwright_path=lambda: None,
        run=lambda args: "Chromium 156.0.8078.108 built on Debian\n",
    )
    assert finding.level is Level.ok
    assert finding.text == f"浏览器：{exe}（Chromium 156.0.8078.108 built on Debian）"


def test_playwrights_browser_stands_in_for_a_missing_one(tmp_path: Path) -> None:
    finding = check_browser(
        BrowserSettings(executable=str(tmp_path / "none")),
        playwright_path=lambda: "/opt/pw/chrome",
        run=lambda args: "Chromium 130.0.0.0",
    )
    assert finding.level is Level.ok and "Playwright" in finding.text
    assert finding.data["source"] == "playwright"


def test_no_browser_at_all_fails_and_says_how_to_install_one(tmp_path: Path) -> None:
    finding = check_browser(
        BrowserSettings(executable=str(tmp_path / "none")), playwright_path=lambda: None, run=lambda a: None
    )
    assert finding.level is Level.fail
    assert "未找到" in finding.text and "apt-get install chromium" in finding.text


def test_a_browser_that_cannot_tell_its_version_is_a_warning(tmp_path: Path) -> None:
    exe = tmp_path / "chromium"
    exe.write_text("", encoding="utf-8")
    finding = check_browser(
        BrowserSettings(executable=str(exe)), playwright_path=lambda: None, run=lambda a: None
    )
    assert finding.level is Level.warn


def test_fc_list_families_and_the_debian_font_files(tmp_path: Path) -> None:
    listed = "WenQuanYi Micro Hei,文泉驛微米黑\nNoto Sans CJK SC,Noto Sans CJK SC Regular\n"
    assert font_families(listed) == ["Noto Sans CJK SC", "WenQuanYi Micro Hei"]
    assert check_font(run=lambda a: listed).level is Level.ok
    font = tmp_path / "wqy-microhei.ttc"
    font.write_bytes(b"\0")
    assert check_font(run=lambda a: None, font_files=[font]).level is Level.ok
    missing = check_font(run=lambda a: "", font_files=[tmp_path / "none.ttc"])
    assert missing.level is Level.warn and "fonts-wqy-microhei" in missing.text


def test_an_out_that_cannot_be_made_fails(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("", encoding="utf-8")
    assert check_write(tmp_path / "out").level is Level.ok
    finding = check_write(blocker / "out")
    assert finding.level is Level.fail and "无法写入" in finding.text


def test_free_disk_levels(tmp_path: Path) -> None:
    def free(gb: float):
        return lambda path: Usage(100 * GB, 0, int(gb * GB))

    assert check_disk(tmp_path, 2.0, usage=free(50)).level is Level.ok
    assert check_disk(tmp_path, 2.0, usage=free(1)).level is Level.warn
    assert check_disk(tmp_path, 2.0, usage=free(0.05)).level is Level.fail
    assert check_disk(tmp_path / "not" / "yet", 2.0, usage=free(50)).level is Level.ok


def _state(folder: Path, platform: str, cookies: list[dict], age_days: float) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{platform}.state.json"
    path.write_text(json.dumps({"cookies": cookies, "origins": []}), encoding="utf-8")
    stamp = (NOW - timedelta(days=age_days)).timestamp()
    os.utime(path, (stamp, stamp))
    return path


def test_login_states_their_age_and_expiry(tmp_path: Path) -> None:
    later = (NOW + timedelta(days=300)).timestamp()
    earlier = (NOW - timedelta(days=1)).timestamp()
    _state(tmp_path, "weibo", [{"name": "SUB", "value": "secret-value", "expires": later}], 3)
    _state(tmp_path, "douyin", [{"name": "sid", "value": "secret-value", "expires": later}], 45)
    _state(tmp_path, "toutiao", [{"name": "sid", "value": "secret-value", "expires": earlier}], 2)
    (tmp_path / "wechat.state.json").write_text("{broken", encoding="utf-8")
    found = {f.subject: f for f in check_logins(tmp_path, 30, now=NOW)}
    assert found["weibo"].level is Level.ok and "已保存 3 天" in found["weibo"].text
    assert found["douyin"].level is Level.warn and "45 天" in found["douyin"].text
    assert "newmedia-audit login douyin" in found["douyin"].text
    assert found["toutiao"].level is Level.warn and "均已过期" in found["toutiao"].text
    assert found["wechat"].level is Level.warn and "无法读取" in found["wechat"].text
    assert all("secret-value" not in f.text and "secret-value" not in str(f.data) for f in found.values())


def test_no_login_state_is_a_note_not_a_problem(tmp_path: Path) -> None:
    (only,) = check_logins(tmp_path / "browsers", 30, now=NOW)
    assert only.level is Level.info and "以访客身份访问" in only.text


def test_the_probe_folder_is_replaced_only_when_doctor_made_it(tmp_path: Path) -> None:
    work = fresh_work_dir(tmp_path)
    (work / "old.json").write_text("{}", encoding="utf-8")
    again = fresh_work_dir(tmp_path)
    assert again == work and not (work / "old.json").exists() and (work / MARKER).is_file()
    foreign = tmp_path / "other"
    (foreign / "probes").mkdir(parents=True)
    try:
        fresh_work_dir(foreign)
    except OutputError as exc:
        assert "不是 doctor 生成的目录" in str(exc)
    else:
        raise AssertionError("a foreign probes folder must be left alone")
