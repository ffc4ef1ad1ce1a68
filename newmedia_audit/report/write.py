"""Write every report file into --out, each atomically (temporary name, then os.replace)."""

from __future__ import annotations

import errno
import os
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from xlsxwriter.exceptions import XlsxFileError

from ..bulk import paused_gc
from ..errors import OutputError
from ..models import AuditResult
from ..settings import NoticeSettings
from .attachments import attachments, report_titles
from .early_warning import DEFAULT_TEMPLATE, reminder_files, render_warnings_csv
from .html import render_html
from .labels import CST
from .notice import render_notice
from .notice_docx import notice_context, render_notice_docx, template_path
from .results_json import render_results_json
from .summary import summarize
from .tables import detail_sheets
from .verdicts_csv import render_verdicts_csv
from .xlsx import sheet_widths, write_workbook
from .xlsx_process import ChildWorkbook, os_error_behind

REPORT_FILES = ("results.json", "verdicts.csv", "report.xlsx", "report.html", "notice.md", "notice.docx")


def _explain(exc: BaseException, target: Path) -> OutputError:
    code = getattr(exc, "errno", None)
    if code == errno.ENOSPC:
        reason = "磁盘空间不足"
    elif code in (errno.EACCES, errno.EPERM, errno.EROFS):
        reason = "没有写入权限"
    elif code == errno.ENOTDIR:
        reason = "路径不是目录"
    else:
        reason = str(exc) or exc.__class__.__name__
    return OutputError(f"无法写入报告文件 {target}：{reason}。请检查 --out 目录是否可写、磁盘空间是否充足。")


_os_error = os_error_behind

PARALLEL_XLSX_FROM = 20_000
"""Accounts from which report.xlsx is written by a child process beside the other reports
(below it starting a process costs more than it saves)."""


def _tmp_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.{os.getpid()}.tmp")


def _atomic(target: Path, produce: Callable[[Path], None]) -> None:
    """Run ``produce(tmp)`` then rename tmp over target; remove the tmp file on failure."""
    tmp = _tmp_path(target)
    try:
        produce(tmp)
        os.replace(tmp, target)
    except (OSError, XlsxFileError) as exc:
        try:
            tmp.unlink(missing_ok=True)
        except OSError:
            pass
        raise _explain(_os_error(exc), target) from exc


def _remove_stale_temporaries(out_dir: Path) -> None:
    """Temporary report files a killed run left (``.report.xlsx.<pid>.tmp``): the rerun replaces them."""
    for name in REPORT_FILES:
        for stale in out_dir.glob(f".{name}.*.tmp"):
            try:
                stale.unlink(missing_ok=True)
            except OSError:
                pass


def _write_bytes(data: bytes) -> Callable[[Path], None]:
    def produce(tmp: Path) -> None:
        with open(tmp, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())

    return produce


def _write_early_warning(result: AuditResult, out_dir: Path, template: str) -> dict[str, Path]:
    """warnings.csv and reminders/ (one text per unit; texts of units no longer at risk removed)."""
    warnings = result.warnings or []
    target = out_dir / "warnings.csv"
    for stale in out_dir.glob(".warnings.csv.*.tmp"):  # left by a killed run
        stale.unlink(missing_ok=True)
    _atomic(target, _write_bytes(render_warnings_csv(warnings)))
    folder = out_dir / "reminders"
    files = reminder_files(warnings, result.as_of, template)
    try:
        folder.mkdir(exist_ok=True)
        for old in folder.iterdir():
            if old.is_file() and old.name not in files:
                old.unlink()
    except OSError as exc:
        raise _explain(exc, folder) from exc
    for name, text in files.items():
        _atomic(folder / name, _write_bytes(text.encode("utf-8")))
    return {"warnings.csv": target, "reminders": folder}


@paused_gc()  # millions of live cells and models, no garbage: full collections found nothing
def write_reports(
    result: AuditResult,
    out_dir: Path,
    generated_at: datetime | None = None,
    *,
    window_days: int = 14,
    city: str = "",
    notice: NoticeSettings | None = None,
    reminder_template: str = DEFAULT_TEMPLATE,
) -> dict[str, Path]:
    """Write results.json, verdicts.csv, report.xlsx, report.html, notice.md and notice.docx into ``out_dir``.

    Args:
        result: the assessed sweep.
        out_dir: the output directory (created when missing).
        generated_at: the time printed as generated_at (default: now, +08:00).
        window_days: the freshness window (settings.window_days), for the notice's date range.
        city: the city in the titles of notice.docx and of 附件1/附件2 (settings.city).
        notice: notice.docx's settings (settings.notice; default: the built-in ones).
        reminder_template: the text of each unit's reminder (report/early_warning.py).
            warnings.csv and reminders/ are written only when ``result.warnings`` is set.

    Returns:
        File name -> path of each file written.

    Raises:
        OutputError: the directory cannot be created or written (permissions, disk full).
        ConfigError: the notice template is missing or broken.
    """
    out_dir = Path(out_dir)
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise _explain(exc, out_dir) from exc
    moment = generated_at or datetime.now(CST)
    notice = notice or NoticeSettings()
    paths = {name: out_dir / name for name in REPORT_FILES}
    _remove_stale_temporaries(out_dir)
    child = None
    if len(result.verdicts) >= PARALLEL_XLSX_FROM:
        try:
            child = ChildWorkbook(_tmp_path(paths["report.xlsx"]))  # starts while the tables are built
        except OSError:
            child = None  # no child process to be had: the workbook is written here
    try:
        summary = summarize(result)
        sheets = detail_sheets(result)  # shared by the workbook and the page
        titles = report_titles(result.as_of, city)
        front = attachments(result, summary, titles, sheets)  # 附件1/附件2: the workbook and notice.docx
        if child is not None:
            child.send(summary, sheets, front, titles)
            child.send_widths([sheet_widths(sheet) for sheet in sheets])
        _atomic(
            paths["results.json"], _write_bytes(render_results_json(result, moment, summary).encode("utf-8"))
        )
        _atomic(paths["verdicts.csv"], _write_bytes(render_verdicts_csv(result)))
        if child is None:
            _atomic(paths["report.xlsx"], lambda tmp: write_workbook(tmp, summary, sheets, front, titles))
        html = render_html(result, moment, summary, sheets)
        _atomic(paths["report.html"], _write_bytes(html.encode("utf-8")))
        _atomic(paths["notice.md"], _write_bytes(render_notice(result, summary, window_days).encode("utf-8")))
        context = notice_context(
            result,
            summary,
            titles,
            front,
            notice,
            issued_on=notice.issued_on or moment.date(),
            window_days=window_days,
        )
        _atomic(paths["notice.docx"], lambda tmp: render_notice_docx(template_path(notice), context, tmp))
        if result.warnings is not None:
            paths |= _write_early_warning(result, out_dir, reminder_template)
        if child is not None:
            _atomic(paths["report.xlsx"], child.wait)
    finally:
        if child is not None:
            child.close()
            try:
                _tmp_path(paths["report.xlsx"]).unlink(missing_ok=True)  # left only by a failure elsewhere
            except OSError:
                pass
    return paths
