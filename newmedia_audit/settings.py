"""Typed settings: CLI > NEWMEDIA_AUDIT_* environment > TOML file > defaults.

Nested per-platform values use a double underscore in the environment,
e.g. ``NEWMEDIA_AUDIT_WEIBO__DELAY=5``. The TOML file is ``--config``
(default ``registry/rules.toml`` when it exists).
"""

from __future__ import annotations

import shutil
import tomllib
from contextvars import ContextVar
from datetime import date
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, PydanticBaseSettingsSource, SettingsConfigDict

from .errors import ConfigError
from .models import Reason

DEFAULT_CONFIG = Path("registry/rules.toml")

ScreenshotPolicy = Literal["all", "unusual", "none"]

# Values given on the command line for the Settings being built (highest priority).
_CLI_VALUES: ContextVar[dict[str, Any] | None] = ContextVar("_CLI_VALUES", default=None)

CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    # Without it Chromium 156 forks fresh renderers while several pages load side
    # by side (zygote CPU, 23 processes instead of 16): +18-22% accounts/min in
    # make bench. Each context visits one platform's public pages, logged out
    # unless a login state was saved, so there is little for isolation to guard.
    "--disable-site-isolation-trials",
]


class PlatformSettings(BaseModel):
    """Politeness and path choice for one platform (live traffic only)."""

    delay: float = 3.0
    """Mean seconds between the starts of two visits of one worker: the platform sees
    ``concurrency`` visits per delay, so N accounts take about N * delay / concurrency
    seconds (the pace politeness imposes). A visit that outlasts its interval holds the
    next start back until it ends."""
    jitter: float = 0.5
    """Spread of each interval (0 to 1): it lies within delay * [1 - jitter, 1 + jitter],
    its mean is delay, and the deviations cancel from one interval to the next, so the
    pace does not drift from delay."""
    concurrency: int = Field(1, ge=1)
    """Accounts visited at once on this platform (and visits per delay)."""
    use_httpx: bool = False
    """Use the httpx path (no browser) where the platform allows it."""
    cooldown: float = 60.0
    """Seconds a wall pauses the platform before its accounts are retried."""
    breaker_threshold: int = Field(3, ge=1)
    """Walls in a row that open the circuit breaker (pause the platform)."""
    wall_retries: int = Field(2, ge=0)
    """Times an account that met a wall is requeued before it ends as blocked."""


class BrowserSettings(BaseModel):
    """Headless Chromium through Playwright."""

    executable: str | None = "/usr/bin/chromium"
    """Chromium executable; when missing, Playwright's own browser is used if installed."""
    args: list[str] = Field(default_factory=lambda: list(CHROMIUM_FLAGS))
    headless: bool = True
    restart_every: int = Field(500, ge=1)
    """Restart the browser after this many pages (keeps memory flat)."""
    recycle_context_every: int = Field(100, ge=1)
    """New context (cookies) after this many accounts of one worker."""
    page_timeout: float = 20.0
    """Seconds to wait for a profile page and its JSON."""
    screenshots: ScreenshotPolicy = "unusual"
    """Screenshots of profile pages kept as evidence: "all" (every browser visit),
    "unusual" (a visit that did not read a reachable account with a post inside
    the freshness window: not found, banned, walls, faults, never or not updated,
    no post seen), or "none". A screenshot costs about a fifth of a browser
    visit's CPU (~20 of ~110 ms measured); the raw responses are kept for every
    account either way. true/false mean "all"/"none"."""

    @field_validator("screenshots", mode="before")
    @classmethod
    def _screenshots_from_bool(cls, value: Any) -> Any:
        if isinstance(value, bool):
            return "all" if value else "none"
        return value

    def resolved_executable(self) -> str | None:
        """The configured executable if it exists, else None (Playwright's own browser)."""
        if self.executable and (Path(self.executable).exists() or shutil.which(self.executable)):
            return self.executable
        return None


class WechatSettings(PlatformSettings):
    delay: float = 5.0  # Sogou throttles early


class WeiboSettings(PlatformSettings):
    # The browser by default: m.weibo.cn answers requests without the Sina Visitor
    # System's cookies with "这里还没有内容" (platforms.md), and the page runs that
    # system itself. use_httpx = true borrows the cookies of one browser visit
    # (collect/visitor.py) and renews them after a refusal.
    use_httpx: bool = False
    visitor_url: str = "https://m.weibo.cn/"
    """The page whose visitor cookies the httpx path borrows (live only); "" borrows none
    (a local test server needs none)."""


class ProbeAccount(BaseModel):
    """A well-known public account ``doctor`` visits to tell whether a platform can be read today.

    Large official accounts that post daily are chosen: when even they cannot
    be read, the platform (or our way of reading it) is the problem, not an account.
    """

    platform: Literal["wechat", "weibo", "douyin", "toutiao"]
    account_id: str = Field(min_length=1)
    """微信号, uid, sec_uid or token, as in a ledger."""
    name: str = ""
    """What the account is, for the lines doctor prints."""


