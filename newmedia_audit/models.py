"""Pydantic models at the boundaries between inputs, collect, store, rules and report.

Codes (platform, status, verdict, reason) are spelled exactly as design.md and
domain.md spell them, because results.json and verdicts.csv expose them.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field


class Platform(StrEnum):
    """Platforms the tool can visit. Others are kept as ``other:<name>`` strings."""

    wechat = "wechat"
    weibo = "weibo"
    douyin = "douyin"
    toutiao = "toutiao"


VISITED_PLATFORMS: tuple[str, ...] = tuple(p.value for p in Platform)
"""The codes of the platforms the tool visits, in their usual order."""


PLATFORM_LABELS: dict[str, str] = {
    "wechat": "微信",
    "weibo": "微博",
    "douyin": "抖音",
    "toutiao": "今日头条",
}


def platform_label(platform: str) -> str:
    """Chinese label of a platform code (``other:快手`` -> ``快手``)."""
    if platform.startswith("other:"):
        return platform.removeprefix("other:")
    return PLATFORM_LABELS.get(platform, platform)


def is_supported(platform: str) -> bool:
    """True for the four platforms the collectors can visit."""
    return platform in Platform.__members__


class Status(StrEnum):
    """What our visit saw. Only ok/not_found/banned/private are facts about the account."""

    ok = "ok"
    not_found = "not_found"
    banned = "banned"
    private = "private"
    blocked = "blocked"
    error = "error"
    unsupported = "unsupported"


UNREACHABLE_STATUSES = frozenset({Status.not_found, Status.banned, Status.private})
UNKNOWN_STATUSES = frozenset({Status.blocked, Status.error, Status.unsupported})


class VerdictCode(StrEnum):
    passed = "pass"
    failed = "fail"
    review = "review"


class Reason(StrEnum):
    """Veto reasons of the national indicators (domain.md), default precedence order."""

    serious_error = "serious_error"
    unreachable = "unreachable"
    not_updated = "not_updated"
    never_updated = "never_updated"
    unregistered = "unregistered"
    name_mismatch = "name_mismatch"
    no_interaction = "no_interaction"


def reason_label(reason: Reason | str, province: str = "湖北省") -> str:
    """Label of a reason code as reports print it."""
    labels = {
        Reason.serious_error: "严重表述错误",
        Reason.unreachable: "账号无法访问",
        Reason.not_updated: "监测时间点内未更新",
        Reason.never_updated: "开通以来从未更新",
        Reason.unregistered: f"{province}未备案",
        Reason.name_mismatch: "备案名称不一致",
        Reason.no_interaction: "互动功能缺失",
    }
    return labels[Reason(reason)]


# verdicts.csv columns, fixed by design.md (read back by --previous).
VERDICTS_CSV_COLUMNS: tuple[str, ...] = (
    "district",
    "unit",
    "platform",
    "account_type",
    "name",
    "account_id",
    "status",
    "live_name",
    "last_post_at",
    "verdict",
    "primary_reason",
    "reasons",
    "evidence",
)


def account_key(platform: str, account_id: str, name: str = "") -> str:
    """An account's identity in the store: platform + id, or + name where no id exists."""
    return f"{platform}|{account_id or 'name:' + name}"


class Account(BaseModel):
    """One ledger row: an account to sweep."""

    model_config = ConfigDict(frozen=True)

    district: str
    unit: str
    name: str
    platform: str  # a Platform value, or "other:<name as written>"
    account_type: str = ""
    account_id: str = ""
    url: str = ""
    level: str = ""
    source_row: int | None = None  # spreadsheet row (header = 1)

    @property
    def key(self) -> str:
        """Identity in the store: platform + id (or + name where no id exists)."""
        return account_key(self.platform, self.account_id, self.name)


class Filing(BaseModel):
    """One registry (备案库) row."""

    model_config = ConfigDict(frozen=True)

    filing_no: str = ""
    name: str
    platform: str
    account_id: str = ""
    url: str = ""
    unit: str = ""
    district: str = ""
    status: str = ""
    filed_on: date | None = None
    source_row: int | None = None

    @property
    def cancelled(self) -> bool:
        """A filing whose status is 已注销 does not count as a filing."""
        return "注销" in self.status


class WebsiteResult(BaseModel):
    """One website inspection row (附件1)."""

    unit: str
    district: str
    findings: str = ""
    score: float | None = None  # None when vetoed without a printed score
    veto: bool = False
    deductions: list[float] = Field(default_factory=list)
    consistent: bool = True  # 100 - sum(deductions) == score
    passed: bool = True
    source_row: int | None = None


class SkippedRow(BaseModel):
    """A bad input row skipped with --skip-bad-rows."""

    file: str
    row: int | None
    column: str
    value: str
    message: str


class Post(BaseModel):
    """A post (weibo, video, article) seen on a profile."""

    id: str = ""
    published_at: datetime | None = None  # aware, +08:00
    pinned: bool = False
    repost: bool = False
    text: str = ""  # text or title, HTML stripped
    link: str = ""


