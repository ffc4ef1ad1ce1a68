"""`newmedia-audit doctor` end to end: replayed probes for each outcome, and its exit statuses.

Corpora come from the synthetic platform builders (newmedia_audit/synth) or
small hand-written HAR entries; the probes are configured in a rules file
written per test. A stand-in browser executable (a shell script answering
--version) keeps the machine checks independent of the host wherever the
probes take the httpx path.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from newmedia_audit.cli import main
from newmedia_audit.models import Platform
from newmedia_audit.synth.corpus import write_corpus
from newmedia_audit.synth.har import HTML, har_entry, write_har
from newmedia_audit.synth.platforms import (
    Scenario,
    State,
    SynthPost,
    weibo_page_url,
    weibo_posts_url,
    weibo_profile_url,
)

CST = timezone(timedelta(hours=8))
NOW = datetime(2022, 6, 20, 10, 0, tzinfo=CST)
IDS = {
    Platform.weibo: "5123456789",
    Platform.douyin: "MS4wLjABAAAAabcdefghijklmnopqrstuvwxyz0123456789ABCDEFGHIJKLMNOPQRSTUV",
    Platform.toutiao: "MS4wLjABAAAAtoken0123456789",
    Platform.wechat: "gzceshifabu",
}
LABELS = {
    Platform.weibo: "微博",
    Platform.douyin: "抖音",
    Platform.toutiao: "今日头条",
    Platform.wechat: "微信",
}


def scenario(platform: Platform, state: State = State.ok) -> Scenario:
    posts = (SynthPost(id="4700000000000001", published_at=NOW - timedelta(days=1), text="政务动态"),)
    return Scenario(
        platform=platform,
        account_id=IDS[platform],
        live_name="测试发布",
        received_at=NOW,
        subject="测试市人民政府办公室",
        state=state,
        posts=posts if state is State.ok else (),
    )


def fake_browser(folder: Path) -> Path:
    """An executable that answers --version like Chromium (the httpx path never launches it)."""
    path = folder / "chromium"
    path.write_text("#!/bin/sh\necho 'Chromium 999.0.0.0 test stand-in'\n", encoding="utf-8")
    path.chmod(0o755)
    return path


def rules(
    folder: Path,
    platforms: list[Platform],
    *,
    httpx: bool = True,
    executable: str | None = None,
) -> Path:
    """A rules file probing one account per platform, on the httpx path unless told."""
    lines = ["retries = 2", "[browser]", f'executable = "{executable or fake_browser(folder)}"']
    lines += ["page_timeout = 10.0"]
    for platform in Platform:
        lines += [f"[{platform.value}]", f"use_httpx = {'true' if httpx else 'false'}"]
    lines += ["[doctor]"]
    for platform in platforms:
        lines += [
            "[[doctor.probes]]",
            f'platform = "{platform.value}"',
            f'account_id = "{IDS[platform]}"',
            'name = "测试发布"',
        ]
    path = folder / "rules.toml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def doctor(folder: Path, *args: str) -> int:
    return main(["doctor", "--out", str(folder / "out"), "--browsers-dir", str(folder / "browsers"), *args])


def line_of(output: str, label: str) -> str:
    return next(line for line in output.splitlines() if line.startswith("[") and f"] {label}：" in line)


def findings(folder: Path) -> list[dict]:
    return json.loads((folder / "out" / "doctor.json").read_text(encoding="utf-8"))["findings"]


def test_every_platform_read_fine_exits_0(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus([scenario(p) for p in Platform], tmp_path / "corpus.har")
    config = rules(tmp_path, list(Platform))
    assert doctor(tmp_path, "--replay", str(corpus), "--config", str(config)) == 0
    out = capsys.readouterr().out
    for platform in Platform:
        line = line_of(out, LABELS[platform])
        assert line.startswith("[正常]") and "读取正常（1/1 个探测账号" in line
        assert f"out/probes/evidence/{platform.value}/" in line
    assert "全部正常" in out or "可以开始抽查" in out
    report = json.loads((tmp_path / "out" / "doctor.json").read_text(encoding="utf-8"))
    assert report["mode"] == "replay" and report["exit_status"] == 0
    outcomes = {f["subject"]: f["data"]["outcome"] for f in report["findings"] if f["check"] == "platform"}
    assert outcomes == dict.fromkeys((p.value for p in Platform), "read")


def test_a_walled_platform_says_walled_and_exits_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    scenarios = [scenario(Platform.weibo, State.wall_418), scenario(Platform.douyin)]
    corpus = write_corpus(scenarios, tmp_path / "corpus.har")
    config = rules(tmp_path, [Platform.weibo, Platform.douyin])
    assert doctor(tmp_path, "--replay", str(corpus), "--config", str(config)) == 1
    out = capsys.readouterr().out
    weibo = line_of(out, "微博")
    assert weibo.startswith("[失败]") and "被拦截" in weibo and "418" in weibo
    assert "newmedia-audit login weibo" in weibo
    assert "out/probes/evidence/weibo/" in weibo  # the wall's responses are the evidence
    assert "读取正常" in line_of(out, "抖音")
    assert "1 项未通过（微博）" in out
    platform = next(f for f in findings(tmp_path) if f["subject"] == "weibo" and f["check"] == "platform")
    assert platform["data"]["outcome"] == "wall"
    assert platform["data"]["probes"][0]["failure"] == "wall"


def test_a_captcha_page_says_walled(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus([scenario(Platform.douyin, State.wall_captcha)], tmp_path / "corpus.har")
    assert doctor(tmp_path, "--replay", str(corpus), "--config", str(rules(tmp_path, [Platform.douyin]))) == 1
    assert "被拦截" in line_of(capsys.readouterr().out, "抖音")


def test_a_request_the_corpus_cannot_answer_is_a_network_fault(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus([scenario(Platform.douyin)], tmp_path / "corpus.har")  # nothing for weibo
    config = rules(tmp_path, [Platform.weibo, Platform.douyin])
    assert doctor(tmp_path, "--replay", str(corpus), "--config", str(config)) == 1
    out = capsys.readouterr().out
    weibo = line_of(out, "微博")
    assert weibo.startswith("[失败]") and "网络故障" in weibo and "检查网络" in weibo
    assert "读取正常" in line_of(out, "抖音")


def test_html_where_json_was_expected_is_not_understood(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    uid = IDS[Platform.weibo]
    page = "<!DOCTYPE html><html><head><title>微博</title></head><body>全新版本，敬请期待</body></html>"
    entries = [har_entry(url, NOW, body=page, mime_type=HTML) for url in (weibo_page_url(uid),)]
    # The same page for every try of both JSON calls (the last entry repeats).
    entries += [
        har_entry(weibo_profile_url(uid), NOW, body=page),
        har_entry(weibo_posts_url(uid), NOW, body=page),
    ]
    corpus = write_har(entries, tmp_path / "changed.har")
    assert doctor(tmp_path, "--replay", str(corpus), "--config", str(rules(tmp_path, [Platform.weibo]))) == 1
    line = line_of(capsys.readouterr().out, "微博")
    assert line.startswith("[失败]") and "无法识别" in line and "改版" in line
    assert "out/probes/evidence/weibo/" in line  # the unreadable body is kept


def test_doctor_has_bilingual_help(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["doctor", "--help"])
    assert exit_info.value.code == 0
    out = capsys.readouterr().out
    assert "--live" in out and "--replay" in out and "读取正常" in out and "/ " in out  # both languages


def test_live_together_with_replay_is_bad_usage(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    corpus = write_corpus([scenario(Platform.weibo)], tmp_path / "corpus.har")
    assert doctor(tmp_path, "--live", "--replay", str(corpus)) == 2
    err = capsys.readouterr().err
    assert "--live 与 --replay 不能同时使用" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()  # nothing checked, nothing written


@pytest.mark.parametrize(
    "text",
    ["{not json", '{"log": {"entries": [{"request": {}}]}}', '{"entries": []}'],
    ids=["json", "entry", "log"],
)
def test_a_malformed_har_is_bad_usage_with_a_chinese_message(
    text: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    har = tmp_path / "bad.har"
    har.write_text(text, encoding="utf-8")
    assert doctor(tmp_path, "--replay", str(har), "--config", str(rules(tmp_path, [Platform.weibo]))) == 2
    captured = capsys.readouterr()
    assert "回放文件" in captured.err and "bad.har" in captured.err and "Traceback" not in captured.err
    assert captured.out == ""  # stopped before any check


def test_a_missing_replay_file_and_a_bad_rules_file_are_bad_usage(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert doctor(tmp_path, "--replay", str(tmp_path / "none.har")) == 2
    assert "文件不存在" in capsys.readouterr().err
    bad = tmp_path / "bad.toml"
    bad.write_text('[doctor]\n[[doctor.probes]]\nplatform = "kuaishou"\naccount_id = "x"\n', encoding="utf-8")
    assert doctor(tmp_path, "--config", str(bad)) == 2
    assert "doctor.probes" in capsys.readouterr().err


def test_machine_checks_only_without_live_or_replay(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert doctor(tmp_path, "--config", str(rules(tmp_path, [Platform.weibo]))) == 0
    out = capsys.readouterr().out
    for label in ("浏览器", "中文字体", "写入权限", "磁盘空间", "登录状态"):
        assert f"] {label}：" in out
    assert "Chromium 999.0.0.0" in line_of(out, "浏览器")
    assert "微博：" not in out  # no platform visited
    assert not (tmp_path / "out" / "probes").exists()


def test_no_browser_is_reported_and_exits_1(tmp_path: Path) -> None:
    """Through the console entry in a child process: the configured path is missing and
    Playwright's own browser is looked for in an empty folder."""
    config = rules(tmp_path, [Platform.weibo], executable=str(tmp_path / "no-such-chromium"))
    env = {**os.environ, "PLAYWRIGHT_BROWSERS_PATH": str(tmp_path / "no-playwright-browsers")}
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "newmedia_audit.cli",
            "doctor",
            "--config",
            str(config),
            "--out",
            str(tmp_path / "out"),
        ],
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=120,
    )
    assert done.returncode == 1, done.stderr
    line = line_of(done.stdout, "浏览器")
    assert line.startswith("[失败]") and "未找到" in line and "no-such-chromium" in line
    assert "Traceback" not in done.stderr
    report = json.loads((tmp_path / "out" / "doctor.json").read_text(encoding="utf-8"))
    assert report["exit_status"] == 1