def _default_probes() -> list[ProbeAccount]:
    # The same list as registry/rules.toml [doctor], so doctor works without that file.
    return [
        ProbeAccount(platform="weibo", account_id="2803301701", name="人民日报"),
        ProbeAccount(platform="weibo", account_id="2656274875", name="央视新闻"),
        ProbeAccount(
            platform="douyin",
            account_id="MS4wLjABAAAA8U_l6rBzmy7bcy6xOJel4v0RzoR_wfAubGPeJimN__4",
            name="人民日报",
        ),
        ProbeAccount(
            platform="toutiao",
            account_id="MS4wLjABAAAAa4jZTw8oFVgiBHDJk10547ATPToNthylT4jZwY2ik1w",
            name="人民日报",
        ),
        ProbeAccount(platform="wechat", account_id="rmrbwx", name="人民日报"),
        ProbeAccount(platform="wechat", account_id="cctvnewscenter", name="央视新闻"),
    ]


class DoctorSettings(BaseModel):
    """``newmedia-audit doctor``: the preflight a user runs before a long sweep."""

    probes: list[ProbeAccount] = Field(default_factory=_default_probes)
    """Accounts visited with --live (or --replay), a few per platform."""
    login_max_age_days: int = Field(30, ge=1)
    """A saved login state (browsers/PLATFORM.state.json) older than this is reported as likely stale."""
    min_free_gb: float = Field(2.0, ge=0)
    """Less free disk than this under --out is reported (evidence of a large sweep takes gigabytes)."""
    wall_retries: int = Field(0, ge=0)
    """Requeues of a walled probe. 0: a wall is reported at once, instead of waiting out the
    platform's cool-down as a sweep does (the preflight should answer in a minute)."""


SearchPlatform = Literal["weibo", "wechat", "douyin"]


class DiscoverySettings(BaseModel):
    """``newmedia-audit discover``: search the platforms for government accounts nobody listed.

    Politeness, walls and retries are each platform's own settings ([weibo],
    [wechat], [douyin]), as in a sweep.
    """

    regions: list[str] = Field(default_factory=list)
    """Place names searched besides ``city`` and the ledger's districts (e.g. ["咸宁高新区"]);
    ``--region`` replaces them all."""
    keywords_file: Path | None = None
    """The organ keyword list (TOML, or .txt one keyword a line); None:
    registry/organ_keywords.toml when it exists, else the built-in list."""
    pages: int = Field(3, ge=1)
    """Result pages read per query and platform at most (``--pages``)."""
    platforms: list[SearchPlatform] = Field(default_factory=lambda: ["weibo", "wechat", "douyin"])
    """Platforms searched (``--platform``)."""
    browser: list[SearchPlatform] = Field(default_factory=lambda: ["douyin"])
    """Platforms searched through the browser (Douyin's calls are signed by its page); the
    others over httpx (Weibo then borrows the visitor cookies of one browser visit)."""


class NoticeSettings(BaseModel):
    """notice.docx: the notice (通报) as a Word 公文, with 附件1 and 附件2 (README, "Notice and attachments")."""

    template: Path | None = None
    """Word template with docxtpl placeholders; None: registry/notice_template.docx when it
    exists, else the built-in one. An office's own letterhead and wording go there."""
    issuer: str = ""
    """发文机关 in the title and the signature; empty: "{city}政务公开领导小组办公室"."""
    issued_on: date | None = None
    """成文日期 printed under the signature; None: the day the reports are written."""
    reply_days: int = Field(5, ge=0)
    """Units report their rectification this many days after the notice's date."""
    reply_to: str = ""
    """Where units report to (报送单位); empty: the issuer's office, "市政务公开领导小组办公室"."""
    contact: str = ""
    """联系人、电话、邮箱, printed in brackets after reply_to, e.g. "联系人：张三，联系电话：1234567"."""
    max_listed: int = Field(1000, ge=1)
    """Failing accounts named per reason in 二、主要问题 and listed in 附件2 of notice.docx at most
    (report.xlsx's 附件2 always lists every one); a longer list says how many there are."""


class ScaleSettings(BaseModel):
    """The national sweep on PostgreSQL (``sweep --database``, ``worker``; README, "多机部署")."""

    heartbeat: float = Field(10.0, gt=0)
    """Seconds between a worker's heartbeats in the queue."""
    stall_timeout: float = Field(60.0, gt=0)
    """A worker silent this long is taken for dead: its running visits are put back in the queue."""
    max_attempts: int = Field(4, ge=1)
    """Tries of one account, wall requeues apart: a visit that keeps killing its worker (a page
    that crashes Chromium, the OOM killer) ends as error (待复核) after this many."""
    shutdown_grace: float = Field(60.0, ge=0)
    """SIGTERM: seconds a worker lets its running visits finish before it releases them."""
    evidence_dir: Path | None = None
    """A folder shared by every worker for evidence; None: the worker's --out, else the sweep's out dir."""