class Observation(BaseModel):
    """What one visit saw of one account. Produced by collect/, stored, read by rules/."""

    platform: str
    account_id: str
    status: Status
    live_name: str = ""
    subject: str = ""  # certified subject (认证主体)
    post_count: int | None = None  # as the profile shows it
    posts: list[Post] = Field(default_factory=list)
    latest_post_at: datetime | None = None
    # Positive evidence of zero posts from a reachable profile (for never_updated).
    confirmed_empty: bool = False
    fetched_at: datetime | None = None
    detail: str = ""  # why blocked/error, or the platform's own message
    # How a visit that did not see the account ended: "wall", "fault" (network,
    # 5xx, timeouts) or "unrecognized" (a response the collector could not read);
    # "" when the visit saw the account.
    failure: str = ""
    evidence: list[str] = Field(default_factory=list)  # paths relative to --out

    # Not visited by this sweep but carried over from an earlier one (--since): the
    # local date of the visit it comes from. None: this sweep's own visit.
    carried_from: date | None = None

    @property
    def key(self) -> str:
        """The store key of the visited account (visited accounts always have an id)."""
        return account_key(self.platform, self.account_id)


class LexiconHit(BaseModel):
    """A serious-wording lexicon match inside the window."""

    rule: str  # the lexicon entry that matched
    word: str  # the text as it appears
    correction: str = ""
    sentence: str
    post_id: str = ""
    link: str = ""
    dismissed: bool = False


class Verdict(BaseModel):
    """The assessment of one ledger account."""

    account: Account
    status: Status
    live_name: str = ""
    last_post_at: datetime | None = None
    verdict: VerdictCode
    reasons: list[Reason] = Field(default_factory=list)  # ordered by precedence
    primary_reason: Reason | None = None
    hits: list[LexiconHit] = Field(default_factory=list)
    filing: Filing | None = None
    unrectified: bool = False  # 上期通报未整改: fails again for the same reason
    review_reason: str = ""  # why the account is 待复核
    note: str = ""  # officer's override note
    evidence: str = ""  # relative path to the evidence folder
    carried_from: date | None = None  # observation carried over (--since): date of its visit


class RegistryIssue(BaseModel):
    """A line of the 备案比对 sheet."""

    kind: str  # unfiled | name_mismatch | gone | not_in_ledger
    platform: str
    account_id: str = ""
    live_name: str = ""
    filed_name: str = ""
    unit: str = ""
    district: str = ""
    filing_no: str = ""
    detail: str = ""


class ZombieEntry(BaseModel):
    """A line of the 僵尸账号 list."""

    account: Account
    last_post_at: datetime | None
    days_silent: int | None  # None: never updated
    action: str  # 关停注销 | 限期整改


class Rectification(BaseModel):
    """Comparison with the previous sweep (--previous DIR)."""

    previous_label: str = ""  # e.g. "2022年3月份"
    previous_checked: int = 0
    previous_failed: int = 0
    unrectified: list[Verdict] = Field(default_factory=list)
    fixed: list[Account] = Field(default_factory=list)


class PlatformHealth(BaseModel):
    """How well one platform could be read in a sweep (platforms.md, rule 3).

    Counts are accounts by the final outcome of their visit: ``read`` saw the
    account (fresh or not, gone, private ...); ``walls`` were refused;
    ``faults`` met network faults; ``unrecognized`` got answers the collector
    could not read; ``pending`` were left unvisited by the drift alarm.
    """

    platform: str
    accounts: int = 0
    read: int = 0
    walls: int = 0
    faults: int = 0
    unrecognized: int = 0
    pending: int = 0

    @property
    def paused(self) -> bool:
        return self.pending > 0


class AtRisk(BaseModel):
    """A line of the 预警 list: an account that crosses a silence limit soon unless it posts.

    ``kind`` is "window" (it would turn not_updated) or "zombie" (it would join
    the zombie list); ``deadline`` is the first monitoring date at which it would,
    ``days_left`` the days from D to the deadline, ``level`` 红 or 黄.
    """

    account: Account
    kind: str  # window | zombie
    last_post_at: datetime
    deadline: date
    days_left: int
    level: str  # 红 | 黄
    limit_days: int  # the window or zombie threshold measured against


class TrendPoint(BaseModel):
    """New-media pass rates of one earlier sweep, for the trend over the previous out dirs."""

    as_of: date
    label: str  # the output folder's name
    rate: float | None = None
    districts: dict[str, float | None] = Field(default_factory=dict)
    weekly: bool = False  # a --since run (carried the accounts it did not visit)


class AuditResult(BaseModel):
    """Everything the reports need, produced by rules.assess."""

    as_of: date
    province: str = "湖北省"
    verdicts: list[Verdict]
    websites: list[WebsiteResult] = Field(default_factory=list)
    website_pass_line: float = 60
    registry_issues: list[RegistryIssue] = Field(default_factory=list)
    zombies: list[ZombieEntry] = Field(default_factory=list)
    rectification: Rectification | None = None
    skipped_rows: list[SkippedRow] = Field(default_factory=list)
    district_order: list[str] = Field(default_factory=list)  # ledger order of districts
    platform_health: list[PlatformHealth] = Field(default_factory=list)  # visited platforms only
    # 预警 (early warning); None when not computed (then no warnings.csv, reminders/ or 预警 sheet).
    warnings: list[AtRisk] | None = None
    trend: list[TrendPoint] = Field(default_factory=list)  # earlier sweeps, oldest first
