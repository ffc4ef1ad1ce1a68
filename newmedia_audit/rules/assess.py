"""The entry point of the rules: observations, filings and settings in, AuditResult out.

Pure: no clock (D is ``as_of``), no database, no browser. The only files read
are the user's lexicon files named in the settings, unless a Lexicon is given.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from datetime import date, datetime

from ..bulk import paused_gc
from ..models import (
    UNREACHABLE_STATUSES,
    Account,
    AuditResult,
    Filing,
    LexiconHit,
    Observation,
    Platform,
    PlatformHealth,
    Post,
    Reason,
    RegistryIssue,
    SkippedRow,
    Status,
    Verdict,
    VerdictCode,
    WebsiteResult,
    ZombieEntry,
    is_supported,
)
from ..settings import Settings
from .filing import FilingIndex, FilingMatch
from .freshness import Freshness, FreshnessResult, freshness_of, local_posts, publish_times, window_start
from .lexicon import Lexicon, find_hits, load_lexicon
from .localtime import to_local
from .overrides import Override, apply_overrides
from .precedence import order_reasons
from .rectification import PreviousSweep, rectify
from .registry_compare import account_issue, compare_registry, unlisted_issues
from .zombies import zombie_entry

REVIEW_BLOCKED = "平台拒绝访问（登录墙、验证码或限流），无法判断账号情况"
REVIEW_ERROR = "多次访问出错，无法判断账号情况"
REVIEW_UNSUPPORTED = "该平台暂不支持自动检查，待人工复核（可在复核文件中给出结论）"
REVIEW_NOT_VISITED = "尚未取得检查结果"
REVIEW_UNRECOGNIZED = "平台返回的内容无法识别（平台可能已改版），无法判断账号情况"
REVIEW_PAUSED = "该平台返回的内容大多无法识别（疑似改版），抽查已暂停，账号尚未访问"


def window_for(account: Account, settings: Settings) -> int:
    """The account's update window: its level's frequency rule, else window_days."""
    if account.level and account.level in settings.frequency_days:
        return settings.frequency_days[account.level]
    return settings.window_days


def evidence_folder(observation: Observation | None) -> str:
    """The folder of the first evidence file, relative to --out, or ""."""
    if observation is None or not observation.evidence:
        return ""
    first = observation.evidence[0]
    if first.endswith("/"):
        return first.rstrip("/")
    # write_evidence lists the account's folder first, then its files; a file
    # first (older stores) names the folder as its parent.
    name = first.rpartition("/")[2]
    return first.rpartition("/")[0] if "." in name else first


def _missing_observation(account: Account) -> Observation:
    status = Status.error if is_supported(account.platform) else Status.unsupported
    detail = REVIEW_NOT_VISITED if status is Status.error else ""
    return Observation(platform=account.platform, account_id=account.account_id, status=status, detail=detail)


def _registry_reasons(match: FilingMatch) -> list[Reason]:
    if match.filing is None:
        return [Reason.unregistered]
    if match.name_mismatch:
        return [Reason.name_mismatch]
    return []


def _freshness_reasons(freshness: FreshnessResult) -> list[Reason]:
    if freshness.state is Freshness.not_updated:
        return [Reason.not_updated]
    if freshness.state is Freshness.never_updated:
        return [Reason.never_updated]
    return []


def _window_posts(posted: list[tuple[datetime, Post]], as_of: date, window_days: int) -> list[Post]:
    """The posts dated in [D - window_days, D] (``local_posts`` pairs), newest first.

    Newest first, so hits come in the same order whatever order the posts came in.
    """
    start = window_start(as_of, window_days)
    inside = [(t, p) for t, p in posted if start <= t.date() <= as_of]
    if len(inside) > 1:
        inside.sort(key=lambda item: (item[0], item[1].id, item[1].text), reverse=True)
    return [p for _, p in inside]


def assess_account(
    account: Account,
    observation: Observation,
    match: FilingMatch,
    settings: Settings,
    as_of: date,
    lexicon: Lexicon,
    overrides: Sequence[Override] = (),
) -> tuple[Verdict, FreshnessResult | None]:
    """The verdict of one account, and its freshness when the profile was seen (status ok).

    - not_found/banned/private: unreachable, plus registry reasons.
    - blocked/error: review, whatever else holds (a wall says nothing of the account).
    - unsupported, or ok with undetermined freshness: review unless another
      veto (registry, lexicon) applies.
    - Overrides decide last.
    """
    status = observation.status
    reasons: list[Reason] = []
    hits: list[LexiconHit] = []
    freshness: FreshnessResult | None = None
    review_reason = ""
    last_post_at = None
    if status is Status.ok:
        posted = local_posts(observation)  # each post's local time, converted once
        freshness = freshness_of(
            observation, publish_times(observation, posted), as_of, window_for(account, settings)
        )
        last_post_at = freshness.latest
        reasons += _freshness_reasons(freshness)
        if freshness.state is Freshness.unknown:
            review_reason = freshness.review_reason
        hits = find_hits(_window_posts(posted, as_of, settings.window_days), lexicon)
        if hits:
            reasons.append(Reason.serious_error)
        reasons += _registry_reasons(match)
    elif status in UNREACHABLE_STATUSES:
        reasons.append(Reason.unreachable)
        reasons += _registry_reasons(match)
    elif status is Status.unsupported:
        review_reason = REVIEW_UNSUPPORTED
        reasons += _registry_reasons(match)
    else:
        # The sweep's own lead-in repeats what the review reason's head says.
        detail = observation.detail.strip().removeprefix("被平台拦截：").removeprefix("多次重试仍失败：")
        review_reason = {"unrecognized": REVIEW_UNRECOGNIZED, "paused": REVIEW_PAUSED}.get(
            observation.failure, REVIEW_BLOCKED if status is Status.blocked else REVIEW_ERROR
        )
        if detail:
            review_reason += f"：{detail}"
    if last_post_at is None and observation.latest_post_at is not None:
        last_post_at = to_local(observation.latest_post_at)

    decided, note = False, ""  # what apply_overrides gives an account without a row
    if overrides:  # skipped without rows: a model per account is felt at 100,000
        outcome = apply_overrides(account, reasons, hits, list(overrides))
        reasons, hits, decided, note = outcome.reasons, outcome.hits, outcome.decided, outcome.note
    # Zero or one reason (nearly every account) needs no ordering.
    ordered = order_reasons(reasons, settings.precedence) if len(reasons) > 1 else list(reasons)
    blocked = status in (Status.blocked, Status.error)
    if ordered and not (blocked and not decided):
        code = VerdictCode.failed
    elif review_reason and not decided:
        code = VerdictCode.review
    else:
        code = VerdictCode.passed
    if code is VerdictCode.review:
        # A wall never fails an account (domain.md): reasons wait for a decision.
        ordered_out: list[Reason] = []
    else:
        ordered_out = ordered
        review_reason = ""
    verdict = Verdict(
        account=account,
        status=status,
        live_name=observation.live_name,
        last_post_at=last_post_at,
        verdict=code,
        reasons=ordered_out,
        primary_reason=ordered_out[0] if ordered_out else None,
        hits=hits,
        filing=match.filing,
        review_reason=review_reason,
        note=note,
        evidence=evidence_folder(observation),
    )
    return verdict, freshness


@paused_gc()  # millions of live objects, no garbage: full collections found nothing
def assess(
    accounts: list[Account],
    observations: dict[str, Observation],
    filings: list[Filing],
    settings: Settings,
    as_of: date,
    *,
    websites: Sequence[WebsiteResult] = (),
    previous: PreviousSweep | None = None,
    overrides: Sequence[Override] = (),
    skipped_rows: Sequence[SkippedRow] = (),
    lexicon: Lexicon | None = None,
) -> AuditResult:
    """Assess every ledger account and build what the reports need.

    Args:
        accounts: the ledger, in order.
        observations: visit outcomes keyed by ``Account.key``; an account
            without one is review (unsupported platforms: status unsupported).
        filings: the provincial registry.
        settings: windows, thresholds, precedence, province, lexicon files.
        as_of: the monitoring point D (local date).
        websites: website results, passed through.
        previous: the previous sweep, for 上期通报未整改.
        overrides: the officer's override rows.
        skipped_rows: bad input rows skipped, passed through.
        lexicon: a prepared lexicon; by default the defaults plus
            ``settings.lexicon_files``.

    Returns:
        The AuditResult, verdicts in ledger order.
    """
    if lexicon is None:
        lexicon = load_lexicon(settings.lexicon_files)
    index = FilingIndex(filings)
    rows = _rows_by_account(overrides)
    verdicts: list[Verdict] = []
    zombies: list[ZombieEntry] = []
    matches: dict[str, FilingMatch] = {}
    seen: dict[str, Observation] = {}
    issues: list[RegistryIssue] = []
    used: set[int] = set()  # ids of the filings some account matched
    for account in accounts:
        key = account.key  # a property building a string: once per account
        observation = observations.get(key) or _missing_observation(account)
        seen[key] = observation
        match = index.match(account, observation.live_name)
        matches[key] = match
        # The 备案比对 line here, while the account's objects are at hand: another
        # pass over 100,000 accounts costs about as much again in memory reads.
        issue = account_issue(account, observation, match, settings.province, used)
        if issue is not None:
            issues.append(issue)
        own_rows = rows.get((account.platform, account.account_id or account.name), ())
        verdict, freshness = assess_account(account, observation, match, settings, as_of, lexicon, own_rows)
        verdicts.append(verdict)
        if freshness is not None and verdict.verdict is not VerdictCode.review:
            entry = zombie_entry(account, freshness, settings.zombie_days)
            if entry is not None:
                zombies.append(entry)
    if len(seen) < len(accounts):
        # A key twice in the ledger: compare_registry reads the last account of each key.
        issues = compare_registry(accounts, seen, matches, index.filings, settings.province)
    else:
        issues += unlisted_issues(index.filings, used, index.is_cancelled)
    rectification = None
    if previous is not None:
        verdicts, rectification = rectify(verdicts, previous)
    # dict keys keep first-seen order; a list scan per account grows with the districts.
    district_order = list(dict.fromkeys(account.district for account in accounts))
    return AuditResult(
        as_of=as_of,
        province=settings.province,
        verdicts=verdicts,
        websites=list(websites),
        website_pass_line=settings.website_pass_line,
        registry_issues=issues,
        zombies=zombies,
        rectification=rectification,
        skipped_rows=list(skipped_rows),
        district_order=district_order,
        platform_health=platform_health(seen.values()),
    )


def _rows_by_account(overrides: Sequence[Override]) -> dict[tuple[str, str], list[Override]]:
    """Override rows grouped by the account they decide, in file order (``Override.matches``).

    Each account then reads its own rows instead of scanning the whole file.
    """
    rows: dict[tuple[str, str], list[Override]] = {}
    for row in overrides:
        rows.setdefault((row.platform, row.account_id), []).append(row)
    return rows


def platform_health(observations: Iterable[Observation]) -> list[PlatformHealth]:
    """Per visitable platform: accounts read, walled, faulted, unrecognized, left pending."""
    # Plain counters, models at the end: pydantic attribute writes cost ~2 µs each,
    # which a 100,000-account sweep would feel.
    counts: dict[str, Counter[str]] = {}
    supported: dict[str, bool] = {}
    for observation in observations:
        platform = observation.platform
        if platform not in supported:
            supported[platform] = is_supported(platform)
        if not supported[platform] or observation.status is Status.unsupported:
            continue
        status, failure = observation.status, observation.failure
        if status is not Status.blocked and status is not Status.error:
            outcome = "read"
        elif failure == "paused":
            outcome = "pending"
        elif failure == "unrecognized":
            outcome = "unrecognized"
        elif status is Status.blocked or failure == "wall":
            outcome = "walls"
        else:
            outcome = "faults"
        tally = counts.get(platform)
        if tally is None:
            tally = counts[platform] = Counter()
        tally[outcome] += 1
    order = {p.value: i for i, p in enumerate(Platform)}
    return [
        PlatformHealth(platform=p, accounts=sum(c.values()), **c)
        for p, c in sorted(counts.items(), key=lambda item: order.get(item[0], len(order)))
    ]