class Settings(BaseSettings):
    """All settings of a run."""

    model_config = SettingsConfigDict(env_prefix="NEWMEDIA_AUDIT_", env_nested_delimiter="__", extra="forbid")

    province: str = "湖北省"
    """Province name used in the 未备案 label."""
    city: str = ""
    """City (or county, province) whose office issues the notice, in the titles of notice.docx
    and of 附件1/附件2: "{year}年{city}政务新媒体第{quarter}季度抽查监测情况表"."""
    window_days: int = Field(14, ge=1)
    """An account is fresh when its latest post falls in [D - window_days, D]."""
    zombie_days: int = Field(90, ge=1)
    """Silent longer than this before D: a zombie account."""
    website_pass_line: float = 60.0
    """Website score needed to pass (60 nationally, some notices use 80)."""
    precedence: list[Reason] = Field(default_factory=lambda: list(Reason))  # declared in domain.md order
    """Order of reasons; the first present is the primary reason."""
    frequency_days: dict[str, int] = Field(default_factory=dict)
    """Optional per-level update frequency, e.g. {"县级政府" = 7, "部门" = 30} (seed 003)."""
    interaction_rule: bool = False
    """Optional no_interaction rule (off by default)."""
    lexicon_files: list[Path] = Field(default_factory=list)
    """Extra lexicon files (TOML or CSV) added to the default entries."""
    retries: int = Field(3, ge=0)
    """Retries of transient faults (timeouts, resets, 5xx) per visit."""
    retry_wait: float = 1.0
    """Base seconds of exponential backoff for transient faults (live only)."""
    drift_visits: int = Field(20, ge=1)
    """Drift alarm: judged on this many first visits of a platform in a run."""
    drift_share: float = Field(0.5, gt=0, le=1)
    """Drift alarm: this share of those visits unrecognized pauses the platform."""
    warn_days: int = Field(5, ge=0)
    """预警: list accounts that would turn not updated (or zombie) within this many days
    after D unless they post (``--warn-days``); 红 at 2 days or fewer, else 黄."""
    carry_max_age_days: int = Field(30, ge=0)
    """``--since``: an observation older than this (days from its visit to D) is not
    carried again; the account is visited."""
    reminder_template: Path | None = None
    """Template of the per-unit reminders (reminders/); None: registry/reminder_template.txt
    when it exists, else the built-in text."""
    browser: BrowserSettings = Field(default_factory=BrowserSettings)
    wechat: WechatSettings = Field(default_factory=WechatSettings)
    weibo: WeiboSettings = Field(default_factory=WeiboSettings)
    douyin: PlatformSettings = Field(default_factory=PlatformSettings)
    toutiao: PlatformSettings = Field(default_factory=PlatformSettings)
    doctor: DoctorSettings = Field(default_factory=DoctorSettings)
    notice: NoticeSettings = Field(default_factory=NoticeSettings)
    discovery: DiscoverySettings = Field(default_factory=DiscoverySettings)
    scale: ScaleSettings = Field(default_factory=ScaleSettings)

    def platform(self, name: str) -> PlatformSettings:
        """Settings of one of the four platforms."""
        return getattr(self, name)

    @classmethod
    def settings_customise_sources(
        cls,
        settings_cls: type[BaseSettings],
        init_settings: PydanticBaseSettingsSource,
        env_settings: PydanticBaseSettingsSource,
        dotenv_settings: PydanticBaseSettingsSource,
        file_secret_settings: PydanticBaseSettingsSource,
    ) -> tuple[PydanticBaseSettingsSource, ...]:
        # CLI > env > TOML (passed as init values by load_settings) > defaults.
        return (_CliSource(settings_cls), env_settings, init_settings)


class _CliSource(PydanticBaseSettingsSource):
    """Command-line values set by load_settings for the Settings being built."""

    def get_field_value(self, field: Any, field_name: str) -> tuple[Any, str, bool]:
        return (_CLI_VALUES.get() or {}).get(field_name), field_name, False

    def __call__(self) -> dict[str, Any]:
        return dict(_CLI_VALUES.get() or {})


def load_settings(config: Path | None = None, **cli: Any) -> Settings:
    """Build settings with precedence CLI > env > TOML > defaults.

    Raises ConfigError (exit 2) for an unreadable TOML file or a bad value.
    """
    data: dict[str, Any] = {}
    path = config if config is not None else (DEFAULT_CONFIG if DEFAULT_CONFIG.exists() else None)
    if path is not None:
        try:
            data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
        except FileNotFoundError as exc:
            raise ConfigError(f"配置文件不存在：{path}") from exc
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise ConfigError(f"配置文件 {path} 不是有效的 TOML：{exc}") from exc
    token = _CLI_VALUES.set({k: v for k, v in cli.items() if v is not None})
    try:
        return Settings(**data)
    except ValidationError as exc:
        problems = "; ".join(
            f"{'.'.join(str(p) for p in err['loc'])}: {err['msg']} (值 {err.get('input')!r})"
            for err in exc.errors()
        )
        raise ConfigError(f"配置有误（{path or '环境变量'}）：{problems}") from exc
    finally:
        _CLI_VALUES.reset(token)
