"""``newmedia-audit doctor``: the machine checks, then (--live / --replay) the probe visits.

Lines go to stdout as each check finishes; doctor.json in --out holds the
same findings. Exit status: 0 all well (notes included), 1 a failed check
(no browser, --out unwritable, a platform that cannot be read), 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from pathlib import Path

from ..errors import ConfigError, OutputError
from ..settings import Settings, load_settings
from .findings import Finding, Level, exit_status, render_line, report_json, summary_line
from .machine import check_browser, check_disk, check_font, check_logins, check_write
from .probes import platform_findings, run_probes

CST = timezone(timedelta(hours=8))
REPORT_FILE = "doctor.json"


@dataclass(frozen=True)
class DoctorOptions:
    """What the command line asked for."""

    out: Path = Path("outputs/doctor")
    live: bool = False
    replay: tuple[Path, ...] = ()
    browsers_dir: Path = Path("browsers")

    @property
    def mode(self) -> str:
        """machine (checks only), live or replay."""
        if self.replay:
            return "replay"
        return "live" if self.live else "machine"


@dataclass
class DoctorReport:
    """Everything one doctor run found."""

    options: DoctorOptions
    findings: list[Finding] = field(default_factory=list)

    @property
    def exit_status(self) -> int:
        return exit_status(self.findings)


def check_usage(options: DoctorOptions) -> None:
    """Refuse option combinations that cannot mean anything.

    Raises:
        ConfigError: --live together with --replay (exit 2).
    """
    if options.live and options.replay:
        raise ConfigError(
            "--live 与 --replay 不能同时使用：--live 实时访问各平台，--replay 用回放语料离线检查，请只选其一。"
        )


def machine_findings(options: DoctorOptions, settings: Settings) -> list[Finding]:
    """The checks that need no platform: browser, font, --out, disk, login states."""
    return [
        check_browser(settings.browser),
        check_font(),
        check_write(options.out),
        check_disk(options.out, settings.doctor.min_free_gb),
        *check_logins(options.browsers_dir, settings.doctor.login_max_age_days),
    ]


def needs_browser(platform: str, settings: Settings, *, live: bool) -> bool:
    """Whether the sweep opens a browser for this platform.

    The browser path does; so does live Weibo over httpx, which borrows the
    visitor cookies of one browser visit (collect/sweep.py, collect/visitor.py).
    """
    return not settings.platform(platform).use_httpx or (live and platform == "weibo")


def skipped_platforms(findings: Sequence[Finding], settings: Settings, *, live: bool) -> dict[str, str]:
    """Platforms whose probes cannot be visited because a machine check failed, and why."""
    failed = {f.check for f in findings if f.level is Level.fail}
    platforms = {p.platform for p in settings.doctor.probes}
    if "write" in failed:
        return dict.fromkeys(platforms, "输出目录不可写")
    if "browser" in failed:
        return {p: "没有可用的浏览器" for p in platforms if needs_browser(p, settings, live=live)}
    return {}


def run_doctor(
    options: DoctorOptions, settings: Settings, *, emit: Callable[[Finding], None] = lambda f: None
) -> DoctorReport:
    """Run every check; ``emit`` is called with each finding as it is made.

    Raises:
        ConfigError: bad usage (see check_usage).
        ReplayError: a replay file is malformed.
        OutputError: the probes' work folder cannot be written.
    """
    check_usage(options)
    if options.replay:
        from ..collect.replay import HarCorpus

        HarCorpus.load(list(options.replay))  # a malformed file stops doctor before any check
    report = DoctorReport(options)

    def add(finding: Finding) -> None:
        report.findings.append(finding)
        emit(finding)

    for finding in machine_findings(options, settings):
        add(finding)
    if options.mode == "machine":
        return report
    probes = settings.doctor.probes
    if not probes:
        add(Finding("platform", Level.warn, "平台：rules.toml 的 [doctor] 中没有探测账号，未访问任何平台。"))
        return report
    _say(
        f"正在{'回放' if options.replay else '实时'}访问 {len(probes)} 个探测账号"
        f"{'' if options.replay else '（按礼貌间隔访问，约需一两分钟）'}……"
    )
    run = run_probes(
        probes,
        settings,
        options.out,
        replay=options.replay,
        browsers_dir=options.browsers_dir,
        skip=skipped_platforms(report.findings, settings, live=options.live),
    )
    for finding in platform_findings(run):
        add(finding)
    return report


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def write_report(report: DoctorReport, now: datetime | None = None) -> Path:
    """doctor.json in --out, written to a temporary name and renamed.

    Raises:
        OutputError: --out cannot be written.
    """
    options = report.options
    path = options.out / REPORT_FILE
    document = report_json(
        report.findings,
        mode=options.mode,
        out=str(options.out),
        generated_at=(now or datetime.now(CST)).isoformat(timespec="seconds"),
        replay=[str(p) for p in options.replay],
    )
    tmp = path.with_name(path.name + ".tmp")
    try:
        options.out.mkdir(parents=True, exist_ok=True)
        tmp.write_text(json.dumps(document, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError as exc:
        raise OutputError(f"无法写入 {path}：{exc}") from exc
    return path


def _header(options: DoctorOptions) -> str:
    if options.replay:
        return f"运行前检查（回放：{'、'.join(str(p) for p in options.replay)}）"
    if options.live:
        return "运行前检查（本机 + 实时访问各平台的探测账号）"
    return "运行前检查（仅本机；加 --live 可实时访问各平台的探测账号）"


def doctor_command(args: argparse.Namespace) -> int:
    """The CLI entry: parse options, run, print, write doctor.json, return the exit status."""
    options = DoctorOptions(
        out=args.out,
        live=bool(args.live),
        replay=tuple(args.replay or ()),
        browsers_dir=args.browsers_dir,
    )
    check_usage(options)
    settings = load_settings(args.config)
    started: list[bool] = []

    def emit(finding: Finding) -> None:
        # The header waits for the first line: bad usage or a malformed HAR prints only the error.
        if not started:
            started.append(True)
            print(_header(options), flush=True)
        print(render_line(finding), flush=True)

    report = run_doctor(options, settings, emit=emit)
    print(summary_line(report.findings), flush=True)
    try:
        path = write_report(report)
    except OutputError as exc:
        _say(f"提示：{exc}")
    else:
        print(f"检查结果已写入 {path}", flush=True)
    return report.exit_status
