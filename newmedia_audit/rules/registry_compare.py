"""The 备案比对 sheet: where the registry and the live accounts disagree."""

from __future__ import annotations

from collections.abc import Callable, Iterable

from ..models import UNREACHABLE_STATUSES, Account, Filing, Observation, RegistryIssue, Status
from .filing import FilingMatch

_GONE = frozenset({Status.not_found, Status.banned})
_STATUS_LABELS = {
    Status.not_found: "账号不存在或已注销",
    Status.banned: "账号已被封禁",
    Status.private: "账号设为不公开",
}


def compare_registry(
    accounts: list[Account],
    observations: dict[str, Observation],
    matches: dict[str, FilingMatch],
    filings: list[Filing],
    province: str = "湖北省",
) -> list[RegistryIssue]:
    """Unfiled accounts, name mismatches, filings whose account is gone, filings not in the ledger.

    Args:
        accounts: the ledger, in order.
        observations: keyed by ``Account.key``.
        matches: the FilingMatch of each account, keyed by ``Account.key``.
        filings: the whole registry, in order.
        province: printed in the details.

    Returns:
        Issues in ledger order (unfiled, name_mismatch, gone), then registry
        order (not_in_ledger).
    """
    issues: list[RegistryIssue] = []
    used: set[int] = set()
    for account in accounts:
        key = account.key
        match = matches[key]
        issue = account_issue(account, observations.get(key), match, province, used)
        if issue is not None:
            issues.append(issue)
    return issues + unlisted_issues(filings, used)


def account_issue(
    account: Account,
    observation: Observation | None,
    match: FilingMatch,
    province: str,
    used: set[int],
) -> RegistryIssue | None:
    """The 备案比对 line of one ledger account, or None; adds the ids of its matched filings to ``used``."""
    status = observation.status if observation else None
    if match.filing is not None:
        used.add(id(match.filing))
    if match.cancelled is not None:
        used.add(id(match.cancelled))
    if match.filing is not None and status not in _GONE and not match.name_mismatch:
        return None  # no issue: most accounts, so their columns below are not built
    base = {
        "platform": account.platform,
        "account_id": account.account_id,
        "live_name": (observation.live_name if observation else "") or account.name,
        "unit": account.unit,
        "district": account.district,
    }
    if match.filing is None:
        if status in UNREACHABLE_STATUSES:
            return None  # a gone account needs no filing
        detail = f"{province}备案库中没有该账号的有效备案"
        if match.cancelled is not None:
            detail += f"（备案 {match.cancelled.filing_no or match.cancelled.name} 已注销）"
        filed = match.cancelled.name if match.cancelled else ""
        filing_no = match.cancelled.filing_no if match.cancelled else ""
        return RegistryIssue(kind="unfiled", filed_name=filed, filing_no=filing_no, detail=detail, **base)
    filing = match.filing
    if status in _GONE:
        return RegistryIssue(
            kind="gone",
            filed_name=filing.name,
            filing_no=filing.filing_no,
            detail=f"{_STATUS_LABELS[status]}，但备案仍有效，建议办理注销备案",
            **base,
        )
    return RegistryIssue(
        kind="name_mismatch",
        filed_name=filing.name,
        filing_no=filing.filing_no,
        detail=f"账号名称「{match.compared_name}」与备案名称「{filing.name}」不一致",
        **base,
    )


def unlisted_issues(
    filings: Iterable[Filing], used: set[int], cancelled: Callable[[Filing], bool] | None = None
) -> list[RegistryIssue]:
    """not_in_ledger lines, in registry order: valid filings no ledger account matched.

    ``cancelled`` answers whether a filing is cancelled (default: ``Filing.cancelled``;
    ``FilingIndex.is_cancelled`` answers without reading the filing again).
    """
    is_cancelled = cancelled or (lambda filing: filing.cancelled)
    return [
        RegistryIssue(
            kind="not_in_ledger",
            platform=filing.platform,
            account_id=filing.account_id,
            filed_name=filing.name,
            unit=filing.unit,
            district=filing.district,
            filing_no=filing.filing_no,
            detail="备案库中有该账号，但台账未列入，请核实是否漏检",
        )
        for filing in filings
        if id(filing) not in used and not is_cancelled(filing)
    ]
