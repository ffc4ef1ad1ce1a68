"""``newmedia-audit login PLATFORM``: log in by hand once, keep the session for sweeps.

Opens a headed Chromium on the platform's login page; when the user presses
Enter in the terminal (or closes the browser window), the context's
Playwright storage state is saved to ``browsers/{platform}.state.json``
(gitignored, file mode 0600). Sweeps load it into that platform's contexts
when present. Cookie values are never printed or logged: only the number of
cookies saved.
"""

from __future__ import annotations

import asyncio
import json
import os
import sys
import threading
from pathlib import Path

from ..errors import ConfigError
from ..models import Platform, platform_label
from ..settings import BrowserSettings
from .browser import storage_state_path

LOGIN_URLS: dict[str, str] = {
    "weibo": "https://passport.weibo.cn/signin/login",
    "douyin": "https://www.douyin.com/",
    "toutiao": "https://www.toutiao.com/",
    "wechat": "https://weixin.sogou.com/",
}


async def _wait_for_user(page_closed: asyncio.Event) -> None:
    """Return when Enter is pressed on stdin or the window is closed."""
    loop = asyncio.get_running_loop()
    # A daemon thread, not the default executor: asyncio.run would wait for a
    # readline that never comes when the user closes the window instead.
    threading.Thread(
        target=lambda: (sys.stdin.readline(), loop.call_soon_threadsafe(page_closed.set)), daemon=True
    ).start()
    await page_closed.wait()


async def login_async(
    platform: str, browsers_dir: Path = Path("browsers"), settings: BrowserSettings | None = None
) -> Path:
    """Open a headed browser on the login page and save the storage state.

    Returns:
        The path of the saved state file.

    Raises:
        ConfigError: an unknown platform.
    """
    if platform not in Platform.__members__:
        raise ConfigError(f"未知平台「{platform}」，可选：{', '.join(LOGIN_URLS)}")
    from playwright.async_api import async_playwright

    settings = settings or BrowserSettings()
    target = storage_state_path(browsers_dir, platform)
    target.parent.mkdir(parents=True, exist_ok=True)
    async with async_playwright() as pw:
        browser = await pw.chromium.launch(
            executable_path=settings.resolved_executable(),
            args=[a for a in settings.args if a != "--headless"],
            headless=False,
        )
        context = await browser.new_context(
            storage_state=str(target) if target.is_file() else None, locale="zh-CN"
        )
        page = await context.new_page()
        closed = asyncio.Event()
        page.on("close", lambda _page: closed.set())
        await page.goto(LOGIN_URLS[platform])
        print(
            f"请在打开的浏览器中登录{platform_label(platform)}，完成后回到此处按回车（或关闭浏览器窗口）。",
            file=sys.stderr,
        )
        await _wait_for_user(closed)
        state = await context.storage_state()
        tmp = target.with_name(target.name + ".tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(state, handle)
        os.replace(tmp, target)
        await browser.close()
    print(f"已保存登录状态（{len(state.get('cookies', []))} 个 Cookie）：{target}", file=sys.stderr)
    return target


def login(platform: str, browsers_dir: Path = Path("browsers")) -> Path:
    """Synchronous ``login_async`` for the CLI."""
    return asyncio.run(login_async(platform, browsers_dir))
