"""Checks of the machine before a long sweep: browser, CJK font, --out, disk, login states.

Each check returns Findings and takes what it probes from the outside
(commands, disk usage, the clock) as arguments with working defaults, so
tests can give it a machine without a browser or a full disk.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from ..collect.browser import storage_state_path
from ..models import Platform, platform_label
from ..settings import BrowserSettings
from .findings import Finding, Level

CommandRunner = Callable[[Sequence[str]], str | None]
"""run(args) -> stdout, or None when the command is missing, fails or hangs."""

COMMAND_TIMEOUT = 20.0

# Font files Debian's packages install (fonts-wqy-microhei, fonts-wqy-zenhei, fonts-noto-cjk):
# looked at when fc-list is missing (a minimal container has no fontconfig tools).
CJK_FONT_FILES: tuple[Path, ...] = (
    Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc"),
    Path("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc"),
    Path("/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc"),
)

HARD_MIN_FREE_GB = 0.2  # below this a sweep fails on its first evidence files
GB = 1024**3


def run_command(args: Sequence[str]) -> str | None:
    """stdout of a short command, or None when it cannot be run, fails or hangs."""
    try:
        done = subprocess.run(
            list(args), capture_output=True, text=True, timeout=COMMAND_TIMEOUT, check=False
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout if done.returncode == 0 else None


def playwright_chromium_path() -> str | None:
    """Playwright's own Chromium, when it is installed (the sweep's fallback browser).

    Asks Playwright where its browser lives (the driver knows the revision and
    PLAYWRIGHT_BROWSERS_PATH) and checks the file is there.
    """
    try:
        from playwright.sync_api import sync_playwright

        with sync_playwright() as playwright:
            path = playwright.chromium.executable_path
    except Exception:  # noqa: BLE001 - no driver, no browser: the same answer for the user
        return None
    return path if path and Path(path).is_file() else None


# -- browser ----------------------------------------------------------------------------


def browser_version(output: str | None) -> str:
    """The first line of ``chromium --version`` (e.g. "Chromium 156.0.8078.108 built on Debian")."""
    if not output:
        return ""
    return next((line.strip() for line in output.splitlines() if line.strip()), "")


def check_browser(
    settings: BrowserSettings,
    *,
    playwright_path: Callable[[], str | None] = playwright_chromium_path,
    run: CommandRunner = run_command,
) -> Finding:
    """The browser a sweep would launch: the configured executable, else Playwright's own.

    The same choice as ``BrowserSettings.resolved_executable`` and BrowserPool;
    no browser is a hard failure (three platforms read through it by default).
    """
    configured = settings.executable or ""
    executable = settings.resolved_executable()
    source = "configured"
    if executable is None:
        executable = playwright_path()
        source = "playwright"
    if executable is None:
        where = f"设置的 browser.executable「{configured}」不存在，" if configured else ""
        return Finding(
            "browser",
            Level.fail,
            f"浏览器：未找到。{where}也没有安装 Playwright 自带的 Chromium。"
            "Debian：sudo apt-get install chromium；或运行 .venv/bin/playwright install chromium。",
            data={"executable": None, "configured": configured or None},
        )
    resolved = shutil.which(executable) or executable
    version = browser_version(run([resolved, "--version"]))
    data: dict[str, Any] = {"executable": resolved, "source": source, "version": version or None}
    fallback = (
        f"（设置的「{configured}」不存在，改用 Playwright 自带的浏览器）" if source == "playwright" else ""
    )
    if not version:
        return Finding(
            "browser",
            Level.warn,
            f"浏览器：{resolved}{fallback}，但无法读取版本（--version 失败），启动时可能出错。",
            data=data,
        )
    return Finding("browser", Level.ok, f"浏览器：{resolved}（{version}）{fallback}", data=data)


# -- font -------------------------------------------------------------------------------


def font_families(fc_list_output: str | None) -> list[str]:
    """Family names from ``fc-list :lang=zh family`` (first name of each line)."""
    if not fc_list_output:
        return []
    names = [line.split(",")[0].strip() for line in fc_list_output.splitlines()]
    return sorted({n for n in names if n})


def check_font(*, run: CommandRunner = run_command, font_files: Sequence[Path] = CJK_FONT_FILES) -> Finding:
    """A font with Chinese glyphs, without which screenshots show boxes (reading is unaffected)."""
    families = font_families(run(["fc-list", ":lang=zh", "family"]))
    if families:
        return Finding("font", Level.ok, f"中文字体：{families[0]}", data={"families": families})
    files = [str(p) for p in font_files if p.is_file()]
    if files:
        return Finding("font", Level.ok, f"中文字体：{files[0]}", data={"files": files})
    return Finding(
        "font",
        Level.warn,
        "中文字体：未找到，截图中的中文会显示为方框（读取不受影响）。"
        "Debian：sudo apt-get install fonts-wqy-microhei。",
        data={"families": [], "files": []},
    )


# -- output folder ----------------------------------------------------------------------


def check_write(out: Path) -> Finding:
    """--out can be created and written (evidence, the store and doctor.json go there)."""
    try:
        out.mkdir(parents=True, exist_ok=True)
        fd, name = tempfile.mkstemp(dir=out, prefix=".doctor-write-", suffix=".tmp")
        try:
            os.write(fd, b"ok")
        finally:
            os.close(fd)
            os.unlink(name)
    except OSError as exc:
        return Finding(
            "write",
            Level.fail,
            f"写入权限：无法写入 {out}（{type(exc).__name__}: {exc.strerror or exc}），"
            "请检查目录权限或换用 --out。",
            data={"path": str(out), "writable": False, "error": str(exc)},
        )
    return Finding("write", Level.ok, f"写入权限：{out} 可写", data={"path": str(out), "writable": True})


def existing_ancestor(path: Path) -> Path:
    """``path`` or its nearest existing parent (disk usage of a folder not made yet)."""
    current = path.absolute()
    while not current.exists() and current != current.parent:
        current = current.parent
    return current


def check_disk(
    out: Path,
    min_free_gb: float,
    *,
    usage: Callable[[Path], Any] = shutil.disk_usage,
) -> Finding:
    """Free disk under --out: evidence of a large sweep takes gigabytes."""
    where = existing_ancestor(out)
    try:
        free = int(usage(where).free)
    except OSError as exc:
        return Finding(
            "disk", Level.warn, f"磁盘空间：无法读取 {where} 的可用空间（{exc}）", data={"path": str(where)}
        )
    free_gb = free / GB
    data = {"path": str(out), "free_bytes": free, "min_free_gb": min_free_gb}
    if free_gb < HARD_MIN_FREE_GB:
        return Finding(
            "disk",
            Level.fail,
            f"磁盘空间：{out} 所在磁盘仅剩 {free_gb:.2f} GB，证据和状态库无法写入，请先腾出空间。",
            data=data,
        )
    if free_gb < min_free_gb:
        return Finding(
            "disk",
            Level.warn,
            f"磁盘空间：{out} 所在磁盘仅剩 {free_gb:.1f} GB（建议至少 {min_free_gb:g} GB），"
            "大规模抽查的证据可能写不下。",
            data=data,
        )
    return Finding("disk", Level.ok, f"磁盘空间：{out} 所在磁盘可用 {free_gb:.1f} GB", data=data)


# -- login states -----------------------------------------------------------------------


def _cookie_summary(path: Path, now: datetime) -> tuple[int, int] | None:
    """(cookies, expired cookies) of a storage state file; None when it cannot be read.

    Only counts: cookie values are never read into a message.
    """
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
        cookies = state.get("cookies") or []
        if not isinstance(cookies, list):
            return None
    except (OSError, ValueError, AttributeError):
        return None
    stamp = now.timestamp()
    expired = 0
    for cookie in cookies:
        expires = cookie.get("expires", -1) if isinstance(cookie, dict) else -1
        if isinstance(expires, int | float) and 0 < expires < stamp:
            expired += 1
    return len(cookies), expired


def login_finding(platform: str, path: Path, max_age_days: int, now: datetime) -> Finding:
    """One saved login state: its age and whether its cookies are still valid."""
    label = platform_label(platform)
    relogin = f"请运行 newmedia-audit login {platform} 重新登录"
    modified = datetime.fromtimestamp(path.stat().st_mtime, UTC)
    age_days = max(0, (now - modified).days)
    summary = _cookie_summary(path, now)
    data: dict[str, Any] = {"path": str(path), "age_days": age_days, "max_age_days": max_age_days}
    if summary is None:
        return Finding(
            "login",
            Level.warn,
            f"登录状态：{label} {path} 无法读取（不是有效的登录状态文件），{relogin}。",
            platform,
            data,
        )
    cookies, expired = summary
    data.update(cookies=cookies, expired=expired)
    if cookies and expired == cookies:
        return Finding(
            "login",
            Level.warn,
            f"登录状态：{label} 的 {cookies} 个 Cookie 均已过期，{relogin}。",
            platform,
            data,
        )
    if age_days > max_age_days:
        return Finding(
            "login",
            Level.warn,
            f"登录状态：{label} 已保存 {age_days} 天（超过 {max_age_days} 天），可能已失效，{relogin}。",
            platform,
            data,
        )
    return Finding(
        "login",
        Level.ok,
        f"登录状态：{label} 已保存 {age_days} 天（{path}，{cookies} 个 Cookie）",
        platform,
        data,
    )


def check_logins(browsers_dir: Path, max_age_days: int, *, now: datetime | None = None) -> list[Finding]:
    """Saved login states under browsers/ (PLATFORM.state.json), as the sweep loads them."""
    now = now or datetime.now(UTC)
    findings: list[Finding] = []
    missing: list[str] = []
    for platform in Platform:
        path = storage_state_path(browsers_dir, platform.value)
        if path.is_file():
            findings.append(login_finding(platform.value, path, max_age_days, now))
        else:
            missing.append(platform.value)
    if missing:
        labels = "、".join(platform_label(p) for p in missing)
        findings.append(
            Finding(
                "login",
                Level.info,
                f"登录状态：{labels} 未保存，以访客身份访问（需要时运行 newmedia-audit login 平台）",
                data={"missing": missing, "browsers_dir": str(browsers_dir)},
            )
        )
    return findings
