"""Which search results are candidates, and of which kind (pure).

For each distinct account (platform + id; the first query that listed it is
kept, the others counted):
1. an account of the ledger by platform + id is skipped;
2. its certification must name a government body (certify.py);
3. that body, or else the account's name, must place it in one of the
   office's regions (regions.py); a body of another place never is;
4. a ledger account of the same platform and normalized name is skipped
   (ledgers may hold a gh_ id, or a 抖音号 for a sec_uid);
5. a valid filing (registry matching as domain.md says: platform + id,
   else the name for filings without an id) makes it ``filed_not_in_ledger``;
   a valid filing of the same name but another id too, with a note to check;
   otherwise it is ``unfiled``.
Every result gets a ``why``; an exclusion is ``borderline`` when the result
looked local (a region in its name or body, or a government body elsewhere).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

from ..models import Account, Filing
from ..rules.filing import FilingIndex
from ..rules.names import normalize_name
from .certify import KIND_LABELS, Certification, Kind, certify
from .hits import SearchHit
from .lists import OrganLists
from .regions import Placement, Region, place_name, place_subject


class CandidateKind(StrEnum):
    """The two kinds of discovered.csv (issue 20)."""

    unfiled = "unfiled"
    filed_not_in_ledger = "filed_not_in_ledger"


CANDIDATE_LABELS: dict[CandidateKind, str] = {
    CandidateKind.unfiled: "疑似未备案",
    CandidateKind.filed_not_in_ledger: "已备案未纳入台账",
}

IN_LEDGER = "in_ledger"
OTHER_REGION = "other_region"
NO_REGION = "no_region"
EXCLUSION_LABELS: dict[str, str] = {
    IN_LEDGER: "已在台账",
    OTHER_REGION: "其他地区的政务账号",
    NO_REGION: "未含本地区名称",
    **{str(k): v for k, v in KIND_LABELS.items() if k is not Kind.government},
}


def _id_key(platform: str, account_id: str) -> tuple[str, str]:
    # 微信号 are case-insensitive; uids and sec_uids are compared as written.
    text = account_id.strip()
    return platform, text.casefold() if platform == "wechat" else text


@dataclass(frozen=True)
class Candidate:
    """A government account of the region that the ledger does not list."""

    hit: SearchHit
    kind: CandidateKind
    region: Region
    unit: str
    why: str
    filing: Filing | None = None
    queries: tuple[str, ...] = ()


@dataclass(frozen=True)
class Exclusion:
    """A result that is not a candidate, and why."""

    hit: SearchHit
    code: str
    why: str
    borderline: bool = False
    queries: tuple[str, ...] = ()


@dataclass
class Findings:
    """The classified results of a run."""

    candidates: list[Candidate] = field(default_factory=list)
    exclusions: list[Exclusion] = field(default_factory=list)

    def of_kind(self, kind: CandidateKind) -> list[Candidate]:
        return [c for c in self.candidates if c.kind is kind]


class LedgerIndex:
    """Ledger accounts by platform + id and by platform + normalized name."""

    def __init__(self, accounts: Iterable[Account]) -> None:
        self._by_id: dict[tuple[str, str], Account] = {}
        self._by_name: dict[tuple[str, str], Account] = {}
        for account in accounts:
            if account.account_id.strip():
                self._by_id.setdefault(_id_key(account.platform, account.account_id), account)
            self._by_name.setdefault((account.platform, normalize_name(account.name)), account)

    def by_id(self, hit: SearchHit) -> Account | None:
        """The ledger account with one of the result's ids (sec_uid, 抖音号, uid ...)."""
        for account_id in (hit.account_id, *hit.other_ids):
            found = self._by_id.get(_id_key(hit.platform, account_id))
            if found is not None:
                return found
        return None

    def by_name(self, hit: SearchHit) -> Account | None:
        return self._by_name.get((hit.platform, normalize_name(hit.name))) if hit.name else None


def _row(account: Account) -> str:
    return f"第 {account.source_row} 行" if account.source_row else "台账中"


def _filing_text(filing: Filing) -> str:
    where = f"第 {filing.source_row} 行" if filing.source_row else ""
    number = f"（编号 {filing.filing_no}）" if filing.filing_no else ""
    return f"备案库{where}「{filing.name}」{number}"


