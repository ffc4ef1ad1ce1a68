"""What ``doctor`` found: one Finding a line, its level, the exit status and doctor.json.

A finding is data first (``check``, ``level``, ``data``) and a Chinese line
second (``text``), so the terminal and doctor.json say the same thing.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any


class Level(StrEnum):
    """How a finding bears on the sweep: only ``fail`` makes doctor exit 1."""

    ok = "ok"
    info = "info"  # worth knowing, nothing to do (e.g. no login state saved)
    warn = "warn"  # the sweep can run, but something will be worse (stale login, no CJK font)
    fail = "fail"  # the sweep cannot do its job (no browser, --out unwritable, a platform unreadable)
    skip = "skip"  # not checked, because of another failure named on its own line


LEVEL_TAGS: dict[Level, str] = {
    Level.ok: "正常",
    Level.info: "提示",
    Level.warn: "注意",
    Level.fail: "失败",
    Level.skip: "未查",
}


@dataclass(frozen=True)
class Finding:
    """One line of doctor's output."""

    check: str  # browser | font | write | disk | login | platform
    level: Level
    text: str  # the line without its tag, Simplified Chinese
    subject: str = ""  # the platform code for login and platform lines
    data: Mapping[str, Any] = field(default_factory=dict)  # machine-readable details (doctor.json)


def render_line(finding: Finding) -> str:
    """The terminal line: ``[正常] 浏览器：...``."""
    return f"[{LEVEL_TAGS[finding.level]}] {finding.text}"


def exit_status(findings: Iterable[Finding]) -> int:
    """0 when nothing failed (warnings included), 1 otherwise."""
    return 1 if any(f.level is Level.fail for f in findings) else 0


def failing_names(findings: Sequence[Finding]) -> list[str]:
    """Short names of the failed checks, for the closing line."""
    names = {
        "browser": "浏览器",
        "font": "中文字体",
        "write": "写入权限",
        "disk": "磁盘空间",
        "login": "登录状态",
    }
    out = []
    for finding in findings:
        if finding.level is Level.fail:
            name = str(finding.data.get("label", "")) or names.get(finding.check, finding.check)
            out.append(name)
    return out


def summary_line(findings: Sequence[Finding]) -> str:
    """The closing line: whether a long sweep can start."""
    failed = failing_names(findings)
    warned = sum(1 for f in findings if f.level is Level.warn)
    if failed:
        return f"结论：{len(failed)} 项未通过（{'、'.join(failed)}），请处理后再开始抽查。"
    if warned:
        return f"结论：可以开始抽查；另有 {warned} 项需要注意（见上）。"
    return "结论：全部正常，可以开始抽查。"


def finding_json(finding: Finding) -> dict[str, Any]:
    return {
        "check": finding.check,
        "subject": finding.subject,
        "level": finding.level.value,
        "text": finding.text,
        "data": dict(finding.data),
    }


def report_json(
    findings: Sequence[Finding], *, mode: str, out: str, generated_at: str, replay: Sequence[str] = ()
) -> dict[str, Any]:
    """doctor.json: the same findings as the terminal lines, plus the exit status."""
    return {
        "generated_at": generated_at,
        "mode": mode,
        "out": out,
        "replay": list(replay),
        "exit_status": exit_status(findings),
        "summary": summary_line(findings),
        "findings": [finding_json(f) for f in findings],
    }