def test_without_a_browser_the_browser_platforms_are_not_visited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PLAYWRIGHT_BROWSERS_PATH", str(tmp_path / "no-playwright-browsers"))
    corpus = write_corpus([scenario(Platform.weibo)], tmp_path / "corpus.har")
    config = rules(tmp_path, [Platform.weibo], httpx=False, executable=str(tmp_path / "none"))
    assert doctor(tmp_path, "--replay", str(corpus), "--config", str(config)) == 1
    line = line_of(capsys.readouterr().out, "微博")
    assert line.startswith("[未查]") and "没有可用的浏览器" in line


@pytest.mark.skipif(not Path("/usr/bin/chromium").exists(), reason="needs Debian chromium")
def test_probes_through_the_browser_read_fine_with_a_screenshot(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    corpus = write_corpus([scenario(Platform.weibo)], tmp_path / "corpus.har")
    config = rules(tmp_path, [Platform.weibo], httpx=False, executable="/usr/bin/chromium")
    assert doctor(tmp_path, "--replay", str(corpus), "--config", str(config)) == 0
    assert "读取正常" in line_of(capsys.readouterr().out, "微博")
    evidence = tmp_path / "out" / "probes" / "evidence" / "weibo"
    assert list(evidence.rglob("*.jpg")), "every probe page is kept as a screenshot"


def test_a_second_run_visits_afresh(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    config = rules(tmp_path, [Platform.weibo])
    walled = write_corpus([scenario(Platform.weibo, State.wall_418)], tmp_path / "walled.har")
    fine = write_corpus([scenario(Platform.weibo)], tmp_path / "fine.har")
    assert doctor(tmp_path, "--replay", str(walled), "--config", str(config)) == 1
    assert (
        doctor(tmp_path, "--replay", str(fine), "--config", str(config)) == 0
    )  # not resumed from the last run
    assert "读取正常" in line_of(capsys.readouterr().out.split("运行前检查")[-1], "微博")


def test_a_probes_folder_doctor_did_not_make_is_left_alone(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mine = tmp_path / "out" / "probes"
    mine.mkdir(parents=True)
    (mine / "keep.txt").write_text("someone's file", encoding="utf-8")
    corpus = write_corpus([scenario(Platform.weibo)], tmp_path / "corpus.har")
    assert doctor(tmp_path, "--replay", str(corpus), "--config", str(rules(tmp_path, [Platform.weibo]))) == 1
    assert (mine / "keep.txt").read_text(encoding="utf-8") == "someone's file"
    assert "不是 doctor 生成的目录" in capsys.readouterr().err