class RegistryLookup:
    """The registry, asked for a result as the sweep asks it for an account."""

    def __init__(self, filings: Iterable[Filing]) -> None:
        self.index = FilingIndex(filings)
        self._by_name: dict[tuple[str, str], list[Filing]] = {}
        for filing in self.index.filings:
            if not filing.cancelled:
                self._by_name.setdefault((filing.platform, normalize_name(filing.name)), []).append(filing)

    def find(self, hit: SearchHit) -> tuple[Filing | None, str]:
        """The valid filing of a result and how it matched, or (None, a note on a cancelled one)."""
        cancelled: Filing | None = None
        for account_id in (hit.account_id, *hit.other_ids):
            probe = Account(district="", unit="", name=hit.name, platform=hit.platform, account_id=account_id)
            match = self.index.match(probe)
            if match.filing is not None:
                how = "按账号ID" if match.filing.account_id.strip() else "按名称（备案未填账号ID）"
                return match.filing, f"{_filing_text(match.filing)}{how}匹配"
            cancelled = cancelled or match.cancelled
        same = self._by_name.get((hit.platform, normalize_name(hit.name)), []) if hit.name else []
        if same:
            filing = same[0]
            return filing, (
                f"{_filing_text(filing)}同名，但备案账号ID「{filing.account_id}」与搜索结果不同，"
                "按已备案列出，请核实是否同一账号"
            )
        note = f"（{_filing_text(cancelled)}已注销，不算备案）" if cancelled is not None else ""
        return None, note


def _placement(cert: Certification, hit: SearchHit, regions: Sequence[Region]) -> tuple[Placement, str]:
    """Where the account belongs and the sentence saying so."""
    if cert.body:
        placed = place_subject(cert.body, regions)
        if placed.region is not None:
            return placed, f"认证主体属于{placed.region.name}"
        if placed.other:
            return placed, f"认证主体「{cert.body}」属于{placed.other}，不是本地区"
    by_name = place_name(hit.name, regions)
    if by_name.region is not None:
        return (
            by_name,
            f"认证主体未写明地区，账号名称「{hit.name}」含{by_name.region.short}，按名称归属{by_name.region.name}",
        )
    if by_name.other:
        return by_name, f"账号名称「{hit.name}」属于{by_name.other}，不是本地区"
    return by_name, "认证主体和账号名称都不含本地区名称"


def _borderline(hit: SearchHit, cert: Certification, regions: Sequence[Region], lists: OrganLists) -> bool:
    """A result that is not a government body but looks like the region's government
    account: a region in its name or certification, and an organ word too (or a
    local media outlet, school or hospital: public bodies, not government ones)."""
    local = place_name(hit.name, regions).region is not None or (
        bool(cert.body) and place_subject(cert.body, regions).region is not None
    )
    text = hit.name + hit.certification
    public = cert.kind in (Kind.media, Kind.institution)
    return local and (public or any(w in text for w in (*lists.keywords, *lists.government)))


def classify(
    hits: Iterable[SearchHit],
    regions: Sequence[Region],
    lists: OrganLists,
    ledger: LedgerIndex,
    registry: RegistryLookup,
) -> Findings:
    """Candidates and exclusions of a run's results (see the module docstring), in first-seen order."""
    first: dict[tuple[str, str], SearchHit] = {}
    queries: dict[tuple[str, str], list[str]] = {}
    for hit in hits:
        key = _id_key(hit.platform, hit.account_id)
        first.setdefault(key, hit)
        seen = queries.setdefault(key, [])
        if hit.query not in seen:
            seen.append(hit.query)
    findings = Findings()
    for key, hit in first.items():
        found = queries[key]
        item = classify_one(hit, regions, lists, ledger, registry)
        if isinstance(item, Candidate):
            findings.candidates.append(replace(item, queries=tuple(found)))
        else:
            findings.exclusions.append(replace(item, queries=tuple(found)))
    return findings


def classify_one(
    hit: SearchHit,
    regions: Sequence[Region],
    lists: OrganLists,
    ledger: LedgerIndex,
    registry: RegistryLookup,
) -> Candidate | Exclusion:
    """One result's verdict (see the module docstring)."""
    known = ledger.by_id(hit)
    if known is not None:
        return Exclusion(hit, IN_LEDGER, f"已在台账（{_row(known)}「{known.name}」，账号ID相同）")
    cert = certify(hit, lists)
    if not cert.government:
        return Exclusion(hit, str(cert.kind), cert.why, borderline=_borderline(hit, cert, regions, lists))
    placed, where = _placement(cert, hit, regions)
    if placed.region is None:
        code = OTHER_REGION if placed.other else NO_REGION
        return Exclusion(hit, code, f"{cert.why}；{where}", borderline=True)
    same = ledger.by_name(hit)
    if same is not None:
        return Exclusion(
            hit,
            IN_LEDGER,
            f"台账{_row(same)}有同名账号「{same.name}」（账号ID「{same.account_id}」与搜索结果不同），"
            "按名称视为已在台账，请核实",
            borderline=True,
        )
    filing, how = registry.find(hit)
    unit = cert.body or hit.name
    if filing is not None:
        why = f"{cert.why}；{where}；台账中没有，{how}"
        return Candidate(hit, CandidateKind.filed_not_in_ledger, placed.region, unit, why, filing)
    why = f"{cert.why}；{where}；台账和备案库中都没有{how}"
    return Candidate(hit, CandidateKind.unfiled, placed.region, unit, why)
