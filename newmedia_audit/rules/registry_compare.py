"""The 备案比对 sheet: where the registry and the live accounts disagree."""

from __future__ import annotations

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
        observation = observations.get(key)
        status = observation.status if observation else None
        match = matches[key]
        if match.filing is not None:
            used.add(id(match.filing))
        if match.cancelled is not None:
            used.add(id(match.cancelled))
        if match.filing is not None and status not in _GONE and not match.name_mismatch:
            continue  # no issue: most accounts, so their columns below are not built
        base = {
            "platform": account.platform,
            "account_id": account.account_id,
            "live_name": (observation.live_name if observation else "") or account.name,
            "unit": account.unit,
            "district": account.district,
        }
        if match.filing is None:
            if status in UNREACHABLE_STATUSES:
                continue  # a gone account needs no filing
            detail = f"{province}备案库中没有该账号的有效备案"
            if match.cancelled is not None:
                detail += f"（备案 {match.cancelled.filing_no or match.cancelled.name} 已注销）"
            filed = match.cancelled.name if match.cancelled else ""
            filing_no = match.cancelled.filing_no if match.cancelled else ""
            issues.append(
                RegistryIssue(kind="unfiled", filed_name=filed, filing_no=filing_no, detail=detail, **base)
            )
            continue
        filing = match.filing
        if status in _GONE:
            issues.append(
                RegistryIssue(
                    kind="gone",
                    filed_name=filing.name,
                    filing_no=filing.filing_no,
                    detail=f"{_STATUS_LABELS[status]}，但备案仍有效，建议办理注销备案",
                    **base,
                )
            )
        elif match.name_mismatch:
            issues.append(
                RegistryIssue(
                    kind="name_mismatch",
                    filed_name=filing.name,
                    filing_no=filing.filing_no,
                    detail=f"账号名称「{match.compared_name}」与备案名称「{filing.name}」不一致",
                    **base,
                )
            )
    for filing in filings:
        if filing.cancelled or id(filing) in used:
            continue
        issues.append(
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
        )
    return issues
