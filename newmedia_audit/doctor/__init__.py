"""``newmedia-audit doctor``: a preflight before a long sweep.

Checks the machine (browser, CJK font, --out, free disk, saved login
states) and, with --live or --replay, visits a few well-known accounts per
platform through the sweep's own code path to tell, per platform, whether it
can be read today: 读取正常, 被拦截, 网络故障 or 无法识别.
"""

from __future__ import annotations

from .command import DoctorOptions, DoctorReport, doctor_command, run_doctor, write_report
from .findings import Finding, Level, exit_status, render_line
from .probes import Outcome, classify_platform, classify_visit

__all__ = [
    "DoctorOptions",
    "DoctorReport",
    "Finding",
    "Level",
    "Outcome",
    "classify_platform",
    "classify_visit",
    "doctor_command",
    "exit_status",
    "render_line",
    "run_doctor",
    "write_report",
]
